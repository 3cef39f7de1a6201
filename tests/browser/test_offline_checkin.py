"""What is written offline survives closing the app and reaches the partner once online."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.helpers import (
    add_memory,
    go_offline,
    make_promise,
    memory,
    open_section,
    paired_phones,
    promise_card,
    save_checkin,
    stored_text,
    user_id,
)

SYNC_WAIT = 40_000  # the partner's next sync trigger is a 30 s timer at worst


def test_what_is_written_offline_survives_a_restart_and_reaches_the_partner(phone):
    alex_phone, _sam_phone, alex, sam = paired_phones(phone)
    go_offline(alex_phone, alex)
    save_checkin(alex, "written on the train")
    expect(alex.locator("#my-checkin")).to_contain_text("written on the train")
    expect(alex.locator("#my-checkin .pending")).to_be_visible()
    open_section(alex, "Timeline")
    add_memory(alex, "Sunset from the train", story="Orange all the way to Lyon.")
    open_section(alex, "Promises")
    make_promise(alex, "call you when I land")
    expect(promise_card(alex, "call you when I land").locator(".pending")).to_be_visible()
    expect(alex.locator("#sync-status")).to_contain_text(re.compile("offline", re.I))
    expect(alex.locator("#sync-status")).to_contain_text("3 changes waiting")

    alex.close()
    alex = alex_phone.new_page()
    alex.goto("/")
    expect(alex.locator("#my-checkin")).to_contain_text("written on the train")
    expect(alex.locator("#my-checkin .pending")).to_be_visible()
    open_section(alex, "Timeline")
    expect(memory(alex, "Sunset from the train").locator(".pending")).to_be_visible()
    open_section(alex, "Promises")
    expect(promise_card(alex, "call you when I land").locator(".pending")).to_be_visible()

    alex_phone.set_offline(False)
    alex.evaluate("window.dispatchEvent(new Event('online'))")
    expect(alex.locator(".pending")).to_have_count(0, timeout=15_000)
    expect(alex.locator("#sync-status")).to_contain_text(re.compile("synced|live", re.I))
    # Sam's phone shows all three at its next sync, without a reload.
    expect(sam.locator("#partner-checkin")).to_contain_text(
        "written on the train", timeout=SYNC_WAIT
    )
    open_section(sam, "Timeline")
    expect(memory(sam, "Sunset from the train")).to_contain_text("Orange all the way to Lyon.")
    open_section(sam, "Promises")
    expect(promise_card(sam, "call you when I land")).to_contain_text("Alex")


def test_a_private_checkin_never_reaches_the_partners_screen_or_storage(phone):
    _alex_phone, _sam_phone, alex, sam = paired_phones(phone)
    save_checkin(alex, "PRIVATE-ONLY-ME-42", private=True)
    expect(alex.locator("#my-checkin")).to_contain_text("PRIVATE-ONLY-ME-42")
    expect(alex.locator("#my-checkin .pending")).to_have_count(0, timeout=15_000)

    sam.reload()
    expect(sam.locator("#sync-status")).to_contain_text(
        re.compile("synced|live", re.I), timeout=15_000
    )
    assert "PRIVATE-ONLY-ME-42" not in sam.content()
    assert "PRIVATE-ONLY-ME-42" not in stored_text(sam, user_id(sam))
    assert "PRIVATE-ONLY-ME-42" in stored_text(alex, user_id(alex))
