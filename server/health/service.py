"""Readiness: the database, each Redis the app uses, and the photo store answer.

The checks run at once, each on a thread of its own, and each is waited for at
most CHECK_TIMEOUT_SECONDS: a hung dependency makes /readyz answer 503, never
hang. A check still under way from an earlier call is joined, not started again,
so a hung dependency holds one thread, however often a load balancer asks.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from typing import Any

from flask import Flask
from sqlalchemy import text
from sqlalchemy.engine import Engine

from server.blobs.storage import Storage, current_storage
from server.extensions import db

OK = "ok"
FAILING = "failing"
CHECK_TIMEOUT_SECONDS = 2.0
# Sockets give up a little before the wait does, so a hung check's thread ends soon after.
SOCKET_TIMEOUT_SECONDS = 1.5
# A key no photo has: asking whether it exists reaches a store without writing to it.
PROBE_KEY = "readyz-probe"
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")
EXTENSION = "hearth_readiness"

log = logging.getLogger(__name__)
_build_lock = threading.Lock()


class Probe:
    """One dependency's check, run off the request thread."""

    def __init__(self, name: str, check: Callable[[], bool]) -> None:
        self.name = name
        self.check = check
        self._lock = threading.Lock()
        self._running: Future[bool] | None = None
        self._deadline = 0.0

    def start(self, timeout: float) -> tuple[Future[bool], float]:
        """Start the check, or join the one under way; return it and when to stop waiting."""
        with self._lock:
            if self._running is None or self._running.done():
                future: Future[bool] = Future()
                future.set_running_or_notify_cancel()
                self._running = future
                self._deadline = time.monotonic() + timeout
                # A daemon thread: a check hung on a dead host never holds up the process's exit.
                threading.Thread(
                    target=self._run, args=(future,), name=f"hearth-ready-{self.name}", daemon=True
                ).start()
            return self._running, self._deadline

    def _run(self, future: Future[bool]) -> None:
        try:
            future.set_result(bool(self.check()))
        except BaseException as error:  # whatever happens, the waiter hears of it
            future.set_exception(error)


def outcome(probe: Probe, future: Future[bool], deadline: float) -> str:
    """Wait for a started check until its deadline; return ok or failing (the cause is logged)."""
    try:
        answered = future.result(timeout=max(0.0, deadline - time.monotonic()))
    except TimeoutError:
        log.warning("readiness: %s did not answer in time", probe.name)
        return FAILING
    except Exception as error:  # any error means not ready
        log.warning("readiness: %s failing (%s)", probe.name, type(error).__name__)
        return FAILING
    if not answered:
        log.warning("readiness: %s failing", probe.name)
        return FAILING
    return OK


class Readiness:
    """The readiness checks of one app."""

    def __init__(self, probes: list[Probe], timeout: float = CHECK_TIMEOUT_SECONDS) -> None:
        self.probes = probes
        self.timeout = timeout

    def run(self) -> dict[str, str]:
        """Run every check at once; return each one's outcome by name."""
        started = [(probe, *probe.start(self.timeout)) for probe in self.probes]
        return {probe.name: outcome(probe, future, deadline) for probe, future, deadline in started}


def database_check(engine: Engine) -> Callable[[], bool]:
    """Return a check that runs SELECT 1 on a connection of the pool and gives it back."""

    def check() -> bool:
        # Leaving the block rolls back and returns the connection: no transaction stays open.
        with engine.connect() as connection:
            connection.execute(text("SELECT 1")).scalar_one()
        return True

    return check


def redis_urls(config: Mapping[str, Any]) -> list[str]:
    """Return each Redis URL the app is configured to use, once."""
    found: list[str] = []
    redis_url = config.get("REDIS_URL") or ""
    live_url = config.get("LIVE_REDIS_URL") or ""
    # REDIS_URL serves sessions, the task queue and (without LIVE_REDIS_URL) the live channel.
    if (
        config.get("SESSION_STORE") == "redis"
        or config.get("PUSH_QUEUE") == "redis"
        or not live_url
    ):
        found.append(redis_url)
    found.append(live_url)
    if config.get("RATELIMIT_ENABLED"):
        found.append(str(config.get("RATELIMIT_STORAGE_URI") or ""))
    urls = [url for url in found if url.startswith(REDIS_SCHEMES)]
    return list(dict.fromkeys(urls))


def redis_check(url: str) -> Callable[[], bool]:
    """Return a check that pings the Redis at the URL, without retries."""
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    client = redis.Redis.from_url(
        url,
        socket_timeout=SOCKET_TIMEOUT_SECONDS,
        socket_connect_timeout=SOCKET_TIMEOUT_SECONDS,
        retry=Retry(NoBackoff(), 0),
    )

    def check() -> bool:
        return bool(client.ping())

    return check


def all_redis_check(urls: list[str]) -> Callable[[], bool]:
    """Return a check that every Redis answers."""
    checks = [redis_check(url) for url in urls]

    def check() -> bool:
        return all(each() for each in checks)

    return check


def photos_check(storage: Storage) -> Callable[[], bool]:
    """Return a check that the photo store answers: its own `ready()`, or a lookup of a key."""

    def check() -> bool:
        ready = getattr(storage, "ready", None)
        if callable(ready):
            return bool(ready())
        storage.exists(PROBE_KEY)  # an answer, yes or no, is what counts
        return True

    return check


def build(app: Flask) -> Readiness:
    """Build the checks the app's configuration calls for (inside an app context)."""
    probes = [Probe("database", database_check(db.engine))]
    urls = redis_urls(app.config)
    if urls:
        probes.append(Probe("redis", all_redis_check(urls)))
    probes.append(Probe("photos", photos_check(current_storage())))
    return Readiness(probes)


def readiness(app: Flask) -> Readiness:
    """Return the app's readiness checks, built on first use."""
    found = app.extensions.get(EXTENSION)
    if found is None:
        with _build_lock:
            found = app.extensions.get(EXTENSION)
            if found is None:
                found = app.extensions[EXTENSION] = build(app)
    return found
