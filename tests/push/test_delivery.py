"""End to end: a partner's change reaches the other partner's devices through a push service."""

from __future__ import annotations

import signal
import time
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from server.push import notify
from server.push.queue import queue_of
from tests.conftest import ApiClient
from tests.push.conftest import stored_endpoints
from tests.push.push_service import HOLD
from tests.repairs.helpers import ACKNOWLEDGE, open_repair, write
from tests.sync.client import SyncTestClient

NOTE = "a very private note about the long day"


def checkin(dev: SyncTestClient, visibility: str = "shared", day: str | None = None) -> None:
    dev.mutate(
        "checkin.save",
        id=str(uuid.uuid4()),
        day=day or datetime.now(UTC).date().isoformat(),
        mood=4,
        trust=8,
        feelings=["calm"],
        need="a walk together",
        gratitude="the call last night",
        note=NOTE,
        visibility=visibility,
    )
    dev.push()


def promise(dev: SyncTestClient, text: str = "book the train tickets") -> str:
    promise_id = str(uuid.uuid4())
    dev.mutate("promise.make", id=promise_id, text=text)
    dev.push()
    return promise_id


def sign_in(app, user) -> ApiClient:
    api = ApiClient(app.test_client())
    response = api.post("/api/auth/login", json={"email": user.email, "password": user.password})
    assert response.status_code == 200
    return api


class Clock:
    """The worker's clock, moved by the test."""

    def __init__(self, monkeypatch) -> None:
        self.now = datetime.now(UTC)
        monkeypatch.setattr(notify, "clock", lambda: self.now)

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def run_due(app, clock: Clock) -> None:
    """Run what the queue holds for now (a retry, the end of quiet hours)."""
    queue_of(app).run_due(clock.now.astimezone(UTC).replace(tzinfo=None) + timedelta(seconds=1))


@pytest.fixture
def couple_with_devices(app, make_couple, subscribe, push_service):
    """Alex (Paris) with one subscribed phone, Sam (New York) with two."""
    alex, sam = make_couple()
    alex_phone = subscribe(alex.client, push_service.base)
    sam_laptop_api = sign_in(app, sam)
    sam_phone = subscribe(sam.client, push_service.base)
    sam_laptop = subscribe(sam_laptop_api, push_service.base)
    return alex, sam, alex_phone, [sam_phone, sam_laptop]


def test_a_checkin_notifies_each_partner_device_once_naming_who_and_what(
    app, couple_with_devices, push_service
):
    alex, _sam, alex_phone, sam_browsers = couple_with_devices
    checkin(SyncTestClient(alex.client))

    for browser in sam_browsers:
        [got] = push_service.for_browser(browser)
        message = got.decrypt(browser)
        assert message["web_push"] == 8030
        notification = message["notification"]
        assert notification["title"] == "Alex checked in"
        assert notification["navigate"].startswith("http://localhost")
        assert notification["navigate"].endswith("/#today")
        assert notification["tag"] == "hearth-checkin"
        assert NOTE not in str(message) and "walk" not in str(message)
        assert got.headers["topic"] == "hearth-checkin"
        assert 3600 <= int(got.headers["ttl"]) <= 2 * 86400
        assert got.headers["urgency"] in {"very-low", "low", "normal", "high"}
        assert got.claims["aud"] == push_service.base
        assert got.vapid_key == ApiClient(app.test_client()).get("/api/push/key").json[
            "public_key"
        ].rstrip("=")
    assert push_service.attempts(alex_phone) == []
    assert push_service.refused == []


def test_a_private_checkin_notifies_nobody(couple_with_devices, push_service):
    alex, *_ = couple_with_devices
    checkin(SyncTestClient(alex.client), visibility="private")
    assert push_service.received == []


def test_sharing_it_later_tells_the_partner(couple_with_devices, push_service):
    alex, _sam, _, sam_browsers = couple_with_devices
    dev = SyncTestClient(alex.client)
    checkin(dev, visibility="private")
    dev.pull()
    [mine] = dev.of_kind("checkin")
    dev.mutate("record.share", kind="checkin", id=mine["id"])
    dev.push()
    for browser in sam_browsers:
        titles = [
            r.decrypt(browser)["notification"]["title"] for r in push_service.for_browser(browser)
        ]
        assert titles == ["Alex shared a check-in"]


def test_the_partner_chose_no_preview(couple_with_devices, push_service):
    alex, sam, _, sam_browsers = couple_with_devices
    assert sam.client.patch("/api/push/settings", json={"preview": "none"}).status_code == 200
    checkin(SyncTestClient(alex.client))
    notification = push_service.for_browser(sam_browsers[0])[0].decrypt(sam_browsers[0])[
        "notification"
    ]
    assert notification["body"] == "Something new in Hearth"
    assert notification["title"] == "Hearth"
    assert "Alex" not in str(notification) and "check" not in str(notification)


