"""Repair entries: one piece of writing in a repair, by its author alone.

An entry is a draft (private: it never leaves its author's devices) until its
author shares it. Each step belongs to one of the partners: the hurt partner
acknowledges, confirms being heard and answers the apology; the partner who
broke trust reflects back and apologises; either adds words to a rhythm. A
shared entry can still be edited; what it said before is kept in `revisions`.
"""

from __future__ import annotations

import copy
import uuid
from typing import Any

from server.repairs import service as repairs
from server.repairs.schemas import PARTS, WriteSchema
from server.sharing.service import before_share
from server.sync.models import PRIVATE, SHARED, Record
from server.sync.registry import (
    MutationContext,
    Rejected,
    json_size,
    keep_shared,
    kind,
    mutator,
)

KIND = "repair_entry"
HURT_STEPS = {"acknowledge", "confirm", "answer"}
BROKE_TRUST_STEPS = {"reflect", "apology"}
# Earlier wordings kept: the newest 50, and no more characters than a few long apologies.
MAX_REVISIONS = 50
MAX_REVISIONS_CHARS = 100_000

kind(KIND)


def _require_step(ctx: MutationContext, repair: Record, step: str) -> None:
    hurt = repairs.is_hurt(ctx, repair)
    if (step in HURT_STEPS and not hurt) or (step in BROKE_TRUST_STEPS and hurt):
        whose = "the partner who was hurt" if step in HURT_STEPS else "the partner who broke trust"
        raise Rejected("not_your_step", f"This step is for {whose} to write.")


def _repair_of(ctx: MutationContext, entry: Record) -> Record:
    """Return the open repair an entry belongs to, or reject with the reason."""
    repair = repairs.changeable(ctx, _repair_id(entry))
    repairs.require_open(repair)
    return repair


def _keep_revision(data: dict[str, Any], at: str) -> None:
    """Keep the parts being replaced; drop the oldest beyond the count and the size."""
    revisions = data["revisions"]
    revisions.append({"parts": data["parts"], "at": at})
    del revisions[:-MAX_REVISIONS]
    sizes = [json_size(revision) for revision in revisions]
    total, dropped = sum(sizes), 0
    while total > MAX_REVISIONS_CHARS and dropped < len(revisions) - 1:
        total -= sizes[dropped]
        dropped += 1
    del revisions[:dropped]


def _filled(step: str, parts: dict[str, str]) -> dict[str, str]:
    """Every part of the step, empty where nothing was written."""
    return {name: parts.get(name, "") for name in PARTS[step]}


@mutator("repair.write", WriteSchema)
def write(ctx: MutationContext, args: dict[str, Any]) -> None:
    """Write my entry in a repair, or rewrite it."""
    found = ctx.find_visible(KIND, args["id"])
    # An entry the user may not see is no entry to them: answered as for a new one.
    if found is None:
        _create(ctx, args)
        return
    entry = ctx.writable(KIND, args["id"])
    if entry.author_id != ctx.user.id:
        raise Rejected("not_author", "Only who wrote these words can change them.")
    if args["repair_id"] != _repair_id(entry):
        raise Rejected(
            "invalid", "This entry belongs to another repair.", {"repair_id": "Not its repair."}
        )
    if args["step"] != entry.data["step"]:
        raise Rejected("invalid", "An entry keeps its step.", {"step": "Not its step."})
    repair = _repair_of(ctx, entry)
    visibility = args.get("visibility", entry.visibility)
    keep_shared(entry, visibility, "Your partner has read these words already: they stay shared.")
    if visibility == SHARED and repair.visibility != SHARED:
        raise _repair_private()
    parts = _filled(entry.data["step"], args["parts"])
    if parts == entry.data["parts"] and visibility == entry.visibility:
        return
    data = copy.deepcopy(entry.data)
    if entry.visibility == SHARED and parts != data["parts"]:
        # Only words the partner could read are kept: a draft's earlier wordings are its own.
        _keep_revision(data, ctx.now.isoformat())
    data["parts"] = parts
    entry.data = data
    entry.visibility = visibility
    ctx.touch(entry)


def _repair_id(entry: Record) -> uuid.UUID:
    return uuid.UUID(entry.data["repair_id"])


def _repair_private() -> Rejected:
    return Rejected(
        "repair_private",
        "This repair is still a draft: share it before sharing what you wrote in it.",
        {"visibility": "Share the repair first."},
    )


def _create(ctx: MutationContext, args: dict[str, Any]) -> None:
    repair = repairs.changeable(ctx, args["repair_id"])
    repairs.require_open(repair)
    _require_step(ctx, repair, args["step"])
    visibility = args.get("visibility", PRIVATE)
    if visibility == SHARED and repair.visibility != SHARED:
        raise _repair_private()
    data = {
        "repair_id": str(repair.id),
        "step": args["step"],
        "parts": _filled(args["step"], args["parts"]),
        "revisions": [],
    }
    ctx.create(KIND, args["id"], data=data, visibility=visibility)


@before_share(KIND)
def _shareable(ctx: MutationContext, entry: Record) -> None:
    """An entry is shared only into an open repair the partner can read."""
    repair = _repair_of(ctx, entry)
    if repair.visibility != SHARED:
        raise _repair_private()
