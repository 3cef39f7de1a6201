"""The weekly state of us: each partner's notes of a week, and the one thing talked about.

A week is the week of the couple's day (server/questions/bank.py `couple_day`), Monday
first, named by its Monday. Everything in it is its writer's own record, so that a draft
stays on its author's devices and each keeps their own words after unpairing:

- `weekly_note`: my appreciations, what went well, and what my partner could do to make
  me feel loved this week. One per person and week; a private draft until shared.
- `weekly_topic`: the one thing to talk about, raised (shared) by the partner who speaks.
  One per couple and week: whoever raises it first is the speaker.
- `weekly_reply`: the listener's summary of what they heard, then their answer. The
  answer waits for the summary; the speaker may say the summary heard them.

The notes', topics' and replies' ids follow from the space, the week (and the author, for
notes), so that two offline phones converge on the same records.
"""

from __future__ import annotations

import copy
import uuid
from datetime import date, timedelta
from typing import Any

from server.questions.bank import couple_day
from server.sync.models import PRIVATE, SHARED, Record
from server.sync.registry import MutationContext, Rejected, keep_shared, kind, mutator
from server.weekly.schemas import (
    AnswerSchema,
    ConfirmSchema,
    RaiseSchema,
    SummariseSchema,
    WriteSchema,
)

NOTE = "weekly_note"
TOPIC = "weekly_topic"
REPLY = "weekly_reply"
EARLIEST_WEEK = date(2000, 1, 3)

kind(NOTE)
kind(TOPIC)
kind(REPLY)


def week_of(day: date) -> date:
    """The Monday of the week a day is in."""
    return day - timedelta(days=day.weekday())


def note_id(space_id: uuid.UUID, author_id: uuid.UUID, week: date) -> uuid.UUID:
    return uuid.uuid5(space_id, f"weekly-note:{author_id}:{week.isoformat()}")


def topic_id(space_id: uuid.UUID, week: date) -> uuid.UUID:
    return uuid.uuid5(space_id, f"weekly-topic:{week.isoformat()}")


def reply_id(space_id: uuid.UUID, week: date) -> uuid.UUID:
    return uuid.uuid5(space_id, f"weekly-reply:{week.isoformat()}")


def _week(ctx: MutationContext, week: date) -> date:
    """Return the week sent, or reject one that is not a week of ours yet."""
    partner = ctx.require_couple()
    if week.weekday() != 0:
        raise Rejected("invalid", "A week is named by its Monday.", {"week": "Not a Monday."})
    # Tomorrow allows for a clock a little fast at midnight on a Sunday.
    today = couple_day([ctx.user.time_zone, partner.time_zone], ctx.now)
    if week > week_of(today + timedelta(days=1)) or week < EARLIEST_WEEK:
        raise Rejected("invalid", "That week is not possible.", {"week": "Not a possible week."})
    return week


def _live(record: Record | None) -> Record | None:
    return record if record is not None and not record.tombstone else None


def _save(ctx: MutationContext, record: Record, **changes: Any) -> None:
    """Write the changes into a fresh copy of the data (nothing half-done stays in memory)."""
    data = copy.deepcopy(record.data)
    if all(data.get(key) == value for key, value in changes.items()):
        return
    data.update(changes)
    record.data = data
    ctx.touch(record)


@mutator("weekly.write", WriteSchema)
def write(ctx: MutationContext, args: dict[str, Any]) -> None:
    """Write or rewrite my notes of a week; share them when I am ready."""
    week = _week(ctx, args["week"])
    record_id = note_id(ctx.space.id, ctx.user.id, week)
    partner = ctx.require_couple()
    # The partner's id is refused whether or not they wrote: ids are computable, and the
    # answer must not tell whether a draft exists.
    if args["id"] != record_id and (
        args["id"] == note_id(ctx.space.id, partner.id, week)
        or ctx.find_visible(NOTE, args["id"]) is not None
    ):
        raise Rejected("not_author", "Only who wrote these notes can change them.")
    fields = {
        "week": week.isoformat(),
        "appreciations": args["appreciations"],
        "went_well": args["went_well"],
        "loved": args["loved"],
    }
    note = _live(ctx.find(NOTE, record_id))
    if note is None:
        ctx.create(
            NOTE,
            record_id,
            data=fields,
            visibility=args.get("visibility", PRIVATE),
            derived_id=True,
        )
        return
    visibility = args.get("visibility", note.visibility)
    keep_shared(note, visibility, "Your partner has read these notes already: they stay shared.")
    if visibility != note.visibility:
        note.visibility = visibility
        ctx.touch(note)
    _save(ctx, note, **fields)


