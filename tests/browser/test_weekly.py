"""The weekly state of us in Chromium: notes, one topic, a wish made a promise, past weeks."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.helpers import (
    go_offline,
    open_section,
    paired_phones,
    promise_card,
    stored_text,
    sync_now,
    unexpected,
    user_id,
)

SYNC_WAIT = 15_000
ALEX_THANKS = "You listened to me about my sister"
SAM_DRAFT = "The way you hum when you cook"
WISH = "You could cook with me on Friday evening"
TOPIC = "I miss our evenings since you took the late shifts"
HEARD = "You miss our evenings together, and the late shifts take them away"
ANSWER = "I will ask for two early shifts a week"

# Another device of the signed-in user writes notes of a week gone by through the sync path.
PUSH_LAST_WEEK = """async ([client, fields]) => {
  const { coupleWeek, addDays } = await import('/js/weekly/week.js');
  const me = await fetch('/api/me').then((r) => r.json());
  const week = addDays(coupleWeek(me), -7);
  const args = {id: crypto.randomUUID(), week, ...fields};
  const mutations = [{id: 1, name: 'weekly.write', args}];
  const answer = await fetch('/api/sync/push', {
    method: 'POST',
    headers: {'Content-Type': 'application/json', 'X-Requested-With': 'hearth'},
    body: JSON.stringify({client_id: client, schema_version: 1, mutations}),
  }).then((r) => r.json());
  return [week, answer.results.map((r) => r.status)];
}"""


def check_in(page, trust_index: int, *, private: bool = False) -> str:
    """Save today's check-in with the trust at that option; return the trust it shows as."""
    page.locator("#checkin-mood").select_option(index=2)
    page.locator("#checkin-trust").select_option(index=trust_index)
    trust = page.locator("#checkin-trust").input_value()
    if private:
        page.locator("#checkin-private").check()
    page.locator("#checkin-form").get_by_role("button", name=re.compile("save", re.I)).click()
    expect(page.locator("#checkin-form")).to_be_hidden()
    return f"{trust} of 10"


def weekly(page):
    return page.locator("#panel-weekly")


def write_notes(page, appreciation: str, *, went_well: str = "", loved: str = "") -> None:
    panel = weekly(page)
    panel.get_by_label("Something I appreciated, 1").fill(appreciation)
    panel.get_by_label("What went well this week").fill(went_well)
    panel.get_by_label("What can your partner do to make you feel loved this week?").fill(loved)