def test_a_muted_kind_is_not_notified(couple_with_devices, push_service):
    alex, sam, _, sam_browsers = couple_with_devices
    sam.client.patch("/api/push/settings", json={"kinds": {"promise": False}})
    dev = SyncTestClient(alex.client)
    promise(dev)
    assert push_service.received == []
    checkin(dev)
    assert len(push_service.for_browser(sam_browsers[0])) == 1


def test_quiet_hours_in_the_partners_time_zone_hold_it_until_they_end(
    app, couple_with_devices, push_service, clock
):
    alex, sam, _, sam_browsers = couple_with_devices
    sam_now = clock.now.astimezone(ZoneInfo("America/New_York"))
    start = (sam_now - timedelta(hours=1)).strftime("%H:%M")
    end = (sam_now + timedelta(hours=2)).strftime("%H:%M")
    sam.client.patch("/api/push/settings", json={"quiet_hours": {"start": start, "end": end}})
    dev = SyncTestClient(alex.client)
    checkin(dev)
    promise(dev)
    run_due(app, clock)
    assert push_service.received == []

    clock.advance(hours=1, minutes=30)  # still quiet for Sam
    run_due(app, clock)
    assert push_service.received == []

    clock.advance(minutes=31)  # Sam's morning
    run_due(app, clock)
    for browser in sam_browsers:
        titles = sorted(
            r.decrypt(browser)["notification"]["title"] for r in push_service.for_browser(browser)
        )
        assert titles == ["Alex checked in", "Alex made a promise"]


def test_changes_within_a_few_minutes_make_one_notification(
    app, couple_with_devices, push_service, clock
):
    alex, _sam, _, sam_browsers = couple_with_devices
    dev = SyncTestClient(alex.client)
    for text in ("book the tickets", "call the plumber", "water the plants"):
        promise(dev, text)
        clock.advance(seconds=40)
    # The first at once; the two after it wait for the end of its window.
    assert [len(push_service.for_browser(b)) for b in sam_browsers] == [1, 1]
    run_due(app, clock)
    assert [len(push_service.for_browser(b)) for b in sam_browsers] == [1, 1]

    clock.advance(minutes=2)  # the window has ended: the two are told in one
    run_due(app, clock)
    assert [len(push_service.for_browser(b)) for b in sam_browsers] == [2, 2]
    latest = push_service.for_browser(sam_browsers[0])[-1].decrypt(sam_browsers[0])
    assert latest["notification"]["title"] == "Alex made a promise"
    assert "And 1 more change" in latest["notification"]["body"]

    # Nothing more came: nothing more is sent.
    clock.advance(minutes=10)
    run_due(app, clock)
    assert [len(push_service.for_browser(b)) for b in sam_browsers] == [2, 2]
    promise(dev, "plan the weekend")
    assert [len(push_service.for_browser(b)) for b in sam_browsers] == [3, 3]


def test_a_held_notification_counts_what_came_since(app, couple_with_devices, push_service, clock):
    alex, sam, _, sam_browsers = couple_with_devices
    sam_now = clock.now.astimezone(ZoneInfo("America/New_York"))
    start = (sam_now - timedelta(minutes=10)).strftime("%H:%M")
    end = (sam_now + timedelta(minutes=30)).strftime("%H:%M")
    sam.client.patch("/api/push/settings", json={"quiet_hours": {"start": start, "end": end}})
    dev = SyncTestClient(alex.client)
    for text in ("one", "two", "three"):
        promise(dev, text)
    clock.advance(minutes=31)
    run_due(app, clock)
    [got] = push_service.for_browser(sam_browsers[0])
    notification = got.decrypt(sam_browsers[0])["notification"]
    assert notification["title"] == "Alex made a promise"
    assert "2 more" in notification["body"]


def test_a_held_notification_is_dropped_when_its_record_turns_private(
    app, couple_with_devices, push_service, clock
):
    alex, sam, _, _ = couple_with_devices
    sam_now = clock.now.astimezone(ZoneInfo("America/New_York"))
    start = (sam_now - timedelta(minutes=10)).strftime("%H:%M")
    end = (sam_now + timedelta(minutes=30)).strftime("%H:%M")
    sam.client.patch("/api/push/settings", json={"quiet_hours": {"start": start, "end": end}})
    dev = SyncTestClient(alex.client)
    checkin(dev)
    dev.pull()
    [mine] = dev.of_kind("checkin")
    checkin(dev, visibility="private", day=mine["day"])  # Alex thinks better of sharing it
    clock.advance(minutes=31)
    run_due(app, clock)
    assert push_service.received == []


