"""Device cookies: a browser that has signed in to an account before is known to it.

Following OWASP's "Slow down online guessing attacks with device cookies": a
successful sign-in leaves a signed, long-lived cookie naming the account and a
random nonce. A sign-in attempt carrying a valid one for the account it names
skips the account's limit for unknown devices, so strangers guessing a password
cannot lock its owner out; the cookie has a small limit of its own instead. The
cookie is no session: it opens nothing, and signing out leaves it in place.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta

from flask import Response, after_this_request, current_app, g, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select

from server.accounts.sessions import cookie_secure
from server.extensions import db
from server.schemas import is_unstorable

COOKIE_NAME = "hearth_device"
# Only the sign-in endpoint ever needs it.
COOKIE_PATH = "/api/auth/login"
SALT = "hearth.device-cookie"
_UNSET = object()


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=SALT)


def _lifetime() -> timedelta:
    return timedelta(days=current_app.config["DEVICE_COOKIE_DAYS"])


def _read_cookie() -> tuple[str, str] | None:
    """Return (user id, nonce) of this request's device cookie if the server signed it."""
    raw = request.cookies.get(COOKIE_NAME)
    if not raw or len(raw) > 300:
        return None
    try:
        value = _serializer().loads(raw, max_age=int(_lifetime().total_seconds()))
    except BadSignature:
        return None
    if not isinstance(value, dict):
        return None
    user_id, nonce = value.get("u"), value.get("n")
    if not isinstance(user_id, str) or not isinstance(nonce, str):
        return None
    return user_id, nonce


def _email_signing_in() -> str | None:
    body = request.get_json(silent=True)
    email = body.get("email") if isinstance(body, dict) else None
    # Read before the schema refuses it: text no database takes is nobody's email.
    return email if isinstance(email, str) and not is_unstorable(email) else None


def known_device() -> str | None:
    """Return this device's nonce if it has signed in before to the account now signing in."""
    found = g.get("hearth_known_device", _UNSET)
    if found is _UNSET:
        found = _known_device()
        g.hearth_known_device = found
    return found  # type: ignore[return-value]


def _known_device() -> str | None:
    from server.accounts.models import User
    from server.accounts.service import email_key

    cookie = _read_cookie()
    email = _email_signing_in()
    if cookie is None or email is None:
        return None
    user_id = db.session.scalar(select(User.id).where(User.email_key == email_key(email)[:254]))
    return cookie[1] if user_id is not None and str(user_id) == cookie[0] else None


def device_cookie_value(user_id: uuid.UUID | str, nonce: str) -> str:
    """Sign a device cookie for the user."""
    return _serializer().dumps({"u": str(user_id), "n": nonce})


def remember_device(user_id: uuid.UUID) -> None:
    """Leave (or renew) this browser's device cookie for the user with the answer."""
    cookie = _read_cookie()
    # The same nonce as before, so that a device locked out for failing stays locked.
    nonce = cookie[1] if cookie and cookie[0] == str(user_id) else secrets.token_urlsafe(16)
    value = device_cookie_value(user_id, nonce)
    lifetime = _lifetime()
    secure = cookie_secure(current_app, request)

    @after_this_request
    def _set(response: Response) -> Response:
        response.set_cookie(
            COOKIE_NAME,
            value,
            max_age=int(lifetime.total_seconds()),
            path=COOKIE_PATH,
            httponly=True,
            secure=secure,
            samesite="Strict",
        )
        return response
