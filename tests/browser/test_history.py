"""Looking back: sixty days of check-ins in a calendar, a list and charts, and a year ago."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from playwright.sync_api import expect

from tests.browser.helpers import (
    go_offline,
    open_section,
    paired_phones,
    save_checkin,
    sync_now,
)
from tests.browser.test_refusals import unexpected

SYNC_WAIT = 15_000
SAM_DAYS = 60
NONE = "\N{EN DASH}"  # a week or month without check-ins

# Another device of the signed-in user writes check-ins for days gone by through the sync path (the
# server takes any day up to tomorrow). Days count back from today in the user's time zone.
PUSH_CHECKINS = """async ([client, days]) => {
  const { localDay } = await import('/js/core/local-rules.js');
  const me = await fetch('/api/me').then((r) => r.json());
  const [y, m, d] = localDay(me.user.time_zone).split('-').map(Number);
  const mutations = days.map(([ago, fields], i) => ({
    id: i + 1,
    name: 'checkin.save',
    args: {
      id: crypto.randomUUID(),
      day: new Date(Date.UTC(y, m - 1, d - ago)).toISOString().slice(0, 10),
      ...fields,
    },
  }));
  const answer = await fetch('/api/sync/push', {
    method: 'POST',
    headers: {'Content-Type': 'application/json', 'X-Requested-With': 'hearth'},
    body: JSON.stringify({client_id: client, schema_version: 1, mutations}),
  }).then((r) => r.json());
  return answer.results.map((r) => r.status);
}"""

TODAY = """async () => {
  const { localDay } = await import('/js/core/local-rules.js');
  const me = await fetch('/api/me').then((r) => r.json());
  return localDay(me.user.time_zone);
}"""


def sam_checkin(ago: int) -> dict:
    """Sam's check-in of a day: moods and trust levels that move, every sixth day kept private."""
    return {
        "mood": 1 + (ago * 7) % 5,
        "trust": 1 + (ago * 3) % 10,
        "visibility": "private" if ago % 6 == 1 else "shared",
        "note": f"Sam's day {ago}",
        **(
            {"feelings": ["calm", "hopeful"], "need": "a long walk", "gratitude": "the soup"}
            if ago == 0
            else {}
        ),
    }


ALEX_DAYS = {2: ("shared", 4, 9), 3: ("private", 2, 3)}  # ago: (visibility, mood, trust)


def seed(alex, sam) -> date:
    """Sam's sixty days, Alex's few (today's through the form) and Alex's answer to Sam's today."""
    sam_days = [[ago, sam_checkin(ago)] for ago in range(SAM_DAYS)]
    assert sam.evaluate(PUSH_CHECKINS, ["sams-tablet", sam_days]) == ["applied"] * SAM_DAYS
    alex_days = [
        [ago, {"mood": mood, "trust": trust, "visibility": vis, "note": f"Alex's day {ago}"}]
        for ago, (vis, mood, trust) in ALEX_DAYS.items()
    ]
    assert alex.evaluate(PUSH_CHECKINS, ["alexs-tablet", alex_days]) == ["applied"] * 2
    save_checkin(alex, "Alex's day 0")
    # Alex answers Sam's check-in of today on Today, as ever.
    sync_now(alex)
    card = alex.locator("#partner-checkin")
    expect(card).to_contain_text("Sam's day 0", timeout=SYNC_WAIT)
    card.get_by_label("Your reaction").select_option("🤗")
    card.get_by_label("A short reply").fill("thinking of you")
    card.get_by_role("button", name="Send").click()
    expect(alex.locator("#partner-checkin .ack")).to_contain_text("thinking of you")
    today = date.fromisoformat(sam.evaluate(TODAY))
    assert alex.evaluate(TODAY) == today.isoformat()
    return today


def look_back(page) -> None:
    """Follow Today's way in to Looking back."""
    open_section(page, "Today")
    page.get_by_role("link", name="Look back").click()
    expect(page.locator("#panel-history")).to_be_visible()
    expect(page.get_by_role("heading", name="Looking back")).to_be_visible()
    assert page.evaluate("location.hash") == "#history"
    # Not a tab of the bottom bar.
    expect(page.locator("nav.tabs [aria-current='page']")).to_have_count(0)


