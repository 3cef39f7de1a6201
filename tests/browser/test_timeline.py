"""The Timeline: shared memories that both partners edit, offline too, with history and undo."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.helpers import (
    add_memory,
    memory,
    open_section,
    paired_phones,
    sign_up,
    sync_now,
    unexpected,
)

SYNC_WAIT = 15_000


def edit(card, **fields: str) -> None:
    """Open the card's edit form, change the given fields (by label) and save."""
    card.get_by_role("button", name="Edit").click()
    form = card.locator("form")
    for label, value in fields.items():
        form.get_by_label(label.capitalize(), exact=True).fill(value)
    form.get_by_role("button", name="Save changes").click()
    expect(form).to_have_count(0)


def settle(page) -> None:
    """Sync now and wait until nothing on screen waits for the server."""
    sync_now(page)
    expect(page.locator("#timeline .pending")).to_have_count(0, timeout=SYNC_WAIT)


def test_both_edit_the_same_memory_offline_and_nothing_either_typed_is_lost(phone):
    alex_phone, sam_phone, alex, sam = paired_phones(phone)
    open_section(alex, "Timeline")
    open_section(sam, "Timeline")

    card = add_memory(alex, "Beach day", story="Sand everywhere.", place="Brighton")
    expect(card.locator(".pending")).to_be_visible()
    expect(card).to_contain_text("Brighton")
    settle(alex)
    sync_now(sam)
    theirs = sam.locator(".memory")
    expect(theirs).to_have_count(1, timeout=SYNC_WAIT)
    expect(theirs).to_contain_text("Beach day")
    expect(theirs).to_contain_text("Added by Alex")
    memory_id = theirs.get_attribute("data-id")
    assert memory_id == card.get_attribute("data-id")

    alex_phone.set_offline(True)
    sam_phone.set_offline(True)
    edit(memory(alex, "Beach day"), title="Beach day in the rain")
    edit(
        memory(sam, "Beach day"),
        title="Our first beach day",
        story="Sand everywhere, and a sunburn.",
    )
    expect(memory(alex, "Beach day in the rain").locator(".pending")).to_be_visible()
    expect(memory(sam, "Our first beach day").locator(".pending")).to_be_visible()

    alex_phone.set_offline(False)
    settle(alex)
    sam_phone.set_offline(False)
    settle(sam)
    sync_now(alex)

    for page in (alex, sam):
        card = page.locator(f'.memory[data-id="{memory_id}"]')
        # Sam pushed last: the later write wins the title; the stories never clashed.
        expect(card.locator(".memory-title")).to_have_text("Our first beach day", timeout=SYNC_WAIT)
        expect(card.locator(".memory-story")).to_have_text("Sand everywhere, and a sunburn.")
        expect(card.locator(".pending")).to_have_count(0)
        history = card.locator("details.memory-history")
        history.locator("summary").click()
        overwritten = history.locator("li").filter(has_text="Beach day in the rain")
        expect(overwritten).to_contain_text("(Alex), replaced by Sam")
        expect(overwritten).to_contain_text("Written at the same time")
        expect(history).to_contain_text("Title was “Beach day” (Alex), replaced by Alex")
        expect(history).to_contain_text("Story was “Sand everywhere.” (Alex), replaced by Sam")
    shown = [
        [
            page.locator(f".memory {part}").inner_text()
            for part in (".memory-view h5", "p.memory-story", "ul.memory-history-list")
        ]
        for page in (alex, sam)
    ]
    assert shown[0] == shown[1]
    assert unexpected(alex_phone) == [] and unexpected(sam_phone) == []


def test_a_deleted_memory_comes_back_with_undo_or_from_recently_deleted(phone):
    alex_phone, _sam_phone, alex, sam = paired_phones(phone)
    open_section(alex, "Timeline")
    open_section(sam, "Timeline")
    add_memory(alex, "Picnic", story="Too many wasps.")
    settle(alex)

    memory(alex, "Picnic").get_by_role("button", name="Delete").click()
    expect(memory(alex, "Picnic")).to_have_count(0)
    status = alex.locator("#timeline .timeline-status [role=status]")
    expect(status).to_contain_text("“Picnic” was deleted.")
    undo = alex.get_by_role("button", name="Undo")
    expect(undo).to_be_focused()
    undo.click()
    expect(memory(alex, "Picnic")).to_contain_text("Too many wasps.")
    expect(undo).to_be_hidden()
    settle(alex)

    # Sam deletes it this time; the bin offers it back to either of them.
    sync_now(sam)
    memory(sam, "Picnic").get_by_role("button", name="Delete").click()
    expect(memory(sam, "Picnic")).to_have_count(0)
    # Waiting to sync shows in the bin too, so settling waits for the server to have it.
    settle(sam)
    sync_now(alex)
    expect(memory(alex, "Picnic")).to_have_count(0, timeout=SYNC_WAIT)
    bin_ = alex.locator("#timeline details.timeline-bin")
    bin_.locator("summary").click()
    deleted = bin_.locator(".timeline-deleted", has_text="Picnic")
    expect(deleted).to_contain_text(re.compile("Can be restored until"))
    deleted.get_by_role("button", name="Restore").click()
    expect(memory(alex, "Picnic")).to_be_visible()
    expect(bin_).to_be_hidden()
    settle(alex)
    sync_now(sam)
    expect(memory(sam, "Picnic")).to_be_visible(timeout=SYNC_WAIT)
    assert unexpected(alex_phone) == []


