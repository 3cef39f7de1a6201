"""A repair walked through by two phones: heard, apologised, promised, checked in, moved forward."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.helpers import (
    go_offline,
    memory,
    open_section,
    paired_phones,
    save_checkin,
    sync_now,
)
from tests.browser.test_refusals import all_sent, unexpected

SYNC_WAIT = 15_000
MOVED_FORWARD = re.compile("I feel we.ve moved forward")
NOT_READY = re.compile("I.m not ready to forgive yet")
YES = re.compile("Yes, that.s it")


def step(page, number: int):
    """One step of the repair on screen (1 to 4)."""
    return page.locator(f".repair-screen .repair-step[data-step='{number}']")


def open_step(page, number: int):
    """The step, unfolded if it was folded."""
    details = step(page, number).locator(":scope > details")
    if details.get_attribute("open") is None:
        details.locator(":scope > summary").click()
    return step(page, number)


def to_repairs(page) -> None:
    """Follow Today's way in to the repairs."""
    open_section(page, "Today")
    page.get_by_role("link", name="Something hurt our trust").click()
    expect(page.locator("#panel-repair")).to_be_visible()


def open_repair(page, name: str) -> None:
    """Go from the list to the repair with this name."""
    page.locator(".repairs-items").get_by_role("link", name=name).click(timeout=SYNC_WAIT)
    expect(page.locator(".repair-screen h3")).to_have_text(name)


def share_repair(page, partner: str) -> None:
    page.get_by_role("button", name=f"Share the repair with {partner}").click()
    expect(page.locator(".repair-screen > .badges").get_by_text("Private draft")).to_be_hidden()


