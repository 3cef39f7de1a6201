"""The reminders sent: one row per ritual (or anniversary), person and moment."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from server.db import UtcDateTime, utcnow
from server.extensions import db


class SentReminder(db.Model):
    """A reminder claimed for sending: a worker inserts it before sending, so only one sends."""

    __tablename__ = "sent_reminders"

    record_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    # The moment the reminder is for (UTC), before any holding for quiet hours.
    occurrence: Mapped[datetime] = mapped_column(UtcDateTime, primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    __table_args__ = (Index("ix_sent_reminders_sent_at", "sent_at"),)
