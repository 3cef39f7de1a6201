"""Today on a phone: my check-in folds once saved, the partner's follows, named by their day."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.browser.helpers import (
    open_section,
    pair,
    paired_phones,
    save_checkin,
    sign_up,
    sync_now,
    unexpected,
)

# A browser that does not promise to keep the site's storage (most, until the app is installed).
STORAGE_NOT_KEPT = """
if (self.StorageManager) {
  StorageManager.prototype.persist = () => Promise.resolve(false);
  StorageManager.prototype.persisted = () => Promise.resolve(false);
}
"""


def test_a_saved_checkin_folds_to_its_summary_and_the_partners_comes_right_after(phone):
    alex_phone, sam_phone, alex, sam = paired_phones(phone)
    save_checkin(alex, "long day, glad you called")
    save_checkin(sam, "cooked for us")

    form, mine = sam.locator("#checkin-form"), sam.locator("#my-checkin")
    expect(mine).to_contain_text("cooked for us")
    expect(form).to_be_hidden()
    sync_now(sam)
    theirs = sam.locator("#partner-checkin")
    expect(theirs).to_contain_text("long day, glad you called", timeout=15_000)
    expect(sam.locator("#ack-form")).to_be_visible()
    gap = sam.evaluate(
        """() => document.querySelector('#partner-checkin').getBoundingClientRect().top
                 - document.querySelector('#my-checkin').getBoundingClientRect().bottom"""
    )
    assert 0 <= gap < 48, gap

    # Edit opens the form with what was saved; Cancel folds it again, unchanged.
    mine.get_by_role("button", name="Edit").click()
    expect(form).to_be_visible()
    expect(mine).to_be_hidden()
    expect(sam.locator("#checkin-note")).to_have_value("cooked for us")
    expect(sam.locator("#checkin-mood")).to_have_value("3")
    expect(sam.locator("#checkin-trust")).to_have_value("7")
    form.get_by_role("button", name="Cancel").click()
    expect(form).to_be_hidden()
    expect(mine).to_contain_text("cooked for us")

    mine.get_by_role("button", name="Edit").click()
    sam.locator("#checkin-note").fill("cooked for us, then we danced")
    form.get_by_role("button", name="Save check-in").click()
    expect(form).to_be_hidden()
    expect(mine).to_contain_text("then we danced")
    expect(theirs).to_contain_text("long day, glad you called")
    assert not unexpected(alex_phone) and not unexpected(sam_phone)


def test_the_storage_note_is_said_once_then_kept_in_us(phone):
    context = phone()
    context.add_init_script(STORAGE_NOT_KEPT)
    page = context.new_page()
    sign_up(page, "kim@example.test", "Kim")
    today_note = page.locator("#today").get_by_text("This browser may clear")
    expect(today_note).to_be_visible()

    page.reload()
    expect(page.locator("#checkin-form")).to_be_visible()
    open_section(page, "Us")
    expect(page.locator("#us").get_by_text("This browser may clear")).to_be_visible()
    open_section(page, "Today")
    expect(today_note).to_be_hidden()
    assert not unexpected(context)


def _weekdays(zone: str, before: datetime, after: datetime) -> str:
    """The zone's weekday during the test (two names if its midnight fell in between)."""
    names = {moment.astimezone(ZoneInfo(zone)).strftime("%A") for moment in (before, after)}
    return "|".join(sorted(names))


def test_across_the_date_line_the_partners_checkin_is_named_by_their_own_day(phone):
    # Kiritimati (UTC+14) and Pago Pago (UTC-11) never share a date.
    alex_phone = phone(timezone_id="Pacific/Kiritimati")
    sam_phone = phone(timezone_id="Pacific/Pago_Pago")
    alex, sam = alex_phone.new_page(), sam_phone.new_page()
    before = datetime.now(ZoneInfo("UTC"))
    sign_up(alex, "alex@example.test", "Alex", "Pacific/Kiritimati")
    sign_up(sam, "sam@example.test", "Sam", "Pacific/Pago_Pago")
    pair(alex, sam)
    save_checkin(alex, "first sunrise of the world")
    save_checkin(sam, "last sunset of the world")
    sync_now(alex)
    sync_now(sam)

    alex_card, sam_card = sam.locator("#partner-checkin"), alex.locator("#partner-checkin")
    expect(alex_card).to_contain_text("first sunrise of the world", timeout=15_000)
    expect(sam_card).to_contain_text("last sunset of the world", timeout=15_000)
    after = datetime.now(ZoneInfo("UTC"))
    alex_day = _weekdays("Pacific/Kiritimati", before, after)
    sam_day = _weekdays("Pacific/Pago_Pago", before, after)
    expect(alex_card.locator(".day")).to_have_text(re.compile(f"^({alex_day}), their today$"))
    expect(sam_card.locator(".day")).to_have_text(re.compile(f"^({sam_day}), their today$"))
    # Each one's own check-in is simply today's.
    expect(sam.locator("#my-checkin .day")).to_have_text("Today")
    assert not unexpected(alex_phone) and not unexpected(sam_phone)
