"""The streams open in this process, and the events that reach them.

An event names whom it is for (users, or sessions) and what it is: a poke
with a space version, or a bye with a reason. The hub hands each event to
the matching streams' listeners; a listener keeps only what its stream still
has to send (the newest poke, the first bye).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from server.metrics import instruments as metrics

POKE, BYE, CHECK = "poke", "bye", "check"
EVERYONE = "*"


@dataclass(eq=False)  # each listener is itself, in sets
class Listener:
    """What one open stream is waiting for."""

    user_id: str
    session_key: str
    _ready: threading.Condition = field(default_factory=threading.Condition)
    _version: int | None = None
    _bye: str | None = None
    _check: bool = False
    closed: bool = False

    def offer(self, event: dict[str, Any]) -> None:
        """Take an event meant for this stream."""
        with self._ready:
            if event["type"] == BYE:
                self._bye = self._bye or event["reason"]
            elif event["type"] == CHECK:
                self._check = True
            elif self._version is None or event["version"] > self._version:
                self._version = event["version"]
            self._ready.notify()

    def close(self) -> None:
        """Let the stream end without another word (the server is stopping)."""
        with self._ready:
            self.closed = True
            self._ready.notify()

    def wait(self, timeout: float) -> tuple[int | None, str | None, bool]:
        """Wait for an event or the timeout; return (poke version, bye reason, check) and clear."""
        with self._ready:
            if self._version is None and self._bye is None and not self._check and not self.closed:
                self._ready.wait(timeout)
            found = self._version, self._bye, self._check
            self._version, self._check = None, False
            return found


class Hub:
    """The listeners of this process, by user."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_user: dict[str, set[Listener]] = {}

    def attach(self, listener: Listener) -> None:
        """Start giving events to a listener."""
        with self._lock:
            listeners = self._by_user.setdefault(listener.user_id, set())
            if listener not in listeners:
                listeners.add(listener)
                metrics.stream_opened()

    def detach(self, listener: Listener) -> None:
        """Stop giving events to a listener."""
        with self._lock:
            listeners = self._by_user.get(listener.user_id)
            if listeners is not None and listener in listeners:
                listeners.discard(listener)
                metrics.stream_closed()
                if not listeners:
                    del self._by_user[listener.user_id]

    def close_all(self) -> None:
        """End every stream of this process quietly (the server is stopping)."""
        with self._lock:
            listeners = [x for group in self._by_user.values() for x in group]
        for listener in listeners:
            listener.close()

    def count(self) -> int:
        """Return how many streams are open in this process."""
        with self._lock:
            return sum(len(listeners) for listeners in self._by_user.values())

    def deliver(self, event: dict[str, Any]) -> None:
        """Hand an event to every listener it is meant for."""
        with self._lock:
            if event["users"] == EVERYONE:
                listeners = [x for group in self._by_user.values() for x in group]
            else:
                listeners = [x for user in event["users"] for x in self._by_user.get(user, ())]
        sessions = event.get("sessions")
        keep = event.get("keep")
        skip = event.get("skip")
        for listener in listeners:
            if sessions is not None and listener.session_key not in sessions:
                continue
            if listener.session_key in (keep, skip):
                continue
            listener.offer(event)
