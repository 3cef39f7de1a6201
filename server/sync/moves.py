"""Records moving between spaces when partners pair and unpair (DESIGN §2).

A copy kept after unpairing belongs to whoever kept it: it is authored by them from
then on (`originally_by` names who wrote it), so that it stays theirs to read in
every space it moves to afterwards, and nobody else's unless they share it.
"""

from __future__ import annotations

import copy
import uuid

from sqlalchemy import select, update

from server.accounts.models import User
from server.db import utcnow
from server.extensions import db
from server.spaces.models import Space
from server.sync.models import PRIVATE, SHARED, Record
from server.sync.registry import REKEYERS

# Kinds that only make sense between two partners: after unpairing, read-only copies.
COUPLE_KINDS = {"agreement", "promise", "repair", "repair_entry"}
# Of these, each partner keeps only their own words, never the former partner's.
OWN_WORDS_ONLY = {"repair_entry"}
# Fields of a record's data naming another record of the same space.
REFERENCES = ("repair_id",)


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


def _kept_by(record: Record, keeper_id: uuid.UUID) -> dict:
    """The changes that make a copy its keeper's own, remembering who first wrote it."""
    if record.author_id == keeper_id:
        return {}
    data = copy.deepcopy(record.data)
    data.setdefault("originally_by", str(record.author_id))
    return {"author_id": keeper_id, "data": data}


def on_pair(couple_id: uuid.UUID, solo_spaces: list[uuid.UUID]) -> None:
    """Bring each partner's solo records into the couple space, private to their keeper."""
    for space_id in sorted(solo_spaces):
        lock_space(space_id)  # wait for pushes into the solo space to finish
    version = lock_space(couple_id)
    owners = {
        space_id: user_id
        for space_id, user_id in db.session.execute(
            select(User.space_id, User.id).where(User.space_id.in_(solo_spaces))
        )
    }
    taken: set[uuid.UUID] = set()
    for space_id in solo_spaces:
        owner = owners[space_id]
        clones, renamed = [], {}
        for record in _live_records(space_id):
            if not record.visible_to(owner):
                continue  # never a copy of what its keeper could not read
            clone = _copy(
                record,
                couple_id,
                version,
                visibility=PRIVATE,
                ever_shared=False,
                **_kept_by(record, owner),
            )
            if clone.id in taken:
                # Partners pairing again both kept this record of their earlier couple.
                new_id = uuid.uuid4()
                renamed[str(clone.id)] = str(new_id)
                clone.id = new_id
            taken.add(clone.id)
            clones.append(clone)
        for clone in clones:
            _follow_renames(clone, renamed)
            db.session.add(clone)
    db.session.flush()


def _follow_renames(clone: Record, renamed: dict[str, str]) -> None:
    """Point the clone's references at the new ids of the records renamed beside it."""
    moved = {key: renamed[clone.data[key]] for key in REFERENCES if clone.data.get(key) in renamed}
    if moved:
        clone.data = {**clone.data, **moved}


def _keeps(record: Record, member_id: uuid.UUID) -> bool:
    """Tell whether a member keeps (a copy of) this couple record after unpairing."""
    if record.author_id == member_id:
        return True
    # Of the former partner's records, shared memories come along, and archived copies of
    # shared agreements, promises and repairs (not the partner's words in a repair); never
    # what the member could not read.
    if record.kind in OWN_WORDS_ONLY:
        return False
    return record.visibility == SHARED and (record.kind in COUPLE_KINDS or record.kind == "memory")


def on_unpair(couple_id: uuid.UUID, new_spaces: dict[uuid.UUID, uuid.UUID]) -> None:
    """Give each former partner their records in their new solo space."""
    lock_space(couple_id)
    records = _live_records(couple_id)
    for member_id, space_id in new_spaces.items():
        version = lock_space(space_id)
        for record in records:
            if not _keeps(record, member_id):
                continue
            changes = _kept_by(record, member_id)
            if record.kind in COUPLE_KINDS:
                changes["archived"] = True
            db.session.add(_copy(record, space_id, version, **changes))
    db.session.flush()
