"""The reminder scheduler: a periodic task of the worker that finds what is due and sends it.

Every minute each worker looks at the couples' active rituals and anniversaries
and works out, for each partner, the moments of the last day: at the partner's
own local hour (a check-in), or at the ritual's one shared moment (a call). A
moment in the partner's quiet hours is held until they end, or dropped, as the
partner's notification settings say. A reminder whose moment (after holding) is
more than an hour past is dropped: a worker back after a night down sends no
flood of stale reminders. Before sending, the worker inserts a row keyed by
(ritual, person, moment) into `sent_reminders`; a second worker's insert fails,
so each reminder goes out once however many workers run. A reminder carries no
words of the couple's own (not a ritual's name): only what kind of ritual it is.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Flask, current_app
from huey import crontab
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from server.db import write_transaction
from server.extensions import db
from server.push import messages, notify
from server.push.models import NONE, PushSettings, PushSubscription
from server.rituals.models import SentReminder
from server.rituals.service import ACTIVE, ANNIVERSARY, RITUAL, marks_of
from server.sync.models import Record

log = logging.getLogger(__name__)

# What reminders are muted as in the notification settings.
MUTE_KIND = "ritual"
# A reminder more than this late is dropped, not sent.
LATE_LIMIT = timedelta(hours=1)
# Quiet hours can hold a moment for most of a day: look this many local days back.
DAYS_BACK = 2
# An anniversary's reminder: the day before, at this local time.
ANNIVERSARY_HOUR = time(10, 0)
# Rows of sent reminders are kept this long (longer than any moment looked at).
KEEP_SENT = timedelta(days=4)
HOLD = "hold"
DROP = "drop"

TITLES = {
    "checkin": "Time for your check-in",
    "question": "Today's question is waiting for you",
    "call": "Time for your call",
    "meal": "Time for your shared meal",
    "date_night": "Date night",
    "state_of_us": "Time for your weekly state of us",
    "own": "Time for one of your rituals",
    ANNIVERSARY: "Tomorrow is a day you both chose to remember",
}
PATHS = {"checkin": "/#today", "question": "/#today"}


@dataclass(frozen=True)
class Reminder:
    record_id: uuid.UUID
    user_id: uuid.UUID
    occurrence: datetime
    send_at: datetime
    what: str
    # The user's notification preview setting ("" when they have none).
    preview: str


def clock() -> datetime:
    """The worker's time (the tests move notify's clock, and with it this one)."""
    return notify.clock()


def _moment(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The instant of a local time on a local day (a time skipped by a DST change moves on)."""
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def _local_days(now: datetime, zone: ZoneInfo) -> list[date]:
    today = now.astimezone(zone).date()
    return [today - timedelta(days=n) for n in range(DAYS_BACK, -1, -1)]


def ritual_moments(data: dict, own_zone: str, now: datetime) -> Iterator[tuple[datetime, date]]:
    """Yield a ritual's recent moments for one partner, with the partner's local day of each."""
    try:
        hour, minute = (int(part) for part in data["time"].split(":"))
        zone = ZoneInfo(own_zone if data.get("timing") != "shared" else data["zone"])
        own = ZoneInfo(own_zone)
    except (KeyError, ValueError):
        return
    days = set(data.get("days") or [])
    for day in _local_days(now, zone):
        if day.weekday() in days:
            moment = _moment(day, time(hour, minute), zone)
            yield moment, moment.astimezone(own).date()


def _yearly(on: date, year: int) -> date:
    try:
        return on.replace(year=year)
    except ValueError:  # 29 February in a year without one
        return date(year, 2, 28)


def anniversary_moments(data: dict, own_zone: str, now: datetime) -> Iterator[datetime]:
    """Yield the reminder moments (the day before, in the partner's zone) of an anniversary."""
    try:
        on = date.fromisoformat(data["on"])
        zone = ZoneInfo(own_zone)
    except (KeyError, ValueError):
        return
    for day in _local_days(now, zone):
        tomorrow = day + timedelta(days=1)
        if tomorrow >= on and _yearly(on, tomorrow.year) == tomorrow:
            yield _moment(day, ANNIVERSARY_HOUR, zone)


def _send_time(moment: datetime, settings: PushSettings | None, zone: str) -> datetime | None:
    """When a moment's reminder goes: at once, at the end of quiet hours, or never (None)."""
    held = notify.quiet_until(moment, settings, zone)
    if held is None:
        return moment
    if settings is not None and (settings.quiet_reminders or HOLD) == DROP:
        return None
    return held


def _since(record: Record) -> datetime:
    text = (record.data or {}).get("active_since")
    try:
        return datetime.fromisoformat(text) if text else record.created_at
    except (TypeError, ValueError):
        return record.created_at


