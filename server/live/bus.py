"""Carrying live events to every process that holds streams: in the process, or Redis pub/sub.

With one process (`make run`) the hub is reached directly. With several
(gunicorn workers, machines) every event is published on one Redis channel
and each process's subscriber thread hands it to its own hub. Redis is
already there for sessions, rate limits and the push queue in production,
and pub/sub costs one connection per process; PostgreSQL LISTEN/NOTIFY would
hold a database connection per process outside the pool and ties delivery to
the database's load.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import Any

from server.live.hub import CHECK, EVERYONE, Hub

log = logging.getLogger(__name__)


class LocalBus:
    """Events go straight to this process's hub."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    def publish(self, event: dict[str, Any]) -> None:
        """Deliver an event."""
        self.hub.deliver(event)

    def start(self) -> None:
        """Nothing to start."""

    def ready(self, _timeout: float) -> bool:
        """Always ready."""
        return True


class RedisBus:
    """Events go through a Redis channel to the hub of every process."""

    def __init__(self, hub: Hub, url: str, channel: str) -> None:
        import redis

        self.hub = hub
        self.channel = channel
        # A burst of publishes waits for a connection; a stalled Redis holds a push for 1 s at most.
        pool = redis.BlockingConnectionPool.from_url(
            url, max_connections=50, timeout=1, socket_timeout=1, socket_connect_timeout=1
        )
        self.client = redis.Redis(connection_pool=pool)
        self._url = url
        self._started = False
        self._lock = threading.Lock()
        self.subscribed = threading.Event()

    def publish(self, event: dict[str, Any]) -> None:
        """Publish an event for every process."""
        self.client.publish(self.channel, json.dumps(event, separators=(",", ":")))

    def start(self) -> None:
        """Start this process's subscriber thread, once."""
        with self._lock:
            if self._started:
                return
            self._started = True
        threading.Thread(target=self._listen, name="hearth-live", daemon=True).start()

    def ready(self, timeout: float) -> bool:
        """Wait until this process hears the channel (a stream opened before would miss pokes)."""
        return self.subscribed.wait(timeout)

    def _listen(self) -> None:
        import redis

        delay = 0.5
        while True:
            client = redis.Redis.from_url(self._url, socket_connect_timeout=5)
            try:
                pubsub = client.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(self.channel)
                self.subscribed.set()
                # Events published before (while away, or before the first subscription) are
                # lost: every stream already open checks its version.
                self.hub.deliver({"type": CHECK, "users": EVERYONE})
                delay = 0.5
                for message in pubsub.listen():
                    if message.get("type") == "message":
                        self._deliver(message["data"])
            except redis.RedisError as error:
                self.subscribed.clear()
                log.warning("live channel lost Redis (%s); reconnecting", type(error).__name__)
                time.sleep(delay)
                delay = min(delay * 2, 10.0)
            finally:
                client.close()

    def _deliver(self, raw: bytes) -> None:
        try:
            event = json.loads(raw)
        except ValueError:
            log.warning("live channel: an event that is not JSON was ignored")
            return
        self.hub.deliver(event)
