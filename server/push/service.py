"""Subscriptions and settings: the writes behind /api/push."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, request, session
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from server.db import utcnow, write_transaction
from server.errors import ApiError
from server.extensions import db
from server.push import guard
from server.push.models import GENERIC, PushSettings, PushSubscription
from server.push.schemas import KINDS

# The session remembers which device it is, so that signing it out finds its subscriptions.
DEVICE_KEY = "_push_device"


def check_endpoint(endpoint: str) -> None:
    """Accept the URL of a push service (a loopback one too in development and testing)."""
    try:
        guard.check_endpoint(endpoint, guard.policy_of(current_app.config))
    except guard.EndpointRefused as error:
        raise ApiError(
            422, "invalid", "Some fields are not valid.", fields={"endpoint": str(error)}
        ) from None


def current_device() -> str:
    """Return this session's device id, giving the session one when it has none."""
    device = session.get(DEVICE_KEY)
    if not isinstance(device, str) or not device:
        device = secrets.token_hex(16)
        session[DEVICE_KEY] = device
    return device


def _app_origin() -> str:
    public = current_app.config.get("PUBLIC_URL")
    if public:
        parts = urlsplit(public)
        return f"{parts.scheme}://{parts.netloc}"
    return request.host_url.rstrip("/")


def subscribe(user_id: uuid.UUID, endpoint: str, keys: dict[str, str]) -> PushSubscription:
    """Keep this device's subscription: one row per endpoint, owned by whoever posted it first.

    An endpoint stays its account's until that account's device is signed out, the
    app removes it, or the push service forgets it; another account gets 409.
    """
    check_endpoint(endpoint)
    device = current_device()
    try:
        return _keep(user_id, device, endpoint, keys)
    except IntegrityError:
        # Posted at the same moment by another request: now its row is there to look at.
        return _keep(user_id, device, endpoint, keys)


def _keep(user_id: uuid.UUID, device: str, endpoint: str, keys: dict[str, str]) -> PushSubscription:
    now = utcnow()
    with write_transaction():
        found = db.session.scalar(
            select(PushSubscription).where(PushSubscription.endpoint == endpoint).with_for_update()
        )
        if found is None:
            found = PushSubscription(endpoint=endpoint, user_id=user_id, created_at=now)
            db.session.add(found)
        elif found.user_id != user_id:
            raise ApiError(
                409,
                "endpoint_taken",
                "This push subscription belongs to another account. Subscribe again for a new one.",
            )
        # The owner's keys may be new (the browser subscribed again) and the device another
        # session of theirs.
        found.device = device
        found.p256dh = keys["p256dh"]
        found.auth = keys["auth"]
        found.origin = _app_origin()
        found.last_seen_at = now
    return found


def unsubscribe(user_id: uuid.UUID, endpoint: str) -> None:
    """Remove the user's subscription with this endpoint (gone already is fine)."""
    with write_transaction():
        db.session.execute(
            delete(PushSubscription).where(
                PushSubscription.endpoint == endpoint, PushSubscription.user_id == user_id
            )
        )


def forget_devices(
    user_id: uuid.UUID, devices: list[str] | None = None, keep: str | None = None
) -> None:
    """Remove the subscriptions of signed-out devices (all of the user's when devices is None)."""
    stmt = delete(PushSubscription).where(PushSubscription.user_id == user_id)
    if devices is not None:
        if not devices:
            return
        stmt = stmt.where(PushSubscription.device.in_(devices))
    if keep:
        stmt = stmt.where(PushSubscription.device != keep)
    with write_transaction():
        db.session.execute(stmt)


def forget_signed_out_devices(live_devices_of: Callable[[str], set[str]]) -> int:
    """Remove subscriptions whose device has no live session any more; return how many."""
    with write_transaction():
        rows = db.session.execute(select(PushSubscription.user_id, PushSubscription.device)).all()
    users: dict[uuid.UUID, set[str]] = {}
    for user_id, device in rows:
        users.setdefault(user_id, set()).add(device)
    removed = 0
    for user_id, devices in users.items():
        gone = devices - live_devices_of(str(user_id))
        if gone:
            with write_transaction():
                removed += db.session.execute(
                    delete(PushSubscription).where(
                        PushSubscription.user_id == user_id, PushSubscription.device.in_(gone)
                    )
                ).rowcount
    return removed


def forget_all_subscriptions() -> int:
    """Remove every subscription (after a key rotation they can no longer be used)."""
    with write_transaction():
        return db.session.execute(delete(PushSubscription)).rowcount


def settings_of(user_id: uuid.UUID) -> dict[str, Any]:
    """Return the user's notification settings, defaults filled in."""
    row = db.session.get(PushSettings, user_id)
    return present_settings(row)


def present_settings(row: PushSettings | None) -> dict[str, Any]:
    """Turn a settings row (or none) into the API's shape."""
    muted = set(row.muted or []) if row else set()
    quiet = None
    if row and row.quiet_start is not None and row.quiet_end is not None:
        quiet = {"start": row.quiet_start, "end": row.quiet_end}
    return {
        "preview": row.preview if row else GENERIC,
        "quiet_hours": quiet,
        "kinds": {kind: kind not in muted for kind in KINDS},
        "quiet_reminders": (row.quiet_reminders if row else None) or "hold",
    }


def update_settings(user_id: uuid.UUID, changes: dict[str, Any]) -> dict[str, Any]:
    """Change some of the user's notification settings."""
    with write_transaction():
        row = db.session.get(PushSettings, user_id, with_for_update=True)
        if row is None:
            row = PushSettings(user_id=user_id, preview=GENERIC, muted=[])
            db.session.add(row)
        if "preview" in changes:
            row.preview = changes["preview"]
        if "quiet_hours" in changes:
            quiet = changes["quiet_hours"]
            row.quiet_start = quiet["start"] if quiet else None
            row.quiet_end = quiet["end"] if quiet else None
        if "quiet_reminders" in changes:
            row.quiet_reminders = changes["quiet_reminders"]
        if "kinds" in changes:
            muted = set(row.muted or [])
            for kind, on in changes["kinds"].items():
                (muted.discard if on else muted.add)(kind)
            row.muted = sorted(muted)
        db.session.flush()
        answer = present_settings(row)
    return answer
