"""The installable shell: two partners pair from their phones; Chromium can install it."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import CHROMIUM_ARGS, chromium_path
from tests.browser.helpers import sign_up, unexpected, worker_ready


def test_two_partners_sign_up_pair_with_the_code_and_see_each_other(phone):
    alex_phone = phone(timezone_id="Europe/Paris")
    sam_phone = phone(timezone_id="America/New_York")
    alex, sam = alex_phone.new_page(), sam_phone.new_page()
    sign_up(alex, "alex@example.test", "Alex", "Europe/Paris")
    sign_up(sam, "sam@example.test", "Sam", "America/New_York")

    alex.locator("#create-invite").click()
    code = alex.locator("#invite-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    qr = alex.get_by_role("img", name="QR code of the invite link")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.decode().then(() => img.naturalWidth)") > 100

    sam.locator("#join-code").fill(code.lower())
    sam.locator("#join-form").get_by_role("button").click()

    expect(sam.locator("#partner-name")).to_have_text("Alex")
    # Alex's phone notices without a reload.
    expect(alex.locator("#partner-name")).to_have_text("Sam", timeout=15_000)
    # Each sees the other's local time, in the other's time zone.
    expect(sam.locator("#partner-time")).to_contain_text(re.compile(r"\d{1,2}:\d{2}"))
    expect(alex.locator("#partner-card")).to_contain_text(re.compile("New.York|New_York"))
    assert unexpected(alex_phone) == [] and unexpected(sam_phone) == []


def test_a_wrong_code_is_explained_on_screen(phone):
    page = phone().new_page()
    sign_up(page, "kim@example.test", "Kim")
    page.locator("#join-code").fill("ZZZZ-ZZZZ")
    page.locator("#join-form").get_by_role("button").click()
    expect(page.get_by_role("alert").filter(has_text=re.compile("code", re.I))).to_be_visible()


def test_chromium_reports_no_installability_errors(playwright_instance, live_server, tmp_path):
    context = playwright_instance.chromium.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=chromium_path(),
        args=CHROMIUM_ARGS,
        base_url=live_server,
    )
    try:
        page = context.pages[0] if context.pages else context.new_page()
        page.goto("/")
        worker_ready(page)
        session = context.new_cdp_session(page)
        errors = session.send("Page.getInstallabilityErrors")["installabilityErrors"]
        assert errors == []
        manifest = session.send("Page.getAppManifest")
        assert manifest["errors"] == []
    finally:
        context.close()


def test_the_shell_loads_offline_from_the_service_worker(phone):
    context = phone()
    page = context.new_page()
    page.goto("/")
    worker_ready(page)
    page.reload()  # now controlled by the worker
    context.set_offline(True)
    page.reload()  # would be the browser's offline error page without the worker
    expect(page.get_by_role("heading", name="Hearth")).to_be_visible()
    expect(page.get_by_role("region", name=re.compile("offline", re.I))).to_be_visible()
