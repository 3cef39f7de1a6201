"""The restores an instance has been through: each starts a new sync epoch."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, ScalarSelect, String, select
from sqlalchemy.orm import Mapped, mapped_column

from server.db import UtcDateTime, utcnow
from server.extensions import db


class Restore(db.Model):
    """A restore from a backup, recorded in the restored database.

    Pull cookies carry the epoch of the latest restore: a cookie of another epoch
    names versions that the restored database may hand out again for other changes,
    so its device takes a full snapshot.
    """

    __tablename__ = "restores"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Random, not counted: two restores of one backup must not share an epoch.
    epoch: Mapped[int] = mapped_column(Integer)
    restored_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # What was restored: the backup's time and the migration revision it was taken at
    # (unknown after a restore by other means, followed by `flask reset-sync`).
    backup_created_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    backup_revision: Mapped[str | None] = mapped_column(String(32))


def current_epoch() -> ScalarSelect[int]:
    """The epoch of the latest restore, as a subquery (NULL on a never-restored instance)."""
    return select(Restore.epoch).order_by(Restore.id.desc()).limit(1).scalar_subquery()


def restored_since(moment: datetime | None) -> bool:
    """Tell whether the instance was restored after the moment (ever, for None)."""
    latest = db.session.scalar(select(Restore.restored_at).order_by(Restore.id.desc()).limit(1))
    return latest is not None and (moment is None or latest > moment)
