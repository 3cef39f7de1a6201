"""Spaces and pairing: invites, accepting them, unpairing."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy import func, select, update

from server import events
from server.db import utcnow, write_transaction
from server.errors import ApiError
from server.extensions import db
from server.spaces.models import COUPLE, SOLO, Invite, Space
from server.spaces.qr import qr_data_uri
from server.sync import moves
from server.sync.service import with_retries

if TYPE_CHECKING:
    from server.accounts.models import User

# No 0/O, 1/I/L: codes are read aloud and typed on phones.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


def _invite_not_found() -> ApiError:
    """Build the answer for a code that names no live invite."""
    return ApiError(404, "invite_not_found", "No invite has this code. Check it and try again.")


def create_solo_space(unpaired_by: uuid.UUID | None = None) -> Space:
    """Add a new solo space to the session (made by unpairing: who ended the couple)."""
    space = Space(kind=SOLO, version=0, unpaired_by=unpaired_by)
    db.session.add(space)
    return space


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
        _lock_users(user.id)  # the user's row before their invites, as pairing takes them
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


@dataclass
class InvitePreview:
    inviter: User
    expires_at: datetime


def preview_invite(typed_code: str, viewer: User | None) -> InvitePreview:
    """Say who made a live invite; any code that cannot be accepted gets the same 404."""
    from server.accounts.models import User

    code = normalise_code(typed_code)
    invite = (
        db.session.scalar(select(Invite).where(Invite.code == code))
        if 0 < len(code) <= CODE_LENGTH
        else None
    )
    # Used, replaced and expired codes answer as unknown ones do: a code tells nothing more.
    if invite is None or not invite.is_live(utcnow()):
        raise _invite_not_found()
    inviter = db.session.get(User, invite.inviter_id)
    if inviter is None or inviter.space.kind == COUPLE:
        raise _invite_not_found()
    if viewer is not None and viewer.id == inviter.id:
        raise ApiError(409, "own_invite", "This is your own invite: send it to your partner.")
    return InvitePreview(inviter=inviter, expires_at=invite.expires_at)


def _lock_users(*user_ids: uuid.UUID) -> list[User]:
    """Lock the users' rows one by one in id order, then load them fresh.

    Every pairing, unpairing and invite takes its locks in one global order: users
    by id, then their invites, then spaces by id. FOR NO KEY UPDATE leaves room for
    the key-share locks that inserts referring to a user take (a push's records, a
    photo upload), which would otherwise wait on us while we wait on their space.
    """
    from server.accounts.models import User

    for user_id in sorted(set(user_ids)):
        db.session.execute(
            select(User.id).where(User.id == user_id).with_for_update(key_share=True)
        )
    return [db.session.get(User, user_id, populate_existing=True) for user_id in user_ids]


def _versions_go_on(space_id: uuid.UUID, previous: list[uuid.UUID]) -> None:
    """Start a space's versions above those of the spaces its members come from.

    An open app knows its space by the version it last saw (the live channel's
    event id): a new space must never repeat one of those numbers.
    """
    floor = db.session.scalar(select(func.max(Space.version)).where(Space.id.in_(previous)))
    db.session.execute(
        update(Space)
        .where(Space.id == space_id, Space.version <= (floor or 0))
        .values(version=(floor or 0) + 1)
    )


def _accept_once(user_id: uuid.UUID, code: str) -> User:
    now = utcnow()
    with write_transaction():
        # Who made the invite, read without a lock: the users' rows are locked first.
        inviter_id = (
            db.session.scalar(select(Invite.inviter_id).where(Invite.code == code))
            if code
            else None
        )
        if inviter_id is None:
            raise _invite_not_found()
        user, inviter = _lock_users(user_id, inviter_id)
        if user is None:
            raise ApiError(401, "unauthorized", "Sign in first.")
        # Checked again under the locks: whatever happened while we waited counts.
        invite = db.session.scalar(
            select(Invite)
            .where(Invite.code == code)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        if inviter is None or invite is None or invite.revoked_at is not None:
            raise _invite_not_found()
        if inviter.id == user.id:
            raise ApiError(409, "own_invite", "This is your own invite: send it to your partner.")
        if invite.used_at is not None:
            raise ApiError(
                409, "invite_used", "This invite has been used already. Ask for a new one."
            )
        if invite.expires_at <= now:
            raise ApiError(409, "invite_expired", "This invite has expired. Ask for a new one.")
        if user.space.kind == COUPLE:
            raise ApiError(409, "already_paired", "You are already paired. Unpair first.")
        if inviter.space.kind == COUPLE:
            raise ApiError(409, "inviter_paired", "Whoever made this invite is paired already.")
        old_spaces = sorted([user.space, inviter.space], key=lambda space: space.id)
        couple = Space(kind=COUPLE, version=0)
        db.session.add(couple)
        db.session.flush()
        moves.on_pair(couple.id, [space.id for space in old_spaces])
        _versions_go_on(couple.id, [space.id for space in old_spaces])
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
    return inviter


def accept_invite(user: User, typed_code: str) -> tuple[Space, User]:
    """Pair the user with the invite's author; return the couple space and the partner."""
    code = normalise_code(typed_code)
    # A deadlock or serialization failure is tried again, then answered 503, never 500.
    partner = with_retries(lambda: _accept_once(user.id, code))
    db.session.refresh(user)
    events.paired.send(None, user_ids=[user.id, partner.id], space_id=user.space_id)
    return user.space, partner


def _unpair_once(user_id: uuid.UUID) -> list[uuid.UUID]:
    from server.accounts.models import User

    with write_transaction():
        couple_id = db.session.scalar(
            select(Space.id)
            .join(User, User.space_id == Space.id)
            .where(User.id == user_id, Space.kind == COUPLE)
        )
        if couple_id is None:
            raise ApiError(409, "not_paired", "You are not paired.")
        member_ids = set(db.session.scalars(select(User.id).where(User.space_id == couple_id)))
        members = _lock_users(*(member_ids | {user_id}))
        # The couple may have ended while we waited for the locks.
        members = [m for m in members if m is not None and m.space_id == couple_id]
        if user_id not in {m.id for m in members}:
            raise ApiError(409, "not_paired", "You are not paired.")
        new_spaces = {member.id: create_solo_space(unpaired_by=user_id) for member in members}
        db.session.flush()
        moves.on_unpair(couple_id, {m: space.id for m, space in new_spaces.items()})
        for space in new_spaces.values():
            _versions_go_on(space.id, [couple_id])
        for member in members:
            member.space_id = new_spaces[member.id].id
        db.session.flush()
        db.session.delete(db.session.get(Space, couple_id))
        return [m.id for m in members if m.id != user_id]


def unpair(user: User) -> Space:
    """End the couple: each partner gets a new solo space and the couple space goes."""
    # A deadlock or serialization failure is tried again, then answered 503, never 500.
    others = with_retries(lambda: _unpair_once(user.id))
    # After the commit: whoever is told must find the new spaces.
    events.unpaired.send(None, by=user.id, others=others)
    db.session.refresh(user)
    return user.space
