"""Who is in a space: read by pairing, by sync's mutators and by the API alike."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from server.accounts.models import User
from server.extensions import db
from server.spaces.models import COUPLE


def partner_of(user: User, among: Sequence[User] | None = None) -> User | None:
    """Return the other member of the user's couple space, if any (from `among` when given:
    the space's members, already read)."""
    if user.space.kind != COUPLE:
        return None
    if among is not None:
        return next((member for member in among if member.id != user.id), None)
    return db.session.scalar(select(User).where(User.space_id == user.space_id, User.id != user.id))
