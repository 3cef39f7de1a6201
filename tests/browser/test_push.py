"""Notifications in the browser: asked for after a tap only; a push stores the news at once."""

from __future__ import annotations

import json
import re

from playwright.sync_api import expect

from tests.browser.helpers import (
    open_section,
    paired_phones,
    save_checkin,
    sign_up,
    stored_text,
    unexpected,
    user_id,
    worker_ready,
)
from tests.conftest import ApiClient
from tests.push.conftest import b64url, stored_endpoints

FAKE_ENDPOINT = "http://127.0.0.1:9/send/alex-phone"  # loopback: accepted in testing, never reached

# Counts permission requests and subscriptions. Headless Chromium cannot reach a real push
# service without internet, so subscribe() hands out a subscription that survives reloads
# like a browser's does; requestPermission() stays the browser's own.
COUNTERS = """
(() => {
  const asks = { permission: 0, subscribe: 0 };
  Object.defineProperty(window, '__asks', { value: asks });
  const request = Notification.requestPermission.bind(Notification);
  Notification.requestPermission = (...args) => { asks.permission += 1; return request(...args); };
  const KEY = 'test-fake-subscription';
  const DROPPED = 'test-fake-unsubscribed';
  const fake = (held) => held && {
    endpoint: held.endpoint,
    options: { userVisibleOnly: true, applicationServerKey: new Uint8Array(held.key).buffer },
    toJSON: () => ({ endpoint: held.endpoint, expirationTime: null, keys: held.keys }),
    unsubscribe: async () => {
      localStorage.removeItem(KEY);
      localStorage.setItem(DROPPED, String(Number(localStorage.getItem(DROPPED) || 0) + 1));
      return true;
    },
  };
  PushManager.prototype.subscribe = async function (options) {
    asks.subscribe += 1;
    // As a push service does, a subscription made after an unsubscribe gets a new endpoint.
    const dropped = Number(localStorage.getItem(DROPPED) || 0);
    const endpoint = dropped ? `${SUBSCRIPTION.endpoint}-${dropped}` : SUBSCRIPTION.endpoint;
    const key = Array.from(new Uint8Array(options.applicationServerKey));
    const held = { ...SUBSCRIPTION, endpoint, key };
    localStorage.setItem(KEY, JSON.stringify(held));
    return fake(held);
  };
  PushManager.prototype.getSubscription = async function () {
    return fake(JSON.parse(localStorage.getItem(KEY) || 'null'));
  };
})();
"""


