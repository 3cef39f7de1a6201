"""Steps the browser tests share: signing up, pairing, waiting for the service worker."""

from __future__ import annotations

import re

from playwright.sync_api import expect

# Chromium logs the 401 of a signed-out start; every other console error is a problem.
EXPECTED_CONSOLE = re.compile(r"Failed to load resource: .*status of 401")


def sign_up(page, email: str, name: str, time_zone: str | None = None) -> None:
    """Sign up through the form and wait for the home screen."""
    page.goto("/")
    page.locator("#signup-email").fill(email)
    page.locator("#signup-password").fill("a long enough password")
    page.locator("#signup-name").fill(name)
    if time_zone:
        page.locator("#signup-tz").select_option(time_zone)
    page.locator("#signup-form").get_by_role(
        "button", name=re.compile("sign up|create", re.I)
    ).click()
    expect(page.locator("#home")).to_be_visible()


def unexpected(context) -> list[str]:
    """Console errors and page errors the context saw, less the expected 401."""
    return [p for p in context.problems if not EXPECTED_CONSOLE.search(p)]


def pair(alex, sam) -> None:
    """Alex invites, Sam joins with the code; both screens show the partner."""
    alex.locator("#create-invite").click()
    code = alex.locator("#invite-code").inner_text().strip()
    sam.locator("#join-code").fill(code)
    sam.locator("#join-form").get_by_role("button").click()
    expect(sam.locator("#partner-name")).to_have_text("Alex")
    expect(alex.locator("#partner-name")).to_have_text("Sam", timeout=15_000)


def worker_ready(page) -> None:
    """Wait until the service worker is active."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")


def paired_phones(phone):
    """Two phones, Alex and Sam signed up and paired."""
    alex_phone, sam_phone = phone(), phone()
    alex, sam = alex_phone.new_page(), sam_phone.new_page()
    sign_up(alex, "alex@example.test", "Alex")
    sign_up(sam, "sam@example.test", "Sam")
    pair(alex, sam)
    return alex_phone, sam_phone, alex, sam


def open_section(page, name: str) -> None:
    """Tap a tab of the bottom navigation (Today, Timeline, Agreements, Promises, Us)."""
    page.locator("nav.tabs").get_by_role("link", name=name, exact=True).click()
    expect(page.locator(f"#panel-{name.lower()}")).to_be_visible()
