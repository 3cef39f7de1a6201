"""Publishing live events, and the event stream of one signed-in session (DESIGN §10)."""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from flask import Flask, current_app
from sqlalchemy import select

from server.errors import ApiError
from server.extensions import db
from server.live.bus import LocalBus, RedisBus
from server.live.hub import BYE, EVERYONE, POKE, Hub, Listener

log = logging.getLogger(__name__)

SIGNED_OUT, UNPAIRED = "signed_out", "unpaired"


@dataclass
class Live:
    hub: Hub
    bus: LocalBus | RedisBus


def init_app(app: Flask) -> None:
    """Give the app its hub, and the bus that reaches the other processes' hubs."""
    hub = Hub()
    url = app.config.get("LIVE_REDIS_URL") or app.config.get("REDIS_URL")
    channel = f"{app.config['REDIS_KEY_PREFIX']}:live"
    bus = RedisBus(hub, url, channel) if url else LocalBus(hub)
    app.extensions["hearth_live"] = Live(hub, bus)


def live(app: Flask | None = None) -> Live:
    """Return the app's live channel."""
    return (app or current_app).extensions["hearth_live"]


def _publish(event: dict) -> None:
    # A change has committed whatever happens here: a lost poke costs a timer's wait.
    try:
        live().bus.publish(event)
    except Exception:
        log.exception("live event %s could not be published", event["type"])


def poke(user_ids: Iterable[uuid.UUID | str], version: int, skip: str | None = None) -> None:
    """Tell these users' open apps that their space is at `version` (not the `skip` session)."""
    users = sorted({str(u) for u in user_ids})
    if users:
        _publish({"type": POKE, "users": users, "version": version, "skip": skip})


def bye(
    user_ids: Iterable[uuid.UUID | str] | str,
    reason: str,
    *,
    sessions: list[str] | None = None,
    keep: str | None = None,
) -> None:
    """End these users' (or EVERYONE's) streams, only `sessions` when given, never `keep`."""
    users = user_ids if user_ids == EVERYONE else sorted({str(u) for u in user_ids})
    if users:
        _publish(
            {"type": BYE, "users": users, "reason": reason, "sessions": sessions, "keep": keep}
        )


def check_room() -> None:
    """Answer 503 when this process holds as many streams as it may (each holds a thread)."""
    if live().hub.count() >= int(current_app.config["LIVE_MAX_STREAMS"]):
        raise ApiError(
            503, "busy", "Too many open connections here. Try again.", headers={"Retry-After": "5"}
        )


def close_streams(app: Flask) -> None:
    """End this process's streams now (it is stopping): browsers reconnect elsewhere."""
    channel = app.extensions.get("hearth_live")
    if channel is not None:
        channel.hub.close_all()


def space_version(user_id: uuid.UUID) -> int | None:
    """Return the version of the user's space, or None when the user is gone."""
    from server.accounts.models import User
    from server.spaces.models import Space

    return db.session.scalar(
        select(Space.version).join(User, User.space_id == Space.id).where(User.id == user_id)
    )


def _event(name: str, data: dict, event_id: int | None = None) -> str:
    lines = [f"event: {name}"]
    if event_id is not None:
        lines.append(f"id: {event_id}")
    lines.append("data: " + json.dumps(data, separators=(",", ":")))
    return "\n".join(lines) + "\n\n"


def stream(user_id: uuid.UUID, session_key: str, last_event_id: str | None) -> Iterator[str]:
    """Yield the session's event stream: retry, pokes, heartbeats, and a bye at the end."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    config = app.config
    heartbeat = float(config["LIVE_HEARTBEAT_SECONDS"])
    check_every = float(config["LIVE_SESSION_CHECK_SECONDS"])
    ends_at = time.monotonic() + float(config["LIVE_MAX_SECONDS"])
    channel = live(app)
    listener = Listener(str(user_id), session_key)
    # Attached before the version is read, so that no change falls between the two.
    channel.hub.attach(listener)
    try:
        channel.bus.start()
        channel.bus.ready(2.0)
        version = space_version(user_id)
        db.session.remove()  # an idle stream holds no database connection
        if version is None:
            yield _event(BYE, {"reason": SIGNED_OUT})
            return
        yield f"retry: {int(config['LIVE_RETRY_MS'])}\n\n"
        if last_event_id != str(version):
            yield _event(POKE, {"version": version}, version)
        known = version  # the version the browser has heard of
        checked = time.monotonic()
        while True:
            version, reason, check = listener.wait(min(heartbeat, ends_at - time.monotonic()))
            if listener.closed or time.monotonic() > ends_at:
                return  # the browser reconnects (perhaps to another server) with its last id
            if check or time.monotonic() - checked > check_every:
                checked = time.monotonic()
                reason = reason or _still_signed_in(app, user_id, session_key)
                current = None if reason else space_version(user_id)
                db.session.remove()
                # A check pokes only where a change went unheard: after Redis comes back,
                # every open app would pull at once otherwise.
                if current is not None and check and (version is not None or current != known):
                    version = current
            if reason:
                yield _event(BYE, {"reason": reason})
                return
            if version is not None:
                known = version
                yield _event(POKE, {"version": version}, version)
            else:
                yield ": still here\n\n"
    finally:
        channel.hub.detach(listener)


def _still_signed_in(app: Flask, user_id: uuid.UUID, session_key: str) -> str | None:
    """Return SIGNED_OUT when the session has ended (a missed bye), else None."""
    from server.accounts.sessions import current_store

    stored = current_store(app).load(session_key)
    if stored is None or stored.user_id != str(user_id):
        return SIGNED_OUT
    return None
