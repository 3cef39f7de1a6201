"""Records as a phone queues them: check-ins and memories for tests that need some of each."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from tests.sync.client import SyncTestClient


def checkin(
    dev: SyncTestClient, visibility: str, note: str | None = None, days_ago: int = 0
) -> str:
    """Queue a check-in (one per author and day); return its note, which finds it.

    The note, unless given, names the visibility ("a shared note").
    """
    note = f"a {visibility} note" if note is None else note
    dev.mutate(
        "checkin.save",
        id=str(uuid.uuid4()),
        day=(datetime.now(UTC).date() - timedelta(days=days_ago)).isoformat(),
        mood=4,
        trust=7,
        feelings=["calm"],
        need="time",
        gratitude="tea",
        note=note,
        visibility=visibility,
    )
    return note


def memory(dev: SyncTestClient, title: str, photo_hash: str = "", private: bool = False) -> str:
    """Queue a new memory (with one captioned photo when a hash is given); return its id."""
    memory_id = str(uuid.uuid4())
    fields = {"title": title, **({"visibility": "private"} if private else {})}
    dev.mutate("memory.save", id=memory_id, fields=fields, base={})
    if photo_hash:
        dev.mutate("memory.add_photo", id=memory_id, photo={"hash": photo_hash, "caption": "us"})
    return memory_id
