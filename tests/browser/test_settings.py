"""Us & settings: unpairing, the devices signed in, and the profile, as the partners see them."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.helpers import open_section, paired_phones, sign_up, unexpected


def test_unpairing_after_the_confirmation_returns_both_partners_to_their_own_space(phone):
    alex_phone, sam_phone, alex, sam = paired_phones(phone)

    open_section(alex, "Us")
    us = alex.locator("#us")
    alex.locator("#unpair").click()
    explanation = us.get_by_text(re.compile("You each keep your own check-ins"))
    expect(explanation).to_be_visible()
    expect(explanation).to_contain_text("This cannot be undone")
    # Nothing has happened yet: Cancel leaves the couple as it was.
    alex.locator("#unpair-cancel").click()
    expect(explanation).to_be_hidden()
    expect(alex.locator("#unpair")).to_be_visible()

    alex.locator("#unpair").click()
    alex.locator("#unpair-confirm").click()

    expect(alex.locator("#unpair")).to_be_hidden()
    open_section(alex, "Today")
    expect(alex.locator("#create-invite")).to_be_visible()
    expect(alex.locator("#partner-card")).to_be_hidden()
    sam.reload()
    expect(sam.locator("#create-invite")).to_be_visible()
    expect(sam.locator("#partner-card")).to_be_hidden()
    assert unexpected(alex_phone) == [] and unexpected(sam_phone) == []


def test_signing_out_another_device_sends_it_back_to_sign_in(phone):
    laptop, tablet = phone().new_page(), phone().new_page()
    sign_up(laptop, "kim@example.test", "Kim")
    tablet.goto("/")
    tablet.get_by_role("button", name="I have an account").click()
    tablet.locator("#signin-email").fill("kim@example.test")
    tablet.locator("#signin-password").fill("a long enough password")
    tablet.locator("#signin-form").get_by_role("button", name="Sign in").click()
    expect(tablet.locator("#home")).to_be_visible()

    laptop.reload()
    open_section(laptop, "Us")
    devices = laptop.locator("#devices li")
    expect(devices).to_have_count(2)
    expect(devices.filter(has_text="This device")).to_have_count(1)
    other = devices.filter(has_not_text="This device")
    expect(other).to_contain_text("Chrome")
    other.get_by_role("button", name="Sign out").click()
    expect(devices).to_have_count(1)

    tablet.reload()
    expect(tablet.locator("#signin-form")).to_be_visible()
    # The device that did the signing out stays signed in.
    laptop.reload()
    expect(laptop.locator("#home")).to_be_visible()


def test_a_new_display_name_is_what_the_partner_sees(phone):
    _, _, alex, sam = paired_phones(phone)

    open_section(alex, "Us")
    alex.locator("#profile-name").fill("Alexandra")
    alex.locator("#profile-form").get_by_role("button", name="Save").click()
    open_section(alex, "Today")
    expect(alex.locator("#home-title")).to_have_text("Hi, Alexandra")

    sam.reload()
    expect(sam.locator("#partner-name")).to_have_text("Alexandra")


def test_an_empty_name_is_refused_beside_the_field(phone):
    page = phone().new_page()
    sign_up(page, "lee@example.test", "Lee")
    open_section(page, "Us")
    # The browser's own check would stop the form first; the server's answer is what is tested here.
    page.locator("#profile-name").evaluate("el => el.removeAttribute('required')")
    page.locator("#profile-name").fill("   ")
    page.locator("#profile-form").get_by_role("button", name="Save").click()
    expect(page.locator("#profile-name-error")).not_to_be_empty()
    open_section(page, "Today")
    expect(page.locator("#home-title")).to_have_text("Hi, Lee")


def test_profile_saved_fades_and_a_partners_change_never_writes_over_typing(phone):
    _, _, alex, sam = paired_phones(phone)
    open_section(alex, "Us")
    alex.locator("#profile-name").fill("Alexandra")
    alex.locator("#profile-form").get_by_role("button", name="Save").click()
    status = alex.locator("#us [data-ref='status']")
    expect(status).to_have_text("Profile saved.")
    expect(status).to_be_empty(timeout=12_000)  # it reported an action: it goes
    # Alex is typing a new name when Sam's change reaches his phone.
    alex.locator("#profile-name").fill("Alex the typist")
    open_section(sam, "Us")
    sam.locator("#profile-name").fill("Samantha")
    sam.locator("#profile-form").get_by_role("button", name="Save").click()
    open_section(alex, "Today")
    expect(alex.locator("#partner-name")).to_have_text("Samantha")
    open_section(alex, "Us")
    expect(alex.locator("#profile-name")).to_have_value("Alex the typist")
