"""What a new user meets first: the time-zone picker, a partner's /join link, a slow sign-in."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.helpers import sign_up, unexpected

PASSWORD = "a long enough password"


def test_the_time_zone_picker_offers_the_device_zone_first_and_finds_places(phone, live_server):
    # Chromium names this zone Asia/Calcutta, an old alias: it is offered by its current name.
    context = phone(timezone_id="Asia/Kolkata")
    page = context.new_page()
    page.goto("/")
    zone = page.locator("#signup-tz")
    options = zone.locator("option")
    expect(options.first).to_have_attribute("value", "Asia/Kolkata")
    expect(options.first).to_have_text("Kolkata, India (UTC+5:30)")
    expect(zone).to_have_value("Asia/Kolkata")
    values = options.evaluate_all("(all) => all.map((o) => o.value)")
    assert 350 <= len(values) <= 500
    assert len(set(values)) == len(values)
    for current in ("Africa/Asmara", "America/Nuuk", "Europe/Kyiv", "UTC"):
        assert current in values
    for alias in ("Africa/Asmera", "America/Godthab", "Asia/Calcutta", "Europe/Kiev", "US/Eastern"):
        assert alias not in values

    search = page.get_by_label("Search time zones")
    search.fill("portugal")
    expect(options).to_have_text(
        [
            re.compile(r"^Azores, Portugal \(UTC(\u22121|\+0)\)$"),  # \u2212: a minus sign
            re.compile(r"^Lisbon, Portugal \(UTC\+[01]\)$"),
            re.compile(r"^Madeira, Portugal \(UTC\+[01]\)$"),
        ]
    )
    search.fill("+5:45")
    expect(options).to_have_text(["Kathmandu, Nepal (UTC+5:45)"])
    expect(zone).to_have_value("Asia/Kathmandu")
    search.fill("sao paulo")
    expect(zone).to_have_value("America/Sao_Paulo")
    search.fill("nowhere at all")
    expect(page.locator("#signup-tz-status")).to_contain_text("No time zone matches")
    expect(zone).to_have_value("America/Sao_Paulo")

    page.locator("#signup-email").fill("ana@example.test")
    page.locator("#signup-password").fill(PASSWORD)
    page.locator("#signup-name").fill("Ana")
    search.press("Enter")  # picks from the list: it does not send the form
    expect(zone).to_be_focused()
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("#home")).to_be_visible()
    me = page.evaluate("fetch('/api/me').then((r) => r.json())")
    assert me["user"]["time_zone"] == "America/Sao_Paulo"

    # The profile offers the same list, the saved zone chosen.
    page.locator("nav.tabs").get_by_role("link", name="Us", exact=True).click()
    profile = page.locator("#profile-tz")
    expect(profile).to_have_value("America/Sao_Paulo")
    expect(profile.locator("option").first).to_have_attribute("value", "Asia/Kolkata")
    assert not unexpected(context)


def test_a_join_link_says_who_invited_and_leads_straight_to_joining(phone):
    alex_phone = phone()
    alex = alex_phone.new_page()
    sign_up(alex, "alex@example.test", "Alex R.")
    alex.locator("#create-invite").click()
    link = alex.locator("#invite-link").input_value()
    code = alex.locator("#invite-code").inner_text().strip()

    sam_phone = phone()
    sam = sam_phone.new_page()
    sam.goto(link)
    expect(sam.locator(".auth")).to_contain_text("Alex R. invited you to Hearth")
    sam.locator("#signup-email").fill("sam@example.test")
    sam.locator("#signup-password").fill(PASSWORD)
    sam.locator("#signup-name").fill("Sam")
    sam.get_by_role("button", name="Create account").click()

    expect(sam.locator("#join-title")).to_have_text("Alex R. invited you to Hearth")
    expect(sam.locator("#join-code")).to_have_value(code)
    expect(sam.locator("#create-invite")).to_be_hidden()
    sam.locator("#join-form").get_by_role("button", name="Join").click()
    expect(sam.locator("#partner-name")).to_have_text("Alex R.")

    # The same link, used now, says so before anyone signs up with it.
    kim_phone = phone()
    kim = kim_phone.new_page()
    kim.goto(link)
    expect(kim.locator(".auth")).to_contain_text("This invite link can no longer be used")
    assert not unexpected(alex_phone) and not unexpected(sam_phone)
    # Chromium logs the lookup's 404: the only problem on that page.
    assert all("status of 404" in problem for problem in unexpected(kim_phone))


def test_a_link_while_signed_in_still_lets_me_invite_instead(phone):
    alex_phone, sam_phone = phone(), phone()
    alex, sam = alex_phone.new_page(), sam_phone.new_page()
    sign_up(alex, "alex@example.test", "Alex")
    sign_up(sam, "sam@example.test", "Sam")
    alex.locator("#create-invite").click()
    sam.goto(alex.locator("#invite-link").input_value())
    expect(sam.locator("#join-title")).to_have_text("Alex invited you to Hearth")
    expect(sam.locator("#create-invite")).to_be_hidden()
    sam.get_by_role("button", name="Create your own invite").click()
    expect(sam.locator("#create-invite")).to_be_visible()
    expect(sam.locator("#create-invite")).to_be_focused()
    sam.locator("#create-invite").click()
    expect(sam.locator("#invite-code")).to_have_text(re.compile(r"^[A-Z2-9]{4}-[A-Z2-9]{4}$"))
    assert not unexpected(alex_phone) and not unexpected(sam_phone)


def _held(page, path: str) -> list:
    """Hold every request to this path until the test lets it go (a slow network)."""
    held: list = []
    page.route(f"**{path}", lambda route: held.append(route))
    return held


def _release(page, held: list) -> None:
    """Let the held request through once it has reached the route."""
    page.wait_for_function("() => true")  # a round trip: pending route events are delivered
    assert held, "the request never left"
    held.pop().continue_()


def test_signing_in_on_a_slow_connection_shows_that_it_is_working(phone):
    sign_up(phone().new_page(), "kim@example.test", "Kim")
    context = phone()
    page = context.new_page()
    page.goto("/")
    page.get_by_role("button", name="I have an account").click()
    form = page.locator("#signin-form")
    button = form.locator("button[type=submit]")
    held = _held(page, "/api/auth/login")

    page.locator("#signin-email").fill("kim@example.test")
    page.locator("#signin-password").fill("not the password")
    with page.expect_request("**/api/auth/login"):
        button.click()
    expect(button).to_have_text("Signing in…")
    expect(button).to_have_attribute("aria-busy", "true")
    expect(form).to_have_attribute("aria-busy", "true")
    expect(page.locator("#signin-email")).to_be_disabled()
    expect(page.locator("#signin-password")).to_be_disabled()
    _release(page, held)
    # The refusal is shown, and the form is back to use.
    expect(form.locator(".alert")).not_to_be_empty()
    expect(button).to_have_text("Sign in")
    expect(form).to_have_attribute("aria-busy", "false")
    expect(page.locator("#signin-password")).to_be_enabled()

    page.locator("#signin-password").fill(PASSWORD)
    with page.expect_request("**/api/auth/login"):
        button.click()
    expect(button).to_have_text("Signing in…")
    _release(page, held)
    expect(page.locator("#home")).to_be_visible()
    assert not unexpected(context)


def test_signing_up_on_a_slow_connection_shows_that_it_is_working(phone):
    context = phone()
    page = context.new_page()
    page.goto("/")
    held = _held(page, "/api/auth/register")
    page.locator("#signup-email").fill("lee@example.test")
    page.locator("#signup-password").fill(PASSWORD)
    page.locator("#signup-name").fill("Lee")
    button = page.locator("#signup-form button[type=submit]")
    with page.expect_request("**/api/auth/register"):
        button.click()
    expect(button).to_have_text("Creating your account…")
    expect(page.locator("#signup-name")).to_be_disabled()
    _release(page, held)
    expect(page.locator("#home")).to_be_visible()
    assert not unexpected(context)