def test_two_phones_talk_it_through_and_a_wish_becomes_a_promise(phone):
    alex_phone, sam_phone, alex, sam = paired_phones(phone)
    alex_trust = check_in(alex, 8)
    sam_trust = check_in(sam, 4, private=True)

    # Alex comes in from Today, Sam from Us.
    alex.get_by_role("link", name="This week\u2019s state of us").click()
    expect(weekly(alex).get_by_role("heading", name="State of us")).to_be_visible()
    open_section(sam, "Us")
    sam.get_by_role("link", name="State of us: our weekly talk").click()
    expect(weekly(sam).get_by_role("heading", name="State of us")).to_be_visible()
    expect(weekly(sam).get_by_role("link", name="When we meet: our rituals")).to_be_visible()

    write_notes(alex, ALEX_THANKS, went_well="Our Sunday walk", loved=WISH)
    weekly(alex).get_by_role("button", name="Share with Sam").click()
    expect(weekly(alex).get_by_role("status").first).to_have_text("Shared with Sam.")
    write_notes(sam, SAM_DRAFT)
    weekly(sam).get_by_role("button", name="Keep as a draft").click()
    expect(weekly(sam).get_by_text("A draft: only you can read it.")).to_be_visible()

    # Sam raises the week's one thing; Alex says back what was heard before answering.
    weekly(sam).get_by_label("What I would like us to talk about").fill(TOPIC)
    weekly(sam).get_by_role("button", name="Raise it").click()
    expect(weekly(sam)).to_contain_text("Alex will say back what they heard")
    sync_now(sam)
    sync_now(alex)
    expect(weekly(alex)).to_contain_text(TOPIC, timeout=SYNC_WAIT)
    expect(weekly(alex).get_by_label("My answer")).to_be_hidden()
    weekly(alex).get_by_label("What I heard you say").fill(HEARD)
    weekly(alex).get_by_role("button", name="Say it back").click()
    weekly(alex).get_by_label("My answer").fill(ANSWER)
    weekly(alex).get_by_role("button", name="Answer").click()
    expect(weekly(alex)).to_contain_text(ANSWER)
    sync_now(alex)
    sync_now(sam)
    expect(weekly(sam)).to_contain_text(HEARD, timeout=SYNC_WAIT)
    expect(weekly(sam)).to_contain_text(ANSWER)
    expect(weekly(sam)).to_contain_text("Did Alex hear you?")
    weekly(sam).get_by_role("button", name="Yes, that is it").click()
    expect(weekly(sam)).to_contain_text("You said Alex heard you.")
    sync_now(sam)
    sync_now(alex)
    expect(weekly(alex)).to_contain_text("Sam says you heard them.", timeout=SYNC_WAIT)

    # Sam reads Alex's notes and makes Alex's wish a promise of Sam's.
    expect(weekly(sam)).to_contain_text(ALEX_THANKS)
    expect(weekly(sam)).to_contain_text(WISH)
    weekly(sam).get_by_role("button", name="Make this a promise").click()
    expect(weekly(sam)).to_contain_text("You made this a promise")
    # Sam's draft never reached Alex.
    assert SAM_DRAFT not in alex.content()
    assert SAM_DRAFT not in stored_text(alex, user_id(alex))

    # The week's trust: mine, private ones too, to me; my partner's private ones never.
    sams_row = weekly(sam).locator(".weekly-trust tbody tr")
    expect(sams_row).to_have_count(1)
    expect(sams_row).to_contain_text(f"{sam_trust} (only you see this)")
    expect(sams_row).to_contain_text(alex_trust)
    alexs_row = weekly(alex).locator(".weekly-trust tbody tr")
    expect(alexs_row.locator("td").first).to_have_text(alex_trust)
    expect(alexs_row.locator("td").nth(1)).to_have_text("\N{EN DASH}")

    sync_now(sam)
    for page in (sam, alex):
        sync_now(page)
        open_section(page, "Promises")
        expect(promise_card(page, WISH)).to_be_visible(timeout=SYNC_WAIT)
    expect(promise_card(sam, WISH)).to_contain_text(re.compile("you|your", re.I))
    for context in (alex_phone, sam_phone):
        assert unexpected(context) == []


def test_a_past_week_is_listed_and_readable_after_reload_offline(phone):
    alex_phone, sam_phone, alex, sam = paired_phones(phone)
    alexs = {"appreciations": ["Last week's soup"], "visibility": "shared"}
    week, statuses = alex.evaluate(PUSH_LAST_WEEK, ["alexs-tablet", alexs])
    assert statuses == ["applied"]
    sams = {"went_well": "We laughed at the fair", "loved": "A note in my bag"}
    _, statuses = sam.evaluate(PUSH_LAST_WEEK, ["sams-tablet", sams])
    assert statuses == ["applied"]
    sync_now(sam)
    open_section(sam, "Us")
    sam.get_by_role("link", name="State of us: our weekly talk").click()
    past = weekly(sam).locator(".weekly-past-list")
    expect(past.get_by_role("link")).to_have_count(1, timeout=SYNC_WAIT)

    go_offline(sam_phone, sam)
    expect(weekly(sam)).to_be_visible()
    link = weekly(sam).locator(".weekly-past-list").get_by_role("link")
    expect(link).to_have_count(1, timeout=SYNC_WAIT)
    link.click()
    assert sam.url.endswith(f"#weekly/{week}")
    panel = weekly(sam)
    expect(panel.get_by_role("link", name="Back to this week")).to_be_visible()
    expect(panel).to_contain_text("Last week's soup")
    expect(panel).to_contain_text("We laughed at the fair")
    expect(panel).to_contain_text("A note in my bag")
    expect(panel.get_by_text("Nothing was raised this week.")).to_be_visible()
    expect(panel.get_by_role("button", name="Keep as a draft")).to_be_hidden()
    # Offline, the phone tried the network now and then: the browser logs those, nothing else.
    assert all("net::ERR_INTERNET_DISCONNECTED" in p for p in unexpected(sam_phone))
    assert unexpected(alex_phone) == []
