"""A new version of the shell waits for the user's consent and keeps what waits in the outbox."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.helpers import save_checkin, sign_up, unexpected, worker_ready

SHELL_CACHES = "caches.keys().then(names => names.filter(n => n.startsWith('hearth-shell-')))"


def test_an_update_is_offered_and_accepting_it_keeps_the_waiting_changes(phone, monkeypatch):
    device = phone()
    page = device.new_page()
    sign_up(page, "kim@example.test", "Kim")
    worker_ready(page)
    page.reload()
    expect(page.locator("#home")).to_be_visible()
    [old_cache] = page.evaluate(SHELL_CACHES)

    # The server cannot be reached for syncing: the check-in waits in the outbox.
    device.route(re.compile(r".*/api/sync/.*"), lambda route: route.abort())
    save_checkin(page, "kept through the update")
    expect(page.locator("#my-checkin .pending")).to_be_visible()

    # A new version of the shell is deployed; the open app looks for it.
    monkeypatch.setattr("server.web.shell_version", lambda: "0123456789abcdef")
    page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.update())")
    prompt = page.locator("#update-prompt")
    expect(prompt).to_be_visible(timeout=15_000)
    # Nothing reloads by itself: what the user is typing stays.
    page.locator("#my-checkin").get_by_role("button", name="Edit").click()
    page.locator("#checkin-need").fill("half-typed words")
    page.wait_for_timeout(500)
    expect(page.locator("#checkin-need")).to_have_value("half-typed words")
    # The new version is ready beside the old one, which still runs the page.
    assert set(page.evaluate(SHELL_CACHES)) == {old_cache, "hearth-shell-0123456789abcdef"}

    with page.expect_navigation():
        prompt.get_by_role("button", name="Update now").click()
    expect(page.locator("#home")).to_be_visible()
    expect(page.locator("#update-prompt")).to_be_hidden()
    # The new version runs, and the old one's files are gone.
    assert page.evaluate(SHELL_CACHES) == ["hearth-shell-0123456789abcdef"]
    expect(page.locator("#my-checkin")).to_contain_text("kept through the update")
    expect(page.locator("#my-checkin .pending")).to_be_visible()
    expect(page.locator("#sync-status")).to_contain_text("1 change waiting")

    # The server is back: the change made before the update reaches it.
    device.unroute(re.compile(r".*/api/sync/.*"))
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#my-checkin .pending")).to_have_count(0, timeout=15_000)
    page.reload()
    expect(page.locator("#my-checkin")).to_contain_text("kept through the update")
    # Only the sync requests refused on purpose above may have failed.
    assert [p for p in unexpected(device) if "net::ERR_FAILED" not in p] == []
