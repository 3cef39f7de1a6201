"""Two tabs of one account (the installed app beside a browser tab) show each other's changes."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.helpers import go_offline, save_checkin, sign_up, unexpected


def test_a_change_in_one_tab_shows_in_the_other_at_once_even_offline(phone):
    context = phone()
    first = context.new_page()
    sign_up(first, "kim@example.test", "Kim")
    go_offline(context, first)
    other = context.new_page()
    other.goto("/")  # from the worker's cache: offline, it cannot sync
    expect(other.locator("#home")).to_be_visible()
    expect(other.locator("#sync-status")).to_contain_text("Offline")

    save_checkin(first, "written in the first tab")
    expect(first.locator("#my-checkin")).to_contain_text("written in the first tab")
    expect(other.locator("#my-checkin")).to_contain_text("written in the first tab")
    expect(other.locator("#my-checkin .pending")).to_be_visible()
    expect(other.locator("#sync-status")).to_contain_text("1 change waiting")
    assert all("ERR_INTERNET_DISCONNECTED" in p for p in unexpected(context))