def test_sam_and_alex_walk_a_repair_to_a_memory(phone):
    alex_phone, sam_phone, alex, sam = paired_phones(phone)

    # Offline, Sam opens a repair and writes what happened as a private draft.
    go_offline(sam_phone, sam)
    to_repairs(sam)
    sam.get_by_role("button", name="Open a repair").click()
    form = sam.locator("#repair-open-form")
    form.get_by_label("I was hurt").check()
    form.get_by_label("A name for it").fill("The messages")
    expect(form.get_by_label("Keep it private for now")).to_be_checked()
    form.get_by_role("button", name="Open the repair").click()
    expect(sam.get_by_role("heading", name="The messages")).to_be_focused()
    expect(sam.locator(".repair-since")).to_have_text("You started today")
    hear = step(sam, 1)
    hear.get_by_label("What I saw or heard").fill("I saw the messages on your phone.")
    hear.get_by_label("What I felt").fill("I felt sick, and small.")
    hear.get_by_role("button", name="Keep as a private draft").click()
    draft = hear.locator(".repair-entry.draft")
    expect(draft).to_contain_text("I felt sick, and small.")
    expect(hear).to_contain_text("Your words are a private draft")

    # Reloaded offline, the draft is still there.
    sam.reload()
    expect(step(sam, 1).locator(".repair-entry.draft")).to_contain_text("I felt sick, and small.")
    expect(sam.locator("nav.tabs").get_by_role("link", name="Repair")).to_be_visible()

    # Back online: the draft stays Sam's until the repair, then the words, are shared.
    sam_phone.set_offline(False)
    sync_now(sam)
    step(sam, 1).get_by_role("button", name="Share with Alex").click()
    expect(sam.locator(".repair-said")).to_contain_text(
        "This repair is still private to you. Share the repair with Alex first"
    )
    expect(step(sam, 1).locator(".repair-entry.draft")).to_have_count(1)
    share_repair(sam, "Alex")
    all_sent(sam)
    to_repairs(alex)
    sync_now(alex)
    open_repair(alex, "The messages")
    expect(step(alex, 1)).to_contain_text("Sam will say what happened, when ready.")
    expect(alex.locator(".repair-screen")).not_to_contain_text("I felt sick")
    step(sam, 1).get_by_role("button", name="Share with Alex").click()
    expect(step(sam, 1).locator(".repair-entry.draft")).to_have_count(0)
    all_sent(sam)
    sync_now(alex)
    expect(step(alex, 1)).to_contain_text("I felt sick, and small.", timeout=SYNC_WAIT)

    # Alex says back what he heard; Sam confirms it.
    step(alex, 1).get_by_label("What I heard you say…").fill(
        "You saw my messages and felt sick and small."
    )
    step(alex, 1).get_by_role("button", name="Share with Sam").click()
    all_sent(alex)
    sync_now(sam)
    step(sam, 1).get_by_role("button", name=YES).click(timeout=SYNC_WAIT)
    expect(step(sam, 1)).to_contain_text("You felt heard.")
    all_sent(sam)

    # Alex apologises; step 2 is now where he is.
    sync_now(alex)
    apology = step(alex, 2)
    expect(apology.locator(":scope > details")).to_have_attribute("open", "", timeout=SYNC_WAIT)
    apology.get_by_label("What I did").fill("I hid the messages from you.")
    apology.get_by_label("That it was my responsibility").fill("It was my choice, nobody else's.")
    apology.get_by_label("What I will change").fill(
        "Tell you when she writes\nLeave my phone on the table at dinner"
    )
    apology.get_by_role("button", name="Share with Sam").click()
    all_sent(alex)

    # Sam is not ready to forgive yet: a real answer.
    sync_now(sam)
    answer = step(sam, 2)
    expect(answer).to_contain_text("I hid the messages from you.", timeout=SYNC_WAIT)
    answer.get_by_label(NOT_READY).check()
    answer.get_by_role("button", name="Share with Alex").click()
    expect(answer).to_contain_text("That is a real answer; there is time.")
    all_sent(sam)

    # Alex turns each line of what he will change into a promise in a tap.
    sync_now(alex)
    rebuild = step(alex, 3)
    expect(rebuild.locator(":scope > details")).to_have_attribute("open", "", timeout=SYNC_WAIT)
    for line in ("Tell you when she writes", "Leave my phone on the table at dinner"):
        rebuild.get_by_role("button", name=f"Make it a promise: {line}").click()
        expect(rebuild.locator(".repair-promise", has_text=line)).to_be_visible()
    expect(rebuild.locator(".repair-suggestion")).to_have_count(0)
    all_sent(alex)

    # Sam proposes a rhythm, Alex agrees.
    sync_now(sam)
    rhythm = step(sam, 4)
    expect(rhythm.locator(":scope > details")).to_have_attribute("open", "", timeout=SYNC_WAIT)
    rhythm.get_by_label("Check in every day for how many days?").fill("14")
    rhythm.get_by_role("button", name="Propose this rhythm").click()
    expect(rhythm).to_contain_text("You proposed: daily for two weeks, then weekly.")
    all_sent(sam)
    sync_now(alex)
    open_step(alex, 4).get_by_role("button", name="Agree to this rhythm").click(timeout=SYNC_WAIT)
    expect(step(alex, 4)).to_contain_text("You agreed: daily for two weeks, then weekly.")
    all_sent(alex)

    # Both promises show in Promises on both phones, each leading back to the repair.
    for page in (alex, sam):
        sync_now(page)
        open_section(page, "Promises")
        for line in ("Tell you when she writes", "Leave my phone on the table at dinner"):
            card = page.locator(".promise", has_text=line)
            expect(card.get_by_role("link", name="A step of your repair")).to_be_visible(
                timeout=SYNC_WAIT
            )

    # Both check in; the repair shows its promises and both partners' trust.
    for page in (alex, sam):
        open_section(page, "Today")
        save_checkin(page, "Talking more.")
    all_sent(alex)
    all_sent(sam)
    sync_now(alex)
    sync_now(sam)
    for page, partner in ((alex, "Sam"), (sam, "Alex")):
        open_section(page, "Promises")
        page.locator(".promise", has_text="Tell you when she writes").get_by_role(
            "link", name="A step of your repair"
        ).click()
        expect(page.locator(".repair-screen h3")).to_have_text("The messages")
        promises = open_step(page, 3)
        expect(promises.locator(".repair-promise")).to_have_count(2)
        expect(promises.locator(".repair-promise").first).to_contain_text("Open")
        table = open_step(page, 4).locator(".repair-trend-table")
        expect(table.locator("thead th")).to_have_text(["Day", "You", partner])
        expect(table.locator("tbody tr")).to_have_count(1, timeout=SYNC_WAIT)
        expect(table.locator("tbody td")).to_have_text(["7", "7"], timeout=SYNC_WAIT)
        expect(step(page, 4).locator("svg polyline, svg circle")).to_have_count(4)
    # Only the hurt partner can say it has moved forward.
    expect(alex.get_by_role("button", name=MOVED_FORWARD)).to_have_count(0)

    # Sam feels they have moved forward, and keeps it on their Timeline.
    sam.get_by_role("button", name=MOVED_FORWARD).click()
    closing = sam.locator("#repair-forward-form")
    closing.get_by_label("What we learned").fill("We talk before we assume.")
    closing.get_by_label("On our Timeline, as a memory").check()
    closing.get_by_role("button", name=re.compile("Yes, we.ve moved forward")).click()
    expect(sam.locator(".repair-close")).to_contain_text("You felt you had moved forward")
    expect(sam.locator(".repair-close")).to_contain_text("We talk before we assume.")
    all_sent(sam)
    sync_now(alex)
    expect(alex.locator(".repair-close")).to_contain_text(
        "Sam felt you had moved forward", timeout=SYNC_WAIT
    )
    for page in (alex, sam):
        open_section(page, "Timeline")
        expect(memory(page, "The messages")).to_contain_text(
            "We talk before we assume.", timeout=SYNC_WAIT
        )

    # Reloaded offline, every step reads as it was left.
    go_offline(sam_phone, sam)
    sam.goto(sam.url.split("#")[0] + "#repair")
    open_repair(sam, "The messages")
    expect(open_step(sam, 1)).to_contain_text("You saw my messages and felt sick and small.")
    expect(step(sam, 1)).to_contain_text(YES)
    expect(open_step(sam, 2)).to_contain_text(NOT_READY)
    expect(open_step(sam, 3).locator(".repair-promise")).to_have_count(2)
    expect(open_step(sam, 4)).to_contain_text("You agreed: daily for two weeks, then weekly.")
    expect(step(sam, 4).locator(".repair-trend-table tbody td")).to_have_text(["7", "7"])
    expect(sam.locator(".repair-close")).to_contain_text("We talk before we assume.")
    assert unexpected(alex_phone) == [] and unexpected(sam_phone) == []


