"""The app lock: a passcode per phone, asked on opening and after time in the background,
offline too; nothing of the space in the page while locked; the wipe after 10 wrong passcodes;
turning it off."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.helpers import (
    open_section,
    save_checkin,
    sign_up,
    sync_now,
    unexpected,
    user_id,
    worker_ready,
)

PASSCODE = "246810"
BACKGROUND = "Ask again when Hearth comes back from the background"
NOTE = "the quiet walk by the canal"


def paired(phone):
    """Marisol and Teodor signed up and paired; Marisol wrote a private check-in."""
    mine, theirs = phone(), phone()
    marisol, teodor = mine.new_page(), theirs.new_page()
    sign_up(marisol, "marisol@example.test", "Marisol")
    sign_up(teodor, "teodor@example.test", "Teodor")
    marisol.locator("#create-invite").click()
    code = marisol.locator("#invite-code").inner_text().strip()
    teodor.locator("#join-code").fill(code)
    teodor.locator("#join-form").get_by_role("button").click()
    expect(teodor.locator("#partner-name")).to_have_text("Marisol")
    expect(marisol.locator("#partner-name")).to_have_text("Teodor", timeout=15_000)
    save_checkin(marisol, NOTE, private=True)
    expect(marisol.locator("#my-checkin")).to_contain_text(NOTE)
    return mine, theirs, marisol, teodor


def turn_on(page, after: str) -> None:
    """Set the passcode in Us with the chosen background time."""
    open_section(page, "Us")
    card = page.locator("#lock-settings")
    card.get_by_label("A passcode of at least 6 digits").fill("12345")
    card.get_by_label("The same passcode again").fill("12345")
    card.get_by_label(BACKGROUND).select_option(label=after)
    card.get_by_role("button", name="Turn on the lock").click()
    expect(card.get_by_role("alert")).to_contain_text("at least 6 digits")
    card.get_by_label("A passcode of at least 6 digits").fill(PASSCODE)
    card.get_by_label("The same passcode again").fill(PASSCODE)
    card.get_by_role("button", name="Turn on the lock").click()
    expect(card).to_contain_text("The lock is on")


def assert_locked(page) -> None:
    """The lock screen shows and nothing of the space is in the page."""
    expect(page.locator("#lock-screen")).to_be_visible()
    expect(page.locator("#home")).to_have_count(0)
    html = page.content()
    assert "Teodor" not in html and NOTE not in html
    assert "compromised" in html  # what the lock does not protect against is said


def problems(context) -> list[str]:
    """Unexpected console errors, less the requests an offline phone could not make."""
    return [p for p in unexpected(context) if "ERR_INTERNET_DISCONNECTED" not in p]


def enter(page, code: str) -> None:
    page.locator("#lock-code").fill(code)
    page.locator("#lock-form").get_by_role("button", name="Unlock").click()
    # The passcode is checked (a slow hash) before the next can be typed.
    expect(page.locator("#lock-form[aria-busy]")).to_have_count(0)


def set_visibility(page, state: str, ahead_ms: int = 0) -> None:
    """Emulate the app going to the background or coming back, with the clock moved ahead."""
    page.evaluate(
        """([state, ahead]) => {
          window.__realNow ??= Date.now.bind(Date);
          Date.now = () => window.__realNow() + ahead;
          const as = (get) => ({ configurable: true, get });
          Object.defineProperty(document, 'visibilityState', as(() => state));
          Object.defineProperty(document, 'hidden', as(() => state === 'hidden'));
          document.dispatchEvent(new Event('visibilitychange'));
        }""",
        [state, ahead_ms],
    )


def test_the_lock_asks_on_opening_offline_too_and_wrong_passcodes_are_refused(phone):
    mine, theirs, marisol, _ = paired(phone)
    turn_on(marisol, "After 15 minutes")
    worker_ready(marisol)

    marisol.reload()
    assert_locked(marisol)
    enter(marisol, "135790")
    expect(marisol.locator("#lock-alert")).to_have_text(re.compile("not the passcode"))
    assert_locked(marisol)
    enter(marisol, PASSCODE)
    expect(marisol.locator("#partner-name")).to_have_text("Teodor")
    expect(marisol.locator("#my-checkin")).to_contain_text(NOTE)

    # Offline, served by the service worker: locked all the same, and it opens.
    mine.set_offline(True)
    marisol.reload()
    assert_locked(marisol)
    enter(marisol, PASSCODE)
    expect(marisol.locator("#my-checkin")).to_contain_text(NOTE)
    mine.set_offline(False)
    assert problems(mine) == [] and unexpected(theirs) == []


def test_the_lock_comes_back_after_the_chosen_time_in_the_background(phone):
    mine, theirs, marisol, _ = paired(phone)
    turn_on(marisol, "After 1 minute")

    # Half a minute away: still open.
    set_visibility(marisol, "hidden")
    with marisol.expect_response("**/api/sync/pull"):
        set_visibility(marisol, "visible", 30_000)  # coming back syncs
    expect(marisol.locator('#sync-status[data-state="synced"]')).to_be_visible()
    expect(marisol.locator("#partner-name")).to_have_text("Teodor")
    expect(marisol.locator("#lock-screen")).to_have_count(0)

    # More than a minute away: locked on coming back.
    set_visibility(marisol, "hidden", 30_000)
    set_visibility(marisol, "visible", 95_000)
    assert_locked(marisol)
    expect(marisol.locator("#sync-status")).to_be_empty()
    enter(marisol, PASSCODE)
    expect(marisol.locator("#partner-name")).to_have_text("Teodor")

    # "Immediately": covered as it goes to the background (the task switcher's snapshot).
    open_section(marisol, "Us")
    marisol.locator("#lock-settings").get_by_label(BACKGROUND).select_option(label="Immediately")
    expect(marisol.locator("#lock-settings")).to_contain_text("Saved.")
    set_visibility(marisol, "hidden", 95_000)
    assert_locked(marisol)
    set_visibility(marisol, "visible", 96_000)
    enter(marisol, PASSCODE)
    expect(marisol.locator("#partner-name")).to_have_text("Teodor")
    assert unexpected(mine) == [] and unexpected(theirs) == []


def test_ten_wrong_passcodes_send_the_outbox_then_sign_out_and_forget_the_copy(phone):
    mine, theirs, marisol, teodor = paired(phone)
    me = user_id(marisol)
    turn_on(marisol, "After 15 minutes")
    worker_ready(marisol)
    marisol.reload()
    enter(marisol, PASSCODE)
    expect(marisol.locator("#home")).to_be_visible()

    # A shared check-in written offline waits in the outbox while the phone is locked.
    open_section(marisol, "Today")
    expect(marisol.locator("#my-checkin")).to_contain_text(NOTE)
    mine.set_offline(True)
    marisol.locator("#my-checkin").get_by_role("button", name="Edit").click()
    marisol.locator("#checkin-private").uncheck()
    save_checkin(marisol, "written on the train, shared")
    expect(marisol.locator("#my-checkin")).to_contain_text("written on the train, shared")
    marisol.reload()
    assert_locked(marisol)
    mine.set_offline(False)

    for _ in range(7):
        enter(marisol, "000000")
    expect(marisol.locator("#lock-alert")).to_contain_text(
        "3 tries left: after that this phone signs out and forgets its copy"
    )
    marisol.reload()  # the count is kept
    expect(marisol.locator("#lock-alert")).to_contain_text("3 tries left")
    for left, tries in ((2, "tries"), (1, "try")):
        enter(marisol, "000000")
        expect(marisol.locator("#lock-alert")).to_have_text(
            f"That is not the passcode. {left} {tries} left: "
            "after that this phone signs out and forgets its copy."
        )
    enter(marisol, "000000")

    expect(marisol.locator("#signin-form")).to_be_visible(timeout=15_000)
    names = marisol.evaluate("indexedDB.databases().then((all) => all.map((db) => db.name))")
    assert f"hearth-{me}" not in names and "hearth-photo-cache" not in names
    assert marisol.evaluate("fetch('/api/me').then((r) => r.status)") == 401
    assert marisol.evaluate("localStorage.getItem('hearth.lock')") is None
    html = marisol.content()
    assert "Teodor" not in html and NOTE not in html

    # The last sync sent what was waiting.
    sync_now(teodor)
    expect(teodor.locator("#partner-checkin")).to_contain_text("written on the train, shared")
    assert problems(mine) == [] and unexpected(theirs) == []


def test_the_lock_is_turned_off_with_the_passcode(phone):
    mine, theirs, marisol, _ = paired(phone)
    turn_on(marisol, "Immediately")
    card = marisol.locator("#lock-settings")
    card.get_by_label("Your passcode, to turn the lock off").fill("999999")
    card.get_by_role("button", name="Turn off the lock").click()
    expect(card.get_by_role("alert")).to_have_text("That is not the passcode.")
    card.get_by_label("Your passcode, to turn the lock off").fill(PASSCODE)
    card.get_by_role("button", name="Turn off the lock").click()
    expect(card).to_contain_text("The lock is off")
    marisol.reload()
    expect(marisol.locator("#partner-name")).to_have_text("Teodor")
    expect(marisol.locator("#lock-screen")).to_have_count(0)
    assert unexpected(mine) == [] and unexpected(theirs) == []


def test_with_the_lock_on_a_notification_says_nothing_of_what_happened(phone, live_server):
    from tests.browser.test_push import NOTIFICATIONS, deliver_push

    mine, theirs, marisol, _ = paired(phone)
    mine.grant_permissions(["notifications"])
    worker_ready(marisol)
    turn_on(marisol, "After 15 minutes")
    deliver_push(mine, marisol, live_server, "Teodor checked in", "/#today")
    shown = marisol.evaluate(NOTIFICATIONS)
    assert [(n["title"], n["body"]) for n in shown] == [("Hearth", "Something new in Hearth")]
    assert shown[0]["data"] == {"navigate": f"{live_server}/#today"}
    marisol.evaluate(
        "async () => (await navigator.serviceWorker.getRegistration()).getNotifications()"
        ".then((all) => all.forEach((n) => n.close()))"
    )

    # Off again: the notification says who did what, as before.
    card = marisol.locator("#lock-settings")
    card.get_by_label("Your passcode, to turn the lock off").fill(PASSCODE)
    card.get_by_role("button", name="Turn off the lock").click()
    expect(card).to_contain_text("The lock is off")
    marisol.wait_for_function("async () => !(await caches.has('hearth-lock'))", polling=100)
    deliver_push(mine, marisol, live_server, "Teodor checked in", "/#today")
    shown = marisol.evaluate(NOTIFICATIONS)
    assert [n["title"] for n in shown] == ["Teodor checked in"]
    assert unexpected(mine) == [] and unexpected(theirs) == []


def test_the_phones_own_screen_lock_opens_it_and_a_refusal_keeps_it_locked(phone, live_server):
    # WebAuthn needs a domain, not an IP address: the same server by the name localhost.
    mine = phone(base_url=live_server.replace("127.0.0.1", "localhost"))
    page = mine.new_page()
    # A phone with a fingerprint reader or screen lock (Chromium's virtual authenticator).
    cdp = mine.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    authenticator = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )["authenticatorId"]
    sign_up(page, "ines@example.test", "Inês")
    save_checkin(page, NOTE, private=True)
    turn_on(page, "After 15 minutes")
    card = page.locator("#lock-settings")
    card.get_by_role("button", name="Also unlock with this phone's screen lock").click()
    expect(card).to_contain_text("This phone's screen lock opens Hearth too.")
    assert (
        len(cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"])
        == 1
    )

    page.reload()
    expect(page.locator("#lock-screen")).to_be_visible()
    assert NOTE not in page.content()
    page.get_by_role("button", name="Use this phone's screen lock").click()
    expect(page.locator("#my-checkin")).to_contain_text(NOTE)

    # The phone says no (a wrong fingerprint): still locked, and the passcode still works.
    cdp.send(
        "WebAuthn.setUserVerified", {"authenticatorId": authenticator, "isUserVerified": False}
    )
    page.reload()
    page.get_by_role("button", name="Use this phone's screen lock").click()
    expect(page.locator("#lock-screen")).to_contain_text("The phone did not confirm")
    assert NOTE not in page.content()
    enter(page, PASSCODE)
    expect(page.locator("#my-checkin")).to_contain_text(NOTE)
    assert unexpected(mine) == []
