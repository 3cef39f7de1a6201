"""Rituals as a phone queues them, and the worker's clock moved by the tests."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from server.push import notify
from server.rituals import reminders
from tests.sync.client import _jsonable


class Clock:
    """The worker's clock, moved by the test."""

    def __init__(self, monkeypatch, now: datetime | None = None) -> None:
        self.now = now or datetime.now(UTC)
        monkeypatch.setattr(notify, "clock", lambda: self.now)

    def set(self, now: datetime) -> None:
        self.now = now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


def define(dev, days=(0, 1, 2, 3, 4, 5, 6), time="21:00", kind="checkin", **args) -> str:
    """Queue and push a new ritual; return its id."""
    ritual_id = str(uuid.uuid4())
    mutation = queue(
        dev, "ritual.define", id=ritual_id, type=kind, days=list(days), time=time, **args
    )
    dev.push()
    assert dev.results[mutation]["status"] == "applied", dev.results[mutation]
    return ritual_id


def queue(dev, mutation: str, **args) -> int:
    """Queue a mutation whose arguments may include `name` (which dev.mutate takes itself)."""
    mutation_id = dev.mutate(mutation)
    dev.outbox[-1]["args"] = _jsonable(args)
    return mutation_id


def refusal(dev, mutation_id: int) -> str | None:
    """The code a mutation was refused with, or None when it applied."""
    result = dev.results[mutation_id]
    return result["error"]["code"] if result["status"] == "rejected" else None


def tick(app) -> int:
    """One round of the worker's reminder task."""
    with app.app_context():
        return reminders.tick(app)


def titles(push_service, browser) -> list[str]:
    """The titles of the notifications a browser got, in order."""
    return [
        got.decrypt(browser)["notification"]["title"] for got in push_service.for_browser(browser)
    ]


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)
