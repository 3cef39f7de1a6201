"""Agreement mutators: revisions are never overwritten, and only a revision both accept is active.

Every change goes through a revision number the client names, so two offline
devices cannot silently overwrite each other: an amend or an accept that was
made against an older revision is rejected and the user reviews the new one.
"""

from __future__ import annotations

import uuid
from typing import Any

from server.agreements.schemas import (
    AcceptSchema,
    AmendSchema,
    IdSchema,
    ProposeSchema,
    RetireSchema,
)
from server.sync.models import Record
from server.sync.registry import MutationContext, Rejected, json_size, kind, mutator

KIND = "agreement"
PROPOSED = "proposed"
ACTIVE = "active"
NEEDS_REVIEW = "needs_review"
RETIRED = "retired"
# Bounds a couple never meets but that keep one agreement from growing without end. Past
# them an amend is refused (retiring and proposing anew keeps every revision readable):
# what was once agreed is never dropped. The event log only keeps its newest entries.
MAX_REVISIONS = 100
MAX_SIZE = 200_000  # characters of the agreement's JSON
MAX_EVENTS = 300
START_AFRESH = "retire it and propose a new one (this one stays readable)."


def current_revision(data: dict[str, Any]) -> int:
    """Return the number of the agreement's newest revision (0 for none)."""
    revisions = data.get("revisions") or []
    return revisions[-1]["n"] if revisions else 0


def status_of(data: dict[str, Any], members: tuple[str, str]) -> str:
    """Derive the status from the agreement's data and the two partners' ids."""
    if data.get("retired"):
        return RETIRED
    current = current_revision(data)
    if all(data["acceptances"].get(member) == current for member in members):
        return ACTIVE
    if data.get("withdrawn"):
        return NEEDS_REVIEW
    return PROPOSED


def present(record: Record) -> dict[str, Any]:
    """Add the derived status and the current revision number to a pulled agreement."""
    return {"status": record.state, "current_revision": current_revision(record.data)}


kind(KIND, present=present)


def _members(ctx: MutationContext) -> tuple[str, str]:
    partner = ctx.require_couple()
    return str(ctx.user.id), str(partner.id)


def _event(ctx: MutationContext, data: dict[str, Any], event: str, revision: int) -> None:
    data["events"].append(
        {"event": event, "by": str(ctx.user.id), "at": ctx.now.isoformat(), "revision": revision}
    )
    del data["events"][:-MAX_EVENTS]


def _changeable(ctx: MutationContext, record_id: uuid.UUID) -> Record:
    """Return an agreement the couple may still change, or reject with the reason."""
    found = ctx.find_visible(KIND, record_id)
    # An archived copy lives in a solo space: say it is archived rather than "pair first".
    if found is None or not found.archived:
        ctx.require_couple()
    record = ctx.writable(KIND, record_id)
    if record.data.get("retired"):
        raise Rejected("retired", "This agreement is retired and cannot change.")
    return record


def _require_current(record: Record, revision: int, field: str) -> int:
    current = current_revision(record.data)
    if revision != current:
        raise Rejected(
            "stale_revision",
            f"This agreement has changed: revision {current} is the current one. Review it first.",
            {field: f"Revision {current} is the current one."},
        )
    return current


def _save(ctx: MutationContext, record: Record) -> None:
    record.state = status_of(record.data, _members(ctx))
    ctx.touch(record)


@mutator("agreement.propose", ProposeSchema)
def propose(ctx: MutationContext, args: dict[str, Any]) -> None:
    """Propose a new agreement; proposing it counts as accepting its first revision."""
    members = _members(ctx)
    me = str(ctx.user.id)
    at = ctx.now.isoformat()
    review_on = args["review_on"]
    data = {
        "category": args["category"],
        "title": args["title"],
        "revisions": [
            {"n": 1, "text": args["text"], "title": args["title"], "author": me, "at": at}
        ],
        "acceptances": {me: 1},
        "review_on": review_on.isoformat() if review_on else None,
        "withdrawn": None,
        "retired": None,
        "events": [],
    }
    _event(ctx, data, "proposed", 1)
    ctx.create(KIND, args["id"], data=data, state=status_of(data, members))


@mutator("agreement.amend", AmendSchema)
def amend(ctx: MutationContext, args: dict[str, Any]) -> None:
    """Add a revision on top of the one the user saw; the partner has to accept it again."""
    record = _changeable(ctx, args["id"])
    current = _require_current(record, args["base_revision"], "base_revision")
    data = record.data
    n = current + 1
    title = args.get("title", data["title"])
    revision = {
        "n": n,
        "text": args["text"],
        "title": title,
        "author": str(ctx.user.id),
        "at": ctx.now.isoformat(),
    }
    # Checked before anything changes: the data is changed in place below.
    if len(data["revisions"]) >= MAX_REVISIONS:
        raise Rejected(
            "too_many_revisions",
            f"This agreement has {MAX_REVISIONS} revisions, as many as one can hold: "
            + START_AFRESH,
        )
    if json_size(data) + json_size(revision) >= MAX_SIZE:
        raise Rejected(
            "too_large",
            "This agreement holds as much text as one can: " + START_AFRESH,
            {"text": "The agreement is full."},
        )
    data["revisions"].append(revision)
    data["title"] = title
    if "review_on" in args:
        data["review_on"] = args["review_on"].isoformat() if args["review_on"] else None
    data["acceptances"] = {str(ctx.user.id): n}
    data["withdrawn"] = None
    _event(ctx, data, "amended", n)
    _save(ctx, record)


@mutator("agreement.accept", AcceptSchema)
def accept(ctx: MutationContext, args: dict[str, Any]) -> None:
    """Accept the current revision; once both partners have, the agreement is active."""
    record = _changeable(ctx, args["id"])
    current = _require_current(record, args["revision"], "revision")
    data = record.data
    me = str(ctx.user.id)
    if data["acceptances"].get(me) == current:
        return  # a second device accepting again changes nothing
    data["acceptances"][me] = current
    _event(ctx, data, "accepted", current)
    # Only the acceptance that completes the pair activates: pushes of a space run one at
    # a time, so two racing accepts cannot both see the other one missing.
    if status_of(data, _members(ctx)) == ACTIVE:
        data["withdrawn"] = None
        _event(ctx, data, "activated", current)
    _save(ctx, record)


@mutator("agreement.withdraw", IdSchema)
def withdraw(ctx: MutationContext, args: dict[str, Any]) -> None:
    """Take back my consent: the agreement needs reviewing together."""
    record = _changeable(ctx, args["id"])
    data = record.data
    me = str(ctx.user.id)
    current = current_revision(data)
    if data["acceptances"].get(me) != current:
        raise Rejected("not_accepted", "You have not accepted the current revision.")
    del data["acceptances"][me]
    data["withdrawn"] = {"by": me, "at": ctx.now.isoformat(), "revision": current}
    _event(ctx, data, "withdrawn", current)
    _save(ctx, record)


@mutator("agreement.retire", RetireSchema)
def retire(ctx: MutationContext, args: dict[str, Any]) -> None:
    """Retire the agreement for good, saying who, when and (if given) why; it stays readable."""
    record = _changeable(ctx, args["id"])
    data = record.data
    data["retired"] = {
        "by": str(ctx.user.id),
        "at": ctx.now.isoformat(),
        "reason": args.get("reason") or None,
    }
    _event(ctx, data, "retired", current_revision(data))
    _save(ctx, record)
