"""The records every kind shares, and the sync clients that push them."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Boolean, Date, ForeignKey, Index, String, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from server.db import UtcDateTime, utcnow
from server.extensions import db

# Written out literally so that the partial index below serves queries that repeat it.
OPEN_PROMISE = "kind = 'promise' AND state = 'open'"

SHARED = "shared"
PRIVATE = "private"


class Record(db.Model):
    """One check-in, memory, agreement or promise of a space.

    Kind-specific fields live in `data`, which the server reads only to enforce
    the kind's rules (never to search user text). A tombstone is a record that
    is gone: its data is cleared and pulls answer it with `del`.
    """

    __tablename__ = "records"

    space_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("spaces.id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    author_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    visibility: Mapped[str] = mapped_column(String(8), default=SHARED)
    # Once a partner may have seen a record, making it private again must reach them as `del`.
    ever_shared: Mapped[bool] = mapped_column(Boolean, default=False)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(BigInteger)
    tombstone: Mapped[bool] = mapped_column(Boolean, default=False)
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Kind-specific state the server queries: promise state and due date.
    state: Mapped[str | None] = mapped_column(String(16))
    due_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    data: Mapped[dict] = mapped_column(JSON, default=dict)

    __table_args__ = (
        Index("ix_records_space_version", "space_id", "version", "id"),
        Index("ix_records_tombstone_updated", "tombstone", "updated_at"),
        # Every push looks for overdue promises under the space lock: keep that lookup tiny.
        Index(
            "ix_records_open_promises",
            "space_id",
            "due_on",
            postgresql_where=text(OPEN_PROMISE),
            sqlite_where=text(OPEN_PROMISE),
        ),
    )

    def visible_to(self, user_id: uuid.UUID) -> bool:
        """Tell whether this user may see the record."""
        return self.visibility == SHARED or self.author_id == user_id


class SyncClient(db.Model):
    """A device's copy of the data: its mutation counter, owned by one user."""

    __tablename__ = "sync_clients"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    last_mutation_id: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
