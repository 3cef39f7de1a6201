"""Status lines never contradict the screen: they fade, and a line about a record follows it."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.helpers import (
    add_memory,
    make_promise,
    memory,
    open_section,
    paired_phones,
    sync_now,
    unexpected,
)
from tests.browser.test_agreements import amend, card_of, propose
from tests.browser.test_refusals import all_sent

SYNC_WAIT = 15_000
# Longer than any action line stays up on its own (the app lets them fade after a few seconds).
FADE_MS = 12_000


def stop_the_clock(page) -> None:
    """Freeze the page's timers: from now on only a change of the data can take a line away."""
    page.clock.install()
    page.clock.pause_at(page.evaluate("Date.now()") / 1000 + 1)  # in seconds


def test_a_memory_deleted_by_the_partner_takes_the_added_line_with_it(phone):
    alex_phone, sam_phone, alex, sam = paired_phones(phone)
    open_section(alex, "Timeline")
    open_section(sam, "Timeline")
    stop_the_clock(alex)
    said = alex.locator("#timeline .timeline-status [role=status]")

    add_memory(alex, "Our first weekend in Lisbon", story="Custard tarts at dawn.")
    expect(said).to_have_text("“Our first weekend in Lisbon” was added.")
    all_sent(alex)

    sync_now(sam)
    theirs = memory(sam, "Our first weekend in Lisbon")
    theirs.get_by_role("button", name=re.compile("^Delete")).click(timeout=SYNC_WAIT)
    expect(sam.locator(".timeline-bin")).to_be_visible()
    all_sent(sam)

    sync_now(alex)
    expect(alex.locator(".timeline-empty")).to_be_visible(timeout=SYNC_WAIT)
    # The memory is gone, and so is the line that announced it; nothing was said meanwhile.
    expect(said).to_have_text("")
    # Who deleted it, and when, in Recently deleted.
    alex.locator(".timeline-bin > summary").click()
    expect(alex.locator(".timeline-bin")).to_contain_text(re.compile(r"Deleted by Sam on \w+"))
    assert unexpected(alex_phone) == [] and unexpected(sam_phone) == []


def test_agreement_lines_follow_the_agreement_not_what_was_last_done(phone):
    alex_phone, sam_phone, alex, sam = paired_phones(phone)
    open_section(alex, "Agreements")
    open_section(sam, "Agreements")
    stop_the_clock(alex)
    stop_the_clock(sam)
    alex_said = alex.locator("#agreements .agreements-said")
    sam_said = sam.locator("#agreements .agreements-said")

    agreement_id = propose(alex, "Phones away at dinner", "No phones at the table.")
    all_sent(alex)
    sync_now(sam)
    on_sam = card_of(sam, agreement_id)
    on_sam.get_by_role("button", name="Accept revision 1").click(timeout=SYNC_WAIT)
    expect(sam_said).to_have_text("You accepted revision 1.")
    all_sent(sam)

    # Alex amends: Sam's "You accepted revision 1." no longer holds once revision 2 reaches her.
    sync_now(alex)
    expect(card_of(alex, agreement_id)).to_contain_text(
        "You and Sam accepted revision 1", timeout=SYNC_WAIT
    )
    amend(alex, agreement_id, "No phones at the table. Calls from family are fine.")
    expect(alex_said).to_have_text("Saved revision 2. Sam needs to accept it.")
    all_sent(alex)
    sync_now(sam)
    expect(on_sam.get_by_role("button", name="Accept revision 2")).to_be_visible(timeout=SYNC_WAIT)
    expect(sam_said).not_to_contain_text("You accepted revision 1")

    # Sam accepts: Alex's "Sam needs to accept it." goes once Alex's phone knows.
    on_sam.get_by_role("button", name="Accept revision 2").click()
    expect(on_sam).to_contain_text("You and Alex accepted revision 2")
    all_sent(sam)
    sync_now(alex)
    expect(card_of(alex, agreement_id)).to_contain_text(
        "You and Sam accepted revision 2", timeout=SYNC_WAIT
    )
    expect(alex_said).not_to_contain_text("needs to accept")
    assert unexpected(alex_phone) == [] and unexpected(sam_phone) == []


def test_the_line_about_a_promise_just_made_fades(phone):
    alex_phone, _, alex, _ = paired_phones(phone)
    open_section(alex, "Promises")
    stop_the_clock(alex)
    said = alex.locator("#promise-form [role=status]")
    make_promise(alex, "Call your mother on Sunday")
    expect(said).to_have_text("Promise made. Sam will see it.")
    alex.clock.run_for(FADE_MS)
    expect(said).to_have_text("")
    assert unexpected(alex_phone) == []