def test_a_private_memory_never_reaches_the_partners_screen(phone):
    _alex_phone, sam_phone, alex, sam = paired_phones(phone)
    open_section(alex, "Timeline")
    open_section(sam, "Timeline")

    secret = add_memory(alex, "PRIVATE-MEMORY-42", story="only mine", private=True)
    expect(secret.locator(".private-marker")).to_have_text("Private")
    add_memory(alex, "Dinner at Rosa's")
    settle(alex)

    sync_now(sam)
    expect(memory(sam, "Dinner at Rosa's")).to_be_visible(timeout=SYNC_WAIT)
    expect(sam.locator(".memory")).to_have_count(1)
    assert "PRIVATE-MEMORY-42" not in sam.content()
    # Sam may edit the shared memory but never sees the choice of who sees it.
    memory(sam, "Dinner at Rosa's").get_by_role("button", name="Edit").click()
    expect(memory(sam, "Dinner at Rosa's").get_by_label("Keep private")).to_be_hidden()
    assert unexpected(sam_phone) == []


def test_alone_the_timeline_groups_memories_by_month_and_keeps_what_an_edit_replaced(phone):
    solo_phone = phone()
    page = solo_phone.new_page()
    sign_up(page, "robin@example.test", "Robin")
    open_section(page, "Timeline")
    expect(page.locator("#timeline")).to_contain_text("No memories yet")

    page.locator("#memory-add").click()
    form = page.locator("#memory-form")
    form.get_by_label("Title").fill("   ")
    form.get_by_role("button", name="Save memory").click()
    expect(form.get_by_label("Title")).to_be_focused()
    expect(form).to_contain_text("Give the memory a title.")

    form.get_by_label("Title").fill("Moving in")
    form.get_by_label("Date").fill("2025-03-14")
    form.get_by_label("Tags").fill("home, boxes")
    form.get_by_role("button", name="Save memory").click()
    expect(form).to_be_hidden()
    add_memory(page, "Our first trip")
    settle(page)

    months = page.locator(".timeline-month-title")
    expect(months).to_have_count(2)
    expect(months.last).to_have_text(re.compile("March 2025"))
    expect(page.locator(".memory-title")).to_have_text(["Our first trip", "Moving in"])
    expect(memory(page, "Moving in").locator(".tags li")).to_have_text(["home", "boxes"])

    # Saving without a change sends nothing.
    memory(page, "Moving in").get_by_role("button", name="Edit").click()
    memory(page, "Moving in").get_by_role("button", name="Save changes").click()
    status = page.locator("#timeline .timeline-status [role=status]")
    expect(status).to_contain_text("Nothing changed")
    expect(page.locator("#timeline .pending")).to_have_count(0)

    edit(memory(page, "Moving in"), title="Moving in together")
    card = memory(page, "Moving in together")
    history = card.locator("details.memory-history")
    history.locator("summary").click()
    expect(history).to_contain_text("Title was “Moving in” (Robin), replaced by Robin")
    settle(page)
    expect(history).to_contain_text("Title was “Moving in” (Robin)")
    assert unexpected(solo_phone) == []


def test_a_sync_while_typing_keeps_the_words_and_sends_only_the_edited_fields(phone):
    alex_phone, _sam_phone, alex, sam = paired_phones(phone)
    open_section(alex, "Timeline")
    open_section(sam, "Timeline")
    add_memory(alex, "Concert", story="Loud.")
    settle(alex)
    sync_now(sam)

    # Alex starts a new memory and edits the story of the concert, leaving both open.
    alex.locator("#memory-add").click()
    alex.locator("#memory-form").get_by_label("Title").fill("Half-written memory")
    mine = memory(alex, "Concert")
    mine.get_by_role("button", name="Edit").click()
    mine.get_by_label("Story").fill("Loud, and we sang along.")

    edit(memory(sam, "Concert"), title="The concert in the park")
    settle(sam)
    sync_now(alex)
    note = alex.locator(".memory form").get_by_text("This memory changed while you were editing")
    expect(note).to_be_visible(timeout=SYNC_WAIT)
    expect(alex.locator(".memory form").get_by_label("Story")).to_have_value(
        "Loud, and we sang along."
    )
    expect(alex.locator("#memory-form").get_by_label("Title")).to_have_value("Half-written memory")

    alex.locator(".memory form").get_by_role("button", name="Save changes").click()
    settle(alex)
    card = alex.locator(".memory")
    # Sam's title stays: Alex's form still showed the old one, but Alex did not change it.
    expect(card.locator(".memory-title")).to_have_text("The concert in the park")
    expect(card.locator(".memory-story")).to_have_text("Loud, and we sang along.")
    history = card.locator(".memory-history-list")
    expect(history).to_contain_text("Title was “Concert” (Alex), replaced by Sam")
    expect(history).to_contain_text("Story was “Loud.” (Alex), replaced by Alex")
    expect(history.locator(".conflict")).to_have_count(0)
    assert unexpected(alex_phone) == []
