"""Repairs: the two partners' guided way back after trust was broken.

A repair names the partner who was hurt; the other one broke trust. Either may
open it (as a private draft, or shared), propose a check-in rhythm, set it aside
or reopen it; only the hurt partner says it has moved forward. What each writes
is a `repair_entry` (server/repairs/entries.py), never a field of the repair, so
that a draft stays on its author's devices and the repair itself never changes
because of one.
"""

from __future__ import annotations

import copy
import uuid
from typing import Any

from server.repairs.schemas import (
    AgreeRhythmSchema,
    IdSchema,
    MoveForwardSchema,
    OpenSchema,
    RhythmSchema,
)
from server.sharing.service import before_share
from server.sync.models import Record
from server.sync.registry import MutationContext, Rejected, kind, mutator

KIND = "repair"
OPEN = "open"
MOVED_FORWARD = "moved_forward"
SET_ASIDE = "set_aside"
# Each setting aside and reopening is told; a repair that goes round for years keeps the newest.
MAX_HISTORY = 300


def present(record: Record) -> dict[str, Any]:
    """Add the repair's state (kept in the record's state column) to its pulled value."""
    return {"state": record.state}


kind(KIND, present=present)


def changeable(ctx: MutationContext, repair_id: uuid.UUID) -> Record:
    """Return a repair the user may see and change, or reject with the reason."""
    found = ctx.find_visible(KIND, repair_id)
    # An archived copy lives in a solo space: say it is archived rather than "pair first".
    if found is None or not found.archived:
        ctx.require_couple()
    return ctx.writable(KIND, repair_id)


def is_hurt(ctx: MutationContext, repair: Record) -> bool:
    """Tell whether the user is the partner this repair says was hurt."""
    return repair.data["hurt_id"] == str(ctx.user.id)


def require_open(repair: Record) -> None:
    """Reject writing into a repair that has moved forward or been set aside."""
    if repair.state != OPEN:
        raise Rejected(
            "repair_closed",
            "This repair is not open: reopen it to write in it.",
        )


def _save(ctx: MutationContext, repair: Record, event: str, **changes: Any) -> None:
    """Write the changes and the event into a fresh copy of the repair's data.

    A fresh copy, so that a mutation rejected later in its savepoint leaves nothing
    behind in the record held in memory.
    """
    data = copy.deepcopy(repair.data)
    data.update(changes)
    data["history"].append({"event": event, "by": str(ctx.user.id), "at": ctx.now.isoformat()})
    del data["history"][:-MAX_HISTORY]
    repair.data = data
    ctx.touch(repair)


@mutator("repair.open", OpenSchema)
def open_repair(ctx: MutationContext, args: dict[str, Any]) -> None:
    """Open a repair: something hurt our trust."""
    partner = ctx.require_couple()
    hurt = ctx.user if args["hurt"] == "me" else partner
    data = {
        "title": args["title"],
        "hurt_id": str(hurt.id),
        "opened_at": ctx.now.isoformat(),
        "moved_forward_at": None,
        "set_aside_at": None,
        "rhythm": None,
        "closing_note": "",
        "kept_as": None,
        "history": [{"event": "opened", "by": str(ctx.user.id), "at": ctx.now.isoformat()}],
    }
    ctx.create(KIND, args["id"], data=data, visibility=args["visibility"], state=OPEN)


@before_share(KIND)
def _told_shared(ctx: MutationContext, repair: Record) -> None:
    """Keep in the repair's history when its author shared it."""
    _save(ctx, repair, "shared")


@mutator("repair.rhythm", RhythmSchema)
def propose_rhythm(ctx: MutationContext, args: dict[str, Any]) -> None:
    """Propose how often we check in during the repair; it replaces an earlier proposal."""
    repair = changeable(ctx, args["id"])
    require_open(repair)
    me = str(ctx.user.id)
    current = repair.data["rhythm"]
    proposal = {"daily_days": args["daily_days"], "then": args["then"]}
    if current is not None and _same(current, proposal) and me in current["agreed_by"]:
        return  # said again (a second device): nothing new to agree to
    rhythm = {**proposal, "proposed_by": me, "agreed_by": [me]}
    _save(ctx, repair, "rhythm_proposed", rhythm=rhythm)


def _same(rhythm: dict[str, Any], seen: dict[str, Any]) -> bool:
    return all(rhythm[key] == value for key, value in seen.items())


@mutator("repair.agree_rhythm", AgreeRhythmSchema)
def agree_rhythm(ctx: MutationContext, args: dict[str, Any]) -> None:
    """Agree to the rhythm my partner proposed."""
    repair = changeable(ctx, args["id"])
    require_open(repair)
    rhythm = repair.data["rhythm"]
    if rhythm is None:
        raise Rejected("no_rhythm", "No rhythm has been proposed for this repair.")
    seen = {key: args[key] for key in ("daily_days", "then") if key in args}
    if not _same(rhythm, seen):
        # Agreed to on a phone that had not seen the newer proposal: look at it first.
        raise Rejected(
            "stale_rhythm",
            "The rhythm proposed has changed since you saw it: look at the new one first.",
        )
    me = str(ctx.user.id)
    if me in rhythm["agreed_by"]:
        return  # the proposer agrees by proposing; a second device says it again
    agreed = {**rhythm, "agreed_by": [*rhythm["agreed_by"], me]}
    _save(ctx, repair, "rhythm_agreed", rhythm=agreed)


@mutator("repair.move_forward", MoveForwardSchema)
def move_forward(ctx: MutationContext, args: dict[str, Any]) -> None:
    """Say that we have moved forward (the hurt partner alone can)."""
    repair = changeable(ctx, args["id"])
    if not is_hurt(ctx, repair):
        raise Rejected("not_hurt_partner", "Only the partner who was hurt can say this.")
    note = args.get("note", repair.data["closing_note"])
    if repair.state == MOVED_FORWARD:
        if note == repair.data["closing_note"] and args["keep_as"] == repair.data["kept_as"]:
            return  # said again from a second device
        raise Rejected("wrong_state", "This repair has moved forward already.")
    repair.state = MOVED_FORWARD
    _save(
        ctx,
        repair,
        "moved_forward",
        moved_forward_at=ctx.now.isoformat(),
        closing_note=note,
        kept_as=args["keep_as"],
    )


@mutator("repair.set_aside", IdSchema)
def set_aside(ctx: MutationContext, args: dict[str, Any]) -> None:
    """Set the repair aside for now; either of us can reopen it."""
    repair = changeable(ctx, args["id"])
    if repair.state == SET_ASIDE:
        return
    if repair.state != OPEN:
        raise Rejected("wrong_state", "This repair has moved forward: reopen it first.")
    repair.state = SET_ASIDE
    _save(ctx, repair, "set_aside", set_aside_at=ctx.now.isoformat())


@mutator("repair.reopen", IdSchema)
def reopen(ctx: MutationContext, args: dict[str, Any]) -> None:
    """Open a repair set aside or moved forward again."""
    repair = changeable(ctx, args["id"])
    if repair.state == OPEN:
        return
    repair.state = OPEN
    # The closing note stays (the hurt partner's words); what to keep is chosen again.
    _save(ctx, repair, "reopened", moved_forward_at=None, set_aside_at=None, kept_as=None)
