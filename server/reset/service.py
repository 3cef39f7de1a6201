"""Password resets: ask for a link by email, then choose a new password with it."""

from __future__ import annotations

import hashlib
import logging
import secrets
import uuid
from datetime import datetime, timedelta

from flask import Flask, current_app
from limits import parse_many
from sqlalchemy import delete, select, update

from server.accounts.models import User
from server.accounts.passwords import hash_password
from server.accounts.service import email_key, end_sessions, find_user
from server.db import utcnow, write_transaction
from server.errors import ApiError
from server.extensions import db, limiter
from server.reset import mail
from server.reset.models import PasswordReset

log = logging.getLogger(__name__)

TOKEN_LIFETIME = timedelta(hours=1)
INVALID_TOKEN = ApiError(
    400,
    "invalid_token",
    "This link cannot be used any more: it has expired or was used already. Ask for a new one.",
)

# The time now; tests replace it.
clock = utcnow


def token_hash(token: str) -> str:
    """The form of a token that is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def within_email_limit(email: str) -> bool:
    """Count a request for this address; False once it is over its limit."""
    if not current_app.config["RATELIMIT_ENABLED"]:
        return True
    key = email_key(email)[:254]
    strategy = limiter.limiter
    allowed = True
    for item in parse_many(current_app.config["LIMIT_RESET_PER_EMAIL"]):
        allowed = strategy.hit(item, "password-reset-email", key) and allowed
    return allowed


def issue(user_id: uuid.UUID, now: datetime | None = None) -> str:
    """Store a new token for the user and return it (only its hash is kept)."""
    token = secrets.token_urlsafe(32)
    now = now or clock()
    with write_transaction():
        db.session.execute(
            delete(PasswordReset).where(
                PasswordReset.user_id == user_id, PasswordReset.expires_at <= now
            )
        )
        db.session.add(
            PasswordReset(
                token_hash=token_hash(token),
                user_id=user_id,
                created_at=now,
                expires_at=now + TOKEN_LIFETIME,
            )
        )
    return token


def reset_text(name: str, link: str) -> str:
    return (
        f"Hello {name},\n\n"
        "Someone asked to choose a new password for your Hearth account. If it was you,\n"
        "open this link within the hour to choose one:\n\n"
        f"{link}\n\n"
        "The link works once. Choosing a new password signs you out everywhere;\n"
        "you sign in again with the new one.\n\n"
        "If it was not you, you can ignore this mail: your password stays as it is.\n"
    )


def send_link(app: Flask, email: str, base_url: str) -> None:
    """Mail a reset link to the account with this email, if there is one (the task's work)."""
    user = find_user(email)
    if user is None:
        return
    if not base_url:
        log.warning("PUBLIC_URL is not set: no password reset link can be sent")
        return
    token = issue(user.id)
    message = mail.build(
        app.config,
        user.email,
        "Choose a new Hearth password",
        reset_text(user.display_name, f"{base_url}/reset#{token}"),
    )
    db.session.rollback()  # nothing held open while the mail server answers
    mail.send(app, message)


def confirm(token: str, password: str) -> uuid.UUID:
    """Set the password of the token's account, end all its sessions; the token is spent."""
    new_hash = hash_password(password)
    found = token_hash(token)
    with write_transaction():
        user_id = db.session.scalar(
            select(PasswordReset.user_id).where(
                PasswordReset.token_hash == found, PasswordReset.expires_at > clock()
            )
        )
        if user_id is None:
            raise INVALID_TOKEN
        # The one that deletes it uses it: two requests with one token cannot both pass.
        spent = db.session.execute(
            delete(PasswordReset).where(PasswordReset.token_hash == found)
        ).rowcount
        if spent != 1:
            raise INVALID_TOKEN
        db.session.execute(delete(PasswordReset).where(PasswordReset.user_id == user_id))
        db.session.execute(
            update(User)
            .where(User.id == user_id)
            .values(password_hash=new_hash, failed_logins=0, last_failed_login_at=None)
        )
    end_sessions(user_id)
    return user_id
