"""Database engine set-up and the transaction helpers services use."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import UTC, datetime
from weakref import WeakKeyDictionary

from flask import current_app
from sqlalchemy import DateTime, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.types import TypeDecorator

from server.extensions import db


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return datetime.now(UTC)


# SQLite's and PostgreSQL's ways of saying that a lock was not had in time.
_LOCK_MESSAGES = ("database is locked", "database table is locked")
_LOCK_SQLSTATES = {"55P03", "57014"}  # lock_not_available, query_canceled (statement_timeout)


def is_lock_timeout(error: BaseException) -> bool:
    """Tell whether a database error means a lock was not had in time (worth a retry later)."""
    if not isinstance(error, OperationalError):
        return False
    code = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
    return code in _LOCK_SQLSTATES or any(m in str(error.orig) for m in _LOCK_MESSAGES)


def configure_engine(engine: Engine, lock_timeout_ms: int = 5000) -> None:
    """Bound every wait for a lock; give SQLite real transactions, foreign keys and WAL."""
    lock_timeout_ms = int(lock_timeout_ms)
    if engine.dialect.name == "postgresql":

        @event.listens_for(engine, "connect")
        def _on_pg_connect(dbapi_connection, _record):
            # A session setting, committed so that the pool's rollbacks keep it.
            cursor = dbapi_connection.cursor()
            cursor.execute(f"SET lock_timeout = {lock_timeout_ms}")
            cursor.close()
            dbapi_connection.commit()

        return
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Take transaction control away from the sqlite3 module so that BEGIN is ours.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={lock_timeout_ms}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # A write transaction takes the write lock up front: a read snapshot that
        # later tries to write would fail when another writer committed meanwhile.
        immediate = conn.get_execution_options().get("sqlite_immediate")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@contextmanager
def write_transaction(*, repeatable_read: bool = False) -> Iterator[None]:
    """Run the block in one transaction that may write, committed at the end.

    Any read transaction the request already holds is ended first so the block
    sees the latest committed state.
    """
    db.session.rollback()
    options: dict = {}
    queue: AbstractContextManager = nullcontext()
    if db.engine.dialect.name == "sqlite":
        options["sqlite_immediate"] = True
        queue = _sqlite_writers(db.engine)
    elif repeatable_read:
        options["isolation_level"] = "REPEATABLE READ"
    with queue:
        db.session.connection(execution_options=options)
        try:
            yield
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise


class _WriterQueue:
    """The threads of this process that want SQLite's write lock, in turn.

    SQLite lets one writer in at a time; the others poll, sleeping up to 100 ms
    between tries, so that under contention most of the lock's time goes unused.
    Within a process the waiting threads queue here instead and go in as soon as
    the one before is done; only other processes still meet SQLite's polling.
    """

    def __init__(self, timeout_s: float) -> None:
        self.lock = threading.Lock()
        self.timeout_s = timeout_s

    def __enter__(self) -> None:
        if not self.lock.acquire(timeout=self.timeout_s):
            # As SQLite says it when its own wait runs out: answered 503 busy.
            raise OperationalError("BEGIN IMMEDIATE", {}, Exception("database is locked"))

    def __exit__(self, *_exc) -> None:
        self.lock.release()


_WRITERS: WeakKeyDictionary[Engine, _WriterQueue] = WeakKeyDictionary()
_WRITERS_LOCK = threading.Lock()


def _sqlite_writers(engine: Engine) -> _WriterQueue:
    """The writer queue of this engine (one per database file and process)."""
    with _WRITERS_LOCK:
        queue = _WRITERS.get(engine)
        if queue is None:
            timeout_s = current_app.config["DATABASE_LOCK_TIMEOUT_MS"] / 1000
            queue = _WRITERS[engine] = _WriterQueue(timeout_s)
        return queue


class UtcDateTime(TypeDecorator):
    """A timestamp stored in UTC and always returned timezone-aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where UTC was expected")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
