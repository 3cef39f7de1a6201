"""Deciding who is told what, and when: coalescing, quiet hours, per-kind settings.

Runs in the worker. A push's committed changes become at most one pending
notice per recipient and kind; the notice is delivered when the recipient's
quiet hours allow, to each of their devices.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from server.db import utcnow, write_transaction
from server.extensions import db
from server.push import messages
from server.push.models import PushNotice, PushSettings, PushSubscription
from server.sync.models import SHARED, Record

if TYPE_CHECKING:
    from server.accounts.models import User

log = logging.getLogger(__name__)

# The most records one notice keeps track of.
MAX_NOTICE_RECORDS = 500


def clock() -> datetime:
    """Return the time the worker goes by (tests move it)."""
    return utcnow()


def quiet_until(now: datetime, settings: PushSettings | None, time_zone: str) -> datetime | None:
    """Return when the recipient's quiet hours end if `now` is inside them, else None."""
    if settings is None or settings.quiet_start is None or settings.quiet_end is None:
        return None
    zone = ZoneInfo(time_zone)
    local = now.astimezone(zone)
    at, start, end = local.time().replace(tzinfo=None), settings.quiet_start, settings.quiet_end
    inside = start <= at < end if start < end else (at >= start or at < end)
    if not inside:
        return None
    day = local.date() if at < end else local.date() + timedelta(days=1)
    return datetime.combine(day, end, tzinfo=zone).astimezone(UTC)


def _lock_user(user_id: uuid.UUID) -> User | None:
    """Lock the recipient's row: one decision at a time per recipient."""
    from server.accounts.models import User

    locked = db.session.scalar(select(User.id).where(User.id == user_id).with_for_update())
    return db.session.get(User, locked, populate_existing=True) if locked else None


def partner_to_tell(author_id: uuid.UUID, space_id: uuid.UUID) -> uuid.UUID | None:
    """Return the author's partner in the space if they have a device to notify, else None."""
    from server.accounts.models import User

    return db.session.scalar(
        select(User.id)
        .join(PushSubscription, PushSubscription.user_id == User.id)
        .where(User.space_id == space_id, User.id != author_id)
        .limit(1)
    )


def has_devices(user_id: uuid.UUID) -> bool:
    """Tell whether the user has a browser receiving notifications."""
    found = db.session.scalar(
        select(PushSubscription.id).where(PushSubscription.user_id == user_id).limit(1)
    )
    return found is not None


@dataclass
class Due:
    recipient_id: uuid.UUID
    kind: str
    at: datetime


def note_changes(author_id: uuid.UUID, space_id: uuid.UUID, changes: list[dict]) -> list[Due]:
    """Record the partner-visible changes of a push; return the deliveries to schedule."""

    now = clock()
    by_kind: dict[str, list[tuple[str, str]]] = {}
    for change in changes:
        action = messages.action_of(change["mutation"], change["created"])
        kind = messages.told_as(change["kind"])
        if change["shared"] and messages.phrase(action, kind):
            by_kind.setdefault(kind, []).append((change["record_id"], action))
    if not by_kind:
        return []
    due: list[Due] = []
    with write_transaction():
        recipient_id = partner_to_tell(author_id, space_id)
        if recipient_id is None:
            return []
        recipient = _lock_user(recipient_id)
        if recipient is None or recipient.space_id != space_id:
            return []
        settings = db.session.get(PushSettings, recipient.id)
        muted = set(settings.muted or []) if settings else set()
        for kind, noted in by_kind.items():
            if kind in muted:
                continue
            at = _note(recipient, kind, author_id, space_id, noted, settings, now)
            if at is not None:
                due.append(Due(recipient.id, kind, at))
    return due


def note_unpaired(former_partner_id: uuid.UUID) -> list[Due]:
    """Record that the partner ended the couple; return the delivery to schedule."""
    now = clock()
    with write_transaction():
        recipient = _lock_user(former_partner_id)
        if recipient is None or not has_devices(recipient.id):
            return []
        settings = db.session.get(PushSettings, recipient.id)
        at = _note(recipient, messages.PAIRING, None, None, [], settings, now)
    return [Due(former_partner_id, messages.PAIRING, at)] if at else []


