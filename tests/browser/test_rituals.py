"""Rituals in the browser: a reminder at its owner's hour; either partner changes one; both Today
screens count down."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from zoneinfo import ZoneInfo

from playwright.sync_api import expect
from sqlalchemy import select

from server.extensions import db
from server.sync.models import Record
from tests.browser.helpers import open_section, pair, sign_up, sync_now, unexpected
from tests.push.conftest import make_browser, push_service  # noqa: F401 (fixtures)
from tests.rituals.helpers import Clock, tick, titles

PARIS, NEW_YORK = "Europe/Paris", "America/New_York"
# 25 hours apart: the two partners are never in the same day.
KIRITIMATI, PAGO_PAGO = "Pacific/Kiritimati", "Pacific/Pago_Pago"
DAY_LABELS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def records_of(app, kind: str) -> list[Record]:
    with app.app_context():
        found = list(db.session.scalars(select(Record).where(Record.kind == kind)))
        db.session.remove()
    return found


def until_stored(app, kind: str, test=lambda records: bool(records)) -> list[Record]:
    """Wait until the server holds what the phone queued (the phone syncs on its own)."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        found = records_of(app, kind)
        if test(found):
            return found
        time.sleep(0.1)
    raise AssertionError(f"no {kind} reached the server")


def subscribe_here(page, browser) -> None:
    """Post this phone's push subscription (one whose messages the test can read)."""
    status = page.evaluate(
        """(body) => fetch('/api/push/subscriptions', {method: 'POST',
             headers: {'Content-Type': 'application/json', 'X-Requested-With': 'hearth'},
             body: JSON.stringify(body)}).then((r) => r.status)""",
        browser.body(),
    )
    assert status == 200


def paired_in(phone, alex_zone: str, sam_zone: str):
    """Two phones, Alex and Sam signed up in their time zones and paired."""
    alex_phone, sam_phone = phone(), phone()
    alex, sam = alex_phone.new_page(), sam_phone.new_page()
    sign_up(alex, "alex@example.test", "Alex", alex_zone)
    sign_up(sam, "sam@example.test", "Sam", sam_zone)
    pair(alex, sam)
    return alex_phone, sam_phone, alex, sam


def open_rituals(page) -> None:
    page.locator("#countdown-slot").get_by_role("link", name="Our rituals").click()
    expect(page.locator("#panel-rituals")).to_be_visible()
    expect(page.get_by_role("heading", name="Our rituals")).to_be_visible()


def test_a_ritual_reminds_each_partner_at_their_own_hour(
    phone,
    app,
    push_service,  # noqa: F811 (the fixture imported above)
    make_browser,  # noqa: F811
    monkeypatch,
):
    alex_phone, sam_phone, alex, sam = paired_in(phone, PARIS, NEW_YORK)
    alex_browser, sam_browser = make_browser(push_service.base), make_browser(push_service.base)
    subscribe_here(alex, alex_browser)
    subscribe_here(sam, sam_browser)

    open_rituals(alex)
    form = alex.locator("#ritual-form")
    form.get_by_label("Ritual").select_option("checkin")
    form.get_by_label("Time", exact=True).fill("21:00")
    form.get_by_label("Each of us at our own time").check()
    form.get_by_role("button", name="Add this ritual").click()
    item = alex.locator(".rituals-list li", has_text="Daily check-in")
    expect(item).to_contain_text("every day at 21:00, each at your own time")
    until_stored(app, "ritual")

    # The worker's clock moves to the next 21:00 in Paris: Alex's phone is told, Sam's not yet.
    paris_day = datetime.now(ZoneInfo(PARIS)).date() + timedelta(days=1)
    nine_in_paris = datetime.combine(paris_day, datetime.min.time(), ZoneInfo(PARIS)) + timedelta(
        hours=21
    )
    clock = Clock(monkeypatch, (nine_in_paris - timedelta(minutes=1)).astimezone(UTC))
    tick(app)
    assert push_service.received == []
    clock.set(nine_in_paris.astimezone(UTC))
    tick(app)
    [got] = push_service.for_browser(alex_browser)
    notification = got.decrypt(alex_browser)["notification"]
    assert notification["title"] == "Time for your check-in"
    assert notification["navigate"].endswith("/#today")
    assert titles(push_service, sam_browser) == []

    # 21:00 in New York, six hours later: now Sam.
    clock.advance(hours=6)
    tick(app)
    assert titles(push_service, sam_browser) == ["Time for your check-in"]
    assert len(push_service.for_browser(alex_browser)) == 1

    # Alex marks today's done: only Alex's phone says so.
    item.get_by_role("button", name="Mark done today").click()
    expect(item.get_by_role("button", name="Done today ✓")).to_be_visible()
    expect(item).to_contain_text("Only you see your marks.")
    until_stored(app, "ritual_done")

    # Sam pauses it from his phone: no reminder the next evening for either.
    sync_now(sam)
    open_rituals(sam)
    sam_item = sam.locator(".rituals-list li", has_text="Daily check-in")
    expect(sam_item.get_by_role("button", name="Mark done today")).to_be_visible()
    expect(sam_item).not_to_contain_text("Only you see")
    sam_item.get_by_role("button", name="Pause").click()
    expect(sam_item).to_contain_text("Paused")
    until_stored(app, "ritual", lambda found: found[0].state == "paused")
    clock.advance(days=1)
    tick(app)
    clock.advance(hours=-6)
    tick(app)
    assert len(push_service.received) == 2
    assert unexpected(alex_phone) == [] and unexpected(sam_phone) == []


