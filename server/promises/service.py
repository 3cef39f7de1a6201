"""Promise mutators, the missed-promise check and each partner's track record.

The promiser marks a promise done, the partner confirms it kept or releases it;
a promise still open after its due date (in the promiser's time zone) is missed
unless the promiser renegotiates it first.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, text

from server.db import utcnow
from server.extensions import db
from server.promises.schemas import IdSchema, MakeSchema, UpdateSchema
from server.repairs import service as repairs
from server.spaces.members import partner_of
from server.sync.models import OPEN_PROMISE, SHARED, Record
from server.sync.registry import (
    MutationContext,
    Rejected,
    before_push,
    kind,
    mutator,
    records_of,
)

if TYPE_CHECKING:
    from server.accounts.models import User

KIND = "promise"
OPEN = "open"
DONE = "done"
KEPT = "kept"
MISSED = "missed"
RELEASED = "released"
TRACK_RECORD_DAYS = 90
# Rewordings and new dates a promise may go through: its history stays small.
MAX_HISTORY = 100
# No time zone is further ahead of UTC than this (Pacific/Kiritimati).
MAX_UTC_OFFSET = timedelta(hours=14)


def present(record: Record) -> dict[str, Any]:
    """Add the promise's state, due date and promiser to its pulled value."""
    return {
        "state": record.state,
        "due_on": record.due_on.isoformat() if record.due_on else None,
        "promiser": record.data.get("promiser"),
    }


kind(KIND, present=present)


def _entry(event: str, by: str | None, at: datetime, **extra: str | None) -> dict[str, Any]:
    return {"event": event, "by": by, "at": at.isoformat(), **extra}


def _history(record: Record, event: str, by: str | None, at: datetime, **extra: str | None) -> None:
    record.data["history"].append(_entry(event, by, at, **extra))


def _changeable(ctx: MutationContext, record_id: uuid.UUID) -> Record:
    """Return a promise the couple may still change, or reject with the reason."""
    found = ctx.find_visible(KIND, record_id)
    # An archived copy lives in a solo space: say it is archived rather than "pair first".
    if found is None or not found.archived:
        ctx.require_couple()
    return ctx.writable(KIND, record_id)


def _as_promiser(ctx: MutationContext, record_id: uuid.UUID) -> Record:
    record = _changeable(ctx, record_id)
    if record.data["promiser"] != str(ctx.user.id):
        raise Rejected("not_promiser", "Only who made the promise can do this.")
    return record


def _as_partner(ctx: MutationContext, record_id: uuid.UUID) -> Record:
    record = _changeable(ctx, record_id)
    if record.data["promiser"] == str(ctx.user.id):
        raise Rejected("not_partner", "Only your partner can do this with your promise.")
    return record


def _require_state(record: Record, allowed: tuple[str, ...], message: str) -> None:
    if record.state not in allowed:
        raise Rejected("wrong_state", message)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _linkable_repair(ctx: MutationContext, repair_id: uuid.UUID) -> Record:
    """Return the repair a new promise may be a step of, or reject with the reason."""
    repair = ctx.find_visible(repairs.KIND, repair_id)
    if repair is None or repair.tombstone:
        raise Rejected("not_found", "No such repair.", {"repair_id": "No such repair."})
    if repair.archived:
        raise Rejected("archived", "This repair is an archived copy and cannot change.")
    if repair.visibility != SHARED:
        # The promise is shared: naming a draft would tell the partner that it exists.
        raise Rejected(
            "repair_private",
            "This repair is still a draft: share it before making promises in it.",
            {"repair_id": "Share the repair first."},
        )
    repairs.require_open(repair)
    return repair


@mutator("promise.make", MakeSchema)
def make(ctx: MutationContext, args: dict[str, Any]) -> None:
    """Make a promise to my partner."""
    ctx.require_couple()
    me = str(ctx.user.id)
    data = {
        "text": args["text"],
        "promiser": me,
        "history": [_entry("made", me, ctx.now, to=_iso(args["due_on"]))],
    }
    if "repair_id" in args:
        data["repair_id"] = str(_linkable_repair(ctx, args["repair_id"]).id)
    ctx.create(KIND, args["id"], data=data, state=OPEN, due_on=args["due_on"])


