"""Steps the browser tests share: signing up, pairing, writing check-ins, memories and promises."""

from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import expect

# Chromium logs the 401 of a signed-out start; every other console error is a problem.
EXPECTED_CONSOLE = re.compile(r"Failed to load resource: .*status of 401")


def sign_up(page, email: str, name: str, time_zone: str | None = None) -> None:
    """Sign up through the form and wait for the home screen."""
    page.goto("/")
    page.locator("#signup-email").fill(email)
    page.locator("#signup-password").fill("a long enough password")
    page.locator("#signup-name").fill(name)
    if time_zone:
        page.locator("#signup-tz").select_option(time_zone)
    page.locator("#signup-form").get_by_role(
        "button", name=re.compile("sign up|create", re.I)
    ).click()
    expect(page.locator("#home")).to_be_visible()


def unexpected(context) -> list[str]:
    """Console errors and page errors the context saw, less the expected 401."""
    return [p for p in context.problems if not EXPECTED_CONSOLE.search(p)]


def pair(alex, sam) -> None:
    """Alex invites, Sam joins with the code; both screens show the partner."""
    alex.locator("#create-invite").click()
    code = alex.locator("#invite-code").inner_text().strip()
    sam.locator("#join-code").fill(code)
    sam.locator("#join-form").get_by_role("button").click()
    expect(sam.locator("#partner-name")).to_have_text("Alex")
    expect(alex.locator("#partner-name")).to_have_text("Sam", timeout=15_000)


def worker_ready(page) -> None:
    """Wait until the service worker is active."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")


def go_offline(context, page) -> None:
    """Let the service worker take the page over, cut the network, reopen the app from its cache."""
    worker_ready(page)
    page.reload()
    expect(page.locator("#home")).to_be_visible()
    context.set_offline(True)
    page.reload()  # served by the service worker
    expect(page.locator("#home")).to_be_visible()


def paired_phones(phone):
    """Two phones, Alex and Sam signed up and paired."""
    alex_phone, sam_phone = phone(), phone()
    alex, sam = alex_phone.new_page(), sam_phone.new_page()
    sign_up(alex, "alex@example.test", "Alex")
    sign_up(sam, "sam@example.test", "Sam")
    pair(alex, sam)
    return alex_phone, sam_phone, alex, sam


def open_section(page, name: str) -> None:
    """Tap a tab of the bottom navigation (Today, Timeline, Agreements, Promises, Us)."""
    page.locator("nav.tabs").get_by_role("link", name=name, exact=True).click()
    expect(page.locator(f"#panel-{name.lower()}")).to_be_visible()


def sync_now(page) -> None:
    """Fire the online event, which makes the app sync at once."""
    page.evaluate("window.dispatchEvent(new Event('online'))")


def save_checkin(page, note: str, *, private: bool = False) -> None:
    """Write today's check-in; once saved it shows folded, and Edit opens the form again."""
    if page.locator("#checkin-form").is_hidden():
        page.locator("#my-checkin").get_by_role("button", name="Edit").click()
    page.locator("#checkin-mood").select_option(index=3)
    page.locator("#checkin-trust").select_option(index=7)
    page.locator("#checkin-note").fill(note)
    if private:
        page.locator("#checkin-private").check()
    page.locator("#checkin-form").get_by_role("button", name=re.compile("save", re.I)).click()


def stored_text(page, user_id: str) -> str:
    """Everything in the device's IndexedDB for that user, as one string."""
    return page.evaluate(
        """async (name) => {
          const db = await new Promise((ok, fail) => {
            const r = indexedDB.open(name);
            r.onupgradeneeded = () => r.transaction.abort();  // never create it from here
            r.onsuccess = () => ok(r.result);
            r.onerror = fail;
          });
          const out = [];
          for (const store of db.objectStoreNames) {
            const all = await new Promise((ok) => {
              const r = db.transaction(store).objectStore(store).getAll();
              r.onsuccess = () => ok(r.result);
            });
            out.push(JSON.stringify(all));
          }
          db.close();
          return out.join('\\n');
        }""",
        f"hearth-{user_id}",
    )


def user_id(page) -> str:
    """The signed-in user's id."""
    return page.evaluate("fetch('/api/me').then(r => r.json()).then(b => b.user.id)")


def add_memory(page, title: str, *, story: str = "", place: str = "", private: bool = False):
    """Add a memory through the form; return its card."""
    if page.locator("#memory-form").is_hidden():
        page.locator("#memory-add").click()
    form = page.locator("#memory-form")
    form.get_by_label("Title").fill(title)
    form.get_by_label("Story").fill(story)
    form.get_by_label("Place").fill(place)
    if private:
        form.get_by_label("Keep private").check()
    form.get_by_role("button", name="Save memory").click()
    expect(form).to_be_hidden()
    return memory(page, title)


def memory(page, title: str):
    """The card of the memory with this title."""
    return page.locator(".memory").filter(
        has=page.locator(".memory-title", has_text=re.compile(f"^{re.escape(title)}$"))
    )


def make_promise(page, text: str, due: date | None = None) -> None:
    """Make a promise through the form."""
    form = page.locator("#promise-form")
    form.get_by_label("I promise to").fill(text)
    if due:
        form.get_by_label("Due date").fill(due.isoformat())
    form.get_by_role("button", name="Make this promise").click()


def promise_card(page, text: str):
    """The card of the promise with this text."""
    return page.locator(".promise", has_text=text)


# How many changes wait in the signed-in phone's outbox.
OUTBOX_COUNT = """async () => {
  const db = await new Promise((ok, fail) => {
    const r = indexedDB.open(`hearth-${localStorage.getItem('hearth.last-user')}`);
    r.onsuccess = () => ok(r.result);
    r.onerror = fail;
  });
  const n = await new Promise((ok) => {
    const r = db.transaction('outbox').objectStore('outbox').count();
    r.onsuccess = () => ok(r.result);
  });
  db.close();
  return n;
}"""
