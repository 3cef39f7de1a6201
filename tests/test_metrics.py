"""Prometheus metrics at /metrics: what an operator's scraper sees, and who may see it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.live.test_events import first_poke, streams  # noqa: F401 (fixture)
from tests.sync.client import SyncTestClient

TOKEN = "a-long-random-scrape-token-4d1f9c"
ROOT = Path(__file__).resolve().parent.parent
# What must never be a label: ids, hashes, codes, tokens.
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
LONG_HEX = re.compile(r"[0-9a-f]{16,}", re.I)


def scrape_text(app, token: str = TOKEN) -> str:
    """Scrape the app as Prometheus does and return the exposition."""
    response = app.test_client().get("/metrics", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def scrape(app) -> dict[tuple[str, frozenset], float]:
    """Return every sample of a scrape by name and labels."""
    samples = {}
    for family in text_string_to_metric_families(scrape_text(app)):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples


def value(samples, name: str, **labels: str) -> float:
    """One sample's value; 0 when it has not been counted yet."""
    return samples.get((name, frozenset(labels.items())), 0.0)


@pytest.fixture
def app(app_factory):
    """The app, with a metrics token configured."""
    return app_factory(METRICS_TOKEN=TOKEN)


def checkin(day: date, **overrides) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "day": day.isoformat(),
        "mood": 4,
        "trust": 7,
        "note": "",
        "visibility": "shared",
        **overrides,
    }


def test_without_a_token_configured_metrics_are_not_there(app_factory):
    plain = app_factory()
    client = plain.test_client()
    for headers in ({}, {"Authorization": "Bearer "}, {"Authorization": f"Bearer {TOKEN}"}):
        response = client.get("/metrics", headers=headers)
        assert response.status_code == 404
        assert b"hearth_" not in response.data


def test_only_the_right_bearer_token_gets_the_metrics(app, make_user):
    client = app.test_client()
    wrong = [
        {},
        {"Authorization": "Bearer not-the-token"},
        {"Authorization": f"Bearer {TOKEN}x"},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": TOKEN},
    ]
    for headers in wrong:
        response = client.get("/metrics", headers=headers)
        assert response.status_code == 404, headers
        assert b"hearth_" not in response.data
    # A browser's cookie neither opens it nor gets a session back.
    user = make_user()
    assert user.client.get("/metrics").status_code == 404
    right = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert right.status_code == 200
    assert right.mimetype == "text/plain"
    assert right.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in right.headers
    assert "# TYPE hearth_http_requests_total counter" in right.get_data(as_text=True)


def test_a_push_counts_applied_and_rejected_mutations_by_reason(app, make_user):
    phone = SyncTestClient(make_user().client)
    before = scrape(app)
    phone.mutate("checkin.save", **checkin(date.today()))
    phone.mutate("checkin.save", **checkin(date.today(), mood=99))  # out of range
    phone.mutate("Zq-made-up-name-77", id=str(uuid.uuid4()))  # not a mutation
    phone.push()
    after = scrape(app)
    applied = "hearth_sync_mutations_applied_total"
    rejected = "hearth_sync_mutations_rejected_total"
    assert value(after, applied, mutation="checkin.save") == (
        value(before, applied, mutation="checkin.save") + 1
    )
    invalid = {"mutation": "checkin.save", "reason": "invalid"}
    assert value(after, rejected, **invalid) == value(before, rejected, **invalid) + 1
    # A name the client made up is counted, but never becomes a label itself.
    unknown = {"mutation": "unknown", "reason": "unknown_mutation"}
    assert value(after, rejected, **unknown) == value(before, rejected, **unknown) + 1
    assert "Zq-made-up-name-77" not in scrape_text(app)
    ok = "hearth_sync_pushes_total"
    assert value(after, ok, outcome="ok") == value(before, ok, outcome="ok") + 1
    size = "hearth_sync_push_mutations"
    assert value(after, f"{size}_count") == value(before, f"{size}_count") + 1
    assert value(after, f"{size}_sum") == value(before, f"{size}_sum") + 3
    seconds = "hearth_sync_push_duration_seconds_count"
    assert value(after, seconds) == value(before, seconds) + 1


def test_a_failed_push_is_counted_by_its_error(app, make_user):
    user = make_user()
    before = scrape(app)
    stale_app = user.client.post(
        "/api/sync/push",
        json={"client_id": "old-phone", "schema_version": 999, "mutations": []},
    )
    assert stale_app.status_code == 409
    after = scrape(app)
    name = "hearth_sync_pushes_total"
    assert value(after, name, outcome="schema_mismatch") == (
        value(before, name, outcome="schema_mismatch") + 1
    )


def test_a_pull_is_counted_with_its_changes_and_reset(app, make_user):
    phone = SyncTestClient(make_user().client)
    phone.mutate("checkin.save", **checkin(date.today()))
    phone.push()
    before = scrape(app)
    phone.pull()  # the first pull is a snapshot: a reset
    phone.pull()  # nothing new
    after = scrape(app)
    assert value(after, "hearth_sync_pulls_total", outcome="ok") == (
        value(before, "hearth_sync_pulls_total", outcome="ok") + 2
    )
    assert value(after, "hearth_sync_pull_resets_total") == (
        value(before, "hearth_sync_pull_resets_total") + 1
    )
    changes = "hearth_sync_pull_changes_sum"
    assert value(after, changes) == value(before, changes) + 1
    seconds = "hearth_sync_pull_duration_seconds_count"
    assert value(after, seconds) == value(before, seconds) + 2