def test_one_signed_token_serves_many_messages_to_a_push_service(couple_with_devices, push_service):
    alex, *_ = couple_with_devices
    dev = SyncTestClient(alex.client)
    checkin(dev)
    promise(dev)
    tokens = {r.headers["authorization"] for r in push_service.received}
    assert len(push_service.received) == 4 and len(tokens) == 1


def test_an_endpoint_answered_410_is_forgotten(app, couple_with_devices, push_service):
    alex, sam, _, (phone, laptop) = couple_with_devices
    push_service.answer_next(phone, 410)
    checkin(SyncTestClient(alex.client))
    assert stored_endpoints(app, sam.id) == {laptop.endpoint}
    assert len(push_service.for_browser(laptop)) == 1


def test_a_push_service_error_is_retried_later(app, couple_with_devices, push_service, clock):
    alex, _sam, _, (phone, laptop) = couple_with_devices
    push_service.answer_next(phone, 500, 429)
    checkin(SyncTestClient(alex.client))
    assert push_service.for_browser(phone) == []
    for _ in range(2):
        run_due(app, clock)  # the retry's own time, not the worker clock: run what is due
        clock.advance(minutes=10)
    assert [r.answered for r in push_service.attempts(phone)][:3] == [500, 429, 201]
    assert len(push_service.for_browser(phone)) == 1
    assert len(push_service.for_browser(laptop)) == 1


@pytest.fixture
def worker_app(app_factory):
    """An app whose queue is worked by consumer threads, as in production."""
    app = app_factory(
        PUSH_QUEUE="memory",
        PUSH_TIMEOUT_SECONDS=1.0,
        PUSH_RETRY_BASE_SECONDS=0.05,
    )
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    consumer = queue_of(app).huey.create_consumer(
        workers=2,
        worker_type="thread",
        periodic=False,
        scheduler_interval=0.05,
        check_worker_health=False,
    )
    consumer.start()
    yield app
    consumer.stop(graceful=True)
    for s, handler in handlers.items():
        signal.signal(s, handler)


def test_a_slow_push_service_does_not_slow_the_partners_sync(
    worker_app, make_couple, subscribe, push_service
):
    alex, sam = make_couple()
    alex_api, sam_api = sign_in(worker_app, alex), sign_in(worker_app, sam)
    phone = subscribe(sam_api, push_service.base)
    push_service.answer_next(phone, HOLD)

    started = time.monotonic()
    checkin(SyncTestClient(alex_api))
    took = time.monotonic() - started
    # The worker meets the held request after the push has answered.
    push_service.wait_for(lambda: len(push_service.attempts(phone)) >= 1)
    assert took < 1.0  # under the worker's own timeout: the request did not wait for it
    assert push_service.attempts(phone)[0].answered == 0
    # The worker times out, retries, and the second attempt is taken.
    push_service.wait_for(lambda: len(push_service.for_browser(phone)) == 1)
    push_service.release.set()
    assert push_service.for_browser(phone)[0].decrypt(phone)["notification"]["title"] == (
        "Alex checked in"
    )


def test_unpairing_tells_the_other_partner_without_content(couple_with_devices, push_service):
    alex, _sam, alex_phone, sam_browsers = couple_with_devices
    assert alex.client.post("/api/pairing/unpair").status_code == 200
    for browser in sam_browsers:
        [got] = push_service.for_browser(browser)
        notification = got.decrypt(browser)["notification"]
        assert notification["title"] == "Hearth"
        assert notification["body"] == "Something new in Hearth"
        assert "Alex" not in str(got.decrypt(browser))
    assert push_service.attempts(alex_phone) == []


def share_memory(dev: SyncTestClient, title: str) -> None:
    dev.mutate("memory.save", id=str(uuid.uuid4()), fields={"title": title, "visibility": "shared"})
    dev.push()


def hide_memory(dev: SyncTestClient, title: str, how: str) -> None:
    """Make one of my memories private, or delete it."""
    dev.pull()
    [memory] = [m for m in dev.of_kind("memory") if m["title"] == title]
    if how == "private":
        base = {"visibility": memory["field_versions"].get("visibility", 0)}
        dev.mutate("memory.save", id=memory["id"], fields={"visibility": "private"}, base=base)
    else:
        dev.mutate("memory.delete", id=memory["id"])
    dev.push()


def memory_notifications(push_service, browser) -> list[tuple[str, str]]:
    return [
        (n["title"], n["body"])
        for n in (r.decrypt(browser)["notification"] for r in push_service.for_browser(browser))
    ]