def find_due(now: datetime) -> list[Reminder]:
    """Return the reminders due at `now`: moments past, within the hour, not yet claimed."""
    from server.accounts.models import User
    from server.spaces.models import COUPLE, Space

    records = db.session.scalars(
        select(Record)
        .join(Space, Space.id == Record.space_id)
        .where(
            Space.kind == COUPLE,
            Record.kind.in_([RITUAL, ANNIVERSARY]),
            Record.tombstone.is_(False),
            Record.archived.is_(False),
        )
    ).all()
    records = [r for r in records if r.kind != RITUAL or r.state == ACTIVE]
    records = [r for r in records if r.kind != ANNIVERSARY or r.data.get("remind")]
    if not records:
        return []
    space_ids = {r.space_id for r in records}
    members: dict[uuid.UUID, list] = {}
    for user in db.session.scalars(select(User).where(User.space_id.in_(space_ids))):
        members.setdefault(user.space_id, []).append(user)
    user_ids = [u.id for us in members.values() for u in us]
    with_devices = set(
        db.session.scalars(
            select(PushSubscription.user_id).where(PushSubscription.user_id.in_(user_ids))
        )
    )
    settings = {
        s.user_id: s
        for s in db.session.scalars(select(PushSettings).where(PushSettings.user_id.in_(user_ids)))
    }
    due: list[Reminder] = []
    marks: dict[uuid.UUID, set] = {}
    for record in records:
        couple = members.get(record.space_id, [])
        if len(couple) != 2:
            continue  # a couple that has ended reminds nobody
        for user in couple:
            mine = settings.get(user.id)
            if user.id not in with_devices or MUTE_KIND in ((mine and mine.muted) or []):
                continue
            if record.kind == RITUAL:
                moments = list(ritual_moments(record.data, user.time_zone, now))
                since = _since(record)
                if user.id not in marks:
                    days = _local_days(now, ZoneInfo(user.time_zone))
                    marks[user.id] = marks_of(user.id, record.space_id, days)
                done = marks[user.id]
                found = [
                    m for m, day in moments if m >= since and (str(record.id), day) not in done
                ]
                what = record.data.get("type", "own")
            else:
                found = [m for m in anniversary_moments(record.data, user.time_zone, now)]
                what = ANNIVERSARY
            for moment in found:
                at = _send_time(moment, mine, user.time_zone)
                if at is not None and at <= now and now - at <= LATE_LIMIT:
                    preview = mine.preview if mine else ""
                    due.append(Reminder(record.id, user.id, moment, at, what, preview))
    db.session.rollback()
    return due


def _claim(reminder: Reminder, now: datetime) -> bool:
    """Insert the reminder's row; False when another worker (or an earlier run) has it."""
    try:
        with write_transaction():
            if (
                db.session.get(
                    SentReminder, (reminder.record_id, reminder.user_id, reminder.occurrence)
                )
                is not None
            ):
                return False
            db.session.add(
                SentReminder(
                    record_id=reminder.record_id,
                    user_id=reminder.user_id,
                    occurrence=reminder.occurrence,
                    sent_at=now,
                )
            )
    except IntegrityError:
        return False
    return True


def compose(what: str, preview: str) -> messages.Message:
    """The reminder's notification: the kind of ritual, never its name or any words of ours."""
    if preview == NONE:
        return messages.Message(messages.GENERIC_TITLE, messages.GENERIC_BODY, "/", "hearth")
    path = PATHS.get(what, "/#rituals")
    return messages.Message(
        TITLES.get(what, TITLES["own"]), "Open Hearth when you are ready.", path, "hearth-ritual"
    )


def tick(app: Flask) -> int:
    """Send the reminders due now; return how many people were reminded (inside app context)."""
    from server.push.queue import message_dict, queue_of

    now = clock()
    sent = 0
    for reminder in find_due(now):
        if not _claim(reminder, now):
            continue
        message = message_dict(compose(reminder.what, reminder.preview))
        ids = db.session.scalars(
            select(PushSubscription.id).where(PushSubscription.user_id == reminder.user_id)
        ).all()
        db.session.rollback()
        for subscription_id in ids:
            queue_of(app).send(subscription_id, message, 1)
        sent += 1
    with write_transaction():
        db.session.execute(delete(SentReminder).where(SentReminder.sent_at < now - KEEP_SENT))
    return sent


def init_app(app: Flask) -> None:
    """Add the reminder round to the push queue's periodic tasks (every minute, every worker)."""
    from server.push.queue import queue_of

    huey = queue_of(app).huey

    @huey.periodic_task(crontab(), name="rituals.remind")
    def remind() -> None:
        with app.app_context():
            try:
                tick(app)
            finally:
                db.session.remove()

    app.extensions["hearth_reminders"] = remind


def run_now() -> int:
    """Run one round in the current app (the tests' worker, `flask` shell)."""
    return tick(current_app._get_current_object())  # type: ignore[attr-defined]