def fake_subscription() -> dict:
    """A subscription body with a real P-256 key, as the server validates it."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    public = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    return {
        "endpoint": FAKE_ENDPOINT,
        "keys": {"p256dh": b64url(public), "auth": b64url(b"0123456789abcdef")},
    }


def asks(page) -> dict:
    return page.evaluate("({ ...window.__asks })")


def settings_of(page) -> dict:
    return page.evaluate("fetch('/api/push/settings').then((r) => r.json())")


def test_permission_is_asked_only_after_the_tap_and_the_subscription_reaches_the_server(phone, app):
    alex_phone, _sam_phone, alex, _sam = paired_phones(phone)
    alex_phone.grant_permissions(["notifications"])
    alex_phone.add_init_script(COUNTERS.replace("SUBSCRIPTION", json.dumps(fake_subscription())))
    worker_ready(alex)
    alex.reload()
    expect(alex.locator("#home")).to_be_visible()
    for section in ("Timeline", "Agreements", "Promises", "Us", "Today", "Us"):
        open_section(alex, section)
    button = alex.get_by_role("button", name="Notify me when Sam adds something")
    expect(button).to_be_visible()
    assert asks(alex) == {"permission": 0, "subscribe": 0}
    alex_id = user_id(alex)
    assert stored_endpoints(app, alex_id) == set()

    button.click()
    settings = alex.locator("#notify-settings")
    expect(settings).to_be_visible()
    assert asks(alex) == {"permission": 1, "subscribe": 1}
    assert stored_endpoints(app, alex_id) == {FAKE_ENDPOINT}
    expect(button).to_be_hidden()

    # Settings go to the server as they are changed.
    alex.get_by_label("Nothing about it").check()
    alex.get_by_role("checkbox", name="Promises").uncheck()
    expect(settings.get_by_role("status")).to_have_text("Saved.")
    alex.get_by_label("Hold notifications during quiet hours").check()
    alex.locator("#notify-quiet-start").fill("21:30")
    expect(settings.get_by_role("status")).to_have_text("Saved.")
    saved = settings_of(alex)
    assert saved["preview"] == "none"
    assert saved["kinds"] == {
        "checkin": True,
        "memory": True,
        "agreement": True,
        "promise": False,
        "repair": True,
        "question": True,
        "ritual": True,
    }
    assert saved["quiet_hours"] == {"start": "21:30", "end": "07:00"}

    # The app re-posts its subscription every time it opens, without asking again.
    alex.evaluate(
        """(endpoint) => fetch('/api/push/subscriptions', {method: 'DELETE',
             headers: {'Content-Type': 'application/json', 'X-Requested-With': 'hearth'},
             body: JSON.stringify({endpoint})})""",
        FAKE_ENDPOINT,
    )
    assert stored_endpoints(app, alex_id) == set()
    alex.reload()
    open_section(alex, "Us")
    expect(settings).to_be_visible()
    expect(alex.get_by_label("Nothing about it")).to_be_checked()
    assert stored_endpoints(app, alex_id) == {FAKE_ENDPOINT}
    assert asks(alex)["permission"] == 0

    alex.get_by_role("button", name="Turn off on this device").click()
    expect(button).to_be_visible()
    assert stored_endpoints(app, alex_id) == set()
    alex.reload()
    open_section(alex, "Us")
    expect(button).to_be_visible()
    assert asks(alex) == {"permission": 0, "subscribe": 0}
    assert stored_endpoints(app, alex_id) == set()
    assert unexpected(alex_phone) == []


def test_an_endpoint_another_account_holds_is_replaced_by_a_fresh_one(phone, app):
    alex_phone, _sam_phone, alex, _sam = paired_phones(phone)
    alex_phone.grant_permissions(["notifications"])
    subscription = fake_subscription()
    # Kim's account, signed in on this browser before, still holds its endpoint.
    kim = ApiClient(app.test_client())
    kim_id = kim.post(
        "/api/auth/register",
        json={
            "email": "kim@example.test",
            "password": "a long enough password",
            "display_name": "Kim",
            "time_zone": "UTC",
        },
    ).json["user"]["id"]
    held = {**fake_subscription(), "endpoint": FAKE_ENDPOINT}
    assert kim.post("/api/push/subscriptions", json=held).status_code == 200
    alex_phone.add_init_script(COUNTERS.replace("SUBSCRIPTION", json.dumps(subscription)))
    worker_ready(alex)
    alex.reload()
    open_section(alex, "Us")

    alex.get_by_role("button", name="Notify me when Sam adds something").click()
    expect(alex.locator("#notify-settings")).to_be_visible()
    # Told the endpoint is taken, the app subscribed again and posted the new endpoint.
    assert asks(alex) == {"permission": 1, "subscribe": 2}
    assert stored_endpoints(app, user_id(alex)) == {f"{FAKE_ENDPOINT}-1"}
    assert stored_endpoints(app, kim_id) == {FAKE_ENDPOINT}
    assert [p for p in unexpected(alex_phone) if "status of 409" not in p] == []


def test_the_card_explains_itself_while_solo(phone):
    page = phone().new_page()
    sign_up(page, "kim@example.test", "Kim")
    open_section(page, "Us")
    card = page.locator("#notify")
    expect(card).to_contain_text("Once you are paired")
    expect(card.get_by_role("button", name=re.compile("Notify me"))).to_have_count(0)


def registration_id(session, scope: str) -> str:
    """The service worker registration's id, as DevTools knows it."""
    found: list[str] = []
    session.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: found.extend(
            r["registrationId"]
            for r in event["registrations"]
            if r["scopeURL"] == scope and not r["isDeleted"]
        ),
    )
    session.send("ServiceWorker.enable")
    # The registrations arrive as events right after enable; a cheap round trip lets them in.
    for _ in range(50):
        if found:
            return found[-1]
        session.send("Runtime.evaluate", {"expression": "1"})
    raise AssertionError("no service worker registration reported")


WAIT_FOR_STORED = """async ([name, text]) => {
  const read = () => new Promise((ok, fail) => {
    const r = indexedDB.open(name);
    r.onupgradeneeded = () => r.transaction.abort();
    r.onerror = () => fail(r.error);
    r.onsuccess = () => {
      const db = r.result;
      const all = db.transaction('records').objectStore('records').getAll();
      all.onsuccess = () => { db.close(); ok(JSON.stringify(all.result)); };
    };
  });
  const until = Date.now() + 15000;
  for (;;) {
    const stored = await read();
    if (stored.includes(text) || Date.now() > until) return stored.includes(text);
    await new Promise((ok) => setTimeout(ok, 100));
  }
}"""

NOTIFICATIONS = """async () => {
  const registration = await navigator.serviceWorker.getRegistration();
  const until = Date.now() + 15000;
  for (;;) {
    const shown = await registration.getNotifications();
    if (shown.length || Date.now() > until)
      return shown.map((n) =>
        ({ title: n.title, body: n.body, tag: n.tag, icon: n.icon, data: n.data }));
    await new Promise((ok) => setTimeout(ok, 100));
  }
}"""


def deliver_push(context, page, origin: str, title: str, path: str) -> None:
    """Hand the service worker a push message, as the browser does when one arrives."""
    session = context.new_cdp_session(page)
    payload = {
        "web_push": 8030,
        "notification": {
            "title": title,
            "body": "Open Hearth to see.",
            "navigate": f"{origin}{path}",
            "tag": "hearth-checkin",
            "lang": "en",
        },
    }
    session.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": origin,
            "registrationId": registration_id(session, f"{origin}/"),
            "data": json.dumps(payload),
        },
    )


