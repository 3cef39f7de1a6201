"""Deleting an account: the couple ends first, then nothing of the account is kept.

What the former partner keeps follows the unpairing rules (their own copies, told
without content). Those copies, and anything else, no longer name the account by id:
its id is replaced by FORMER_ACCOUNT wherever a record still carried it (who first
wrote a kept copy, who wrote a field, who ended the couple), so the partner's app
speaks of a former partner without anything pointing at the account.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import String, cast, delete, select, update

from server.accounts.models import User
from server.accounts.service import end_sessions
from server.db import utcnow, write_transaction
from server.errors import ApiError
from server.extensions import db
from server.spaces import service as spaces
from server.spaces.models import COUPLE, Invite, Space
from server.sync import moves
from server.sync.models import Record
from server.sync.service import with_retries

# Stands for an account that no longer exists, where a kept record named it.
FORMER_ACCOUNT = uuid.UUID(int=0)


def _replace_id(value: Any, old: str, new: str) -> Any:
    """Return a JSON value with every string equal to `old` (keys too) replaced by `new`."""
    if isinstance(value, str):
        return new if value == old else value
    if isinstance(value, list):
        return [_replace_id(item, old, new) for item in value]
    if isinstance(value, dict):
        return {
            (new if key == old else key): _replace_id(item, old, new) for key, item in value.items()
        }
    return value


def _forget_id(user_id: uuid.UUID) -> None:
    """Make what others keep stop naming the account (in the open transaction)."""
    old, new = str(user_id), str(FORMER_ACCOUNT)
    naming = list(
        db.session.scalars(
            select(Record)
            .where(Record.author_id != user_id)
            .where(cast(Record.data, String).contains(old))
            .order_by(Record.space_id, Record.id)
        )
    )
    versions: dict[uuid.UUID, int | None] = {}
    for record in naming:
        data = _replace_id(record.data, old, new)
        if data == record.data:
            continue
        if record.space_id not in versions:
            versions[record.space_id] = moves.lock_space(record.space_id)
        record.data = data
        record.version = versions[record.space_id]  # the keeper's apps pull the change
    db.session.execute(
        update(Space).where(Space.unpaired_by == user_id).values(unpaired_by=FORMER_ACCOUNT)
    )


def _delete_rows(user_id: uuid.UUID) -> None:
    """Delete the account and every row of it (in the open transaction)."""
    from server.memories.models import PhotoRef
    from server.push.models import PushNotice

    user = db.session.get(User, user_id)
    if user is None:
        return
    space_id = user.space_id
    db.session.execute(delete(PushNotice).where(PushNotice.author_id == user_id))
    db.session.execute(delete(PhotoRef).where(PhotoRef.author_id == user_id))
    db.session.execute(delete(Record).where(Record.author_id == user_id))
    _forget_id(user_id)
    # Every table that refers to users: its rows of the account go (or stop naming it).
    users = User.__table__
    for table in reversed(db.metadata.sorted_tables):
        for fk in table.foreign_keys:
            if fk.column is not users.c.id:
                continue
            column = fk.parent
            if fk.ondelete == "SET NULL" and column.nullable:
                db.session.execute(
                    update(table).where(column == user_id).values({column.name: None})
                )
            else:
                db.session.execute(delete(table).where(column == user_id))
    db.session.execute(delete(users).where(users.c.id == user_id))
    if db.session.scalar(select(User.id).where(User.space_id == space_id).limit(1)) is None:
        db.session.execute(delete(Record).where(Record.space_id == space_id))
        db.session.execute(delete(Space).where(Space.id == space_id))


def _delete_once(user_id: uuid.UUID) -> bool:
    """Delete the account unless it is in a couple again; tell whether it is gone."""
    with write_transaction():
        locked = db.session.execute(
            select(User.id, Space.kind)
            .join(Space, User.space_id == Space.id)
            .where(User.id == user_id)
            .with_for_update(of=User.__table__)
        ).first()
        if locked is None:
            return True
        if locked.kind == COUPLE:
            return False
        _delete_rows(user_id)
    return True


def delete_account(user_id: uuid.UUID) -> None:
    """End every session and push subscription, unpair, then delete everything of the account.

    The password is checked by the caller; the caller's own session is not cleared here.
    """
    with write_transaction():
        db.session.execute(
            update(Invite)
            .where(Invite.inviter_id == user_id, Invite.used_at.is_(None))
            .where(Invite.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
    end_sessions(user_id)
    for _ in range(3):
        user = db.session.get(User, user_id, populate_existing=True)
        if user is None:
            return
        if user.space.kind == COUPLE:
            try:
                spaces.unpair(user)
            except ApiError as error:
                if error.code != "not_paired":  # unpaired meanwhile: nothing to end
                    raise
        db.session.expunge_all()
        if with_retries(lambda: _delete_once(user_id)):
            db.session.expunge_all()
            return
    raise ApiError(503, "busy", "The server is busy. Try again.", headers={"Retry-After": "1"})
