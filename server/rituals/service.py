"""Rituals, date nights, the next visit and anniversaries: the couple's shared rhythm.

A `ritual` is the couple's (shared): a kind (check-in, call, …), days of the week
and a time, either each partner's own local time or one shared moment in one time
zone. Either partner may change, pause, resume or remove it. Marking it done for a
day is a `ritual_done` kept private to its author: nothing is ever told about a
day missed, and there is nothing to count.

A `date_night` is planned (when, what, where) and afterwards kept as a memory
(the app saves the memory with memory.save, then links it here). A `next_visit`
is the day the partners next see each other; an `anniversary` is a day the couple
chose, coming back every year, with a reminder the day before.
"""

from __future__ import annotations

import copy
import uuid
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from server.extensions import db
from server.rituals.schemas import (
    AddAnniversarySchema,
    ChangeAnniversarySchema,
    ChangePlanSchema,
    DefineSchema,
    DoneSchema,
    IdSchema,
    PlanSchema,
    RememberSchema,
    UpdateSchema,
    VisitSchema,
)
from server.sync.models import PRIVATE, Record
from server.sync.registry import MutationContext, Rejected, kind, mutator

RITUAL = "ritual"
DONE = "ritual_done"
DATE_NIGHT = "date_night"
VISIT = "next_visit"
ANNIVERSARY = "anniversary"
ACTIVE = "active"
PAUSED = "paused"
PLANNED = "planned"
REMEMBERED = "remembered"
# Dates further than this are a typing slip, not a plan.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2200
# A day may be marked done up to a week late.
DONE_LATE_DAYS = 7


def _present_state(record: Record) -> dict[str, Any]:
    return {"state": record.state}


kind(RITUAL, present=_present_state)
kind(DONE)
kind(DATE_NIGHT, present=_present_state)
kind(VISIT)
kind(ANNIVERSARY)


def _couple_record(ctx: MutationContext, kind_name: str, record_id: uuid.UUID) -> Record:
    ctx.require_couple()
    return ctx.writable(kind_name, record_id)


def _save(ctx: MutationContext, record: Record, **changes: Any) -> None:
    """Write changes into a fresh copy of the data (a later rejection leaves nothing behind)."""
    data = copy.deepcopy(record.data)
    data.update(changes)
    record.data = data
    ctx.touch(record)


def _change(ctx: MutationContext, record: Record, changes: dict[str, Any]) -> None:
    """Save the changes, unless the record holds them already (said again from a second device)."""
    if all(record.data.get(key) == value for key, value in changes.items()):
        return
    _save(ctx, record, **changes)


def _fields(args: dict[str, Any], dated: str, plain: tuple[str, ...]) -> dict[str, Any]:
    """Return the fields sent among `dated` (a date, checked, in ISO form) and `plain` ones."""
    out: dict[str, Any] = {}
    if dated in args:
        _check_year(args[dated], dated)
        out[dated] = args[dated].isoformat()
    for key in plain:
        if key in args:
            out[key] = args[key]
    return out


def _check_year(value: date | datetime, field: str) -> None:
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise Rejected(
            "invalid",
            "Some fields are not valid.",
            {field: f"Choose a date between {EARLIEST_YEAR} and {LATEST_YEAR}."},
        )


# Rituals