def test_a_push_shows_a_notification_and_stores_the_news_before_the_app_opens(phone, live_server):
    alex_phone, _sam_phone, alex, sam = paired_phones(phone)
    alex_phone.grant_permissions(["notifications"])
    worker_ready(alex)
    alex_id = user_id(alex)
    assert unexpected(alex_phone) == []
    alex.close()

    # A page of Hearth's origin that does not run the app: it cannot sync anything itself.
    probe = alex_phone.new_page()
    probe.goto("/manifest.webmanifest")
    save_checkin(sam, "the tickets are booked")
    expect(sam.locator("#my-checkin")).to_contain_text("the tickets are booked")
    expect(sam.locator("#my-checkin .pending")).to_have_count(0)
    assert "the tickets are booked" not in stored_text(probe, alex_id)

    deliver_push(alex_phone, probe, live_server, "Sam checked in", "/#today")

    shown = probe.evaluate(NOTIFICATIONS)
    assert [(n["title"], n["body"], n["tag"]) for n in shown] == [
        ("Sam checked in", "Open Hearth to see.", "hearth-checkin")
    ]
    assert shown[0]["icon"].endswith("/icons/icon-192.png")
    assert shown[0]["data"] == {"navigate": f"{live_server}/#today"}
    assert probe.evaluate(WAIT_FOR_STORED, [f"hearth-{alex_id}", "the tickets are booked"])

    # Opened now, even offline, the app shows the check-in from its own database.
    alex_phone.set_offline(True)
    alex = alex_phone.new_page()
    alex.goto("/")
    expect(alex.locator("#partner-checkin")).to_contain_text("the tickets are booked")


def test_a_push_refreshes_an_open_app(phone, live_server):
    alex_phone, _sam_phone, alex, sam = paired_phones(phone)
    alex_phone.grant_permissions(["notifications"])
    worker_ready(alex)
    alex.reload()  # now controlled by the worker, which can message it
    expect(alex.locator("#home")).to_be_visible()
    save_checkin(sam, "dinner at eight")
    expect(sam.locator("#my-checkin")).to_contain_text("dinner at eight")
    expect(sam.locator("#my-checkin .pending")).to_have_count(0)

    deliver_push(alex_phone, alex, live_server, "Sam checked in", "/#today")
    # The worker asks the open page to sync at once: well before the page's own 30 s timer.
    expect(alex.locator("#partner-checkin")).to_contain_text("dinner at eight", timeout=8_000)
    assert unexpected(alex_phone) == []


def test_a_refusal_is_explained_and_nothing_is_subscribed(phone, app):
    alex_phone, _sam_phone, alex, _sam = paired_phones(phone)
    alex_phone.add_init_script(COUNTERS.replace("SUBSCRIPTION", json.dumps(fake_subscription())))
    alex.reload()
    open_section(alex, "Us")
    # Without a grant, headless Chromium answers the prompt with a refusal.
    alex.get_by_role("button", name="Notify me when Sam adds something").click()
    expect(alex.locator("#notify")).to_contain_text("Notifications are blocked for Hearth")
    expect(alex.get_by_role("button", name=re.compile("Notify me"))).to_be_hidden()
    assert asks(alex) == {"permission": 1, "subscribe": 0}
    assert stored_endpoints(app, user_id(alex)) == set()


# Runs the worker's click handler in a page with stand-in clients: the browser gives a
# notification click to the worker only when a person taps it, which no test can do.
CLICK = """async ([windows, navigate]) => {
  const { onNotificationClick } = await import('/js/sw/push.js');
  const calls = [];
  const page = (w) => ({
    url: w.url, focused: w.focused,
    focus: async () => { calls.push(['focus', w.url]); return page(w); },
    navigate: async (url) => { calls.push(['navigate', w.url, url]); return page({ ...w, url }); },
  });
  const worker = { clients: {
    matchAll: async () => windows.map(page),
    openWindow: async (url) => { calls.push(['open', url]); },
  } };
  let closed = false;
  const notification = { data: { navigate }, close: () => { closed = true; } };
  await onNotificationClick(worker, { notification });
  return { closed, calls };
}"""


def test_a_tap_on_the_notification_opens_the_app_where_the_news_is(phone, live_server):
    page = phone().new_page()
    page.goto("/")
    promises = f"{live_server}/#promises"
    today = {"url": f"{live_server}/#today", "focused": False}
    icon = {"url": f"{live_server}/icons/icon-192.png", "focused": True}

    # No app page open: one opens on the section of the news.
    assert page.evaluate(CLICK, [[icon], promises]) == {
        "closed": True,
        "calls": [["open", promises]],
    }
    # An app page open elsewhere: it is focused and moved to the section, not a second one.
    assert page.evaluate(CLICK, [[icon, today], promises])["calls"] == [
        ["focus", today["url"]],
        ["navigate", today["url"], promises],
    ]
    # Already there: only focused.
    there = {"url": promises, "focused": True}
    assert page.evaluate(CLICK, [[there], promises])["calls"] == [["focus", promises]]
    # A link to another site in a payload never leaves the app.
    assert page.evaluate(CLICK, [[], "https://elsewhere.example/"])["calls"] == [
        ["open", f"{live_server}/"]
    ]
