"""Deleting my account from Us: the password again, a last yes, then this phone forgets it all."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.helpers import (
    add_memory,
    open_section,
    paired_phones,
    save_checkin,
    stored_text,
    sync_now,
    unexpected,
    user_id,
)
from tests.browser.test_refusals import all_sent


def start_deleting(page, password: str) -> None:
    card = page.locator("#delete-account")
    opener = card.get_by_role("button", name="Delete my account…")
    if opener.is_visible():  # after a wrong password the form stays open
        opener.click()
    card.get_by_label(re.compile("Your password")).fill(password)
    card.get_by_role("button", name="Continue").click()
    expect(card.get_by_text("Delete your account now? This cannot be undone.")).to_be_visible()


def test_deleting_my_account_erases_this_phone_and_tells_the_partner(phone):
    alex_phone, sam_phone, alex, sam = paired_phones(phone)
    alex_id = user_id(alex)
    save_checkin(alex, "Only for me today", private=True)
    open_section(alex, "Timeline")
    add_memory(alex, "Lisbon trams")
    sync_now(alex)
    all_sent(alex)
    assert "Only for me today" in stored_text(alex, alex_id)

    open_section(alex, "Us")
    card = alex.locator("#delete-account")
    expect(card).to_be_visible()
    expect(card).to_contain_text("Sam keeps their own copies")
    expect(card).to_contain_text("Backups of the server may still hold your data")

    # A wrong password changes nothing and says so at the field.
    start_deleting(alex, "not my password at all")
    card.get_by_role("button", name="Yes, delete my account").click()
    expect(card.locator("#delete-account-password-error")).to_have_text("The password is wrong.")
    expect(card.get_by_label(re.compile("Your password"))).to_be_focused()
    assert alex.evaluate("fetch('/api/me').then((r) => r.status)") == 200

    # Changing one's mind at the last step keeps the account.
    start_deleting(alex, "a long enough password")
    card.get_by_role("button", name="Keep my account").click()
    expect(card.get_by_role("button", name="Delete my account…")).to_be_focused()
    assert alex.evaluate("fetch('/api/me').then((r) => r.status)") == 200

    start_deleting(alex, "a long enough password")
    card.get_by_role("button", name="Yes, delete my account").click()
    # The welcome screen, as on a phone that never signed in.
    expect(alex.locator("#signup-email")).to_be_visible(timeout=15_000)
    alex.wait_for_function(
        f"async () => !(await indexedDB.databases()).some((d) => d.name === 'hearth-{alex_id}')"
    )
    assert alex.evaluate("localStorage.getItem('hearth.last-user')") is None
    assert alex.evaluate("caches.has('hearth-photos')") is False
    assert alex.evaluate("fetch('/api/me').then((r) => r.status)") == 401
    # Signing in with the old account is refused: it is gone.
    login = alex.evaluate(
        """() => fetch('/api/auth/login', {method: 'POST', headers: {'Content-Type':
          'application/json', 'X-Requested-With': 'hearth'}, body: JSON.stringify({
          email: 'alex@example.test', password: 'a long enough password'})})
          .then((r) => r.status)"""
    )
    assert login == 401

    # Sam is told that the pairing ended, and keeps the memory Alex shared.
    sync_now(sam)
    expect(sam.locator("#pairing-ended")).to_contain_text("Alex ended the pairing", timeout=15_000)
    open_section(sam, "Timeline")
    expect(sam.get_by_text("Lisbon trams")).to_be_visible()
    # Chromium logs the refused wrong password, once; nothing else went wrong.
    refused = "Failed to load resource: the server responded with a status of 422"
    assert [p for p in unexpected(alex_phone) if not p.startswith(refused)] == []
    assert len(unexpected(alex_phone)) == 1
    assert unexpected(sam_phone) == []