def _ritual_fields(args: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in ("type", "name", "timing", "zone"):
        if key in args:
            out[key] = args[key]
    if "days" in args:
        out["days"] = sorted(args["days"])
    if "time" in args:
        out["time"] = args["time"].strftime("%H:%M")
    return out


@mutator("ritual.define", DefineSchema)
def define(ctx: MutationContext, args: dict[str, Any]) -> None:
    """Define a ritual of ours: what, which days, at what time."""
    ctx.require_couple()
    data = {
        "type": args["type"],
        "name": args.get("name", ""),
        "days": [],
        "time": "",
        "timing": args["timing"],
        "zone": args.get("zone") or ctx.user.time_zone,
        # Reminders are for moments from here on, never for one already past.
        "active_since": ctx.now.isoformat(),
    }
    data.update(_ritual_fields(args))
    ctx.create(RITUAL, args["id"], data=data, state=ACTIVE)


@mutator("ritual.update", UpdateSchema)
def update(ctx: MutationContext, args: dict[str, Any]) -> None:
    """Change a ritual's kind, name, days, time or timing."""
    ritual = _couple_record(ctx, RITUAL, args["id"])
    changes = _ritual_fields(args)
    kind_after = changes.get("type", ritual.data["type"])
    name_after = changes.get("name", ritual.data.get("name", ""))
    if kind_after == "own" and not name_after:
        raise Rejected(
            "invalid", "Some fields are not valid.", {"name": "Give your ritual a name."}
        )
    if all(ritual.data.get(key) == value for key, value in changes.items()):
        return  # said again from a second device
    if "time" in changes or "days" in changes or "timing" in changes or "zone" in changes:
        changes["active_since"] = ctx.now.isoformat()
    _save(ctx, ritual, **changes)


@mutator("ritual.pause", IdSchema)
def pause(ctx: MutationContext, args: dict[str, Any]) -> None:
    """Pause a ritual: no reminders until it is resumed."""
    ritual = _couple_record(ctx, RITUAL, args["id"])
    if ritual.state == PAUSED:
        return
    ritual.state = PAUSED
    ctx.touch(ritual)


@mutator("ritual.resume", IdSchema)
def resume(ctx: MutationContext, args: dict[str, Any]) -> None:
    """Take a paused ritual up again."""
    ritual = _couple_record(ctx, RITUAL, args["id"])
    if ritual.state == ACTIVE:
        return
    ritual.state = ACTIVE
    _save(ctx, ritual, active_since=ctx.now.isoformat())


@mutator("ritual.remove", IdSchema)
def remove(ctx: MutationContext, args: dict[str, Any]) -> None:
    """Remove a ritual for good."""
    ritual = _couple_record(ctx, RITUAL, args["id"])
    ctx.bury(ritual)


def marks_of(user_id: uuid.UUID, space_id: uuid.UUID, days: list[date]) -> set[tuple[str, date]]:
    """Return (ritual id, day) of the user's own done marks on these days."""
    rows = db.session.execute(
        select(Record.data, Record.due_on).where(
            Record.space_id == space_id,
            Record.kind == DONE,
            Record.author_id == user_id,
            Record.tombstone.is_(False),
            Record.due_on.in_(days),
        )
    ).all()
    return {(data.get("ritual_id"), day) for data, day in rows}


@mutator("ritual.done", DoneSchema)
def mark_done(ctx: MutationContext, args: dict[str, Any]) -> None:
    """Mark a ritual done for one of my days: only I ever see it."""
    ctx.require_couple()
    ritual = ctx.get(RITUAL, args["ritual_id"])
    day, today = args["day"], ctx.today()
    if day > today + timedelta(days=1) or day < today - timedelta(days=DONE_LATE_DAYS):
        raise Rejected(
            "invalid",
            "Some fields are not valid.",
            {"day": f"Mark a day from the last {DONE_LATE_DAYS} days."},
        )
    if (str(ritual.id), day) in marks_of(ctx.user.id, ctx.space.id, [day]):
        return  # marked already (another device): one mark a day is enough
    ctx.create(
        DONE,
        args["id"],
        data={"ritual_id": str(ritual.id), "day": day.isoformat()},
        visibility=PRIVATE,
        due_on=day,
    )


@mutator("ritual.undone", IdSchema)
def unmark_done(ctx: MutationContext, args: dict[str, Any]) -> None:
    """Take a done mark back."""
    mark = ctx.find_visible(DONE, args["id"])
    if mark is None or mark.tombstone:
        raise Rejected("not_found", "No such mark.")
    if mark.author_id != ctx.user.id:
        raise Rejected("not_found", "No such mark.")
    ctx.bury(mark)


# Date nights


@mutator("date_night.plan", PlanSchema)
def plan(ctx: MutationContext, args: dict[str, Any]) -> None:
    """Plan a date night: when, what, where."""
    ctx.require_couple()
    data = {"at": "", "what": "", "place": "", "memory_id": None}
    data.update(_fields(args, "at", ("what", "place")))
    ctx.create(DATE_NIGHT, args["id"], data=data, state=PLANNED)


@mutator("date_night.update", ChangePlanSchema)
def change_plan(ctx: MutationContext, args: dict[str, Any]) -> None:
    """Change a date night's time, what or where."""
    night = _couple_record(ctx, DATE_NIGHT, args["id"])
    _change(ctx, night, _fields(args, "at", ("what", "place")))


@mutator("date_night.cancel", IdSchema)
def cancel(ctx: MutationContext, args: dict[str, Any]) -> None:
    """Call a planned date night off."""
    night = _couple_record(ctx, DATE_NIGHT, args["id"])
    ctx.bury(night)


@mutator("date_night.remember", RememberSchema)
def remember(ctx: MutationContext, args: dict[str, Any]) -> None:
    """Link the memory saved from a date night that has happened."""
    night = _couple_record(ctx, DATE_NIGHT, args["id"])
    memory_id = str(args["memory_id"])
    if night.data.get("memory_id") == memory_id:
        return
    if night.state == REMEMBERED:
        raise Rejected("remembered", "This date night is a memory already.")
    if datetime.fromisoformat(night.data["at"]) > ctx.now:
        raise Rejected("not_yet", "This date night has not happened yet.")
    ctx.get("memory", args["memory_id"])
    night.state = REMEMBERED
    _save(ctx, night, memory_id=memory_id)


# Next visit and anniversaries


@mutator("visit.set", VisitSchema)
def set_visit(ctx: MutationContext, args: dict[str, Any]) -> None:
    """Say when (and where) we next see each other; the same id changes it."""
    ctx.require_couple()
    _check_year(args["on"], "on")
    if args["on"] < ctx.today() - timedelta(days=1):
        raise Rejected(
            "invalid", "Some fields are not valid.", {"on": "Choose today or a day to come."}
        )
    data = {"on": args["on"].isoformat(), "place": args["place"]}
    found = ctx.find(VISIT, args["id"])
    if found is None:
        ctx.create(VISIT, args["id"], data=data, due_on=args["on"])
        return
    visit = _couple_record(ctx, VISIT, args["id"])
    if visit.data == data:
        return
    visit.due_on = args["on"]
    _save(ctx, visit, **data)


@mutator("visit.clear", IdSchema)
def clear_visit(ctx: MutationContext, args: dict[str, Any]) -> None:
    """Take the next visit away (it happened, or the plan changed)."""
    ctx.bury(_couple_record(ctx, VISIT, args["id"]))


@mutator("anniversary.add", AddAnniversarySchema)
def add_anniversary(ctx: MutationContext, args: dict[str, Any]) -> None:
    """Add a day we want to remember every year."""
    ctx.require_couple()
    data = {"title": "", "on": "", "remind": True}
    data.update(_fields(args, "on", ("title", "remind")))
    ctx.create(ANNIVERSARY, args["id"], data=data)


@mutator("anniversary.update", ChangeAnniversarySchema)
def change_anniversary(ctx: MutationContext, args: dict[str, Any]) -> None:
    """Change an anniversary's name, day or reminder."""
    day = _couple_record(ctx, ANNIVERSARY, args["id"])
    _change(ctx, day, _fields(args, "on", ("title", "remind")))


@mutator("anniversary.remove", IdSchema)
def remove_anniversary(ctx: MutationContext, args: dict[str, Any]) -> None:
    """Remove an anniversary."""
    ctx.bury(_couple_record(ctx, ANNIVERSARY, args["id"]))
