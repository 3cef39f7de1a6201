"""Check-in mutators: the author saves and deletes, only the partner acknowledges."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from server.checkins.schemas import AckSchema, IdSchema, SaveSchema
from server.sync.registry import MutationContext, Rejected, kind, mutator

KIND = "checkin"
FIELDS = ("day", "mood", "trust", "feelings", "need", "gratitude", "note")
EARLIEST_DAY = date(2000, 1, 1)


def checkin_id(space_id: uuid.UUID, author_id: uuid.UUID, day: date) -> uuid.UUID:
    """The one id of an author's check-in of a day: two offline devices agree on it."""
    return uuid.uuid5(space_id, f"{author_id}:{day.isoformat()}")


def _rekey(record, space_id: uuid.UUID) -> uuid.UUID:
    return checkin_id(space_id, record.author_id, date.fromisoformat(record.data["day"]))


kind(KIND, rekey=_rekey)


def _someone_elses(ctx: MutationContext, sent_id: uuid.UUID, day: date) -> bool:
    """Tell whether the id sent names a check-in of someone else's, as far as the user may know.

    The partner's id for that day is refused whether or not the partner checked in (ids
    are computable, so the answer must not tell whether a private check-in exists); any
    other id is the user's own from another space, unless it is a check-in they can see.
    """
    partner = ctx.partner
    if partner is not None and sent_id == checkin_id(ctx.space.id, partner.id, day):
        return True
    sent = ctx.find_visible(KIND, sent_id)
    return sent is not None and sent.author_id != ctx.user.id


def _derived_ids(ctx: MutationContext, args: dict[str, Any]) -> list[uuid.UUID]:
    """The id the check-in of the day sent takes (the prefetch's guess: args are unchecked)."""
    try:
        day = date.fromisoformat(args["day"])
    except (KeyError, TypeError, ValueError):
        return []
    return [checkin_id(ctx.space.id, ctx.user.id, day)]


@mutator("checkin.save", SaveSchema, ids=_derived_ids)
def save(ctx: MutationContext, args: dict[str, Any]) -> None:
    """Create or replace my check-in of that day."""
    day: date = args["day"]
    # A day later than tomorrow cannot be anybody's today; a day from long ago is a typo.
    if day > ctx.today() + timedelta(days=1) or day < EARLIEST_DAY:
        raise Rejected("invalid", "That day is not possible.", {"day": "Not a possible day."})
    # The id follows from space, author and day, whatever the client computed (its space
    # may have changed since it went offline).
    record_id = checkin_id(ctx.space.id, ctx.user.id, day)
    if args["id"] != record_id and _someone_elses(ctx, args["id"], day):
        raise Rejected("not_author", "Only the author can edit a check-in.")
    data = {name: args[name] for name in FIELDS}
    data["day"] = day.isoformat()
    record = ctx.find(KIND, record_id)
    if record is None:
        ctx.create(
            KIND,
            record_id,
            data={**data, "ack": None},
            visibility=args["visibility"],
            derived_id=True,
        )
        return
    if record.archived:
        raise Rejected("archived", "This is an archived copy and cannot change.")
    ack = None if record.tombstone else record.data.get("ack")
    record.tombstone = False
    record.deleted_at = None
    record.data = {**data, "ack": ack}
    record.visibility = args["visibility"]
    ctx.touch(record)


@mutator("checkin.ack", AckSchema)
def ack(ctx: MutationContext, args: dict[str, Any]) -> None:
    """React and reply to my partner's check-in."""
    ctx.require_couple()
    record = ctx.writable(KIND, args["id"])
    if record.author_id == ctx.user.id:
        raise Rejected("not_allowed", "Only your partner can acknowledge your check-in.")
    record.data["ack"] = {
        "reaction": args["reaction"],
        "reply": args["reply"],
        "by": str(ctx.user.id),
        "at": ctx.now.isoformat(),
    }
    ctx.touch(record)


@mutator("checkin.delete", IdSchema)
def delete(ctx: MutationContext, args: dict[str, Any]) -> None:
    """Delete my check-in for good."""
    record = ctx.get(KIND, args["id"], allow_tombstone=True)
    if record.author_id != ctx.user.id:
        raise Rejected("not_allowed", "Only the author can delete a check-in.")
    if record.archived:
        raise Rejected("archived", "This is an archived copy and cannot change.")
    if not record.tombstone:
        ctx.bury(record)
