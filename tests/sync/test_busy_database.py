"""A push never holds the database for long, and waiting too long for it answers 503, not 500."""

from __future__ import annotations

import sqlite3
import threading
import uuid
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from server.accounts.models import AuthSession
from server.config import normalise_database_url
from server.db import utcnow
from server.extensions import db
from server.sync import registry as sync_registry
from tests.conftest import PASSWORD, ApiClient
from tests.sync.client import SyncTestClient


def signed_up(app) -> tuple[ApiClient, str]:
    """Register an account on this app; return its client and its id."""
    api = ApiClient(app.test_client())
    response = api.post(
        "/api/auth/register",
        json={
            "email": f"{uuid.uuid4().hex[:10]}@example.test",
            "password": PASSWORD,
            "display_name": "Robin",
            "time_zone": "Europe/Paris",
        },
    )
    assert response.status_code == 201, response.json
    return api, response.json["user"]["id"]


def checkin(n: int) -> dict:
    day = (date.today() - timedelta(days=n)).isoformat()
    return {"id": str(uuid.uuid4()), "day": day, "mood": 3, "trust": 6}


@contextmanager
def database_held_by_someone_else(database_url: str, rows: str):
    """Hold the write lock (SQLite) or these rows' locks (PostgreSQL) until the block ends."""
    if database_url.startswith("sqlite"):
        other = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # the one write lock of the file
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
        return
    engine = sa.create_engine(normalise_database_url(database_url))
    with engine.connect() as conn:
        conn.execute(sa.text(f"{rows} FOR UPDATE"))
        try:
            yield
        finally:
            conn.rollback()
    engine.dispose()


def test_a_push_that_waits_too_long_for_the_database_answers_503_and_is_applied_later(
    app_factory, database_url
):
    app = app_factory(DATABASE_LOCK_TIMEOUT_MS=100)
    api, _ = signed_up(app)
    space_id = api.get("/api/me").json["space"]["id"]
    device = SyncTestClient(api)
    device.mutate("checkin.save", **checkin(0))

    # The row lock every push of this space takes first.
    with database_held_by_someone_else(
        database_url, f"SELECT 1 FROM spaces WHERE id = '{space_id}'"
    ):
        response = device.push_request()
    assert response.status_code == 503
    assert response.json["error"]["code"] == "busy"
    assert int(response.headers["Retry-After"]) >= 1

    device.sync()
    assert len(device.of_kind("checkin")) == 1
    assert device.results[1]["status"] == "applied"


def test_a_push_stops_at_its_time_budget_and_the_rest_follows(app_factory):
    app = app_factory(SYNC_PUSH_BUDGET_MS=0)
    api, _ = signed_up(app)
    device = SyncTestClient(api)
    for n in range(3):
        device.mutate("checkin.save", **checkin(n))

    first = device.push_request()
    assert first.status_code == 200
    # At least one mutation goes through, so the device always makes progress.
    assert first.json["last_mutation_id"] == 1
    assert [r["id"] for r in first.json["results"]] == [1]
    second = device.push_request(device.outbox[1:])
    assert second.json["last_mutation_id"] == 2

    device.sync()
    assert len(device.of_kind("checkin")) == 3
    assert device.results[3]["status"] == "applied"


def test_a_session_that_cannot_be_saved_for_a_busy_database_answers_503(app_factory, database_url):
    # Errors after the view (saving the session) reach the error handlers, as in production.
    app = app_factory(DATABASE_LOCK_TIMEOUT_MS=100, PROPAGATE_EXCEPTIONS=False)
    api, _ = signed_up(app)
    with app.app_context():
        # Last seen long ago: this request touches the session once it has its answer.
        db.session.execute(sa.update(AuthSession).values(last_seen_at=utcnow() - timedelta(days=2)))
        db.session.commit()

    with database_held_by_someone_else(database_url, "SELECT 1 FROM auth_sessions"):
        response = api.get("/api/me")
    assert response.status_code == 503
    assert response.json["error"]["code"] == "busy"
    assert int(response.headers["Retry-After"]) >= 1
    assert api.get("/api/me").status_code == 200


def test_sqlite_writers_of_one_process_queue_and_a_long_wait_answers_503(
    app_factory, database_url, monkeypatch
):
    if not database_url.startswith("sqlite"):
        pytest.skip("the writer queue is SQLite's: PostgreSQL locks rows, not the database")
    app = app_factory(DATABASE_LOCK_TIMEOUT_MS=300)
    first_api, _ = signed_up(app)
    second_api, _ = signed_up(app)
    first, second = SyncTestClient(first_api), SyncTestClient(second_api)
    first.mutate("checkin.save", **checkin(0))
    second.mutate("checkin.save", **checkin(0))

    inside, go_on = threading.Event(), threading.Event()
    real = sync_registry.MUTATORS["checkin.save"]

    def slow(ctx, args):
        inside.set()
        go_on.wait(10)
        real.fn(ctx, args)

    monkeypatch.setitem(
        sync_registry.MUTATORS, "checkin.save", sync_registry.Mutator(real.name, real.schema, slow)
    )
    answers = {}
    holder = threading.Thread(target=lambda: answers.update(first=first.push_request()))
    holder.start()
    assert inside.wait(10)
    # Another account's push in the same process waits its turn, then gives up in time.
    waiting = second.push_request()
    assert waiting.status_code == 503
    assert waiting.json["error"]["code"] == "busy"
    go_on.set()
    holder.join(10)
    assert answers["first"].status_code == 200
    assert answers["first"].json["results"][0]["status"] == "applied"

    # Its turn comes: the same push now goes through, once.
    monkeypatch.setitem(sync_registry.MUTATORS, "checkin.save", real)
    second.sync()
    assert second.results[1]["status"] == "applied"
    assert len(second.of_kind("checkin")) == 1
