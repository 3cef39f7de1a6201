"""Steps of a repair as a phone queues them."""

from __future__ import annotations

import uuid

ACKNOWLEDGE = {
    "saw": "You read my messages while I was in the shower.",
    "felt": "I felt watched and small.",
    "need": "I need my phone to be mine.",
    "ask": "I ask you to tell me when you are worried instead.",
}
APOLOGY = {
    "did": "I read your messages without asking.",
    "responsibility": "It was my choice and my responsibility.",
    "impact": "You stopped leaving your phone around.",
    "learned": "My worry is mine to say out loud.",
    "change": "I will ask, not look.",
}


def open_repair(dev, hurt: str = "me", visibility: str = "shared", **args) -> str:
    """Queue a new repair on the device; return its id."""
    repair_id = str(uuid.uuid4())
    dev.mutate("repair.open", id=repair_id, hurt=hurt, visibility=visibility, **args)
    return repair_id


def write(dev, repair_id: str, step: str, parts: dict, entry_id: str | None = None, **args) -> str:
    """Queue an entry (a new one unless entry_id names it); return the entry's id."""
    entry_id = entry_id or str(uuid.uuid4())
    dev.mutate("repair.write", id=entry_id, repair_id=repair_id, step=step, parts=parts, **args)
    return entry_id


def refusal(dev, mutation_id: int) -> str | None:
    """The code a mutation was refused with, or None when it applied."""
    result = dev.results[mutation_id]
    return result["error"]["code"] if result["status"] == "rejected" else None


def entries_of(dev, repair_id: str) -> list[dict]:
    """The device's entries of a repair, in the order they were written."""
    found = [r for r in dev.of_kind("repair_entry") if r["repair_id"] == repair_id]
    return sorted(found, key=lambda r: r["created_at"])
