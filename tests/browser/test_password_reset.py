"""Forgot my password in Chromium: the link read from a real local SMTP server."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.accounts.mailbox import mailbox  # noqa: F401 (fixture)
from tests.browser.helpers import sign_up, unexpected


@pytest.fixture
def app(app_factory, mailbox):  # noqa: F811
    return app_factory(**mailbox.settings())


def test_forgot_password_mail_new_password_signed_in(phone, mailbox):  # noqa: F811
    context = phone()
    page = context.new_page()
    sign_up(page, "robin@example.test", "Robin")
    page.locator("nav.tabs").get_by_role("link", name="Us", exact=True).click()
    page.locator("#sign-out").click()
    expect(page.locator("#signin-form")).to_be_visible()

    page.get_by_role("button", name="Forgot your password?").click()
    expect(page.get_by_role("heading", name="Forgot your password?")).to_be_visible()
    page.get_by_label("Email").fill("robin@example.test")
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("status")).to_contain_text(
        "If an account uses that address, a link is on its way"
    )
    [message] = mailbox.to("robin@example.test")
    link, _ = mailbox.link(message)

    page.goto(link)
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    assert "#" not in page.url
    page.get_by_role("textbox", name="New password").fill("my fresh new password")
    page.get_by_role("button", name="Set my new password").click()
    expect(page.locator("#signin-note")).to_have_text("Your new password is set. Sign in with it.")
    page.locator("#signin-email").fill("robin@example.test")
    page.locator("#signin-password").fill("my fresh new password")
    page.locator("#signin-form").get_by_role("button", name="Sign in").click()
    expect(page.locator("#home")).to_be_visible()
    assert unexpected(context) == []


def test_a_used_link_says_so(phone, mailbox, make_user):  # noqa: F811
    user = make_user(email="sam@example.test")
    user.client.post("/api/auth/password-reset", json={"email": "sam@example.test"})
    _, token = mailbox.link(mailbox.to("sam@example.test")[0])
    user.client.post(
        "/api/auth/password-reset/confirm", json={"token": token, "password": "first new one!"}
    )
    context = phone()
    page = context.new_page()
    page.goto(f"/reset#{token}")
    page.get_by_role("textbox", name="New password").fill("second new one!")
    page.get_by_role("button", name="Set my new password").click()
    expect(page.get_by_role("alert")).to_contain_text("expired or was used already")
    assert [p for p in unexpected(context) if "status of 400" not in p] == []


def test_a_lost_sign_in_note_still_finds_the_session(phone):
    context = phone()
    page = context.new_page()
    sign_up(page, "kim@example.test", "Kim")
    page.evaluate("localStorage.clear()")
    page.reload()
    expect(page.locator("#home")).to_be_visible()
    expect(page.locator("#signup-form")).to_have_count(0)
    assert unexpected(context) == []