def test_a_coalesced_notice_comes_when_only_its_latest_memory_turns_private(
    app, couple_with_devices, push_service, clock
):
    alex, _sam, _, sam_browsers = couple_with_devices
    dev = SyncTestClient(alex.client)
    share_memory(dev, "the lake")  # told at once; what follows waits for the window's end
    clock.advance(seconds=20)
    for title in ("the market", "the night train", "a surprise for later"):
        share_memory(dev, title)
    clock.advance(seconds=2)
    hide_memory(dev, "a surprise for later", "private")

    clock.advance(minutes=3)
    run_due(app, clock)
    for browser in sam_browsers:
        assert memory_notifications(push_service, browser) == [
            ("Alex shared a memory", "Open Hearth to see."),
            ("Alex shared a memory", "And 1 more change. Open Hearth to see."),
        ]


def test_a_coalesced_notice_whose_memories_all_went_private_or_away_is_dropped(
    app, couple_with_devices, push_service, clock
):
    alex, _sam, _, sam_browsers = couple_with_devices
    dev = SyncTestClient(alex.client)
    share_memory(dev, "the lake")
    clock.advance(seconds=20)
    share_memory(dev, "the market")
    share_memory(dev, "the night train")
    hide_memory(dev, "the night train", "private")
    hide_memory(dev, "the market", "delete")

    clock.advance(minutes=3)
    run_due(app, clock)
    for browser in sam_browsers:
        assert memory_notifications(push_service, browser) == [
            ("Alex shared a memory", "Open Hearth to see.")
        ]


def test_a_redirect_from_the_push_service_is_not_followed(
    app, couple_with_devices, push_service, internal
):
    alex, _sam, _, (phone, laptop) = couple_with_devices
    elsewhere = f"http://127.0.0.1:{internal.port}/send/elsewhere"
    push_service.answer_next(phone, (307, {"Location": elsewhere}))
    checkin(SyncTestClient(alex.client))
    assert [r.answered for r in push_service.attempts(phone)] == [307]
    assert not internal.reached()
    assert len(push_service.for_browser(laptop)) == 1


# A repair's notifications say only that the partner wrote in it: never the words, never a draft.
DRAFT = "a draft about the bank statements"


def titles_and_bodies(push_service, browser) -> list[tuple[str, str, str]]:
    found = []
    for got in push_service.for_browser(browser):
        note = got.decrypt(browser)["notification"]
        found.append((note["title"], note.get("body", ""), note["navigate"]))
    return found


def test_the_partner_is_told_only_that_sam_wrote_and_never_of_a_draft(
    couple_with_devices, push_service
):
    _alex, sam, alex_phone, _ = couple_with_devices
    sam_dev = SyncTestClient(sam.client)

    # A draft repair, and a draft in it: nobody is told.
    hidden = open_repair(sam_dev, visibility="private", title="The bank")
    write(sam_dev, hidden, "acknowledge", {"felt": DRAFT})
    sam_dev.push()
    assert push_service.for_browser(alex_phone) == []

    # Shared: one notification, naming who and where, nothing of what.
    repair_id = open_repair(sam_dev, title="Phones")
    write(sam_dev, repair_id, "acknowledge", ACKNOWLEDGE, visibility="shared")
    sam_dev.push()
    [(title, body, navigate)] = titles_and_bodies(push_service, alex_phone)
    assert title == "Sam wrote in your repair"
    assert navigate.endswith("/#repair")
    told = title + body
    for words in [*ACKNOWLEDGE.values(), "Phones", DRAFT, "The bank", "acknowledge"]:
        assert words not in told

    # A draft in the shared repair moves nothing on Alex's phone.
    write(sam_dev, repair_id, "rhythm_note", {"text": DRAFT})
    sam_dev.push()
    assert len(push_service.for_browser(alex_phone)) == 1


def test_repairs_can_be_muted_like_any_kind(couple_with_devices, push_service):
    alex, sam, alex_phone, _ = couple_with_devices
    response = alex.client.patch("/api/push/settings", json={"kinds": {"repair": False}})
    assert response.status_code == 200, response.json
    sam_dev = SyncTestClient(sam.client)
    repair_id = open_repair(sam_dev, title="Phones")
    write(sam_dev, repair_id, "acknowledge", ACKNOWLEDGE, visibility="shared")
    sam_dev.push()
    assert push_service.for_browser(alex_phone) == []
    # Other kinds still come.
    sam_dev.mutate("promise.make", id=str(uuid.uuid4()), text="Ask, not look")
    sam_dev.push()
    assert [t for t, _, _ in titles_and_bodies(push_service, alex_phone)] == ["Sam made a promise"]
