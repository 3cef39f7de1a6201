"""Fixtures: an app on a migrated test database, API clients and user factories.

Server tests run on SQLite, or on PostgreSQL when TEST_DATABASE_URL names one
(inside a schema of their own, dropped and re-created at the start of the run).
"""

from __future__ import annotations

import itertools
import os
import threading
import time
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

os.environ.setdefault("SECRET_KEY", "test-secret-key")
os.environ["HEARTH_ENV"] = "testing"

from server import create_app
from server.config import normalise_database_url
from server.extensions import db, limiter

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "").strip()
# One schema per test process, so that two runs on one database do not collide.
PG_SCHEMA = f"hearth_test_{os.getpid()}"
PASSWORD = "a long enough password"

# Limits high enough that ordinary tests never meet them; rate-limit tests lower them.
RELAXED_LIMITS = {
    "LIMIT_LOGIN_PER_IP": "10000 per minute",
    "LIMIT_LOGIN_PER_ACCOUNT": "10000 per minute",
    "LIMIT_LOGIN_PER_DEVICE": "10000 per minute",
    "LIMIT_REGISTER_PER_IP": "10000 per minute",
    "LIMIT_INVITE_CREATE_PER_USER": "10000 per minute",
    "LIMIT_INVITE_ACCEPT_PER_USER": "10000 per minute",
    "LIMIT_INVITE_LOOKUP_PER_IP": "10000 per minute",
    "LIMIT_BLOB_UPLOAD_PER_USER": "10000 per minute",
    "LIMIT_RESET_PER_IP": "10000 per minute",
    "LIMIT_RESET_PER_EMAIL": "10000 per minute",
    "LIMIT_RESET_CONFIRM_PER_IP": "10000 per minute",
}


def _postgres_url(url: str) -> str:
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{PG_SCHEMA}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """Create an empty database and bring it to the newest migration."""
    if TEST_DATABASE_URL:
        engine = sa.create_engine(normalise_database_url(TEST_DATABASE_URL))
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
            conn.execute(sa.text(f"CREATE SCHEMA {PG_SCHEMA}"))
        engine.dispose()
        url = _postgres_url(normalise_database_url(TEST_DATABASE_URL))
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'hearth-test.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        db.engine.dispose()
    yield url
    if TEST_DATABASE_URL:
        engine = sa.create_engine(normalise_database_url(TEST_DATABASE_URL))
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
        engine.dispose()


def app_config(database_url: str, **overrides: Any) -> dict[str, Any]:
    """The configuration of a test app on this database: quick hashing, relaxed limits."""
    return {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "TESTING": True,
        "HEARTH_ENV": "testing",
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 1024,
        "ARGON2_PARALLELISM": 1,
        "SESSION_STORE": "database",
        # A batch applies whole however busy the machine is; budget tests lower it.
        "SYNC_PUSH_BUDGET_MS": 10_000,
        "RATELIMIT_STORAGE_URI": "memory://",
        # One process: production-mode tests may keep the counters in memory.
        "RATELIMIT_SINGLE_PROCESS": True,
        **RELAXED_LIMITS,
        **overrides,
    }


@pytest.fixture
def app_factory(database_url):
    """Build apps on the test database; the tables are emptied after the test."""
    apps = []

    def build(**overrides: Any):
        app = create_app(app_config(database_url, **overrides))
        apps.append(app)
        return app

    yield build
    limiter.reset()
    for app in apps:
        with app.app_context():
            db.session.remove()
            with db.engine.begin() as conn:
                for table in reversed(db.metadata.sorted_tables):
                    conn.execute(table.delete())
            db.engine.dispose()


@pytest.fixture
def app(app_factory):
    return app_factory()


class ApiClient:
    """A test client that speaks the API as the PWA does (JSON, the CSRF header)."""

    def __init__(self, flask_client) -> None:
        self.raw = flask_client

    def request(self, method: str, path: str, json: Any = None, headers=None, **kwargs):
        all_headers = {"X-Requested-With": "hearth"}
        all_headers.update(headers or {})
        if json is not None:
            kwargs["json"] = json
        response = self.raw.open(path, method=method, headers=all_headers, **kwargs)
        response.get_data()  # read and close, so served files are not left open
        response.close()
        return response

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, json=None, **kw):
        return self.request("POST", path, json=json, **kw)

    def patch(self, path, json=None, **kw):
        return self.request("PATCH", path, json=json, **kw)

    def delete(self, path, json=None, **kw):
        return self.request("DELETE", path, json=json, **kw)

    def session_cookie(self) -> str | None:
        cookie = self.raw.get_cookie("hearth_session")
        return cookie.value if cookie else None


@pytest.fixture
def live_server(app):
    """Serve the app on a free loopback port for the length of a test."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    # Request threads are kept, so that none is still using the database when the test's
    # tables are emptied and its connections closed.
    server.daemon_threads = False
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    app.extensions["hearth_live"].hub.close_all()  # open event streams end now, not at a heartbeat
    server.shutdown()
    thread.join()
    server.socket.close()
    requests = list(getattr(server, "_threads", None) or [])
    deadline = time.monotonic() + 15
    for request in requests:
        request.join(max(0.0, deadline - time.monotonic()))


@pytest.fixture
def new_client(app):
    """Return a function that makes a fresh API client (a fresh device)."""
    return lambda: ApiClient(app.test_client())


@pytest.fixture
def client(new_client):
    return new_client()


@dataclass
class TestUser:
    id: str
    email: str
    password: str
    display_name: str
    time_zone: str
    client: ApiClient

    def me(self) -> dict:
        response = self.client.get("/api/me")
        assert response.status_code == 200, response.json
        return response.json


_counter = itertools.count(1)


@pytest.fixture
def make_user(new_client):
    """Register a user through the API; return it with its signed-in client."""

    def make(
        display_name: str | None = None,
        time_zone: str = "Europe/Paris",
        email: str | None = None,
        password: str = PASSWORD,
    ) -> TestUser:
        n = next(_counter)
        display_name = display_name or f"Partner {n}"
        email = email or f"user{n}@example.test"
        api = new_client()
        response = api.post(
            "/api/auth/register",
            json={
                "email": email,
                "password": password,
                "display_name": display_name,
                "time_zone": time_zone,
            },
        )
        assert response.status_code == 201, response.json
        user = response.json["user"]
        return TestUser(user["id"], email, password, display_name, time_zone, api)

    return make


@pytest.fixture
def make_couple(make_user):
    """Make two users and pair them through an invite."""

    def make(tz_a: str = "Europe/Paris", tz_b: str = "America/New_York"):
        a = make_user("Alex", time_zone=tz_a)
        b = make_user("Sam", time_zone=tz_b)
        code = a.client.post("/api/pairing/invites").json["code"]
        response = b.client.post("/api/pairing/accept", json={"code": code})
        assert response.status_code == 200, response.json
        return a, b

    return make


def db_snapshot(app) -> dict[str, list]:
    """Return every row of every table, to check that a request changed nothing."""
    with app.app_context(), db.engine.connect() as conn:
        return {
            t.name: sorted(map(repr, conn.execute(sa.select(t)).all()))
            for t in db.metadata.sorted_tables
        }
