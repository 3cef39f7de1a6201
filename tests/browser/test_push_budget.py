"""A push cut short by the server (it keeps each one brief): the app sends the rest at once."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import add_memory, go_offline, open_section, save_checkin, sign_up

# Well under the app's 30 s timer: the rest must not wait for it.
PROMPTLY = 8_000


@pytest.fixture
def app(app_factory):
    """A server that applies one change per push and leaves the rest for the next one."""
    return app_factory(SYNC_PUSH_BUDGET_MS=0)


def test_changes_left_over_by_a_short_push_go_out_at_once(phone):
    context = phone()
    page = context.new_page()
    sign_up(page, "robin@example.test", "Robin")
    go_offline(context, page)
    save_checkin(page, "written offline")
    open_section(page, "Timeline")
    add_memory(page, "First walk")
    add_memory(page, "Second walk")
    expect(page.locator("#sync-status")).to_contain_text("3 changes waiting")

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator(".pending")).to_have_count(0, timeout=PROMPTLY)
    expect(page.locator("#sync-status")).to_contain_text(re.compile("synced|live", re.I))
    expect(page.locator("#sync-status")).not_to_contain_text("waiting")
