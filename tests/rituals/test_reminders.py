"""The reminder scheduler: each partner's own hour, one shared moment, quiet hours, once only."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.rituals.helpers import Clock, define, tick, titles, utc
from tests.sync.client import SyncTestClient

PARIS, NEW_YORK = "Europe/Paris", "America/New_York"
# A Monday in winter: Paris is UTC+1, New York UTC-5.
MONDAY = (2027, 1, 11)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def couple(make_couple, subscribe, push_service):
    """Alex in Paris and Sam in New York, each with a phone that takes notifications."""
    alex, sam = make_couple(PARIS, NEW_YORK)
    alex.phone = subscribe(alex.client, push_service.base)
    sam.phone = subscribe(sam.client, push_service.base)
    alex.dev, sam.dev = SyncTestClient(alex.client), SyncTestClient(sam.client)
    return alex, sam


def test_a_checkin_reminder_comes_at_each_partners_own_hour(app, couple, clock, push_service):
    alex, sam = couple
    define(alex.dev, time="21:00", kind="checkin")

    clock.set(utc(*MONDAY, 19, 59))  # 20:59 in Paris
    tick(app)
    assert push_service.received == []

    clock.set(utc(*MONDAY, 20, 0))  # 21:00 in Paris, 15:00 in New York
    tick(app)
    tick(app)  # a second round sends nothing more
    assert titles(push_service, alex.phone) == ["Time for your check-in"]
    assert titles(push_service, sam.phone) == []

    clock.set(utc(*MONDAY, 20, 0) + timedelta(hours=6))  # 21:00 in New York
    tick(app)
    assert titles(push_service, sam.phone) == ["Time for your check-in"]
    assert titles(push_service, alex.phone) == ["Time for your check-in"]
    [got] = push_service.for_browser(sam.phone)
    assert got.decrypt(sam.phone)["notification"]["navigate"].endswith("/#today")


def test_only_on_the_days_chosen(app, couple, clock, push_service):
    alex, _sam = couple
    define(alex.dev, days=[1], time="21:00", kind="meal")  # Tuesdays only
    clock.set(utc(*MONDAY, 20, 0))
    tick(app)
    assert titles(push_service, alex.phone) == []
    clock.advance(days=1)
    tick(app)
    assert titles(push_service, alex.phone) == ["Time for your shared meal"]


def test_a_shared_moment_reaches_both_at_once(app, couple, clock, push_service):
    alex, sam = couple
    # Sam sets the call at 14:00 New York time: 20:00 for Alex in Paris.
    define(sam.dev, time="14:00", kind="call", timing="shared", zone=NEW_YORK)
    clock.set(utc(*MONDAY, 18, 59))
    tick(app)
    assert push_service.received == []
    clock.set(utc(*MONDAY, 19, 0))
    tick(app)
    assert titles(push_service, alex.phone) == ["Time for your call"]
    assert titles(push_service, sam.phone) == ["Time for your call"]


@pytest.mark.parametrize(
    ("zone", "before", "after"),
    [
        # Paris moves to summer time in the night to Sunday 28 March 2027.
        (PARIS, utc(2027, 3, 27, 8, 0), utc(2027, 3, 28, 7, 0)),
        # New York moves on Sunday 14 March 2027.
        (NEW_YORK, utc(2027, 3, 13, 14, 0), utc(2027, 3, 14, 13, 0)),
    ],
)
def test_the_local_hour_holds_across_a_daylight_saving_change(
    app, make_couple, subscribe, push_service, monkeypatch, zone, before, after
):
    alex, _sam = make_couple(zone, PARIS)
    phone = subscribe(alex.client, push_service.base)
    define(SyncTestClient(alex.client), time="09:00")
    clock = Clock(monkeypatch, before)
    tick(app)
    assert titles(push_service, phone) == ["Time for your check-in"]
    assert before.astimezone(ZoneInfo(zone)).hour == 9

    clock.set(after - timedelta(minutes=1))
    tick(app)
    assert len(titles(push_service, phone)) == 1
    clock.set(after)  # 09:00 local again, an hour earlier in UTC
    tick(app)
    assert after.astimezone(ZoneInfo(zone)).hour == 9
    assert len(titles(push_service, phone)) == 2
    clock.advance(hours=1)  # the old offset's 09:00 brings nothing
    tick(app)
    assert len(titles(push_service, phone)) == 2


def test_in_quiet_hours_a_reminder_is_held_until_they_end(app, couple, clock, push_service):
    alex, sam = couple
    quiet = {"quiet_hours": {"start": "22:00", "end": "07:00"}}
    assert sam.client.patch("/api/push/settings", json=quiet).status_code == 200
    assert sam.client.get("/api/push/settings").json["quiet_reminders"] == "hold"
    define(alex.dev, time="23:00", kind="question")

    clock.set(utc(*MONDAY, 23, 0) + timedelta(hours=5))  # 23:00 in New York
    tick(app)
    assert titles(push_service, sam.phone) == []
    clock.set(utc(*MONDAY, 7, 0) + timedelta(days=1, hours=5))  # 07:00 next morning
    tick(app)
    assert titles(push_service, sam.phone) == ["Today's question is waiting for you"]
    clock.advance(minutes=30)
    tick(app)
    assert len(titles(push_service, sam.phone)) == 1


def test_in_quiet_hours_a_reminder_is_dropped_when_the_setting_says_so(
    app, couple, clock, push_service
):
    alex, sam = couple
    settings = {"quiet_hours": {"start": "22:00", "end": "07:00"}, "quiet_reminders": "drop"}
    answer = sam.client.patch("/api/push/settings", json=settings)
    assert answer.status_code == 200 and answer.json["quiet_reminders"] == "drop"
    define(alex.dev, time="23:00")
    for hours in (23, 31, 31.5):  # 23:00, then 07:00 and 07:30 the next morning
        clock.set(utc(*MONDAY) + timedelta(hours=hours + 5))
        tick(app)
    assert titles(push_service, sam.phone) == []
    # Alex (no quiet hours) was reminded at 23:00 Paris time as usual.
    clock.set(utc(*MONDAY, 22, 0))
    tick(app)
    assert titles(push_service, alex.phone) == ["Time for your check-in"]


def test_sent_once_with_two_workers(app, app_factory, couple, clock, push_service):
    alex, sam = couple
    for n in range(5):
        define(alex.dev, time=f"21:0{n}", kind="call", timing="shared", zone=PARIS)
    other_worker = app_factory()
    clock.set(utc(*MONDAY, 20, 5))
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def run(worker) -> None:
        try:
            start.wait()
            tick(worker)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(w,)) for w in (app, other_worker)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert titles(push_service, alex.phone) == ["Time for your call"] * 5
    assert titles(push_service, sam.phone) == ["Time for your call"] * 5


def test_nothing_for_a_paused_or_removed_ritual(app, couple, clock, push_service):
    alex, sam = couple
    paused, removed = define(alex.dev, time="21:00"), define(alex.dev, time="21:00", kind="meal")
    sam.dev.mutate("ritual.pause", id=paused)
    sam.dev.mutate("ritual.remove", id=removed)
    sam.dev.push()
    clock.set(utc(*MONDAY, 20, 0))
    tick(app)
    assert push_service.received == []

    alex.dev.mutate("ritual.resume", id=paused)
    alex.dev.push()
    clock.advance(days=1)
    tick(app)
    assert titles(push_service, alex.phone) == ["Time for your check-in"]


def test_nothing_after_unpairing(app, couple, clock, push_service):
    alex, _sam = couple
    define(alex.dev, time="21:00")
    assert alex.client.post("/api/pairing/unpair").status_code == 200
    push_service.received.clear()  # Sam was told the couple ended
    for hours in (20, 26):
        clock.set(utc(*MONDAY) + timedelta(hours=hours))
        tick(app)
    assert push_service.received == []


def test_after_downtime_a_reminder_late_by_more_than_an_hour_is_dropped(
    app, couple, clock, push_service
):
    alex, _sam = couple
    define(alex.dev, time="21:00")
    define(alex.dev, time="20:30", kind="meal")
    # The worker was down from 20:00 to 21:45 Paris time: the 21:00 reminder is 45 minutes
    # late and goes; the 20:30 one is 75 minutes late and does not.
    clock.set(utc(*MONDAY, 20, 45))
    tick(app)
    assert titles(push_service, alex.phone) == ["Time for your check-in"]


def test_marked_done_no_reminder_for_me_that_day(app, couple, monkeypatch, push_service):
    alex, sam = couple
    ritual_id = define(alex.dev, time="21:00")
    day = datetime.now(ZoneInfo(PARIS)).date() + timedelta(days=1)
    alex.dev.mutate("ritual.done", id=str(uuid.uuid4()), ritual_id=ritual_id, day=day.isoformat())
    alex.dev.push()
    moment = datetime.combine(day, datetime.min.time(), tzinfo=ZoneInfo(PARIS)) + timedelta(
        hours=21
    )
    clock = Clock(monkeypatch, moment.astimezone(UTC))
    tick(app)
    assert titles(push_service, alex.phone) == []
    clock.advance(hours=6)  # 21:00 in New York: Sam did not mark it, and is reminded
    tick(app)
    assert titles(push_service, sam.phone) == ["Time for your check-in"]


def test_muted_rituals_remind_nobody(app, couple, clock, push_service):
    alex, sam = couple
    sam.client.patch("/api/push/settings", json={"kinds": {"ritual": False}})
    define(alex.dev, time="14:00", timing="shared", kind="call", zone=NEW_YORK)
    clock.set(utc(*MONDAY, 19, 0))
    tick(app)
    assert titles(push_service, alex.phone) == ["Time for your call"]
    assert titles(push_service, sam.phone) == []


def test_a_reminder_carries_no_words_of_ours(app, couple, clock, push_service):
    alex, sam = couple
    sam.client.patch("/api/push/settings", json={"preview": "none"})
    define(alex.dev, time="21:00", kind="own", name="Secret picnic under the bridge")
    clock.set(utc(*MONDAY, 20, 0))
    tick(app)
    clock.advance(hours=6)
    tick(app)
    [alex_got] = push_service.for_browser(alex.phone)
    [sam_got] = push_service.for_browser(sam.phone)
    assert "picnic" not in str(alex_got.decrypt(alex.phone))
    assert alex_got.decrypt(alex.phone)["notification"]["title"] == "Time for one of your rituals"
    assert sam_got.decrypt(sam.phone)["notification"]["title"] == "Hearth"
    assert "ritual" not in str(sam_got.decrypt(sam.phone))


def test_an_anniversary_is_remembered_the_day_before(app, couple, clock, push_service):
    alex, sam = couple
    for remind in (True, False):
        alex.dev.mutate(
            "anniversary.add",
            id=str(uuid.uuid4()),
            title="First date",
            on="2019-01-12",
            remind=remind,
        )
    alex.dev.push()
    clock.set(utc(*MONDAY, 8, 59))  # 09:59 in Paris, the day before
    tick(app)
    assert push_service.received == []
    clock.set(utc(*MONDAY, 9, 0))
    tick(app)
    assert titles(push_service, alex.phone) == ["Tomorrow is a day you both chose to remember"]
    clock.set(utc(*MONDAY, 15, 0))  # 10:00 in New York
    tick(app)
    assert titles(push_service, sam.phone) == ["Tomorrow is a day you both chose to remember"]


def test_the_worker_runs_the_reminder_round_every_minute(
    app_factory, make_couple, subscribe, push_service, clock
):
    from server.push.queue import queue_of

    worker = app_factory(PUSH_QUEUE="memory")  # tasks wait in the queue, as in a real worker
    alex, _sam = make_couple(PARIS, NEW_YORK)
    phone = subscribe(alex.client, push_service.base)
    define(SyncTestClient(alex.client), time="21:00")
    huey = queue_of(worker).huey
    clock.set(utc(*MONDAY, 20, 0))
    [periodic] = [t for t in huey.read_periodic(clock.now) if t.name == "rituals.remind"]
    huey.execute(periodic)
    # The round queued the sending; the worker takes it next.
    while (task := huey.dequeue()) is not None:
        huey.execute(task)
    assert titles(push_service, phone) == ["Time for your check-in"]


def test_the_push_worker_command_runs_periodic_tasks(app_factory, tmp_path, monkeypatch):
    """`flask push-worker` schedules the reminder round, not only the queued sends."""
    from server.push.queue import queue_of

    worker = app_factory(PUSH_QUEUE="sqlite", PUSH_QUEUE_FILE=str(tmp_path / "queue.db"))
    huey = queue_of(worker).huey
    made = []
    real = huey.create_consumer

    def create_consumer(**options):
        consumer = real(**options)
        consumer.run = lambda: None  # built as the command builds it, not started
        made.append(consumer)
        return consumer

    monkeypatch.setattr(huey, "create_consumer", create_consumer)
    result = worker.test_cli_runner().invoke(args=["push-worker", "--workers", "1"])
    assert result.exit_code == 0, result.output
    [consumer] = made
    assert consumer.periodic
    # The round is due every minute.
    assert "rituals.remind" in {t.name for t in huey.read_periodic(datetime.now(UTC))}
