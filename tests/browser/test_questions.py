"""The daily question in Chromium: both answer, one offline; no answer shows before both did."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

from playwright.sync_api import expect

from server.questions.bank import couple_day, question_of
from tests.browser.helpers import (
    go_offline,
    paired_phones,
    stored_text,
    sync_now,
    unexpected,
    user_id,
)

ALEXS = "The morning you made pancakes shaped like our cat"
SAMS = "Dancing in the kitchen when the power went out"
SYNC_WAIT = 40_000


def answer(page, text: str) -> None:
    card = page.locator(".question-card")
    card.get_by_label("Your answer").fill(text)
    card.get_by_role("button", name="Save my answer").click()


def test_both_answer_one_offline_and_each_sees_the_other_only_once_both_did(phone):
    alex_phone, sam_phone, alex, sam = paired_phones(phone)
    me = alex.evaluate("fetch('/api/me').then(r => r.json())")
    day = couple_day([me["user"]["time_zone"], me["partner"]["time_zone"]], datetime.now(UTC))
    expected = question_of(uuid.UUID(me["space"]["id"]), day).text
    # The same question on both phones, worked out on each as the server does.
    for page in (alex, sam):
        expect(page.locator("#question-title")).to_have_text(expected)
        expect(page.locator(".question-card")).to_contain_text("once you have both answered")

    go_offline(alex_phone, alex)
    answer(alex, ALEXS)
    card = alex.locator(".question-card")
    expect(card).to_contain_text(ALEXS)
    expect(card.get_by_role("status")).to_contain_text("when you are back online")
    expect(alex.locator("#sync-status")).to_contain_text("1 change waiting")
    assert ALEXS in stored_text(alex, user_id_of(me))

    answer(sam, SAMS)
    sams_card = sam.locator(".question-card")
    expect(sams_card).to_contain_text(SAMS)
    expect(sams_card.get_by_role("status")).to_contain_text(
        "Alex\u2019s answer shows here once you have both answered"
    )
    sync_now(sam)
    expect(sam.locator("#sync-status")).to_contain_text(re.compile("synced|live", re.I))
    # Alex's answer waits on Alex's phone: Sam's has nothing of it.
    assert ALEXS not in sam.content()
    assert ALEXS not in stored_text(sam, user_id(sam))

    alex_phone.set_offline(False)
    sync_now(alex)
    expect(card).to_contain_text(SAMS, timeout=15_000)
    expect(card.get_by_role("status")).to_have_text("You have both answered.")
    # Sam's phone gets Alex's answer at its next sync.
    expect(sams_card).to_contain_text(ALEXS, timeout=SYNC_WAIT)
    expect(sams_card.get_by_role("status")).to_have_text("You have both answered.")

    # Past questions keep both answers, reached from the card.
    sams_card.get_by_role("link", name="Past questions and answers").click()
    past = sam.locator("#panel-questions")
    expect(past.get_by_role("heading", name="Past questions")).to_be_visible()
    first = past.locator(".past-question").first
    expect(first).to_contain_text(expected)
    expect(first).to_contain_text(ALEXS)
    expect(first).to_contain_text(SAMS)

    # Offline, Alex's phone tried the network now and then: the browser logs those, nothing else.
    assert all("net::ERR_INTERNET_DISCONNECTED" in p for p in unexpected(alex_phone))
    assert unexpected(sam_phone) == []


def user_id_of(me: dict) -> str:
    return me["user"]["id"]
