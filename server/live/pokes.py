"""Who is poked, and when: after a push, a pairing, an unpairing or a profile change."""

from __future__ import annotations

import uuid

from flask import has_request_context, session
from sqlalchemy import select

from server import events
from server.extensions import db
from server.live import service
from server.sync.registry import Pushed, after_commit


def _this_session() -> str | None:
    """The key of the session that pushed: its own browser already knows."""
    from server.accounts.sessions import token_key

    token = getattr(session, "token", None) if has_request_context() else None
    return token_key(token) if token else None


@after_commit(first=True)  # an open app hears before the push queue is told
def poke_after_push(pushed: Pushed) -> None:
    """Poke the members who see what the push changed, once it has committed."""
    # The partner pulls whatever was ever shared (a shared record deleted or made private
    # comes as a deletion); a record private from the start is only its author's news.
    partner_sees = any(change.shared or change.ever_shared for change in pushed.applied)
    users = [m for m in pushed.members if partner_sees or m == pushed.user_id]
    service.poke(users, pushed.version, skip=_this_session())


def _members_and_version(user_id: uuid.UUID):
    """The members of the user's space and its version."""
    from server.accounts.models import User
    from server.spaces.models import Space

    space_id = select(User.space_id).where(User.id == user_id).scalar_subquery()
    return db.session.execute(
        select(User.id, Space.version)
        .join(Space, User.space_id == Space.id)
        .where(Space.id == space_id)
    ).all()


@events.paired.connect
def poke_paired(_sender, *, user_ids: list[uuid.UUID], **_kwargs) -> None:
    """Both partners' apps pull the couple space at once."""
    members = _members_and_version(user_ids[0])
    if members:
        service.poke([m.id for m in members], members[0].version)


@events.unpaired.connect
def bye_unpaired(_sender, *, by: uuid.UUID, others: list[uuid.UUID], **_kwargs) -> None:
    """End both partners' streams: their apps pull their new solo spaces and reconnect."""
    service.bye([by, *others], service.UNPAIRED)


@events.profile_changed.connect
def poke_profile(_sender, *, user_id: uuid.UUID, **_kwargs) -> None:
    """The partner's app (and my other devices) pull the new name or time zone."""
    members = _members_and_version(user_id)
    if members:
        service.poke([m.id for m in members], members[0].version, skip=_this_session())
