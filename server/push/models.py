"""Push subscriptions (one per browser), notification settings, and notices being delivered."""

from __future__ import annotations

import uuid
from datetime import datetime, time

from sqlalchemy import JSON, Boolean, ForeignKey, String, Time, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from server.db import UtcDateTime, utcnow
from server.extensions import db

GENERIC = "generic"
NONE = "none"


class PushSubscription(db.Model):
    """A browser's push endpoint, owned by the user signed in on that device."""

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    # The signed-in device (kept in its session): signing that device out removes this.
    device: Mapped[str] = mapped_column(String(64), index=True)
    endpoint: Mapped[str] = mapped_column(String(1024), unique=True)
    p256dh: Mapped[str] = mapped_column(String(128))
    auth: Mapped[str] = mapped_column(String(64))
    # The app's origin as the device saw it, for the link a notification opens.
    origin: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class PushSettings(db.Model):
    """What a user wants to be told, and when not to be disturbed (absent: the defaults)."""

    __tablename__ = "push_settings"

    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    preview: Mapped[str] = mapped_column(String(8), default=GENERIC)
    # Local times in the user's time zone; both set or both empty.
    quiet_start: Mapped[time | None] = mapped_column(Time)
    quiet_end: Mapped[time | None] = mapped_column(Time)
    # Kinds the user does not want to hear about.
    muted: Mapped[list] = mapped_column(JSON, default=list)
    # A reminder whose moment falls in quiet hours: "hold" it until they end, or "drop" it.
    quiet_reminders: Mapped[str | None] = mapped_column(String(8))


class PushNotice(db.Model):
    """The notification of one kind for one recipient: pending, or recently sent.

    While `pending`, newer changes update it instead of queueing another; until
    `window_ends_at`, changes of the same kind are covered by the one just sent.
    """

    __tablename__ = "push_notices"

    recipient_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    pending: Mapped[bool] = mapped_column(Boolean, default=False)
    author_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    space_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    # The latest action (pairing.unpair for the unpairing notice).
    action: Mapped[str] = mapped_column(String(40), default="")
    # [record id, latest action, changes] per record, latest last: what is told is
    # checked record by record when it goes out, so one record made private spares the rest.
    records: Mapped[list] = mapped_column(JSON, default=list)
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    window_ends_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