def test_only_the_hurt_partner_says_it_moved_forward_and_either_sets_it_aside(phone):
    alex_phone, sam_phone, alex, sam = paired_phones(phone)
    to_repairs(alex)
    alex.get_by_role("button", name="Open a repair").click()
    form = alex.locator("#repair-open-form")
    form.get_by_label("Sam was hurt").check()
    form.get_by_label("A name for it").fill("The late nights")
    form.get_by_label("Share it with Sam now").check()
    form.get_by_role("button", name="Open the repair").click()
    expect(alex.locator(".repair-who")).to_have_text("You opened it: Sam was hurt.")
    expect(alex.get_by_role("button", name=MOVED_FORWARD)).to_have_count(0)
    expect(alex.locator(".repair-close")).to_contain_text("When Sam feels you have moved forward")
    all_sent(alex)

    to_repairs(sam)
    sync_now(sam)
    open_repair(sam, "The late nights")
    expect(sam.get_by_role("button", name=MOVED_FORWARD)).to_be_visible()

    # Find support opens from the repair, and closes back to it.
    support = sam.locator(".repair-screen").get_by_role("button", name="Find support")
    support.click()
    page = sam.get_by_role("dialog", name="Find support")
    expect(page).to_be_visible()
    sam.keyboard.press("Escape")
    expect(page).to_be_hidden()
    expect(support).to_be_focused()

    # Alex sets it aside; the Repair tab goes with the last open repair.
    alex.get_by_role("button", name="Set it aside for now").click()
    expect(alex.locator(".repair-close")).to_contain_text("Set aside on")
    expect(alex.locator(".repair-screen > .badges")).to_contain_text("Set aside")
    expect(alex.locator("nav.tabs").get_by_role("link", name="Repair")).to_be_hidden()
    all_sent(alex)
    sync_now(sam)
    expect(sam.locator(".repair-close")).to_contain_text("Set aside on", timeout=SYNC_WAIT)
    expect(sam.get_by_role("button", name=MOVED_FORWARD)).to_have_count(0)

    # Sam reopens it; both see it open again.
    sam.get_by_role("button", name="Reopen").click()
    expect(sam.get_by_role("button", name=MOVED_FORWARD)).to_be_visible()
    all_sent(sam)
    sync_now(alex)
    expect(alex.locator(".repair-screen > .badges")).to_contain_text("Open", timeout=SYNC_WAIT)
    expect(alex.locator("nav.tabs").get_by_role("link", name="Repair")).to_be_visible()
    expect(alex.get_by_role("button", name="Set it aside for now")).to_be_visible()
    expect(alex.get_by_role("button", name=MOVED_FORWARD)).to_have_count(0)
    assert unexpected(alex_phone) == [] and unexpected(sam_phone) == []
