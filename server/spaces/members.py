"""Who is in a space: read by pairing, by sync's mutators and by the API alike."""

from __future__ import annotations

from sqlalchemy import select

from server.accounts.models import User
from server.extensions import db
from server.spaces.models import COUPLE


def partner_of(user: User) -> User | None:
    """Return the other member of the user's couple space, if any."""
    if user.space.kind != COUPLE:
        return None
    return db.session.scalar(select(User).where(User.space_id == user.space_id, User.id != user.id))
