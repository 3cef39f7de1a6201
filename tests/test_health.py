"""Health checks: /healthz says the process is up, /readyz that its dependencies answer."""

from __future__ import annotations

import os
import socket
import threading
import time

import pytest

from server.extensions import db, limiter

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "").strip()
READY = {"status": "ready", "checks": {"database": "ok", "photos": "ok"}}


def closed_port() -> int:
    """Return a loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def probe(app, path: str, **kwargs):
    """GET a health path as a load balancer does: no cookie, no CSRF header."""
    response = app.test_client().get(path, **kwargs)
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers
    return response


def unreachable_connect(engine, tmp_path):
    """Return a DB-API connect that goes where no database is (a missing folder, a closed port)."""
    url = engine.url
    if url.get_backend_name() == "sqlite":
        gone = url.set(database=str(tmp_path / "no-such-folder" / "hearth.db"))
    else:
        gone = url.set(host="127.0.0.1", port=closed_port())
    cargs, cparams = engine.dialect.create_connect_args(gone)
    real_connect = engine.dialect.connect
    return lambda *_args, **_kwargs: real_connect(*cargs, **cparams)


def test_healthz_says_the_process_is_up(app):
    response = probe(app, "/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_readyz_is_ready_on_the_default_app_and_leaves_no_connection_out(app):
    started = time.perf_counter()
    response = probe(app, "/readyz")
    assert response.status_code == 200
    assert response.json == READY
    assert time.perf_counter() - started < 1.0
    with app.app_context():
        assert db.engine.pool.checkedout() == 0


def test_readyz_fails_while_the_database_is_down_and_recovers(app, make_user, tmp_path):
    signed_in = make_user().client
    with app.app_context():
        engine = db.engine
    with pytest.MonkeyPatch.context() as patch:
        engine.dispose()
        patch.setattr(engine.dialect, "connect", unreachable_connect(engine, tmp_path))
        down = probe(app, "/readyz")
        assert down.status_code == 503
        assert down.json == {
            "status": "unavailable",
            "checks": {"database": "failing", "photos": "ok"},
        }
        # Liveness does not depend on the database, even for a browser with a session.
        assert probe(app, "/healthz").json == {"status": "ok"}
        assert signed_in.get("/healthz").status_code == 200
        assert signed_in.get("/readyz").status_code == 503
    back = probe(app, "/readyz")
    assert back.status_code == 200
    assert back.json == READY
    assert signed_in.get("/api/me").status_code == 200


def test_a_hung_database_answers_503_within_the_bound(app):
    with app.app_context():
        engine = db.engine
    release = threading.Event()
    attempts = []
    real_connect = engine.dialect.connect

    def hanging_connect(*args, **kwargs):
        attempts.append(1)
        release.wait(30)
        return real_connect(*args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        engine.dispose()
        patch.setattr(engine.dialect, "connect", hanging_connect)
        started = time.perf_counter()
        first = probe(app, "/readyz")
        waited = time.perf_counter() - started
        assert first.status_code == 503
        assert first.json["checks"] == {"database": "failing", "photos": "ok"}
        assert 1.5 < waited < 3.5
        # Asked again while the first check still hangs: no second wait, no second connection.
        started = time.perf_counter()
        assert probe(app, "/readyz").status_code == 503
        assert time.perf_counter() - started < 0.5
        assert len(attempts) == 1
        release.set()
        for thread in threading.enumerate():
            if thread.name == "hearth-ready-database":
                thread.join(10)
    assert probe(app, "/readyz").json == READY


@pytest.mark.parametrize("setting", ["REDIS_URL", "LIVE_REDIS_URL"])
def test_readyz_fails_when_a_configured_redis_is_unreachable(app_factory, setting):
    config = {setting: f"redis://127.0.0.1:{closed_port()}/0"}
    if setting == "LIVE_REDIS_URL" and TEST_REDIS_URL:
        config["REDIS_URL"] = TEST_REDIS_URL  # one Redis answers, the live channel's does not
    response = probe(app_factory(**config), "/readyz")
    assert response.status_code == 503
    assert response.json == {
        "status": "unavailable",
        "checks": {"database": "ok", "redis": "failing", "photos": "ok"},
    }


def test_readyz_checks_the_redis_of_rate_limits(app_factory):
    app = app_factory(RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{closed_port()}/0")
    try:
        response = probe(app, "/readyz")
    finally:
        app_factory()  # the shared limiter counts in memory again, for the clean-up
    assert response.status_code == 503
    assert response.json["checks"] == {"database": "ok", "redis": "failing", "photos": "ok"}


@pytest.mark.skipif(not TEST_REDIS_URL, reason="TEST_REDIS_URL not set")
def test_readyz_is_ready_with_redis(app_factory):
    app = app_factory(REDIS_URL=TEST_REDIS_URL, PUSH_QUEUE="redis")
    response = probe(app, "/readyz")
    assert response.status_code == 200
    assert response.json == {
        "status": "ready",
        "checks": {"database": "ok", "redis": "ok", "photos": "ok"},
    }


def test_readyz_fails_when_the_photo_folder_is_a_file(app_factory, tmp_path):
    not_a_folder = tmp_path / "blobs"
    not_a_folder.write_text("a file where the photos should go")
    response = probe(app_factory(BLOB_DIR=str(not_a_folder)), "/readyz")
    assert response.status_code == 503
    assert response.json == {
        "status": "unavailable",
        "checks": {"database": "ok", "photos": "failing"},
    }


def test_readyz_makes_a_missing_photo_folder(app_factory, tmp_path):
    folder = tmp_path / "new" / "blobs"
    assert probe(app_factory(BLOB_DIR=str(folder)), "/readyz").json == READY
    assert folder.is_dir()
    assert list(folder.iterdir()) == []  # the write test leaves nothing behind


class AnsweringStore:
    """A photo store without ready(): readiness asks it whether a key exists."""

    def __init__(self, config) -> None:
        self.asked: list[str] = []

    def exists(self, key: str) -> bool:
        self.asked.append(key)
        return False


class UnreachableStore(AnsweringStore):
    """A photo store whose server does not answer."""

    def exists(self, key: str) -> bool:
        raise ConnectionError("no route to the store")


def test_readyz_asks_another_store_whether_a_key_exists(app_factory):
    answering = app_factory(BLOB_STORAGE=f"{__name__}:AnsweringStore")
    assert probe(answering, "/readyz").json == READY
    assert answering.extensions["hearth_blob_storage"].asked == ["readyz-probe"]
    unreachable = app_factory(BLOB_STORAGE=f"{__name__}:UnreachableStore")
    response = probe(unreachable, "/readyz")
    assert response.status_code == 503
    assert response.json["checks"] == {"database": "ok", "photos": "failing"}


def test_health_checks_set_no_cookie_and_keep_the_session(app, make_user):
    user = make_user()
    for path in ("/healthz", "/readyz"):
        response = user.client.get(path)
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers
    assert user.client.get("/api/me").status_code == 200


@pytest.fixture
def app_wide_limit(app_factory):
    """An app with a limit on every route, as an operator might add."""
    yield app_factory(RATELIMIT_APPLICATION="5 per minute")
    limiter.limit_manager.set_application_limits([])  # the limiter is shared by every app


def test_health_checks_are_not_rate_limited(app_wide_limit):
    client = app_wide_limit.test_client()
    answers = [client.get("/api/me").status_code for _ in range(6)]
    assert answers[-1] == 429  # the limit is in force...
    for _ in range(50):  # ...but a load balancer polling the health checks never meets it
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 200


def test_health_checks_are_served_beside_the_app_shell(app):
    for path in ("/healthz", "/readyz"):
        response = probe(app, path)
        assert response.mimetype == "application/json"
    spec = app.test_client().get("/api/openapi.json").json
    assert {"/healthz", "/readyz"} <= set(spec["paths"])
    assert set(spec["paths"]["/readyz"]["get"]["responses"]) >= {"200", "503"}
