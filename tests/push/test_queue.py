"""The real queue storages: a consumer in another thread delivers what a push queued."""

from __future__ import annotations

import os
import signal
import uuid

import pytest

from server.push.queue import queue_of
from tests.push.test_delivery import checkin, sign_in
from tests.sync.client import SyncTestClient

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "").strip()


@pytest.fixture(params=["sqlite", "redis"])
def consumer_app(request, app_factory, tmp_path):
    """An app on a SQLite or Redis queue, with a consumer working it."""
    name = f"hearth-push-test-{uuid.uuid4().hex[:8]}"
    if request.param == "redis":
        if not TEST_REDIS_URL:
            pytest.skip("TEST_REDIS_URL not set")
        app = app_factory(PUSH_QUEUE="redis", REDIS_URL=TEST_REDIS_URL, PUSH_QUEUE_NAME=name)
    else:
        app = app_factory(PUSH_QUEUE="sqlite", PUSH_QUEUE_FILE=str(tmp_path / "queue.db"))
    huey = queue_of(app).huey
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    consumer = huey.create_consumer(
        workers=2, worker_type="thread", periodic=False, max_delay=0.1, check_worker_health=False
    )
    consumer.start()
    yield app
    consumer.stop(graceful=True)
    for s, handler in handlers.items():
        signal.signal(s, handler)
    huey.flush()


def test_a_checkin_goes_through_the_queue_to_the_partner(
    consumer_app, make_couple, subscribe, push_service
):
    alex, sam = make_couple()
    alex_api, sam_api = sign_in(consumer_app, alex), sign_in(consumer_app, sam)
    browser = subscribe(sam_api, push_service.base)
    checkin(SyncTestClient(alex_api))
    push_service.wait_for(lambda: len(push_service.for_browser(browser)) == 1)
    [got] = push_service.for_browser(browser)
    assert got.decrypt(browser)["notification"]["title"] == "Alex checked in"


def test_nothing_is_queued_while_the_partner_has_no_device_to_tell(
    app_factory, tmp_path, make_couple, subscribe
):
    app = app_factory(PUSH_QUEUE="sqlite", PUSH_QUEUE_FILE=str(tmp_path / "queue.db"))
    huey = queue_of(app).huey
    alex, sam = make_couple()
    alex_api, sam_api = sign_in(app, alex), sign_in(app, sam)
    # Alex's own device does not count: nobody is told of their own check-in.
    subscribe(alex_api)
    checkin(SyncTestClient(alex_api), day="2026-11-01")
    assert huey.pending_count() == 0

    subscribe(sam_api)
    checkin(SyncTestClient(alex_api), day="2026-11-02")
    assert huey.pending_count() == 1
    huey.flush()
