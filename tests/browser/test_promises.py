"""Promises between two phones: made, done, kept or released, renegotiated, made offline."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

from playwright.sync_api import expect

from tests.browser.helpers import (
    make_promise,
    open_section,
    paired_phones,
    promise_card,
    sign_up,
    sync_now,
    unexpected,
)

SYNC_WAIT = 15_000


def show_settled(page) -> None:
    settled = page.locator("details", has=page.locator("summary", has_text="Settled"))
    if settled.get_attribute("open") is None:
        settled.locator("summary").click()


def day_words(day: date) -> str:
    """How the page writes a day of this year, e.g. "Mar 4" (inside "Tue, Mar 4")."""
    return f"{day:%b} {day.day}"


def server_track_record(page) -> dict[str, str]:
    """The server's track record (the reference), as the page should word it, by name."""
    answer = page.evaluate("fetch('/api/promises/track-record').then((r) => r.json())")
    words = {}
    for person in answer["people"]:
        total = person["kept"] + person["missed"]
        words[person["display_name"]] = (
            f"{person['kept']} of {total} kept ({round(person['ratio'] * 100)}%)"
            if total
            else "nothing kept or missed yet"
        )
    return words


def test_a_promise_done_and_confirmed_is_kept_on_both_phones(phone):
    alex_phone, sam_phone, alex, sam = paired_phones(phone)
    open_section(alex, "Promises")
    open_section(sam, "Promises")
    due = date.today() + timedelta(days=10)

    make_promise(alex, "Book the train tickets", due)
    mine = promise_card(alex, "Book the train tickets")
    expect(mine).to_contain_text("You promised Sam")
    expect(mine.locator(".pending")).to_have_count(0, timeout=SYNC_WAIT)
    # Alex cannot confirm or release his own promise: those buttons are not there.
    expect(mine.get_by_role("button", name="Confirm kept")).to_have_count(0)
    expect(mine.get_by_role("button", name="Release")).to_have_count(0)

    sync_now(sam)
    theirs = promise_card(sam, "Book the train tickets")
    expect(theirs).to_contain_text("Alex promised you", timeout=SYNC_WAIT)
    expect(theirs).to_contain_text(day_words(due))
    expect(theirs.get_by_role("button", name="Mark done")).to_have_count(0)
    expect(theirs.get_by_role("button", name="Confirm kept")).to_have_count(0)

    mine.get_by_role("button", name="Mark done").click()
    expect(alex.locator("#promises")).to_contain_text("Waiting for confirmation (1)")
    expect(mine).to_contain_text("Waiting for Sam to confirm")
    expect(mine.locator(".pending")).to_have_count(0, timeout=SYNC_WAIT)

    sync_now(sam)
    theirs.get_by_role("button", name="Confirm kept").click(timeout=SYNC_WAIT)
    show_settled(sam)
    expect(theirs.locator(".promise-state")).to_have_text("Kept")
    expect(theirs.locator(".pending")).to_have_count(0, timeout=SYNC_WAIT)

    sync_now(alex)
    show_settled(alex)
    expect(mine.locator(".promise-state")).to_have_text("Kept", timeout=SYNC_WAIT)
    for page in (alex, sam):
        track = page.locator(".promise-track")
        expect(track).to_contain_text("Alex: 1 of 1 kept (100%)")
        expect(track).to_contain_text("Sam: nothing kept or missed yet")
        # Counted on the phone, the same as the server counts it.
        for name, words in server_track_record(page).items():
            expect(track).to_contain_text(f"{name}: {words}")

    assert unexpected(alex_phone) == []
    assert unexpected(sam_phone) == []


def test_the_partner_can_release_a_promise_after_confirming(phone):
    alex_phone, sam_phone, alex, sam = paired_phones(phone)
    open_section(alex, "Promises")
    open_section(sam, "Promises")
    make_promise(alex, "Water the plants")
    made = promise_card(alex, "Water the plants")
    expect(made).to_be_visible()
    expect(made.locator(".pending")).to_have_count(0, timeout=SYNC_WAIT)

    sync_now(sam)
    theirs = promise_card(sam, "Water the plants")
    theirs.get_by_role("button", name="Release").click(timeout=SYNC_WAIT)
    question = theirs.get_by_role("group", name="Release Alex from this promise?")
    expect(question).to_be_visible()
    question.get_by_role("button", name="Yes, release").click()
    show_settled(sam)
    expect(theirs.locator(".promise-state")).to_have_text("Released")
    expect(theirs.get_by_role("button")).to_have_count(0)

    sync_now(alex)
    show_settled(alex)
    mine = promise_card(alex, "Water the plants")
    expect(mine.locator(".promise-state")).to_have_text("Released", timeout=SYNC_WAIT)
    expect(mine.get_by_role("button", name="Mark done")).to_have_count(0)
    # Released is neither kept nor missed: it does not count.
    expect(alex.locator(".promise-track")).to_contain_text("Alex: nothing kept or missed yet")

    assert unexpected(alex_phone) == []
    assert unexpected(sam_phone) == []


