"""Accounts: registration, signing in and out, profile and password changes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from flask import current_app, session
from flask_login import login_user, logout_user
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from server import events
from server.accounts.devices import remember_device
from server.accounts.models import User
from server.accounts.passwords import burn_time, hash_password, needs_rehash, verify_password
from server.accounts.sessions import USER_KEY, StoredSession, current_store, token_key
from server.db import utcnow, write_transaction
from server.errors import ApiError
from server.extensions import db
from server.push import service as push
from server.spaces import service as spaces

INVALID_LOGIN = ApiError(401, "invalid_credentials", "Wrong email or password.")


def email_key(email: str) -> str:
    """Return the form of an email address that is compared."""
    return email.strip().lower()


def find_user(email: str) -> User | None:
    """Return the account with this email address, if there is one."""
    return db.session.scalar(select(User).where(User.email_key == email_key(email)))


def _forget_this_device(user_id: str | None) -> None:
    """Stop push notifications to this device for the user signing out of it."""
    device = session.pop(push.DEVICE_KEY, None)
    if user_id and isinstance(device, str):
        push.forget_devices(uuid.UUID(user_id), [device])


def _start_session(user: User) -> None:
    previous = session.get(USER_KEY)
    if previous and previous != str(user.id):
        _forget_this_device(previous)  # someone else's notifications must not follow
    session.regenerate()  # a new session id at every sign-in
    login_user(user)


def register(email: str, password: str, display_name: str, time_zone: str) -> User:
    """Create an account with its solo space and sign it in."""
    password_hash = hash_password(password)
    try:
        with write_transaction():
            if db.session.scalar(select(User.id).where(User.email_key == email_key(email))):
                raise ApiError(
                    409,
                    "email_taken",
                    "An account with this email exists already.",
                    fields={"email": "An account with this email exists already."},
                )
            space = spaces.create_solo_space()
            user = User(
                email=email.strip(),
                email_key=email_key(email),
                password_hash=password_hash,
                display_name=display_name,
                time_zone=time_zone,
                space=space,
            )
            db.session.add(user)
    except IntegrityError:
        raise ApiError(
            409,
            "email_taken",
            "An account with this email exists already.",
            fields={"email": "An account with this email exists already."},
        ) from None
    _start_session(user)
    remember_device(user.id)
    return user


@dataclass
class FailedAttempts:
    count: int
    last_at: datetime


def _note_failed_attempt(email: str) -> None:
    """Count a failed sign-in from an unknown device against the account, if there is one."""
    # The same statement whether or not the account exists: the answer takes as long.
    with write_transaction():
        db.session.execute(
            update(User)
            .where(User.email_key == email_key(email)[:254])
            .values(failed_logins=User.failed_logins + 1, last_failed_login_at=utcnow())
        )


def _take_failed_attempts(user: User) -> FailedAttempts | None:
    """Return the failed sign-ins since the last one, and start counting again."""
    if not user.failed_logins:
        return None
    with write_transaction():
        locked = db.session.execute(
            select(User.failed_logins, User.last_failed_login_at)
            .where(User.id == user.id)
            .with_for_update(key_share=True)
        ).first()
        if locked is None:
            return None
        db.session.execute(
            update(User)
            .where(User.id == user.id)
            .values(failed_logins=0, last_failed_login_at=None)
        )
    if not locked.failed_logins or locked.last_failed_login_at is None:
        return None  # told by another sign-in meanwhile
    return FailedAttempts(locked.failed_logins, locked.last_failed_login_at)


def login(
    email: str, password: str, known_device: bool = False
) -> tuple[User, FailedAttempts | None]:
    """Sign in; an unknown email and a wrong password get the same answer.

    Also return the failed attempts from unknown devices since the last sign-in.
    """
    user = find_user(email)
    if user is None:
        burn_time(password)
    if user is None or not verify_password(user.password_hash, password):
        if not known_device:
            _note_failed_attempt(email)
        raise INVALID_LOGIN
    if needs_rehash(user.password_hash):
        new_hash = hash_password(password)
        with write_transaction():
            db.session.refresh(user)
            user.password_hash = new_hash
    failed = _take_failed_attempts(user)
    _start_session(user)
    remember_device(user.id)
    return user, failed


def logout() -> None:
    """End this session; its cookie stops working."""
    _forget_this_device(session.get(USER_KEY))
    logout_user()
    session.clear()


def forget_session() -> None:
    """Clear this session without touching the account (gone already)."""
    session.pop(push.DEVICE_KEY, None)
    logout_user()
    session.clear()


def end_sessions(user_id: uuid.UUID) -> None:
    """End every stored session of the user and stop notifications to their devices."""
    current_store(current_app).delete_for_user(str(user_id))
    push.forget_devices(user_id)


def logout_everywhere(user: User) -> None:
    """End every session of the user, this one included."""
    end_sessions(user.id)
    logout()


def check_password(
    user: User, password: str, field: str = "password", message: str = "The password is wrong."
) -> None:
    """Refuse a wrong password with 422 wrong_password, the message under `field`."""
    if not verify_password(user.password_hash, password):
        raise ApiError(422, "wrong_password", message, fields={field: message})


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Change the password and end every other session of the user."""
    check_password(user, current_password, "current_password", "The current password is wrong.")
    new_hash = hash_password(new_password)
    with write_transaction():
        db.session.refresh(user)
        user.password_hash = new_hash
    token = getattr(session, "token", None)
    current_store(current_app).delete_for_user(
        str(user.id), keep=token_key(token) if token else None
    )
    this_device = session.get(push.DEVICE_KEY)
    push.forget_devices(user.id, keep=this_device if isinstance(this_device, str) else None)
    session.regenerate()


def update_profile(user: User, changes: dict) -> User:
    """Change the display name and/or the time zone."""
    with write_transaction():
        db.session.refresh(user)
        for name in ("display_name", "time_zone"):
            if name in changes:
                setattr(user, name, changes[name])
    events.profile_changed.send(None, user_id=user.id)
    return user


@dataclass
class Device:
    id: str
    user_agent: str
    created_at: object
    last_seen_at: object
    current: bool


def devices(user: User) -> list[Device]:
    """List the user's signed-in sessions, most recently used first."""
    token = getattr(session, "token", None)
    current_key = token_key(token) if token else None
    stored: list[StoredSession] = current_store(current_app).list_for_user(str(user.id))
    return [
        Device(s.key, s.user_agent, s.created_at, s.last_seen_at, s.key == current_key)
        for s in stored
    ]


def end_device(user: User, device_id: str) -> None:
    """Sign out one of the user's devices."""
    store = current_store(current_app)
    found = {s.key: s for s in store.list_for_user(str(user.id))}
    if device_id not in found:
        raise ApiError(404, "not_found", "No such device.")
    token = getattr(session, "token", None)
    if token and token_key(token) == device_id:
        logout()
    else:
        store.delete(device_id)
        device = found[device_id].data.get(push.DEVICE_KEY)
        if isinstance(device, str):
            push.forget_devices(user.id, [device])