def clock(at: datetime) -> str:
    """A pattern of a time of day as a phone shows it, on a 24- or a 12-hour clock."""
    return rf"(?:{at:%H:%M}|{at.hour % 12 or 12}:{at:%M}\s?[AP]M)"


def moment(hour: int, minute: int, zone: str, seen_in: str) -> datetime:
    """A shared moment of today in its zone, as it falls in another time zone."""
    day = datetime.now(ZoneInfo(zone)).date()
    there = datetime.combine(day, clock_time(hour, minute), ZoneInfo(zone))
    return there.astimezone(ZoneInfo(seen_in))


def choose_days(form, days: set[int]) -> None:
    for day, label in enumerate(DAY_LABELS):
        form.get_by_label(label, exact=True).set_checked(day in days)


def test_either_partner_changes_a_ritual_even_offline(phone, app):
    alex_phone, sam_phone, alex, sam = paired_in(phone, PARIS, NEW_YORK)

    # Sam sets up a call on Sundays at 20:00 in New York, one moment for both.
    open_rituals(sam)
    form = sam.locator("#ritual-form")
    form.get_by_label("Ritual").select_option("call")
    choose_days(form, {6})
    form.get_by_label("Time", exact=True).fill("20:00")
    form.get_by_label("One moment for both of us, at my time").check()
    form.get_by_role("button", name="Add this ritual").click()
    until_stored(app, "ritual")

    # Alex sees it at Paris time, on the Paris day (Monday, once it is past midnight there).
    sync_now(alex)
    open_rituals(alex)
    item = alex.locator(".rituals-list li", has_text="A call")
    in_paris = moment(20, 0, NEW_YORK, PARIS)
    paris_day = (6 + (in_paris.date() - datetime.now(ZoneInfo(NEW_YORK)).date()).days) % 7
    edit = item.get_by_role("button", name="Edit “A call”")

    # Cancel leaves the ritual as it was and the focus on Edit.
    edit.click()
    change = item.locator("form")
    expect(change.get_by_label("Ritual")).to_be_focused()
    expect(change.get_by_label("Time", exact=True)).to_have_value(f"{in_paris:%H:%M}")
    expect(change.get_by_label(DAY_LABELS[paris_day], exact=True)).to_be_checked()
    expect(change.get_by_label("Sun", exact=True)).to_be_checked(checked=paris_day == 6)
    expect(change.get_by_label("One moment for both of us, at my time")).to_be_checked()
    change.get_by_label("Time", exact=True).fill("07:15")
    change.get_by_role("button", name="Cancel").click()
    expect(item.locator("form")).to_have_count(0)
    expect(edit).to_be_focused()
    expect(item).not_to_contain_text("7:15")

    # Offline, Alex moves it to Tuesdays and Fridays at 21:00 Paris time: it waits in the outbox.
    alex_phone.set_offline(True)
    edit.click()
    change = item.locator("form")
    expect(change.get_by_label("Time", exact=True)).to_have_value(f"{in_paris:%H:%M}")
    change.get_by_label("Time", exact=True).fill("21:00")
    choose_days(change, {1, 4})
    change.get_by_role("button", name="Save changes").click()
    expect(item.locator("form")).to_have_count(0)
    expect(alex.locator("#rituals")).to_contain_text("Your changes are saved.")
    in_new_york = moment(21, 0, PARIS, NEW_YORK)
    assert in_new_york.date() == datetime.now(ZoneInfo(PARIS)).date()  # the same day in both
    expect(item).to_contain_text(
        re.compile(
            rf"Tuesday and Friday at {clock(moment(21, 0, PARIS, PARIS))} your time "
            rf"\({clock(in_new_york)} for Sam\), together"
        )
    )
    expect(alex.locator("#sync-status")).to_contain_text("1 change waiting")
    [stored] = records_of(app, "ritual")
    assert (stored.data["time"], stored.data["days"]) == ("20:00", [6])

    # Back online it lands; Sam's phone shows the new moment at New York time.
    alex_phone.set_offline(False)
    sync_now(alex)
    [stored] = until_stored(app, "ritual", lambda found: found[0].data["time"] == "21:00")
    assert stored.data["days"] == [1, 4] and stored.data["zone"] == PARIS
    assert stored.data["timing"] == "shared"
    sync_now(sam)
    expect(sam.locator(".rituals-list li", has_text="A call")).to_contain_text(
        re.compile(
            rf"Tuesday and Friday at {clock(in_new_york)} your time "
            rf"\({clock(moment(21, 0, PARIS, PARIS))} for Alex\), together"
        ),
        timeout=40_000,
    )
    assert unexpected(alex_phone) == [] and unexpected(sam_phone) == []


