"""Spaces hold records; a user is in exactly one space at a time."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from server.db import UtcDateTime, utcnow
from server.extensions import db

SOLO = "solo"
COUPLE = "couple"


class Space(db.Model):
    __tablename__ = "spaces"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(10))
    # Bumped under this row's lock by every write into the space (see sync).
    version: Mapped[int] = mapped_column(BigInteger, default=0)
    # Tombstones at or below this version may have been purged: older cookies get a reset.
    purged_version: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # A solo space made by unpairing: who ended the couple (no foreign key: the account may go).
    unpaired_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)

    @property
    def unpaired(self) -> dict | None:
        """Return who ended the couple this space came from, and when; None otherwise."""
        return unpairing(self.unpaired_by, self.created_at)


def unpairing(by: uuid.UUID | None, at: datetime) -> dict | None:
    """Describe how a space began, as the API shows it: {by, at} after an unpairing, else None."""
    return None if by is None else {"by": by, "at": at}


class Invite(db.Model):
    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    inviter_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Set when the invite was used or replaced; an invite with either set is dead.
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    used_by_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL")
    )
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    def is_live(self, now: datetime) -> bool:
        """Tell whether the invite can still be accepted."""
        return self.used_at is None and self.revoked_at is None and self.expires_at > now