def month_words(day: date) -> str:
    return f"{day:%B} {day.year}"


def show_month(page, day: date) -> None:
    """Go month by month to the month of that day."""
    month = page.locator("#history-month")
    for _ in range(4):
        shown = datetime.strptime(month.inner_text(), "%B %Y").date()
        if shown == day.replace(day=1):
            return
        page.get_by_role("button", name="Earlier month" if shown > day else "Later month").click()
    expect(month).to_have_text(month_words(day))


def open_day(page, day: date):
    """Tap a day of the calendar; return what opens to read."""
    show_month(page, day)
    page.locator(f".history-day[data-day='{day.isoformat()}']").click()
    reading = page.locator("#history-reading")
    expect(reading).to_be_focused()
    return reading


def half_up(total: int, count: int) -> str:
    """An average to one decimal as the app says it: halves up, no trailing '.0'."""
    tenths = (20 * total + count) // (2 * count)
    return str(tenths // 10) if tenths % 10 == 0 else f"{tenths // 10}.{tenths % 10}"


def expected_rows(checkins: dict[date, tuple[int, int]], span: str, today: date) -> list[list[str]]:
    """The table's rows, computed from what was seeded: one per week or month from the person's
    first check-in to this one, those without a check-in included."""

    def start(day: date) -> date:
        return day - timedelta(days=day.weekday()) if span == "weeks" else day.replace(day=1)

    periods: list[date] = []
    at = start(min(checkins))
    while at <= start(today):
        periods.append(at)
        at = at + timedelta(days=7) if span == "weeks" else (at + timedelta(days=32)).replace(day=1)
    rows = []
    for period in periods:
        inside = [v for day, v in checkins.items() if start(day) == period]
        label = f"Week of {period:%b} {period.day}" if span == "weeks" else month_words(period)
        if inside:
            n = len(inside)
            rows.append(
                [
                    label,
                    half_up(sum(m for m, _ in inside), n),
                    half_up(sum(t for _, t in inside), n),
                ]
            )
        else:
            rows.append([label, NONE, NONE])
    return rows


def table_rows(page, name: str) -> list[list[str]]:
    table = page.get_by_role("table", name=name, exact=True)
    expect(table).to_be_visible()
    return table.locator("tbody tr").evaluate_all(
        "rows => rows.map((row) => [...row.cells].map((cell) => cell.textContent.trim()))"
    )


def sams(today: date, *, shared_only: bool) -> dict[date, tuple[int, int]]:
    out = {}
    for ago in range(SAM_DAYS):
        c = sam_checkin(ago)
        if shared_only and c["visibility"] == "private":
            continue
        out[today - timedelta(days=ago)] = (c["mood"], c["trust"])
    return out


def test_sixty_days_in_the_calendar_and_the_list_private_days_only_for_sam(phone):
    alex_phone, sam_phone, alex, sam = paired_phones(phone)
    today = seed(alex, sam)
    private_day = today - timedelta(days=1)  # 1 % 6 == 1: kept private by Sam

    # Sam's own history: every one of the sixty days, the private ones too.
    sync_now(sam)
    expect(sam.locator("#my-checkin")).to_contain_text("Sam's day 0", timeout=SYNC_WAIT)
    look_back(sam)
    expect(sam.locator("#history-month")).to_have_text(month_words(today))
    this_month = sam.locator(".history-calendar .history-day")
    expect(this_month).to_have_count(today.day)
    alex_today = sam.locator(f".history-day[data-day='{today.isoformat()}']")
    expect(alex_today).to_have_attribute("aria-label", re.compile(r": you and Alex$"))
    reading = open_day(sam, today)
    expect(reading.locator(".history-entry")).to_have_count(2)
    mine = reading.locator(".history-entry", has_text="Your check-in")
    for words in [
        "Sam's day 0",
        "calm",
        "hopeful",
        "a long walk",
        "the soup",
        "Trust 1/10",
        "Alex answered 🤗: “thinking of you”",
    ]:
        expect(mine).to_contain_text(words)
    expect(
        reading.locator(".history-entry", has_text="Alex\N{RIGHT SINGLE QUOTATION MARK}s check-in")
    ).to_contain_text("Alex's day 0")
    reading = open_day(sam, private_day)
    expect(reading).to_contain_text("Sam's day 1")
    expect(reading.locator(".private-marker")).to_have_text("Private")
    # Alex's private day is not on Sam's phone at all.
    alex_private = today - timedelta(days=3)
    reading = open_day(sam, alex_private)
    expect(reading.locator(".history-entry")).to_have_count(1)
    expect(reading).not_to_contain_text("Alex's day 3")
    # Two months back, the first of the sixty days.
    first = today - timedelta(days=SAM_DAYS - 1)
    show_month(sam, first)
    expect(sam.get_by_role("button", name="Earlier month")).to_be_disabled()
    expect(sam.locator(".history-calendar .history-day").first).to_have_attribute(
        "data-day", first.isoformat()
    )

    # Alex's phone: Sam's shared days only, and Alex's own private one.
    sync_now(alex)
    look_back(alex)
    shared = sams(today, shared_only=True)
    alex_days = {today, *(today - timedelta(days=ago) for ago in ALEX_DAYS)}
    in_month = {d for d in [*shared, *alex_days] if d.month == today.month and d.year == today.year}
    expect(alex.locator(".history-calendar .history-day")).to_have_count(len(in_month))
    if private_day.month == today.month:
        expect(alex.locator(f".history-day[data-day='{private_day.isoformat()}']")).to_have_count(0)
    reading = open_day(alex, today)
    expect(
        reading.locator(".history-entry", has_text="Sam\N{RIGHT SINGLE QUOTATION MARK}s check-in")
    ).to_contain_text("You answered 🤗: “thinking of you”")
    reading = open_day(alex, alex_private)
    expect(reading.locator(".private-marker")).to_have_text("Private")
    expect(reading).to_contain_text("Alex's day 3")
    # The list: the month's days newest first, each in full, and never a day Sam kept private.
    alex.get_by_role("button", name="List").click()
    expect(alex.locator(".history-calendar")).to_be_hidden()
    show_month(alex, today)
    days = alex.locator(".history-list-day")
    expect(days).to_have_count(len(in_month))
    expect(days.first.locator("h4")).to_have_text(re.compile(f"{today:%B} {today.day}$"))
    expect(days.first).to_contain_text("calm")
    for month_back in range(3):
        expect(alex.locator(".history-list")).not_to_contain_text(
            re.compile(r"Sam's day (1|7|13|19|25|31|37|43|49|55)\b")
        )
        if month_back < 2 and not alex.get_by_role("button", name="Earlier month").is_disabled():
            alex.get_by_role("button", name="Earlier month").click()
    assert not re.search(r"Sam's day 1\b", alex.locator("#panel-history").inner_text())

    assert unexpected(alex_phone) == []
    assert unexpected(sam_phone) == []


def test_mood_and_trust_by_week_and_by_month_on_both_phones(phone):
    alex_phone, sam_phone, alex, sam = paired_phones(phone)
    today = seed(alex, sam)
    sync_now(sam)
    expect(sam.locator("#my-checkin")).to_contain_text("Sam's day 0", timeout=SYNC_WAIT)
    sync_now(alex)
    expect(alex.locator("#partner-checkin")).to_contain_text("You answered", timeout=SYNC_WAIT)
    alex_all = {
        today - timedelta(days=ago): (mood, trust) for ago, (_, mood, trust) in ALEX_DAYS.items()
    }
    alex_all[today] = (3, 7)  # the form: the third mood, the seventh trust level

    look_back(sam)
    everything, shared = sams(today, shared_only=False), sams(today, shared_only=True)
    sam_own = expected_rows(everything, "weeks", today)
    assert table_rows(sam, "You: average by week") == sam_own
    assert table_rows(sam, "Alex: average by week") == expected_rows(
        {d: v for d, v in alex_all.items() if d != today - timedelta(days=3)}, "weeks", today
    )
    expect(sam.locator(".history-chart polyline")).not_to_have_count(0)

    look_back(alex)
    sam_seen = expected_rows(shared, "weeks", today)
    assert sam_seen != sam_own  # the private days would change the averages
    assert table_rows(alex, "Sam: average by week") == sam_seen
    assert table_rows(alex, "You: average by week") == expected_rows(alex_all, "weeks", today)
    chart = alex.get_by_role("region", name="Sam", exact=True).get_by_role("img")
    expect(chart).to_be_visible()
    expect(chart.locator("polyline.trust")).not_to_have_count(0)
    expect(chart.locator("circle.dot.trust")).to_have_count(
        len([r for r in sam_seen if r[2] != NONE])
    )

    # By month, then back by week.
    alex.get_by_role("button", name="Months").click()
    expect(alex.get_by_role("button", name="Months")).to_have_attribute("aria-pressed", "true")
    assert table_rows(alex, "Sam: average by month") == expected_rows(shared, "months", today)
    expect(alex.get_by_role("table", name="Sam: average by week")).to_have_count(0)
    alex.get_by_role("button", name="Weeks").click()
    assert table_rows(alex, "Sam: average by week") == sam_seen

    # Offline, from the phone's own copy.
    go_offline(alex_phone, alex)
    look_back(alex)
    assert table_rows(alex, "Sam: average by week") == sam_seen
    expect(alex.locator(".history-calendar .history-day")).not_to_have_count(0)

    assert unexpected(alex_phone) == []
    assert unexpected(sam_phone) == []


def year_ago(page) -> date:
    today = date.fromisoformat(page.evaluate(TODAY))
    try:
        return today.replace(year=today.year - 1)
    except ValueError:  # February 29
        return today.replace(year=today.year - 1, day=28)


def add_dated_memory(page, title: str, day: date) -> None:
    open_section(page, "Timeline")
    if page.locator("#memory-form").is_hidden():
        page.locator("#memory-add").click()
    form = page.locator("#memory-form")
    form.get_by_label("Title").fill(title)
    form.get_by_label("Date").fill(day.isoformat())
    form.get_by_role("button", name="Save memory").click()
    expect(form).to_be_hidden()


def test_one_year_ago_today_on_both_phones_and_none_without(phone):
    alex_phone, sam_phone, alex, sam = paired_phones(phone)
    way_in = alex.get_by_role("link", name="Look back")
    expect(way_in).to_be_visible()
    memories = alex.get_by_role("region", name="One year ago today")
    expect(memories).to_have_count(0)

    # A memory from a year and a day ago is not one of today's.
    before = year_ago(alex)
    add_dated_memory(alex, "The day before", before - timedelta(days=1))
    add_dated_memory(alex, "Our first picnic", before)
    open_section(alex, "Today")
    expect(memories).to_be_visible()
    expect(memories).to_contain_text("Our first picnic")
    expect(memories).not_to_contain_text("The day before")

    # Sam has it too once it lands, with Sam's check-in of that day to read in full.
    ago = (date.fromisoformat(sam.evaluate(TODAY)) - before).days
    assert sam.evaluate(
        PUSH_CHECKINS,
        ["sams-tablet", [[ago, {"mood": 5, "trust": 9, "note": "Picnic by the lake"}]]],
    ) == ["applied"]
    sync_now(sam)
    sams_memories = sam.get_by_role("region", name="One year ago today")
    expect(sams_memories).to_contain_text("Our first picnic", timeout=SYNC_WAIT)
    expect(sams_memories).to_contain_text("You: mood 5 · great, trust 9/10")
    sams_memories.get_by_role("link", name="Read that day").click()
    reading = sam.locator("#history-reading")
    expect(reading).to_be_visible()
    expect(reading).to_contain_text("Picnic by the lake")
    expect(sam.locator("#history-month")).to_have_text(month_words(before))

    assert unexpected(alex_phone) == []
    assert unexpected(sam_phone) == []
