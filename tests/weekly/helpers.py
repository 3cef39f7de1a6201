"""The weekly state of us as a phone writes it."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from server.questions.bank import couple_day
from server.weekly.service import note_id, reply_id, topic_id, week_of


def this_week(*users) -> date:
    """The couple's week now."""
    return week_of(couple_day([u.time_zone for u in users], datetime.now(UTC)))


def space_of(user) -> uuid.UUID:
    return uuid.UUID(user.me()["space"]["id"])


def ids_of(user, week: date) -> dict[str, str]:
    """The ids of the user's note and of the couple's topic and reply of a week."""
    space = space_of(user)
    return {
        "note": str(note_id(space, uuid.UUID(user.id), week)),
        "topic": str(topic_id(space, week)),
        "reply": str(reply_id(space, week)),
    }


def write(dev, user, week: date, **fields) -> int:
    """Queue my notes of the week; return the mutation id."""
    return dev.mutate("weekly.write", id=ids_of(user, week)["note"], week=week, **fields)


def refusal(dev, mutation_id: int) -> str | None:
    """The code a mutation was refused with, or None when it applied."""
    result = dev.results[mutation_id]
    return result["error"]["code"] if result["status"] == "rejected" else None
