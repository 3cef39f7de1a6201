"""With Redis, pokes and byes cross processes: a stream held by one server hears another's push."""

from __future__ import annotations

import os
import threading

import pytest
from werkzeug.serving import make_server

from tests.conftest import PASSWORD, ApiClient
from tests.live.sse import EventStream
from tests.live.test_events import checkin, first_poke

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "").strip()


@pytest.fixture
def two_servers(app_factory):
    """Two apps on two ports sharing the database and one Redis channel, as two workers do."""
    if not TEST_REDIS_URL:
        pytest.skip("TEST_REDIS_URL not set")
    prefix = f"hearth-test-{os.getpid()}"
    apps = [app_factory(LIVE_REDIS_URL=TEST_REDIS_URL, REDIS_KEY_PREFIX=prefix) for _ in range(2)]
    servers = []
    for app in apps:
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    yield [(app, f"http://127.0.0.1:{s.server_port}") for app, s in zip(apps, servers, strict=True)]
    for app, server in zip(apps, servers, strict=True):
        app.extensions["hearth_live"].hub.close_all()
        server.shutdown()
        server.server_close()


def test_a_push_on_one_worker_pokes_a_stream_on_another(two_servers, make_couple):
    (first, first_url), (second, _) = two_servers
    alex, sam = make_couple()
    # Sam's stream is held by the first server; Alex pushes through the second's client.
    bus = first.extensions["hearth_live"].bus
    stream = EventStream(
        f"{first_url}/api/sync/events", {"hearth_session": sam.client.session_cookie()}
    )
    assert bus.subscribed.wait(5)
    first_poke(stream)
    alex.client = ApiClient(second.test_client())
    assert (
        alex.client.post(
            "/api/auth/login", json={"email": alex.email, "password": PASSWORD}
        ).status_code
        == 200
    )
    checkin(alex)
    assert stream.next(timeout=1.0).name == "poke"
    # And a sign-out on the second ends the stream on the first.
    sam.client = ApiClient(second.test_client())
    sam.client.post("/api/auth/login", json={"email": sam.email, "password": PASSWORD})
    sam.client.post("/api/auth/logout-all")
    assert stream.next(timeout=1.0).data == {"reason": "signed_out"}
    first.extensions["hearth_live"].hub.close_all()
    stream.closed.wait(5)
    stream.close()