@mutator("promise.update", UpdateSchema)
def update(ctx: MutationContext, args: dict[str, Any]) -> None:
    """Reword my promise or renegotiate its due date (which can reopen a missed one)."""
    record = _as_promiser(ctx, args["id"])
    _require_state(record, (OPEN, MISSED), "This promise is settled and cannot change.")
    rewords = "text" in args and args["text"] != record.data["text"]
    redates = "due_on" in args and args["due_on"] != record.due_on
    if (rewords or redates) and len(record.data["history"]) >= MAX_HISTORY:
        raise Rejected(
            "too_many_changes",
            "This promise has been changed as often as one promise can be: "
            "make a new promise instead.",
        )
    me = str(ctx.user.id)
    changed = False
    if rewords:
        record.data["text"] = args["text"]
        _history(record, "updated", me, ctx.now)
        changed = True
    if redates:
        new_due: date | None = args["due_on"]
        _history(
            record,
            "renegotiated",
            me,
            ctx.now,
            **{"from": _iso(record.due_on), "to": _iso(new_due)},
        )
        record.due_on = new_due
        if record.state == MISSED and (new_due is None or new_due >= ctx.today(ctx.user)):
            record.state = OPEN
        changed = True
    if changed:
        ctx.touch(record)


@mutator("promise.done", IdSchema)
def done(ctx: MutationContext, args: dict[str, Any]) -> None:
    """Mark my promise done (late is still done); my partner then confirms it."""
    record = _as_promiser(ctx, args["id"])
    if record.state == DONE:
        return  # a second device saying so again changes nothing
    _require_state(record, (OPEN, MISSED), "This promise is settled already.")
    record.state = DONE
    _history(record, "done", str(ctx.user.id), ctx.now)
    ctx.touch(record)


@mutator("promise.confirm", IdSchema)
def confirm(ctx: MutationContext, args: dict[str, Any]) -> None:
    """Confirm that my partner kept their promise."""
    record = _as_partner(ctx, args["id"])
    if record.state == KEPT:
        return
    _require_state(record, (DONE,), "Your partner has not marked this promise done.")
    record.state = KEPT
    _history(record, "kept", str(ctx.user.id), ctx.now)
    ctx.touch(record)


@mutator("promise.release", IdSchema)
def release(ctx: MutationContext, args: dict[str, Any]) -> None:
    """Release my partner from their promise."""
    record = _as_partner(ctx, args["id"])
    if record.state == RELEASED:
        return
    _require_state(record, (OPEN, DONE, MISSED), "This promise is settled already.")
    record.state = RELEASED
    _history(record, "released", str(ctx.user.id), ctx.now)
    ctx.touch(record)


def _promiser(ctx: MutationContext, promiser_id: str) -> User | None:
    from server.accounts.models import User

    for user in (ctx.user, ctx.partner):
        if user is not None and str(user.id) == promiser_id:
            return user
    return db.session.get(User, uuid.UUID(promiser_id))


@before_push
def mark_missed(ctx: MutationContext) -> None:
    """Turn the space's open promises whose due date has passed for their promiser missed."""
    # Nothing due on or after the date furthest ahead on earth is late anywhere yet;
    # the exact day depends on each promiser's time zone, checked below.
    latest_today = (ctx.now + MAX_UTC_OFFSET).date()
    candidates = db.session.scalars(
        select(Record).where(
            Record.space_id == ctx.space.id,
            text(OPEN_PROMISE),
            Record.tombstone.is_(False),
            Record.archived.is_(False),
            Record.due_on.is_not(None),
            Record.due_on < latest_today,
        )
    ).all()
    for record in candidates:
        promiser = _promiser(ctx, record.data["promiser"])
        if promiser is None or record.due_on >= ctx.today(promiser):
            continue
        record.state = MISSED
        # Nobody did this: the date passed.
        _history(record, "missed", None, ctx.now)
        ctx.touch(record)


def _settled_at(record: Record) -> datetime | None:
    """Return when the promise reached its current state."""
    for entry in reversed(record.data.get("history", [])):
        if entry["event"] == record.state:
            return datetime.fromisoformat(entry["at"])
    return None


def track_record(user: User) -> dict[str, list[dict[str, Any]]]:
    """Count each partner's promises kept and missed in the last 90 days of the user's space."""
    people = [user]
    partner = partner_of(user)
    if partner is not None:
        people.append(partner)
    since = utcnow() - timedelta(days=TRACK_RECORD_DAYS)
    counts = {str(person.id): {KEPT: 0, MISSED: 0} for person in people}
    # Only shared promises count, so both partners see the same numbers; the promiser is
    # always the author, and a promise settled since `since` was updated since then.
    rows = db.session.scalars(
        records_of(user.space_id, KIND).where(
            Record.visibility == SHARED,
            Record.state.in_((KEPT, MISSED)),
            Record.author_id.in_([person.id for person in people]),
            Record.updated_at >= since,
        )
    ).all()
    for record in rows:
        tally = counts.get(record.data.get("promiser"))
        settled = _settled_at(record)
        if tally is not None and settled is not None and settled >= since:
            tally[record.state] += 1
    result = []
    for person in people:
        kept, missed = counts[str(person.id)][KEPT], counts[str(person.id)][MISSED]
        result.append(
            {
                "user_id": person.id,
                "display_name": person.display_name,
                "kept": kept,
                "missed": missed,
                "ratio": kept / (kept + missed) if kept + missed else None,
            }
        )
    return {"people": result}
