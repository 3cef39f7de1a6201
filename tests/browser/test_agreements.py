"""Agreements on two phones: proposed, amended, accepted only on the current revision, retired."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.helpers import open_section, paired_phones, sign_up, unexpected

SYNC_WAIT = 15_000


def sync_now(page) -> None:
    """Make the phone sync at once, as it does when its connection comes back."""
    page.evaluate("window.dispatchEvent(new Event('online'))")


def propose(page, title: str, text: str, *, review_on: str | None = None) -> str:
    """Propose an agreement through the form; return its id."""
    page.locator("#agreement-new").click()
    form = page.locator("#agreement-form")
    form.get_by_label("Category").select_option("digital")
    form.get_by_label("Title").fill(title)
    form.get_by_label("What you agree on").fill(text)
    if review_on:
        form.get_by_label(re.compile("Review on")).fill(review_on)
    form.get_by_role("button", name="Propose").click()
    expect(form).to_be_hidden()
    card = page.locator(".agreement").filter(has_text=title)
    expect(card).to_have_count(1)
    return card.get_attribute("data-id")


def card_of(page, agreement_id: str):
    return page.locator(f'.agreement[data-id="{agreement_id}"]')


def synced(page, agreement_id: str) -> None:
    """Wait until the phone's changes to the agreement have reached the server."""
    expect(card_of(page, agreement_id).locator(".pending")).to_have_count(0, timeout=SYNC_WAIT)


def group(page, name: str):
    """The list of agreements under a status heading (Proposed, Active, Needs review)."""
    return page.locator("#agreements").get_by_role("region", name=name, exact=True)


def amend(page, agreement_id: str, text: str) -> None:
    card = card_of(page, agreement_id)
    card.get_by_role("button", name="Amend").click()
    card.get_by_label("What you agree on").fill(text)
    card.get_by_role("button", name="Save revision").click()
    expect(card.get_by_label("What you agree on")).to_be_hidden()


def test_an_agreement_is_active_only_once_both_accept_its_current_revision(phone):
    alex_phone, sam_phone, alex, sam = paired_phones(phone)
    open_section(alex, "Agreements")
    open_section(sam, "Agreements")

    agreement_id = propose(alex, "Phones away at dinner", "No phones at the table.")
    on_alex, on_sam = card_of(alex, agreement_id), card_of(sam, agreement_id)
    expect(group(alex, "Proposed")).to_contain_text("Phones away at dinner")
    expect(on_alex).to_contain_text("Waiting for Sam")
    synced(alex, agreement_id)

    sync_now(sam)
    expect(on_sam).to_contain_text("No phones at the table.", timeout=SYNC_WAIT)
    expect(on_sam).to_contain_text("Waiting for you")
    expect(on_sam.get_by_role("button", name="Accept revision 1")).to_be_visible()

    # Sam amends: the proposal goes back to Alex, who sees what changed.
    amend(sam, agreement_id, "No phones at the table. Calls from family are fine.")
    expect(on_sam).to_contain_text("Waiting for Alex")
    expect(on_sam.get_by_role("button", name=re.compile("Accept revision"))).to_be_hidden()
    synced(sam, agreement_id)
    sync_now(alex)
    expect(on_alex.get_by_role("button", name="Accept revision 2")).to_be_visible(timeout=SYNC_WAIT)
    expect(on_alex).to_contain_text("Waiting for you")
    expect(on_alex.locator(".agreement-diff ins")).to_have_text("Calls from family are fine.")
    expect(on_alex.locator(".agreement-diff ins")).to_be_visible()

    # Alex accepts revision 2 offline while Sam, online, amends it once more.
    alex_phone.set_offline(True)
    on_alex.get_by_role("button", name="Accept revision 2").click()
    expect(group(alex, "Active")).to_contain_text("Phones away at dinner")
    expect(on_alex.locator(".pending")).to_have_text("Waiting to sync")
    amend(sam, agreement_id, "No phones at the table. Calls from family and work are fine.")
    synced(sam, agreement_id)

    # Back online, the acceptance of an older revision is refused and Alex is told why.
    alex_phone.set_offline(False)
    sync_now(alex)
    expect(alex.locator("#rejections-box")).to_be_visible(timeout=SYNC_WAIT)
    expect(alex.locator("#rejections")).to_contain_text(
        "Accepting “Phones away at dinner” did not go through."
    )
    expect(alex.locator("#rejections")).to_contain_text(
        "Sam changed it meanwhile: revision 3 is the current one."
    )
    expect(group(alex, "Proposed")).to_contain_text("Phones away at dinner")
    expect(group(alex, "Active")).to_be_hidden()
    expect(on_alex.locator(".pending")).to_have_count(0)
    expect(on_alex).to_contain_text("Calls from family and work are fine.")
    expect(on_alex.locator(".agreement-diff ins")).to_have_text("and work")

    on_alex.get_by_role("button", name="Accept revision 3").click()
    expect(group(alex, "Active")).to_contain_text("Phones away at dinner")
    expect(on_alex).to_contain_text("You and Sam accepted revision 3")
    synced(alex, agreement_id)
    sync_now(sam)
    expect(group(sam, "Active")).to_contain_text("Phones away at dinner", timeout=SYNC_WAIT)
    expect(on_sam).to_contain_text("You and Alex accepted revision 3")
    expect(on_sam.locator(".agreement-status")).to_have_text("Active")
    assert unexpected(alex_phone) == [] and unexpected(sam_phone) == []


