"""The question bank and the question of the couple's day.

The app computes the same thing offline (pwa/js/questions/pick.js): both read the one
bank file, shuffle it with the same integer arithmetic, and agree on the couple's day.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from zoneinfo import ZoneInfo

from server.web import PWA_DIR

BANK_FILE = PWA_DIR / "js" / "questions" / "bank.json"
# Day numbers count from here; any fixed day would do, as long as the app uses the same.
EPOCH = date(2000, 1, 1)
MASK = 0xFFFFFFFF


@dataclass(frozen=True)
class Question:
    id: str
    theme: str
    text: str


@cache
def bank() -> tuple[Question, ...]:
    """Return every question of the bank, in the file's order."""
    raw = json.loads(BANK_FILE.read_text(encoding="utf-8"))
    return tuple(Question(q["id"], q["theme"], q["text"]) for q in raw["questions"])


@cache
def themes() -> dict[str, str]:
    """Return the themes' names by id."""
    raw = json.loads(BANK_FILE.read_text(encoding="utf-8"))
    return {t["id"]: t["name"] for t in raw["themes"]}


def _seed(space_id: uuid.UUID) -> int:
    """FNV-1a of the space id's text: a 32-bit seed the app computes identically."""
    h = 0x811C9DC5
    for byte in str(space_id).encode():
        h = ((h ^ byte) * 0x01000193) & MASK
    return h or 1


@cache
def order(space_id: uuid.UUID) -> tuple[int, ...]:
    """Return the couple's own order of the bank: a shuffle seeded by their space."""
    x = _seed(space_id)
    indexes = list(range(len(bank())))
    for i in range(len(indexes) - 1, 0, -1):
        # xorshift32, step by step as the app's 32-bit integers do it.
        x ^= (x << 13) & MASK
        x ^= x >> 17
        x ^= (x << 5) & MASK
        j = x % (i + 1)
        indexes[i], indexes[j] = indexes[j], indexes[i]
    return tuple(indexes)


def question_of(space_id: uuid.UUID, day: date) -> Question:
    """Return the couple's question of a day.

    The couple walks its own order one question a day, round and round: a question comes
    back only after the whole bank (more than 366 questions), so never within a year.
    """
    ordered = order(space_id)
    return bank()[ordered[(day - EPOCH).days % len(ordered)]]


def couple_day(time_zones: list[str], now: datetime) -> date:
    """Return the couple's day: the newest local date of the two, the day that began first.

    At any instant both partners get the same date, so never two questions at once; a
    new question comes when a new day begins for either of them.
    """
    return max(now.astimezone(ZoneInfo(zone)).date() for zone in time_zones)
