"""Find support: from Us and from a gentle suggestion on Today, opened without a word to anyone."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    OUTBOX_COUNT,
    open_section,
    pair,
    save_checkin,
    sign_up,
    stored_text,
    sync_now,
    unexpected,
    user_id,
    worker_ready,
)
from tests.browser.test_refusals import all_sent

SYNC_WAIT = 15_000
HEADINGS = [
    "If you feel afraid of your partner",
    "Couples counselling",
    "Finding a therapist who works with trust",
]


# Another of Sam's devices writes check-ins for days gone by (the server takes any day up to
# tomorrow); they reach this phone by its own pull. Days count back from today in Sam's time zone.
PUSH_CHECKINS = """async (trusts) => {
  const { localDay } = await import('/js/core/local-rules.js');
  const me = await fetch('/api/me').then((r) => r.json());
  const [y, m, d] = localDay(me.user.time_zone).split('-').map(Number);
  const mutations = trusts.map(([ago, trust, visibility], i) => ({
    id: i + 1,
    name: 'checkin.save',
    args: {
      id: crypto.randomUUID(),
      day: new Date(Date.UTC(y, m - 1, d - ago)).toISOString().slice(0, 10),
      mood: 2, trust, visibility, note: `day ${ago}`,
    },
  }));
  const answer = await fetch('/api/sync/push', {
    method: 'POST',
    headers: {'Content-Type': 'application/json', 'X-Requested-With': 'hearth'},
    body: JSON.stringify({client_id: 'sams-tablet-1', schema_version: 1, mutations}),
  }).then((r) => r.json());
  return answer.results.map((r) => r.status);
}"""

# Everything the server would give a new device of the signed-in user.
FULL_PULL = """async () => {
  const records = [];
  let cookie = null;
  for (;;) {
    const page = await fetch('/api/sync/pull', {
      method: 'POST',
      headers: {'Content-Type': 'application/json', 'X-Requested-With': 'hearth'},
      body: JSON.stringify({client_id: 'a-look-from-the-test', cookie, limit: 500}),
    }).then((r) => r.json());
    records.push(...page.patch);
    cookie = page.cookie;
    if (!page.has_more) return records;
  }
}"""


def phones(phone):
    """Alex and Sam, signed up and paired."""
    alex_phone, sam_phone = phone(), phone()
    alex, sam = alex_phone.new_page(), sam_phone.new_page()
    sign_up(alex, "alex@example.test", "Alex")
    sign_up(sam, "sam@example.test", "Sam")
    pair(alex, sam)
    return alex_phone, sam_phone, alex, sam


def settled(page) -> None:
    """Wait until the phone has nothing left to load or send: worker, sections, outbox, images."""
    worker_ready(page)
    expect(page.locator("dialog#support")).to_be_attached()
    all_sent(page)
    page.wait_for_function("[...document.images].every((img) => img.complete)")


OUT_OF_SIGHT = "Object.defineProperty(document, 'hidden', {configurable: true, get: () => true})"


@contextmanager
def watching(context, page):
    """Collect every request the phone makes, its service worker's included.

    The app's 30-second sync skips a page out of sight; meanwhile this page reads as out of
    sight to that timer (nothing else asks), so that it cannot happen to fall inside the few
    seconds watched: whatever is requested then comes from what the test does.
    """
    page.evaluate(OUT_OF_SIGHT)
    seen: list[str] = []

    def note(request):
        seen.append(f"{request.method} {request.url}")

    context.on("request", note)
    try:
        yield seen
    finally:
        context.remove_listener("request", note)
        page.evaluate("delete document.hidden")


def support_page(page):
    return page.get_by_role("dialog", name="Find support")


def nudge(page):
    return page.locator("#support-slot").get_by_role("complementary", name="A suggestion for you")


def check_the_page(page) -> None:
    """The page shows help for anyone afraid first, then couples counselling; helplines dial."""
    dialog = support_page(page)
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Close").first).to_be_focused()
    expect(dialog.locator("h3")).to_have_text(HEADINGS)
    danger = dialog.get_by_role("region", name=HEADINGS[0])
    expect(danger.get_by_role("link", name="1-800-799-7233")).to_have_attribute(
        "href", "tel:+18007997233"
    )
    expect(danger.get_by_role("link", name="0808 2000 247")).to_have_attribute(
        "href", "tel:+448082000247"
    )
    expect(danger).to_contain_text("lists abuse helplines country by country")
    expect(danger).to_contain_text("Couples counselling is not advised where there is abuse")
    couples = dialog.get_by_role("region", name=HEADINGS[1])
    expect(couples).to_contain_text("when you go together, as a team")
    # Read from the top, the helplines come before anything about counselling.
    above = page.evaluate(
        """() => {
          const [danger, couples] = document.querySelectorAll('#support section');
          return danger.getBoundingClientRect().bottom <= couples.getBoundingClientRect().top;
        }"""
    )
    assert above


def test_find_support_from_us_opens_without_a_single_request(phone):
    alex_phone, sam_phone, alex, sam = phones(phone)
    sam_id = user_id(sam)
    open_section(sam, "Us")
    opener = sam.get_by_role("button", name="Find support")
    expect(opener).to_be_visible()
    settled(sam)
    before = {
        "stored": stored_text(sam, sam_id),
        "local": sam.evaluate("JSON.stringify(localStorage)"),
        "sam": sam.evaluate(FULL_PULL),
        "alex": alex.evaluate(FULL_PULL),
    }

    with watching(sam_phone, sam) as requests:
        opener.click()
        check_the_page(sam)
        sam.keyboard.press("Escape")
        expect(support_page(sam)).to_be_hidden()
        expect(opener).to_be_focused()
        # Again, and closed with the button at the end of the page this time.
        opener.click()
        expect(support_page(sam)).to_be_visible()
        support_page(sam).get_by_role("button", name="Close").last.click()
        expect(support_page(sam)).to_be_hidden()
        expect(opener).to_be_focused()
    assert requests == []

    # Nothing written, on this phone or on the server, for Sam or for Alex.
    assert sam.evaluate(OUTBOX_COUNT) == 0
    assert stored_text(sam, sam_id) == before["stored"]
    assert sam.evaluate("JSON.stringify(localStorage)") == before["local"]
    assert sam.evaluate(FULL_PULL) == before["sam"]
    assert alex.evaluate(FULL_PULL) == before["alex"]
    assert unexpected(sam_phone) == []
    assert unexpected(alex_phone) == []


def test_two_weeks_of_low_trust_suggest_support_to_sam_only(phone):
    alex_phone, sam_phone, alex, sam = phones(phone)
    save_checkin(alex, "a good day")
    # Sam's last 14 days, today included: trust 4 or lower every day, some kept private.
    days = [[ago, 2 + ago % 3, "private" if ago % 5 == 0 else "shared"] for ago in range(14)]
    assert sam.evaluate(PUSH_CHECKINS, days) == ["applied"] * 14

    sync_now(sam)
    expect(sam.locator("#my-checkin")).to_contain_text("day 0", timeout=SYNC_WAIT)
    expect(nudge(sam)).to_contain_text("It has been a hard couple of weeks.")
    expect(nudge(sam)).to_contain_text("Talking to someone can help.")

    # Alex holds Sam's shared check-ins too, and is not the one the suggestion is for.
    sync_now(alex)
    expect(alex.locator("#partner-checkin")).to_contain_text("day 1", timeout=SYNC_WAIT)
    alex.reload()
    expect(alex.locator("#partner-checkin")).to_contain_text("day 1")
    expect(alex.locator("dialog#support")).to_be_attached()  # the suggestion has had its look
    expect(nudge(alex)).to_have_count(0)

    settled(sam)
    before = {"stored": stored_text(sam, user_id(sam)), "alex": alex.evaluate(FULL_PULL)}
    with watching(sam_phone, sam) as requests:
        find = nudge(sam).get_by_role("button", name="Find support")
        find.click()
        check_the_page(sam)
        sam.keyboard.press("Escape")
        expect(support_page(sam)).to_be_hidden()
        expect(find).to_be_focused()
    assert requests == []
    assert stored_text(sam, user_id(sam)) == before["stored"]

    # Not now: set aside on this phone alone, without a request.
    with watching(sam_phone, sam) as requests:
        nudge(sam).get_by_role("button", name="Not now").click()
        expect(nudge(sam)).to_have_count(0)
        expect(sam.locator("#support-slot")).to_be_focused()
    assert requests == []
    assert sam.evaluate(OUTBOX_COUNT) == 0
    sam.reload()
    expect(sam.locator("#my-checkin")).to_contain_text("day 0")
    expect(sam.locator("dialog#support")).to_be_attached()
    expect(nudge(sam)).to_have_count(0)
    assert alex.evaluate(FULL_PULL) == before["alex"]

    # Sam's other phone was never told of it, so it still offers the suggestion.
    tablet_phone = phone()
    tablet = tablet_phone.new_page()
    tablet.goto("/")
    tablet.get_by_role("button", name="I have an account").click()
    tablet.locator("#signin-email").fill("sam@example.test")
    tablet.locator("#signin-password").fill("a long enough password")
    tablet.locator("#signin-form").get_by_role("button", name="Sign in").click()
    expect(nudge(tablet)).to_contain_text("It has been a hard couple of weeks.", timeout=SYNC_WAIT)

    for context in (alex_phone, sam_phone, tablet_phone):
        assert unexpected(context) == []


# The rule itself, run in the page's own module. Each case: my check-ins as (days ago, trust).
DAILY_LOW = [(ago, 3) for ago in range(14)]
TRUST_CASES = {
    "14 low days": (DAILY_LOW, "low_trust"),
    "a check-in every other day, low for two weeks": (
        [(ago, 4) for ago in (0, 2, 4, 6, 8, 10, 13)],
        "low_trust",
    ),
    "low for longer than two weeks": ([(ago, 1) for ago in range(30)], "low_trust"),
    "13 low days, nothing before": (DAILY_LOW[:13], None),
    "13 low days after a day of trust 7": ([*DAILY_LOW[:13], (13, 7)], None),
    "trust 5 today": ([(0, 5), *DAILY_LOW[1:]], None),
    "trust 5 a week ago": ([*DAILY_LOW[:7], (7, 5), *DAILY_LOW[8:]], None),
    "trust 5 two weeks ago": ([*DAILY_LOW[:13], (13, 5)], None),
    "low, but only three check-ins": ([(0, 2), (6, 2), (13, 2)], None),
    "low, but none this week": ([(ago, 2) for ago in range(7, 20)], None),
}

SUGGESTION = """async ([mine, partners]) => {
  const { suggestion } = await import('/js/support/suggest.js');
  const today = '2024-03-20';
  const day = (ago) => new Date(Date.UTC(2024, 2, 20 - ago)).toISOString().slice(0, 10);
  const checkin = (author_id) => ([ago, trust]) => ({
    id: `${author_id}-${ago}`, kind: 'checkin', author_id, day: day(ago), trust, mood: 3,
    visibility: 'shared', deleted: false,
  });
  return suggestion({
    me: 'sam', today, now: Date.parse(`${today}T12:00:00Z`),
    checkins: [...mine.map(checkin('sam')), ...partners.map(checkin('alex'))],
  });
}"""


@pytest.fixture
def page(phone):
    page = phone().new_page()
    page.goto("/")
    return page


@pytest.mark.parametrize("case", TRUST_CASES, ids=list(TRUST_CASES))
def test_the_suggestion_needs_two_full_weeks_of_low_trust(page, case):
    mine, expected = TRUST_CASES[case]
    assert page.evaluate(SUGGESTION, [mine, []]) == expected
    # The partner's check-ins never count for me.
    assert page.evaluate(SUGGESTION, [[], mine]) is None


def test_a_set_aside_suggestion_stays_hidden_for_thirty_days_only(page):
    found = page.evaluate(
        """async () => {
          const { stillDismissed } = await import('/js/support/suggest.js');
          const day = 24 * 60 * 60 * 1000, at = Date.parse('2024-03-20T12:00:00Z');
          const set = { reason: 'low_trust', at };
          return [
            stillDismissed('low_trust', set, at + 29 * day),
            stillDismissed('low_trust', set, at + 30 * day),
            stillDismissed('stalled_repair', set, at + day),
            stillDismissed('low_trust', null, at),
          ];
        }"""
    )
    assert found == [True, False, False, False]