def test_withdrawing_needs_review_and_retiring_asks_first(phone):
    alex_phone, sam_phone, alex, sam = paired_phones(phone)
    open_section(alex, "Agreements")
    open_section(sam, "Agreements")
    agreement_id = propose(
        alex, "Sunday budget talk", "Ten minutes every Sunday.", review_on="2020-01-01"
    )
    on_alex, on_sam = card_of(alex, agreement_id), card_of(sam, agreement_id)
    # The review date has passed: a reminder at the top, and on the card.
    expect(alex.locator("#agreements-due")).to_have_text(
        re.compile("^1 agreement is due for review")
    )
    expect(on_alex.locator(".review-due")).to_be_visible()
    synced(alex, agreement_id)

    sync_now(sam)
    on_sam.get_by_role("button", name="Accept revision 1").click(timeout=SYNC_WAIT)
    expect(group(sam, "Active")).to_contain_text("Sunday budget talk")
    withdraw = on_sam.get_by_role("button", name="Withdraw consent")
    expect(withdraw).to_have_accessible_description(re.compile("moves it to Needs review"))
    synced(sam, agreement_id)
    withdraw.click()
    expect(group(sam, "Needs review")).to_contain_text("Sunday budget talk")
    expect(on_sam).to_contain_text("Waiting for you")
    synced(sam, agreement_id)

    sync_now(alex)
    expect(group(alex, "Needs review")).to_contain_text("Sunday budget talk", timeout=SYNC_WAIT)
    expect(on_alex).to_contain_text("Sam withdrew consent")

    # Retiring asks first; Cancel changes nothing.
    on_alex.get_by_role("button", name="Retire").click()
    expect(on_alex.get_by_text("Retire this agreement?")).to_be_visible()
    on_alex.get_by_role("button", name="Cancel").click()
    expect(on_alex.get_by_text("Retire this agreement?")).to_be_hidden()
    expect(group(alex, "Needs review")).to_contain_text("Sunday budget talk")
    on_alex.get_by_role("button", name="Retire").click()
    on_alex.get_by_role("button", name="Yes, retire it").click()

    retired = alex.locator(".agreements-retired")
    expect(retired.locator(":scope > summary")).to_contain_text("Retired (1)")
    expect(on_alex).to_be_hidden()  # collapsed until opened
    retired.locator(":scope > summary").click()
    expect(on_alex.locator(".agreement-status")).to_have_text("Retired")
    expect(on_alex.get_by_role("button")).to_have_count(0)
    expect(alex.locator("#agreements-due")).to_be_hidden()
    synced(alex, agreement_id)
    sync_now(sam)
    expect(sam.locator(".agreements-retired > summary")).to_contain_text(
        "Retired (1)", timeout=SYNC_WAIT
    )
    assert unexpected(alex_phone) == [] and unexpected(sam_phone) == []


def test_solo_explains_pairing_and_keeps_archived_agreements_read_only(phone):
    kim = phone().new_page()
    sign_up(kim, "kim@example.test", "Kim")
    open_section(kim, "Agreements")
    expect(kim.locator("#agreements")).to_contain_text("Agreements are made together")
    expect(kim.locator("#agreement-new")).to_be_hidden()

    alex_phone, _sam_phone, alex, _sam = paired_phones(phone)
    open_section(alex, "Agreements")
    agreement_id = propose(alex, "Kind words only", "No name calling, even in jest.")
    synced(alex, agreement_id)
    open_section(alex, "Us")
    alex.locator("#unpair").click()
    alex.locator("#unpair-confirm").click()
    expect(alex.locator("#unpair")).to_be_hidden()

    open_section(alex, "Agreements")
    expect(alex.locator("#agreements")).to_contain_text("Agreements are made together")
    kept = card_of(alex, agreement_id)
    expect(kept).to_contain_text("Archived, read-only", timeout=SYNC_WAIT)
    expect(kept).to_contain_text("No name calling, even in jest.")
    expect(kept.get_by_role("button")).to_have_count(0)
    expect(alex.locator("#agreement-new")).to_be_hidden()
    assert unexpected(alex_phone) == []
