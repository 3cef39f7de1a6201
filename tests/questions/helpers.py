"""The daily question as a phone asks and answers it."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from server.questions.bank import couple_day, question_of
from server.questions.service import answer_id


def today_of(*users, now: datetime | None = None) -> date:
    """The couple's day of these users at `now` (by default, the real now)."""
    return couple_day([u.time_zone for u in users], now or datetime.now(UTC))


def answer(dev, text: str, day: date, record_id: str | None = None) -> int:
    """Queue an answer (under a random id unless one is given); return the mutation id."""
    return dev.mutate("question.answer", id=record_id or str(uuid.uuid4()), day=day, answer=text)


def space_of(user) -> uuid.UUID:
    return uuid.UUID(user.me()["space"]["id"])


def expected_id(user, day: date) -> str:
    return str(answer_id(space_of(user), uuid.UUID(user.id), day))


def question_text(user, day: date) -> str:
    return question_of(space_of(user), day).text