def test_renegotiating_the_date_shows_in_its_history(phone):
    _alex_phone, _sam_phone, alex, sam = paired_phones(phone)
    open_section(alex, "Promises")
    first, later = date.today() + timedelta(days=3), date.today() + timedelta(days=20)
    make_promise(alex, "Fix the bike", first)
    mine = promise_card(alex, "Fix the bike")

    mine.get_by_role("button", name="Change date").click()
    change = mine.get_by_role("form", name="Change this promise")
    expect(change.get_by_label("New due date")).to_be_focused()
    change.get_by_label("New due date").fill(later.isoformat())
    change.get_by_role("button", name="Save change").click()
    expect(change).to_be_hidden()
    history = re.compile(rf"changed the date from .*{day_words(first)}.* to .*{day_words(later)}")
    expect(mine.locator(".promise-history")).to_contain_text("You")
    expect(mine.locator(".promise-history")).to_contain_text(history)
    expect(mine).to_contain_text(day_words(later))
    expect(mine.locator(".pending")).to_have_count(0, timeout=SYNC_WAIT)

    open_section(sam, "Promises")
    sync_now(sam)
    theirs = promise_card(sam, "Fix the bike")
    expect(theirs.locator(".promise-history")).to_contain_text("Alex", timeout=SYNC_WAIT)
    expect(theirs.locator(".promise-history")).to_contain_text(history)


def push_from_another_device(page, name: str, args: dict) -> None:
    """Send one mutation as another device of the signed-in user would."""
    answer = page.evaluate(
        """([name, args]) => fetch('/api/sync/push', {
          method: 'POST',
          headers: {'Content-Type': 'application/json', 'X-Requested-With': 'hearth'},
          body: JSON.stringify({
            client_id: 'other-device-1', schema_version: 1, mutations: [{id: 1, name, args}],
          }),
        }).then((r) => r.json())""",
        [name, args],
    )
    assert answer["results"][0]["status"] == "applied", answer


def test_a_missed_promise_counts_as_on_the_server_until_a_new_date_reopens_it(phone):
    alex_phone, _sam_phone, alex, _sam = paired_phones(phone)
    open_section(alex, "Promises")
    # Made days ago on a phone that was offline since: its due date has passed.
    past = date.today() - timedelta(days=3)
    push_from_another_device(
        alex,
        "promise.make",
        {"id": str(uuid.uuid4()), "text": "Renew the passport", "due_on": past.isoformat()},
    )
    # This phone's next push is when the server sees the date has passed.
    make_promise(alex, "Plan the weekend")
    made = promise_card(alex, "Plan the weekend")
    expect(made).to_be_visible()
    expect(made.locator(".pending")).to_have_count(0, timeout=SYNC_WAIT)

    late = promise_card(alex, "Renew the passport")
    show_settled(alex)
    expect(late.locator(".promise-state")).to_have_text("Missed", timeout=SYNC_WAIT)
    expect(late).to_contain_text("The due date passed")
    track = alex.locator(".promise-track")
    expect(track).to_contain_text("Alex: 0 of 1 kept (0%)")
    for name, words in server_track_record(alex).items():
        expect(track).to_contain_text(f"{name}: {words}")

    # A new date reopens it, at once on this phone and then on the server.
    later = date.today() + timedelta(days=5)
    late.get_by_role("button", name="Change date").click()
    late.get_by_label("New due date").fill(later.isoformat())
    late.get_by_role("button", name="Save change").click()
    expect(alex.locator(".promise-list").first.locator(".promise")).to_contain_text(
        ["Renew the passport", "Plan the weekend"]
    )
    expect(late.locator(".promise-state")).to_have_text("Open")
    expect(late.locator(".promise-overdue")).to_be_hidden()
    expect(track).to_contain_text("Alex: nothing kept or missed yet")
    expect(late.locator(".pending")).to_have_count(0, timeout=SYNC_WAIT)
    expect(late.locator(".promise-state")).to_have_text("Open")
    assert server_track_record(alex)["Alex"] == "nothing kept or missed yet"
    assert unexpected(alex_phone) == []


def test_a_promise_made_offline_waits_and_syncs_when_back_online(phone):
    alex_phone, _sam_phone, alex, sam = paired_phones(phone)
    open_section(alex, "Promises")
    open_section(sam, "Promises")

    alex_phone.set_offline(True)
    make_promise(alex, "Cook on Friday")
    mine = promise_card(alex, "Cook on Friday")
    expect(mine).to_contain_text("You promised Sam")
    expect(mine.locator(".pending")).to_have_text("Waiting to sync")
    expect(alex.locator("#sync-status")).to_contain_text(re.compile("offline", re.I))
    # Still waiting while offline, whatever tries to sync.
    sync_now(alex)
    expect(mine.locator(".pending")).to_be_visible()

    alex_phone.set_offline(False)
    sync_now(alex)
    expect(mine.locator(".pending")).to_have_count(0, timeout=SYNC_WAIT)
    sync_now(sam)
    theirs = promise_card(sam, "Cook on Friday")
    expect(theirs).to_contain_text("Alex promised you", timeout=SYNC_WAIT)


def test_alone_the_section_explains_that_promises_need_a_partner(phone):
    context = phone()
    page = context.new_page()
    sign_up(page, "solo@example.test", "Robin")
    open_section(page, "Promises")
    expect(page.locator("#promises")).to_contain_text("Promises are made to your partner")
    expect(page.locator("#promise-form")).to_be_hidden()
    assert unexpected(context) == []