def _fold(records: list, noted: list[tuple[str, str]]) -> list:
    """Add changes to a notice's records ([record id, latest action, changes]), latest last."""
    merged = {record_id: (action, count) for record_id, action, count in records}
    for record_id, action in noted:
        _, count = merged.pop(record_id, ("", 0))
        merged[record_id] = (action, count + 1)
    # A day of quiet hours holds them all; past this many, the oldest go untold.
    return [[r, a, c] for r, (a, c) in merged.items()][-MAX_NOTICE_RECORDS:]


def _note(
    recipient: User,
    kind: str,
    author_id: uuid.UUID | None,
    space_id: uuid.UUID | None,
    noted: list[tuple[str, str]],
    settings: PushSettings | None,
    now: datetime,
) -> datetime | None:
    """Fold changes into the recipient's notice of that kind; return when to deliver a new one."""
    notice = db.session.get(PushNotice, (recipient.id, kind), with_for_update=True)
    if notice is None:
        notice = PushNotice(recipient_id=recipient.id, kind=kind, pending=False, records=[])
        db.session.add(notice)
    notice.author_id, notice.space_id = author_id, space_id
    notice.action = noted[-1][1] if noted else messages.UNPAIRED
    notice.updated_at = now
    if notice.pending:
        notice.records = _fold(notice.records or [], noted)  # the delivery already queued says it
        return None
    # Right after a notification, what comes next waits for the end of its window and is
    # then told in one: never lost, never a second buzz within minutes.
    just_told = notice.window_ends_at is not None and now < notice.window_ends_at
    at = notice.window_ends_at if just_told else now
    notice.pending = True
    notice.records = _fold([], noted)
    notice.due_at = quiet_until(at, settings, recipient.time_zone) or at
    return notice.due_at


@dataclass
class Outgoing:
    subscription_id: int
    message: messages.Message


def take_due(recipient_id: uuid.UUID, kind: str) -> tuple[list[Outgoing], datetime | None]:
    """Turn a pending notice into messages for each device, or say until when to hold it."""
    from server.accounts.models import User

    now = clock()
    window = timedelta(seconds=current_app.config["PUSH_COALESCE_SECONDS"])
    with write_transaction():
        recipient = _lock_user(recipient_id)
        notice = db.session.get(PushNotice, (recipient_id, kind), with_for_update=True)
        if recipient is None or notice is None or not notice.pending:
            return [], None
        settings = db.session.get(PushSettings, recipient.id)
        held = quiet_until(now, settings, recipient.time_zone)
        if held is not None:
            notice.due_at = held
            return [], held
        notice.pending = False
        notice.window_ends_at = now + window
        if settings is not None and kind in (settings.muted or []):
            return [], None  # muted while it waited
        if notice.action == messages.UNPAIRED:
            action, count = notice.action, 1
        else:
            visible = _still_visible(recipient, notice)
            if not visible:
                log.info("dropped a notice whose records are all gone or private")
                return [], None
            # Told as what is still there: the latest shared change names it, the rest count.
            action, count = visible[-1][1], sum(c for _, _, c in visible)
        author = db.session.get(User, notice.author_id) if notice.author_id else None
        preview = settings.preview if settings else "generic"
        message = messages.compose(
            kind, action, author.display_name if author else "", count, preview
        )
        ids = db.session.scalars(
            select(PushSubscription.id).where(PushSubscription.user_id == recipient.id)
        ).all()
    return [Outgoing(i, message) for i in ids], None


def _still_visible(recipient: User, notice: PushNotice) -> list:
    """Return the notice's records that the recipient can still see (shared, not deleted)."""
    records = notice.records or []
    if notice.space_id != recipient.space_id or not records:
        return []
    ids = [uuid.UUID(record_id) for record_id, _, _ in records]
    there = set(
        db.session.scalars(
            select(Record.id).where(
                Record.space_id == notice.space_id,
                Record.id.in_(ids),
                Record.visibility == SHARED,
                Record.tombstone.is_(False),
                Record.deleted_at.is_(None),
            )
        )
    )
    return [entry for entry, record_id in zip(records, ids, strict=True) if record_id in there]
