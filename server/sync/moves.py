"""Records moving between spaces when partners pair and unpair (DESIGN §2)."""

from __future__ import annotations

import copy
import uuid

from sqlalchemy import select, update

from server.db import utcnow
from server.extensions import db
from server.spaces.models import Space
from server.sync.models import PRIVATE, SHARED, Record
from server.sync.registry import REKEYERS

# Kinds that only make sense between two partners: after unpairing, read-only copies.
COUPLE_KINDS = {"agreement", "promise"}


def lock_space(space_id: uuid.UUID) -> int | None:
    """Take the space's row lock by bumping its version; return the new version."""
    return db.session.execute(
        update(Space)
        .where(Space.id == space_id)
        .values(version=Space.version + 1)
        .returning(Space.version)
    ).scalar()


def _copy(record: Record, space_id: uuid.UUID, version: int, **changes) -> Record:
    rekey = REKEYERS.get(record.kind)
    clone = Record(
        space_id=space_id,
        id=record.id,
        kind=record.kind,
        author_id=record.author_id,
        visibility=record.visibility,
        ever_shared=record.ever_shared,
        archived=record.archived,
        version=version,
        tombstone=False,
        deleted_at=record.deleted_at,
        state=record.state,
        due_on=record.due_on,
        created_at=record.created_at,
        updated_at=utcnow(),
        data=copy.deepcopy(record.data),
    )
    for name, value in changes.items():
        setattr(clone, name, value)
    if rekey is not None:
        clone.id = rekey(clone, space_id)
    return clone


def _live_records(space_id: uuid.UUID) -> list[Record]:
    return list(
        db.session.scalars(
            select(Record).where(Record.space_id == space_id, Record.tombstone.is_(False))
        )
    )


def on_pair(couple_id: uuid.UUID, solo_spaces: list[uuid.UUID]) -> None:
    """Bring each partner's solo records into the couple space, private to their author."""
    for space_id in sorted(solo_spaces):
        lock_space(space_id)  # wait for pushes into the solo space to finish
    version = lock_space(couple_id)
    for space_id in solo_spaces:
        for record in _live_records(space_id):
            db.session.add(_copy(record, couple_id, version, visibility=PRIVATE, ever_shared=False))
    db.session.flush()


def _keeps(record: Record, member_id: uuid.UUID) -> bool:
    """Tell whether a member keeps (a copy of) this couple record after unpairing."""
    if record.kind in COUPLE_KINDS:
        return True
    if record.author_id == member_id:
        return True
    # Of the former partner's records, only memories that were shared come along.
    return record.kind == "memory" and record.visibility == SHARED


def on_unpair(couple_id: uuid.UUID, new_spaces: dict[uuid.UUID, uuid.UUID]) -> None:
    """Give each former partner their records in their new solo space."""
    lock_space(couple_id)
    records = _live_records(couple_id)
    for member_id, space_id in new_spaces.items():
        version = lock_space(space_id)
        for record in records:
            if not _keeps(record, member_id):
                continue
            changes: dict = {}
            if record.kind in COUPLE_KINDS:
                changes["archived"] = True
            elif record.author_id != member_id:
                # The copy is the member's own now; remember who first wrote it.
                changes["author_id"] = member_id
                changes["data"] = {
                    **copy.deepcopy(record.data),
                    "originally_by": str(record.author_id),
                }
            db.session.add(_copy(record, space_id, version, **changes))
    db.session.flush()
