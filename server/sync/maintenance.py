"""Periodic upkeep of synced data: expired soft deletes, old tombstones, overdue promises."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, union

from server.accounts.models import User
from server.db import utcnow, write_transaction
from server.extensions import db
from server.spaces.models import Space
from server.sync.models import Record
from server.sync.registry import BEFORE_PUSH, MutationContext

RESTORE_WINDOW = timedelta(days=30)
TOMBSTONE_LIFETIME = timedelta(days=90)


@dataclass
class Report:
    buried: int = 0
    purged: int = 0
    spaces: int = 0


def _space_ids_needing_work(now: datetime) -> list[uuid.UUID]:
    soft_deleted = select(Record.space_id).where(
        Record.tombstone.is_(False),
        Record.deleted_at.is_not(None),
        Record.deleted_at < now - RESTORE_WINDOW,
    )
    old_tombstones = select(Record.space_id).where(
        Record.tombstone.is_(True), Record.updated_at < now - TOMBSTONE_LIFETIME
    )
    couples = select(Space.id).where(Space.kind == "couple")
    rows = db.session.execute(union(soft_deleted, old_tombstones, couples)).scalars()
    return sorted(set(rows))


def maintain_space(space_id: uuid.UUID, now: datetime, report: Report) -> None:
    """Do one space's upkeep in one transaction under its lock."""
    with write_transaction():
        space = db.session.scalar(select(Space).where(Space.id == space_id).with_for_update())
        if space is None:
            return
        members = db.session.scalars(select(User).where(User.space_id == space_id)).all()
        if not members:
            return
        # The version is only taken (written back) if something changes.
        ctx = MutationContext(
            user=members[0],
            space=space,
            version=space.version + 1,
            now=now,
        )
        expired = db.session.scalars(
            select(Record).where(
                Record.space_id == space_id,
                Record.tombstone.is_(False),
                Record.deleted_at.is_not(None),
                Record.deleted_at < now - RESTORE_WINDOW,
            )
        ).all()
        for record in expired:
            ctx.bury(record)
        report.buried += len(expired)
        for hook in BEFORE_PUSH:
            hook(ctx)
        old = (
            (Record.space_id == space_id)
            & Record.tombstone.is_(True)
            & (Record.updated_at < now - TOMBSTONE_LIFETIME)
        )
        horizon = db.session.scalar(select(func.max(Record.version)).where(old))
        if horizon is not None:
            report.purged += db.session.execute(delete(Record).where(old)).rowcount
            space.purged_version = max(space.purged_version, horizon)
        if ctx.changed:
            space.version = ctx.version
            report.spaces += 1


def run(now: datetime | None = None) -> Report:
    """Do the upkeep of every space that needs it."""
    now = now or utcnow()
    report = Report()
    db.session.rollback()
    for space_id in _space_ids_needing_work(now):
        maintain_space(space_id, now, report)
    return report