def _topic(ctx: MutationContext, week: date) -> Record | None:
    """The couple's topic of the week, if one was raised (it is always shared)."""
    found = _live(ctx.find(TOPIC, topic_id(ctx.space.id, week)))
    return found if found is not None and found.visibility == SHARED else None


def _reply(ctx: MutationContext, week: date) -> Record | None:
    found = _live(ctx.find(REPLY, reply_id(ctx.space.id, week)))
    return found if found is not None and found.visibility == SHARED else None


def _as_listener(ctx: MutationContext, week: date) -> Record:
    """Return the week's topic if the user is the one listening, or reject with the reason."""
    topic = _topic(ctx, week)
    if topic is None:
        raise Rejected("no_topic", "Nothing has been raised to talk about this week.")
    if topic.author_id == ctx.user.id:
        raise Rejected(
            "not_listener", "You raised this: your partner summarises what they heard and answers."
        )
    return topic


@mutator("weekly.raise", RaiseSchema)
def raise_topic(ctx: MutationContext, args: dict[str, Any]) -> None:
    """Raise the one thing to talk about this week (I speak first), or reword it."""
    week = _week(ctx, args["week"])
    topic = _topic(ctx, week)
    if topic is None:
        fields = {"week": week.isoformat(), "text": args["text"], "heard": None}
        ctx.create(TOPIC, topic_id(ctx.space.id, week), data=fields, derived_id=True)
        return
    if topic.author_id != ctx.user.id:
        raise Rejected(
            "topic_raised",
            "Your partner has raised this week's one thing to talk about: listen first.",
        )
    reply = _reply(ctx, week)
    if topic.data["text"] != args["text"] and reply is not None and reply.data["summary"]:
        raise Rejected(
            "summarised",
            "Your partner has summarised what they heard already: say more in next week's talk.",
        )
    _save(ctx, topic, text=args["text"])


@mutator("weekly.summarise", SummariseSchema)
def summarise(ctx: MutationContext, args: dict[str, Any]) -> None:
    """Say back what I heard my partner say, before I answer."""
    week = _week(ctx, args["week"])
    topic = _as_listener(ctx, week)
    reply = _reply(ctx, week)
    if reply is None:
        fields = {"week": week.isoformat(), "summary": args["summary"], "answer": ""}
        ctx.create(REPLY, reply_id(ctx.space.id, week), data=fields, derived_id=True)
    elif reply.data["summary"] != args["summary"]:
        _save(ctx, reply, summary=args["summary"])
    else:
        return
    # A new summary is heard anew by the speaker.
    _save(ctx, topic, heard=None)


@mutator("weekly.confirm", ConfirmSchema)
def confirm(ctx: MutationContext, args: dict[str, Any]) -> None:
    """As the speaker, say whether my partner's summary heard me."""
    week = _week(ctx, args["week"])
    topic = _topic(ctx, week)
    if topic is None or topic.author_id != ctx.user.id:
        raise Rejected("not_speaker", "Only who raised this can say whether they were heard.")
    reply = _reply(ctx, week)
    if reply is None:
        raise Rejected("no_summary", "Your partner has not summarised what they heard yet.")
    _save(ctx, topic, heard=args["heard"])


@mutator("weekly.answer", AnswerSchema)
def answer(ctx: MutationContext, args: dict[str, Any]) -> None:
    """Answer what my partner raised, once I have said back what I heard."""
    week = _week(ctx, args["week"])
    _as_listener(ctx, week)
    reply = _reply(ctx, week)
    if reply is None:
        raise Rejected(
            "summary_first",
            "First say back what you heard; then answer.",
            {"answer": "Summarise what you heard first."},
        )
    _save(ctx, reply, answer=args["answer"])
