"""The owner hears of others' failed sign-ins on the screen after signing in."""

from __future__ import annotations

import os

from playwright.sync_api import expect

from tests.browser.helpers import sign_up, unexpected
from tests.conftest import ApiClient

EMAIL = "kim@example.test"


def sign_in(page) -> None:
    page.goto("/")
    page.get_by_role("button", name="I have an account").click()
    page.locator("#signin-email").fill(EMAIL)
    page.locator("#signin-password").fill("a long enough password")
    page.locator("#signin-form").get_by_role("button", name="Sign in").click()
    expect(page.locator("#home")).to_be_visible()


def test_failed_sign_ins_are_told_once_after_the_next_sign_in(app, phone):
    laptop_phone = phone()
    sign_up(laptop_phone.new_page(), EMAIL, "Kim")
    stranger = ApiClient(app.test_client())
    for _ in range(3):
        guess = stranger.post("/api/auth/login", json={"email": EMAIL, "password": "a guess"})
        assert guess.status_code == 401

    tablet_phone = phone()
    tablet = tablet_phone.new_page()
    sign_in(tablet)
    notice = tablet.locator("#sign-in-attempts")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Someone tried to sign in to your account 3 times")
    expect(notice).to_contain_text("consider changing your password")
    if os.environ.get("HEARTH_SCREENSHOT"):
        tablet.screenshot(path=os.environ["HEARTH_SCREENSHOT"])
    notice.get_by_role("button", name="Got it").click()
    expect(notice).to_be_hidden()

    # Told once: the next sign-in, anywhere, has nothing to tell.
    other_phone = phone()
    other = other_phone.new_page()
    sign_in(other)
    expect(other.locator("#sign-in-attempts")).to_be_hidden()
    assert unexpected(tablet_phone) == [] and unexpected(other_phone) == []
