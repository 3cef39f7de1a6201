"""Server-side sessions the server can revoke: a database table, or Redis when configured.

The cookie carries a random token; the store keys sessions by the token's SHA-256,
so a leaked table or Redis dump holds no usable cookie. Only signed-in sessions
are stored.
"""

from __future__ import annotations

import functools
import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import flask
from flask import Flask, Request, Response
from flask.sessions import SessionInterface, SessionMixin
from sqlalchemy import delete, insert, select, update
from werkzeug.datastructures import CallbackDict

from server.db import utcnow
from server.errors import ApiError
from server.extensions import db

USER_KEY = "_user_id"
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}
# Refresh last-seen (and the idle expiry) at most this often, to keep writes off hot paths.
TOUCH_EVERY = timedelta(hours=1)


def token_key(token: str) -> str:
    """Return the store key of a cookie token."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class StoredSession:
    key: str
    user_id: str
    data: dict[str, Any]
    user_agent: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime


class SessionStore(Protocol):
    def load(self, key: str) -> StoredSession | None: ...
    def save(self, session: StoredSession) -> None: ...
    def touch(self, key: str, last_seen_at: datetime, expires_at: datetime) -> None: ...
    def delete(self, key: str) -> None: ...
    def delete_for_user(self, user_id: str, keep: str | None = None) -> None: ...
    def list_for_user(self, user_id: str) -> list[StoredSession]: ...
    def purge_expired(self) -> int: ...


class DatabaseStore:
    """Sessions in the auth_sessions table, on connections of their own."""

    def __init__(self) -> None:
        from server.accounts.models import AuthSession

        self.table = AuthSession.__table__

    def _row(self, row) -> StoredSession:
        return StoredSession(
            key=row.id,
            user_id=str(row.user_id),
            data=row.data,
            user_agent=row.user_agent,
            created_at=row.created_at,
            last_seen_at=row.last_seen_at,
            expires_at=row.expires_at,
        )

    def load(self, key: str) -> StoredSession | None:
        with db.engine.connect() as conn:
            row = conn.execute(select(self.table).where(self.table.c.id == key)).first()
        if row is None:
            return None
        stored = self._row(row)
        if stored.expires_at <= utcnow():
            self.delete(key)
            return None
        return stored

    def save(self, session: StoredSession) -> None:
        values = {
            "user_id": uuid.UUID(session.user_id),
            "data": session.data,
            "user_agent": session.user_agent,
            "last_seen_at": session.last_seen_at,
            "expires_at": session.expires_at,
        }
        with db.engine.begin() as conn:
            done = conn.execute(
                update(self.table).where(self.table.c.id == session.key).values(**values)
            ).rowcount
            if not done:
                conn.execute(
                    insert(self.table).values(
                        id=session.key, created_at=session.created_at, **values
                    )
                )

    def touch(self, key: str, last_seen_at: datetime, expires_at: datetime) -> None:
        with db.engine.begin() as conn:
            conn.execute(
                update(self.table)
                .where(self.table.c.id == key)
                .values(last_seen_at=last_seen_at, expires_at=expires_at)
            )

    def delete(self, key: str) -> None:
        with db.engine.begin() as conn:
            conn.execute(delete(self.table).where(self.table.c.id == key))

    def delete_for_user(self, user_id: str, keep: str | None = None) -> None:
        stmt = delete(self.table).where(self.table.c.user_id == uuid.UUID(user_id))
        if keep:
            stmt = stmt.where(self.table.c.id != keep)
        with db.engine.begin() as conn:
            conn.execute(stmt)

    def list_for_user(self, user_id: str) -> list[StoredSession]:
        with db.engine.connect() as conn:
            rows = conn.execute(
                select(self.table)
                .where(self.table.c.user_id == uuid.UUID(user_id))
                .where(self.table.c.expires_at > utcnow())
                .order_by(self.table.c.last_seen_at.desc())
            ).all()
        return [self._row(row) for row in rows]

    def purge_expired(self) -> int:
        """Delete expired sessions; return how many."""
        with db.engine.begin() as conn:
            return conn.execute(
                delete(self.table).where(self.table.c.expires_at <= utcnow())
            ).rowcount


class RedisStore:
    """Sessions as Redis keys that expire by themselves, plus a set per user."""

    def __init__(self, url: str, prefix: str = "hearth") -> None:
        import redis

        # A burst waits for a connection instead of failing past the pool's size.
        pool = redis.BlockingConnectionPool.from_url(url, max_connections=200, timeout=5)
        self.redis = redis.Redis(connection_pool=pool)
        self.prefix = prefix

    def _key(self, key: str) -> str:
        return f"{self.prefix}:session:{key}"

    def _user_key(self, user_id: str) -> str:
        return f"{self.prefix}:user-sessions:{user_id}"

    @staticmethod
    def _encode(session: StoredSession) -> str:
        return json.dumps(
            {
                "user_id": session.user_id,
                "data": session.data,
                "user_agent": session.user_agent,
                "created_at": session.created_at.isoformat(),
                "last_seen_at": session.last_seen_at.isoformat(),
                "expires_at": session.expires_at.isoformat(),
            }
        )

    @staticmethod
    def _decode(key: str, raw: bytes) -> StoredSession:
        value = json.loads(raw)
        return StoredSession(
            key=key,
            user_id=value["user_id"],
            data=value["data"],
            user_agent=value["user_agent"],
            created_at=datetime.fromisoformat(value["created_at"]),
            last_seen_at=datetime.fromisoformat(value["last_seen_at"]),
            expires_at=datetime.fromisoformat(value["expires_at"]),
        )

    def load(self, key: str) -> StoredSession | None:
        raw = self.redis.get(self._key(key))
        return self._decode(key, raw) if raw else None

    def save(self, session: StoredSession) -> None:
        ttl = max(1, int((session.expires_at - utcnow()).total_seconds()))
        pipe = self.redis.pipeline()
        pipe.set(self._key(session.key), self._encode(session), ex=ttl)
        pipe.sadd(self._user_key(session.user_id), session.key)
        pipe.execute()

    def touch(self, key: str, last_seen_at: datetime, expires_at: datetime) -> None:
        stored = self.load(key)
        if stored:
            stored.last_seen_at, stored.expires_at = last_seen_at, expires_at
            self.save(stored)

    def delete(self, key: str) -> None:
        stored = self.load(key)
        pipe = self.redis.pipeline()
        pipe.delete(self._key(key))
        if stored:
            pipe.srem(self._user_key(stored.user_id), key)
        pipe.execute()

    def delete_for_user(self, user_id: str, keep: str | None = None) -> None:
        keys = [k.decode() for k in self.redis.smembers(self._user_key(user_id))]
        doomed = [k for k in keys if k != keep]
        if not doomed:
            return
        pipe = self.redis.pipeline()
        pipe.delete(*[self._key(k) for k in doomed])
        pipe.srem(self._user_key(user_id), *doomed)
        pipe.execute()

    def list_for_user(self, user_id: str) -> list[StoredSession]:
        keys = [k.decode() for k in self.redis.smembers(self._user_key(user_id))]
        if not keys:
            return []
        values = self.redis.mget([self._key(k) for k in keys])
        found = [self._decode(k, raw) for k, raw in zip(keys, values, strict=True) if raw]
        gone = [k for k, raw in zip(keys, values, strict=True) if not raw]
        if gone:
            self.redis.srem(self._user_key(user_id), *gone)
        return sorted(found, key=lambda s: s.last_seen_at, reverse=True)

    def purge_expired(self) -> int:
        """Redis expires sessions by itself."""
        return 0


def cookie_secure(app: Flask, request: Request) -> bool:
    """Tell whether cookies get Secure: always, except on localhost in development."""
    mode = app.config.get("SESSION_COOKIE_SECURE_MODE", "auto")
    if mode in {"true", "1", "yes", "on"}:
        return True
    if mode in {"false", "0", "no", "off"}:
        return False
    local_dev = app.config["HEARTH_ENV"] in {"development", "testing"} and (
        request.host.rsplit(":", 1)[0] in LOOPBACK_HOSTS
    )
    return not local_dev


class ServerSession(CallbackDict, SessionMixin):
    """The session dict of one request; `token` is None until it is stored."""

    def __init__(self, initial=None, token: str | None = None, stored=None) -> None:
        def on_update(_self) -> None:
            _self.modified = True

        super().__init__(initial, on_update)
        self.token = token
        self.stored: StoredSession | None = stored
        self.modified = False
        self.rotate = False

    def regenerate(self) -> None:
        """Give this session a new id when it is next saved (at login)."""
        self.rotate = True
        self.modified = True


class ServerSessionInterface(SessionInterface):
    """Flask session interface over a SessionStore."""

    def __init__(self, store: SessionStore) -> None:
        self.store = store

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        token = request.cookies.get(self.get_cookie_name(app))
        if token and len(token) < 200:
            stored = self.store.load(token_key(token))
            if stored is not None:
                return ServerSession(stored.data, token=token, stored=stored)
        return ServerSession()

    def save_session(self, app: Flask, session: ServerSession, response: Response) -> None:
        from flask import request

        name = self.get_cookie_name(app)
        user_id = session.get(USER_KEY)
        if not user_id:
            if session.token:
                self.store.delete(token_key(session.token))
                response.delete_cookie(name, path="/", httponly=True, samesite="Lax")
            return
        now = utcnow()
        lifetime = timedelta(days=app.config["SESSION_LIFETIME_DAYS"])
        if session.rotate or session.token is None:
            if session.token:
                self.store.delete(token_key(session.token))
            session.token = secrets.token_urlsafe(32)
            session.stored = None
        if session.stored is None or session.modified:
            stored = StoredSession(
                key=token_key(session.token),
                user_id=str(user_id),
                data=dict(session),
                user_agent=request.headers.get("User-Agent", "")[:300],
                created_at=session.stored.created_at if session.stored else now,
                last_seen_at=now,
                expires_at=now + lifetime,
            )
            self.store.save(stored)
            session.stored = stored
        elif now - session.stored.last_seen_at > TOUCH_EVERY:
            self.store.touch(session.stored.key, now, now + lifetime)
        else:
            return
        response.set_cookie(
            name,
            session.token,
            max_age=int(lifetime.total_seconds()),
            expires=datetime.now(UTC) + lifetime,
            path="/",
            httponly=True,
            secure=cookie_secure(app, request),
            samesite="Lax",
        )
        response.vary.add("Cookie")


def make_store(app: Flask) -> SessionStore:
    """Choose the session store named by SESSION_STORE."""
    if app.config["SESSION_STORE"] == "redis":
        if not app.config.get("REDIS_URL"):
            raise RuntimeError("SESSION_STORE=redis needs REDIS_URL")
        return RedisStore(app.config["REDIS_URL"], app.config["REDIS_KEY_PREFIX"])
    return DatabaseStore()


def current_store(app: Flask) -> SessionStore:
    """Return the store of the app's session interface."""
    return app.session_interface.store  # type: ignore[attr-defined]


def signed_in_user_id() -> uuid.UUID:
    """Return the signed-in user's id from the session alone, or answer 401.

    For hot endpoints that load the user inside their own transaction anyway.
    """
    value = flask.session.get(USER_KEY)
    try:
        return uuid.UUID(value)
    except (TypeError, ValueError):
        raise ApiError(401, "unauthorized", "Sign in first.") from None


def session_required(view):
    """Answer 401 before anything else unless the session is signed in (no user load)."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        signed_in_user_id()
        return view(*args, **kwargs)

    return wrapped