def test_requests_are_timed_by_url_rule_never_by_an_id(app, make_user):
    alex = make_user()
    phone = SyncTestClient(alex.client)
    code = alex.client.post("/api/pairing/invites").json["code"]
    before = scrape(app)
    phone.pull()
    assert make_user().client.get(f"/api/pairing/invites/{code}").status_code == 200
    assert alex.client.get(f"/api/blobs/{'ab' * 32}").status_code == 404
    assert alex.client.delete(f"/api/auth/sessions/{uuid.uuid4()}").status_code == 404
    assert app.test_client().get("/no/such.file").status_code == 404
    for path in ("/healthz", "/readyz"):
        assert app.test_client().get(path).status_code == 200
    after = scrape(app)
    timed = "hearth_http_request_duration_seconds_count"
    pull = {"endpoint": "/api/sync/pull", "method": "POST"}
    assert value(after, timed, **pull) == value(before, timed, **pull) + 1
    invite = {"endpoint": "/api/pairing/invites/<string:code>", "method": "GET"}
    assert value(after, timed, **invite) == value(before, timed, **invite) + 1
    counted = "hearth_http_requests_total"
    assert (
        value(after, counted, status="200", **pull)
        == value(before, counted, status="200", **pull) + 1
    )
    labels = {v for (_name, pairs) in after for _key, v in pairs}
    for label in labels:
        assert not UUID.search(label), label
        assert not LONG_HEX.search(label), label
        assert code not in label
    endpoints = {dict(pairs).get("endpoint") for (_name, pairs) in after}
    # Probes and scrapes are not the app's traffic.
    assert not endpoints & {"/healthz", "/readyz", "/metrics"}
    assert alex.id not in scrape_text(app)


def test_the_push_queue_depth_is_read_at_scrape_time(app_factory, make_user):
    queued = app_factory(METRICS_TOKEN=TOKEN, PUSH_QUEUE="memory")
    huey = queued.extensions["hearth_push_queue"].huey
    before = scrape(queued)
    assert value(before, "hearth_push_queue_tasks", state="queued") == 0
    tell = queued.extensions["hearth_push_queue"].note_unpaired
    tell(str(uuid.uuid4()))
    # A retry, as the worker holds it until it is due.
    retry = tell.s(str(uuid.uuid4()))
    retry.eta = datetime.now() + timedelta(hours=1)
    huey.add_schedule(retry)
    after = scrape(queued)
    assert value(after, "hearth_push_queue_tasks", state="queued") == 1
    assert value(after, "hearth_push_queue_tasks", state="scheduled") == 1
    huey.flush()


def test_push_deliveries_are_counted_by_outcome(app):
    from server.push.sender import Sender

    with app.app_context():
        sender = Sender(app)
        before = scrape(app)
        # An address no push service has: refused before any connection is made.
        outcome = sender.send("http://10.0.0.1/push/1", "k", "a", {}, "t", "normal")
    assert outcome.status == "refused"
    after = scrape(app)
    name = "hearth_push_sends_total"
    assert value(after, name, outcome="refused") == value(before, name, outcome="refused") + 1


def test_open_event_streams_are_a_gauge(app, make_user, streams):  # noqa: F811
    gauge = "hearth_event_streams"
    before = value(scrape(app), gauge)
    alex = make_user()
    stream = streams(alex)
    first_poke(stream)  # the stream is held by the server now
    assert value(scrape(app), gauge) == before + 1
    app.extensions["hearth_live"].hub.close_all()
    assert stream.closed.wait(5)
    assert value(scrape(app), gauge) == before


MULTIPROCESS_WORKER = textwrap.dedent(
    """
    import os, sys
    from server import create_app

    app = create_app({
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + sys.argv[1],
        "PUSH_QUEUE": "memory",
        "METRICS_TOKEN": "t",
    })
    client = app.test_client()
    for _ in range(int(sys.argv[2])):
        assert client.get("/api/me").status_code == 401
    if sys.argv[3] == "scrape":
        print(client.get("/metrics", headers={"Authorization": "Bearer t"}).get_data(as_text=True))
    """
)


def test_with_a_multiprocess_folder_a_scrape_adds_up_every_worker(tmp_path):
    folder = tmp_path / "metrics"
    folder.mkdir()
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(folder), "HEARTH_ENV": "testing"}

    def worker(requests: int, then: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", MULTIPROCESS_WORKER, str(tmp_path / "db"), str(requests), then],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    worker(3, "exit")
    exposition = worker(2, "scrape")
    samples = {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(exposition)
        for s in family.samples
    }
    me = {"endpoint": "/api/me", "method": "GET", "status": "401"}
    assert value(samples, "hearth_http_requests_total", **me) == 5
