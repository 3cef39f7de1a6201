"""Spaces and pairing: invites, accepting them, unpairing."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy import select, update

from server.db import utcnow, write_transaction
from server.errors import ApiError
from server.extensions import db
from server.spaces.models import COUPLE, SOLO, Invite, Space
from server.spaces.qr import qr_data_uri
from server.sync import moves

if TYPE_CHECKING:
    from server.accounts.models import User

# No 0/O, 1/I/L: codes are read aloud and typed on phones.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


def create_solo_space() -> Space:
    """Add a new solo space to the session."""
    space = Space(kind=SOLO, version=0)
    db.session.add(space)
    return space


def partner_of(user: User) -> User | None:
    """Return the other member of the user's couple space, if any."""
    from server.accounts.models import User

    if user.space.kind != COUPLE:
        return None
    return db.session.scalar(select(User).where(User.space_id == user.space_id, User.id != user.id))


def format_code(code: str) -> str:
    """Show a code in two halves, easier to read aloud."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def normalise_code(text: str) -> str:
    """Accept a code typed with spaces, dashes or in lower case."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


@dataclass
class IssuedInvite:
    code: str
    expires_at: object
    url: str
    qr_code: str


def create_invite(user: User, base_url: str) -> IssuedInvite:
    """Issue a fresh invite for the user, replacing any live one."""
    now = utcnow()
    with write_transaction():
        db.session.refresh(user)
        if user.space.kind == COUPLE:
            raise ApiError(409, "already_paired", "You are already paired. Unpair first.")
        db.session.execute(
            update(Invite)
            .where(Invite.inviter_id == user.id)
            .where(Invite.used_at.is_(None), Invite.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        while True:
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            if db.session.scalar(select(Invite.id).where(Invite.code == code)) is None:
                break
        ttl = timedelta(minutes=current_app.config["INVITE_TTL_MINUTES"])
        invite = Invite(code=code, inviter_id=user.id, created_at=now, expires_at=now + ttl)
        db.session.add(invite)
    shown = format_code(code)
    url = f"{base_url}/join#{shown}"
    return IssuedInvite(code=shown, expires_at=invite.expires_at, url=url, qr_code=qr_data_uri(url))


def _lock_users(*users: User) -> None:
    """Lock the users' rows in a fixed order so that concurrent pairings serialise."""
    from server.accounts.models import User

    ids = sorted(u.id for u in users)
    db.session.execute(select(User.id).where(User.id.in_(ids)).order_by(User.id).with_for_update())
    for u in users:
        db.session.refresh(u)


def accept_invite(user: User, typed_code: str) -> tuple[Space, User]:
    """Pair the user with the invite's author; return the couple space and the partner."""
    from server.accounts.models import User

    code = normalise_code(typed_code)
    now = utcnow()
    with write_transaction():
        invite = (
            db.session.scalar(select(Invite).where(Invite.code == code).with_for_update())
            if code
            else None
        )
        if invite is None or invite.revoked_at is not None:
            raise ApiError(
                404, "invite_not_found", "No invite has this code. Check it and try again."
            )
        if invite.inviter_id == user.id:
            raise ApiError(409, "own_invite", "This is your own invite: send it to your partner.")
        if invite.used_at is not None:
            raise ApiError(
                409, "invite_used", "This invite has been used already. Ask for a new one."
            )
        if invite.expires_at <= now:
            raise ApiError(409, "invite_expired", "This invite has expired. Ask for a new one.")
        inviter = db.session.get(User, invite.inviter_id)
        _lock_users(user, inviter)
        if user.space.kind == COUPLE:
            raise ApiError(409, "already_paired", "You are already paired. Unpair first.")
        if inviter.space.kind == COUPLE:
            raise ApiError(409, "inviter_paired", "Whoever made this invite is paired already.")
        old_spaces = [user.space, inviter.space]
        couple = Space(kind=COUPLE, version=0)
        db.session.add(couple)
        db.session.flush()
        moves.on_pair(couple.id, [space.id for space in old_spaces])
        user.space_id = inviter.space_id = couple.id
        invite.used_at, invite.used_by_id = now, user.id
        db.session.execute(
            update(Invite)
            .where(Invite.inviter_id.in_([user.id, inviter.id]))
            .where(Invite.used_at.is_(None), Invite.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        db.session.flush()
        for space in old_spaces:
            db.session.delete(space)
    db.session.refresh(user)
    return user.space, inviter


def unpair(user: User) -> Space:
    """End the couple: each partner gets a new solo space and the couple space goes."""
    from server.accounts.models import User

    with write_transaction():
        db.session.refresh(user)
        if user.space.kind != COUPLE:
            raise ApiError(409, "not_paired", "You are not paired.")
        couple = user.space
        members = db.session.scalars(select(User).where(User.space_id == couple.id)).all()
        _lock_users(*members)
        if user.space_id != couple.id:
            raise ApiError(409, "not_paired", "You are not paired.")
        new_spaces = {}
        for member in members:
            new_spaces[member.id] = create_solo_space()
        db.session.flush()
        moves.on_unpair(couple.id, {m: space.id for m, space in new_spaces.items()})
        for member in members:
            member.space_id = new_spaces[member.id].id
        db.session.flush()
        db.session.delete(couple)
        others = [m.id for m in members if m.id != user.id]
    from server.push.queue import tell_unpaired

    tell_unpaired(others)  # after the commit: the worker must find the new spaces
    db.session.refresh(user)
    return user.space
