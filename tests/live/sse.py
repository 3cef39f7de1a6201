"""A small Server-Sent Events client for the tests: events land in a queue as they arrive."""

from __future__ import annotations

import json
import queue
import threading
from dataclasses import dataclass

import requests


@dataclass
class Event:
    name: str
    id: str | None
    data: dict | None


class EventStream:
    """Read a text/event-stream in a thread; `next()` waits for the next event."""

    def __init__(self, url: str, cookies: dict, last_event_id: str | None = None) -> None:
        headers = {"Accept": "text/event-stream"}
        if last_event_id is not None:
            headers["Last-Event-ID"] = last_event_id
        self.response = requests.get(url, headers=headers, cookies=cookies, stream=True, timeout=30)
        self.events: queue.Queue[Event | None] = queue.Queue()
        self.comments = 0
        self.retry: int | None = None
        self.closed = threading.Event()
        self._thread = threading.Thread(target=self._read, daemon=True)
        if self.response.status_code == 200:
            self._thread.start()

    def _read(self) -> None:
        name, event_id, data = "message", None, []
        try:
            for raw in self.response.iter_lines(chunk_size=1, decode_unicode=True):
                line = raw if isinstance(raw, str) else raw.decode()
                if line == "":
                    if data:
                        self.events.put(Event(name, event_id, json.loads("\n".join(data))))
                    name, event_id, data = "message", None, []
                elif line.startswith(":"):
                    self.comments += 1
                elif line.startswith("retry:"):
                    self.retry = int(line[6:].strip())
                elif line.startswith("event:"):
                    name = line[6:].strip()
                elif line.startswith("id:"):
                    event_id = line[3:].strip()
                elif line.startswith("data:"):
                    data.append(line[5:].strip())
        except (requests.RequestException, ValueError, AttributeError):
            pass
        finally:
            self.closed.set()
            self.events.put(None)

    def next(self, timeout: float = 3.0) -> Event | None:
        """Return the next event, None when the stream ended; raise queue.Empty on timeout."""
        return self.events.get(timeout=timeout)

    def nothing_for(self, seconds: float) -> bool:
        """Tell whether no event arrives for that long."""
        try:
            event = self.events.get(timeout=seconds)
        except queue.Empty:
            return True
        self.events.put(event)
        return False

    def close(self) -> None:
        """Hang up."""
        self.response.close()
