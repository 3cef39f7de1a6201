"""The answer gate: an answer stays its author's alone until both partners answered that day.

An answer is stored private. The answer that completes a day's pair is created shared
and turns the other one shared in the same mutation (a new version, so every pull
delivers it): before that, the partner's answer is in no pull, result, error,
poke or notification.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from server.questions.bank import couple_day, question_of
from server.questions.schemas import AnswerSchema
from server.sync.models import PRIVATE, SHARED, Record
from server.sync.registry import MutationContext, Rejected, kind, mutator

KIND = "question_answer"
# An answer written offline may land days later; older questions are closed.
OPEN_DAYS = 30


def answer_id(space_id: uuid.UUID, author_id: uuid.UUID, day: date) -> uuid.UUID:
    """The one id of an author's answer of a day: two offline devices agree on it."""
    return uuid.uuid5(space_id, f"answer:{author_id}:{day.isoformat()}")


def _rekey(record: Record, space_id: uuid.UUID) -> uuid.UUID:
    return answer_id(space_id, record.author_id, date.fromisoformat(record.data["day"]))


kind(KIND, rekey=_rekey)


def _someone_elses(ctx: MutationContext, sent_id: uuid.UUID, partner_id: uuid.UUID, day: date):
    """Tell whether the id sent names the partner's answer, as far as the user may know.

    The partner's id of that day is refused whether or not they answered: ids are
    computable, so the refusal must not tell whether a hidden answer exists.
    """
    if sent_id == answer_id(ctx.space.id, partner_id, day):
        return True
    sent = ctx.find_visible(KIND, sent_id)
    return sent is not None and sent.author_id != ctx.user.id


@mutator("question.answer", AnswerSchema)
def answer(ctx: MutationContext, args: dict[str, Any]) -> None:
    """Write or rewrite my answer to the couple's question of a day."""
    partner = ctx.require_couple()
    day: date = args["day"]
    today = couple_day([ctx.user.time_zone, partner.time_zone], ctx.now)
    # Tomorrow allows for a clock a little fast at midnight.
    if day > today + timedelta(days=1):
        raise Rejected(
            "invalid", "That question has not come yet.", {"day": "Not the couple's day yet."}
        )
    if day < today - timedelta(days=OPEN_DAYS):
        raise Rejected(
            "invalid",
            f"Questions stay open for {OPEN_DAYS} days; this one has closed.",
            {"day": "Too long ago."},
        )
    record_id = answer_id(ctx.space.id, ctx.user.id, day)
    if args["id"] != record_id and _someone_elses(ctx, args["id"], partner.id, day):
        raise Rejected("not_author", "Only the author can write this answer.")
    question = question_of(ctx.space.id, day)
    theirs = ctx.find(KIND, answer_id(ctx.space.id, partner.id, day))
    if theirs is not None and (
        theirs.tombstone or theirs.archived or theirs.data.get("question_id") != question.id
    ):
        theirs = None
    data = {
        "day": day.isoformat(),
        "question_id": question.id,
        "question": question.text,
        "answer": args["answer"],
        "edited": False,
    }
    mine = ctx.find(KIND, record_id)
    if mine is None:
        ctx.create(
            KIND,
            record_id,
            data=data,
            visibility=SHARED if theirs is not None else PRIVATE,
            derived_id=True,
        )
    else:
        if mine.archived:
            raise Rejected("archived", "This is an archived copy and cannot change.")
        # Rewritten once the partner has read it: no history, but the partner sees it changed.
        data["edited"] = mine.visibility == SHARED and not mine.tombstone
        mine.tombstone = False
        mine.deleted_at = None
        mine.data = data
        if theirs is not None:
            mine.visibility = SHARED
        ctx.touch(mine)
    if theirs is not None and theirs.visibility != SHARED:
        theirs.visibility = SHARED
        ctx.touch(theirs)
