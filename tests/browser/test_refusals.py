"""A change the server refuses keeps the user's words: named, explained, and offered back."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.helpers import (
    OUTBOX_COUNT,
    make_promise,
    open_section,
    paired_phones,
    promise_card,
    sync_now,
    user_id,
)
from tests.browser.helpers import unexpected as unexpected_anywhere
from tests.browser.test_agreements import amend, card_of, propose

SYNC_WAIT = 15_000
NEW_WORDING = "No phones at the table, not even for the news."


def unexpected(context) -> list[str]:
    """Console errors, less the requests a phone cut off from the network could not make."""
    return [p for p in unexpected_anywhere(context) if "ERR_INTERNET_DISCONNECTED" not in p]


def all_sent(page) -> None:
    """Wait until the server has every change this phone has shown (its outbox is empty)."""
    page.wait_for_function(
        f"async () => (await ({OUTBOX_COUNT})()) === 0", timeout=SYNC_WAIT, polling=100
    )


def retire(page, agreement_id: str, reason: str) -> None:
    """Retire the agreement through its card, giving a reason."""
    card = card_of(page, agreement_id)
    card.get_by_role("button", name="Retire").click()
    card.get_by_label(re.compile("Why")).fill(reason)
    card.get_by_role("button", name="Yes, retire it").click()


def test_an_amendment_refused_after_the_partner_retired_keeps_its_words(phone):
    alex_phone, sam_phone, alex, sam = paired_phones(phone)
    open_section(alex, "Agreements")
    open_section(sam, "Agreements")
    agreement_id = propose(alex, "Phones away at dinner", "No phones at the table.")
    all_sent(alex)
    sync_now(sam)
    on_sam = card_of(sam, agreement_id)
    on_sam.get_by_role("button", name="Accept revision 1").click(timeout=SYNC_WAIT)
    expect(on_sam).to_contain_text("You and Alex accepted revision 1")
    all_sent(sam)
    sync_now(alex)
    expect(card_of(alex, agreement_id)).to_contain_text(
        "You and Sam accepted revision 1", timeout=SYNC_WAIT
    )

    # Sam rewords it offline while Alex, online, retires it.
    sam_phone.set_offline(True)
    amend(sam, agreement_id, NEW_WORDING)
    sam_said = sam.locator("#agreements .agreements-said")
    expect(sam_said).to_have_text("Saved revision 2. Alex needs to accept it.")
    retire(alex, agreement_id, "We never pick them up anyway.")
    expect(alex.locator(".agreements-retired > summary")).to_contain_text("Retired (1)")
    all_sent(alex)

    sam_phone.set_offline(False)
    sync_now(sam)
    box = sam.locator("#rejections-box")
    expect(box).to_be_visible(timeout=SYNC_WAIT)
    refusal = box.get_by_role("listitem").filter(has_text="Amending “Phones away at dinner”")
    expect(refusal).to_have_count(1)
    expect(refusal).to_contain_text(re.compile(r"Alex retired it on \w+"))
    expect(refusal).to_contain_text(NEW_WORDING)
    # No line claims the refused revision is waiting for Alex.
    expect(sam_said).not_to_contain_text("Saved revision 2")
    # Sam is told who retired it, when and why, without opening the Retired list.
    news = sam.locator("#agreements [data-ref=news]")
    expect(news).to_contain_text(re.compile(r"Alex retired “Phones away at dinner” on \w+"))
    expect(news).to_contain_text("We never pick them up anyway.")

    # Sam's wording comes back as a new proposal, ready to send.
    refusal.get_by_role("button", name="Propose it anew").click()
    form = sam.locator("#agreement-form")
    expect(form).to_be_visible()
    expect(form.get_by_label("Title")).to_have_value("Phones away at dinner")
    expect(form.get_by_label("What you agree on")).to_have_value(NEW_WORDING)
    form.get_by_role("button", name="Propose").click()
    proposed = sam.locator("#agreements").get_by_role("region", name="Proposed", exact=True)
    expect(proposed.locator(".agreement", has_text=NEW_WORDING)).to_have_count(1)

    # The news stays until Sam says she has read it, and not after.
    news.get_by_role("button", name=re.compile("^Got it")).click()
    expect(news).to_be_hidden()
    # Kept on the phone (a reload in the same instant would come before the write).
    sam.wait_for_function(
        """async ([name, id]) => {
          const db = await new Promise((ok, fail) => {
            const r = indexedDB.open(name);
            r.onsuccess = () => ok(r.result);
            r.onerror = fail;
          });
          const seen = await new Promise((ok) => {
            const r = db.transaction('meta').objectStore('meta').get('agreements.news-seen');
            r.onsuccess = () => ok(r.result ?? []);
          });
          db.close();
          return seen.includes(id);
        }""",
        arg=[f"hearth-{user_id(sam)}", agreement_id],
        polling=100,
    )
    sam.reload()
    expect(sam.locator(".agreements-retired > summary")).to_contain_text("Retired (1)")
    expect(news).to_be_hidden()
    assert unexpected(alex_phone) == [] and unexpected(sam_phone) == []


def test_each_refusal_is_dismissed_on_its_own_and_its_words_can_be_copied(phone, live_server):
    alex_phone, sam_phone, alex, sam = paired_phones(phone)
    sam_phone.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    open_section(alex, "Promises")
    open_section(sam, "Promises")
    for text in ("Water the plants", "Fix the bike"):
        make_promise(sam, text)
        expect(promise_card(sam, text)).to_be_visible()
    all_sent(sam)
    sync_now(alex)
    expect(promise_card(alex, "Fix the bike")).to_be_visible(timeout=SYNC_WAIT)

    # Sam rewords both offline; Alex releases Sam from both meanwhile.
    sam_phone.set_offline(True)
    for old, new in (
        ("Water the plants", "Water the plants twice a week"),
        ("Fix the bike", "Fix the bike before the holidays"),
    ):
        card = promise_card(sam, old)
        card.get_by_role("button", name="Change date").click()
        card.get_by_label("Wording").fill(new)
        card.get_by_role("button", name="Save change").click()
        expect(promise_card(sam, new)).to_be_visible()
    for text in ("Water the plants", "Fix the bike"):
        theirs = promise_card(alex, text)
        theirs.get_by_role("button", name="Release").click()
        theirs.get_by_role("button", name="Yes, release").click()
        expect(theirs.locator(".promise-state")).to_have_text("Released")
    all_sent(alex)

    sam_phone.set_offline(False)
    sync_now(sam)
    items = sam.locator("#rejections-box").get_by_role("listitem")
    expect(items).to_have_count(2, timeout=SYNC_WAIT)
    plants = items.filter(has_text="Changing the promise “Water the plants”")
    bike = items.filter(has_text="Changing the promise “Fix the bike”")
    expect(plants).to_contain_text(re.compile(r"Alex released you from it on \w+"))
    expect(plants).to_contain_text("Water the plants twice a week")

    plants.get_by_role("button", name="Dismiss").click()
    expect(items).to_have_count(1)
    expect(bike).to_be_visible()
    bike.get_by_role("button", name="Copy the words").click()
    expect(bike).to_contain_text("Copied.")
    assert sam.evaluate("navigator.clipboard.readText()") == "Fix the bike before the holidays"

    # The words start a new promise, prefilled; the refusal stays until dismissed.
    bike.get_by_role("button", name="Make it again").click()
    expect(sam.get_by_label("I promise to…")).to_have_value("Fix the bike before the holidays")
    expect(bike).to_be_visible()
    sam.reload()
    expect(sam.locator("#rejections-box").get_by_role("listitem")).to_have_count(1)
    assert unexpected(alex_phone) == [] and unexpected(sam_phone) == []