def test_both_today_screens_count_down_to_the_next_visit_in_their_own_day(phone, app):
    alex_phone, sam_phone, alex, sam = paired_in(phone, KIRITIMATI, PAGO_PAGO)

    open_rituals(alex)
    day = datetime.now(ZoneInfo(KIRITIMATI)).date() + timedelta(days=10)
    visit = alex.locator("#visit-form")
    visit.get_by_label("Day").fill(day.isoformat())
    visit.get_by_label("Where").fill("Lisbon")
    visit.get_by_role("button", name="Save the day").click()
    expect(visit.get_by_role("status")).to_have_text("In 10 days, in Lisbon.")
    until_stored(app, "next_visit")

    # Each counts in their own day: Sam, a day (or two) behind, has a day (or two) more to go.
    for page, zone in ((alex, KIRITIMATI), (sam, PAGO_PAGO)):
        to_go = (day - datetime.now(ZoneInfo(zone)).date()).days
        if page is sam:
            sync_now(sam)
        open_section(page, "Today")
        card = page.locator("#countdown")
        expect(card.get_by_role("heading")).to_have_text("Next time we see each other")
        expect(card).to_contain_text(re.compile(rf"(?<!\d){to_go}\s+days to go"))
        expect(card).to_contain_text("Lisbon")
    assert (day - datetime.now(ZoneInfo(PAGO_PAGO)).date()).days > 10
    assert unexpected(alex_phone) == [] and unexpected(sam_phone) == []


def test_a_date_night_becomes_a_memory_in_one_tap(phone, app):
    alex_phone, sam_phone, alex, sam = paired_in(phone, PARIS, NEW_YORK)
    open_rituals(alex)
    earlier = datetime.now(ZoneInfo(PARIS)) - timedelta(hours=2)
    plan = alex.locator("#date-form")
    plan.get_by_label("When (your time)").fill(earlier.strftime("%Y-%m-%dT%H:%M"))
    plan.get_by_label("What").fill("Dinner over a video call")
    plan.get_by_role("button", name="Plan it").click()
    night = alex.locator(".rituals-list li", has_text="Dinner over a video call")
    night.get_by_role("button", name="Keep as a memory").click()
    expect(night.get_by_role("link", name="Kept in your timeline")).to_be_visible()
    until_stored(app, "date_night", lambda found: found[0].state == "remembered")
    sync_now(sam)
    open_section(sam, "Timeline")
    expect(sam.locator("#panel-timeline")).to_contain_text("Dinner over a video call")
    # Us leads to Rituals too, where Sam finds the evening kept.
    open_section(sam, "Us")
    sam.locator("#us").get_by_role("link", name="Our rituals").click()
    kept = sam.locator(".rituals-list li", has_text="Dinner over a video call")
    expect(kept.get_by_role("link", name="Kept in your timeline")).to_be_visible()
    assert unexpected(alex_phone) == [] and unexpected(sam_phone) == []
