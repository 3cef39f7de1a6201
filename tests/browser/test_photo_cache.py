"""Photos seen once stay viewable offline, within a size limit, and nowhere after sign-out."""

from __future__ import annotations

import base64
import re
import threading

import pytest
from playwright.sync_api import expect

from server.blobs import service as blob_service
from tests.blobs.conftest import photo, sha
from tests.browser.helpers import open_section, sign_up, unexpected, worker_ready

PHOTO_CACHE = "hearth-photos"
PHOTO_DB = "hearth-photo-cache"
# Chromium reports the refused unknown photo and, offline, every photo the worker cannot serve.
EXPECTED_FAILURES = re.compile(r"status of 404|net::ERR_(FAILED|INTERNET_DISCONNECTED)")

UPLOAD = """async ([hash, b64]) => {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const response = await fetch('/api/blobs/' + hash, { method: 'PUT', body: bytes,
    headers: { 'Content-Type': 'image/jpeg', 'X-Requested-With': 'hearth' } });
  return response.status;
}"""

# 'no-store' keeps the HTTP cache out of it: an answer offline can only come from the worker.
LOAD = """async (url) => {
  try {
    const response = await fetch(url, { cache: 'no-store' });
    if (!response.ok) return { status: response.status };
    const digest = await crypto.subtle.digest('SHA-256', await response.arrayBuffer());
    return { status: response.status, digest: Array.from(new Uint8Array(digest)).join(',') };
  } catch {
    return { status: 'failed' };
  }
}"""

SHOWN = """(url) => new Promise((ok) => {
  const img = new Image();
  img.onload = () => ok(img.naturalWidth > 0);
  img.onerror = () => ok(false);
  img.src = url;
})"""

CACHED = """(name) => caches.open(name)
  .then((cache) => cache.keys())
  .then((requests) => requests.map((r) => new URL(r.url).pathname).sort())"""

# The worker keeps a photo after answering; wait for the cache to hold exactly these paths.
CACHED_WHEN = """async ([name, expected]) => {
  const wanted = JSON.stringify([...expected].sort());
  const until = Date.now() + 15000;
  for (;;) {
    const cache = await caches.open(name);
    const paths = (await cache.keys()).map((r) => new URL(r.url).pathname).sort();
    if (JSON.stringify(paths) === wanted || Date.now() > until) return paths;
    await new Promise((ok) => setTimeout(ok, 50));
  }
}"""

# The worker's bookkeeping, read (and written) as it is: never created from the page.
BOOK = """async ([name, limit]) => {
  const db = await new Promise((ok, fail) => {
    const r = indexedDB.open(name);
    r.onupgradeneeded = () => r.transaction.abort();
    r.onsuccess = () => ok(r.result);
    r.onerror = () => fail(r.error);
  });
  const tx = db.transaction(['entries', 'meta'], 'readwrite');
  if (limit !== null) tx.objectStore('meta').put(limit, 'limit');
  const all = tx.objectStore('entries').getAll();
  await new Promise((ok, fail) => { tx.oncomplete = ok; tx.onerror = fail; });
  db.close();
  return all.result.map((e) => ({ path: new URL(e.url).pathname, size: e.size, used: e.used }));
}"""

# Whether the bookkeeping comes to say that a was served after b.
USED_LATER = """async ([name, a, b]) => {
  const until = Date.now() + 15000;
  for (;;) {
    const db = await new Promise((ok, fail) => {
      const r = indexedDB.open(name);
      r.onsuccess = () => ok(r.result);
      r.onerror = () => fail(r.error);
    });
    const all = await new Promise((ok) => {
      const r = db.transaction('entries').objectStore('entries').getAll();
      r.onsuccess = () => ok(r.result);
    });
    db.close();
    const used = Object.fromEntries(all.map((e) => [new URL(e.url).pathname, e.used]));
    if (used[a] > used[b] || Date.now() > until) return used[a] > used[b];
    await new Promise((ok) => setTimeout(ok, 50));
  }
}"""

# As the page does on sign-out.
CLEAR = """async ([name, book]) => {
  const { clearPhotos } = await import('/js/sw/photos.js');
  await clearPhotos();
  const databases = (await indexedDB.databases()).map((d) => d.name);
  return { cache: await caches.has(name), book: databases.includes(book) };
}"""


@pytest.fixture
def app(app_factory, tmp_path):
    """The app with a photo folder of the test's own."""
    return app_factory(BLOB_DIR=str(tmp_path / "blobs"))


def controlled_page(phone):
    """A signed-in page that the service worker controls."""
    device = phone()
    page = device.new_page()
    sign_up(page, "kim@example.test", "Kim")
    worker_ready(page)
    page.reload()  # the first load ran without the worker
    expect(page.locator("#home")).to_be_visible()
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    return device, page


def upload(page, seed: int) -> str:
    """Upload a new photo from the page; return its hash."""
    data = photo(width=800, height=600, seed=seed)
    hash_ = sha(data)
    status = page.evaluate(UPLOAD, [hash_, base64.b64encode(data).decode()])
    assert status == 201
    return hash_


def thumb(hash_: str) -> str:
    return f"/api/blobs/{hash_}/thumb"


def load(page, url: str) -> dict:
    return page.evaluate(LOAD, url)


def load_bytes(page, hash_: str) -> bytes:
    """A thumbnail's bytes as the server sends them, past the worker (a request it leaves alone)."""
    response = page.request.get(thumb(hash_))
    assert response.status == 200
    return response.body()


def cached_when(page, *paths: str) -> list[str]:
    return page.evaluate(CACHED_WHEN, [PHOTO_CACHE, list(paths)])


def book(page, limit: int | None = None) -> dict[str, dict]:
    """The bookkeeping entries by path; with a limit, write it first."""
    return {e["path"]: e for e in page.evaluate(BOOK, [PHOTO_DB, limit])}


def other_problems(device) -> list[str]:
    return [p for p in unexpected(device) if not EXPECTED_FAILURES.search(p)]


def test_a_photo_seen_once_shows_offline_and_an_error_is_never_kept(phone):
    device, page = controlled_page(phone)
    seen, unseen = upload(page, 1), upload(page, 2)
    unknown = "0" * 64

    assert load(page, thumb(unknown)) == {"status": 404}
    online = load(page, thumb(seen))
    assert online["status"] == 200
    # The 404 came first: had the worker kept it, it would be in by now.
    assert cached_when(page, thumb(seen)) == [thumb(seen)]
    entry = book(page)[thumb(seen)]
    assert entry["size"] > 0 and entry["used"] > 0

    device.set_offline(True)
    assert load(page, thumb(seen)) == online
    assert page.evaluate(SHOWN, thumb(seen)) is True
    assert load(page, thumb(unseen)) == {"status": "failed"}
    assert page.evaluate(SHOWN, thumb(unseen)) is False
    assert load(page, thumb(unknown)) == {"status": "failed"}
    assert load(page, f"/api/blobs/{seen}") == {"status": "failed"}  # the full photo is its own
    assert page.evaluate(CACHED, PHOTO_CACHE) == [thumb(seen)]
    device.set_offline(False)
    assert other_problems(device) == []


def test_the_least_recently_used_photo_makes_room_when_the_limit_is_reached(phone):
    device, page = controlled_page(phone)
    first, second, third = (upload(page, seed) for seed in (3, 4, 5))

    assert load(page, thumb(first))["status"] == 200
    assert cached_when(page, thumb(first)) == [thumb(first)]
    sizes = {h: len(load_bytes(page, h)) for h in (first, second, third)}
    assert page.evaluate(CACHED, PHOTO_CACHE) == [thumb(first)]  # sizes read past the cache
    # Room for any two of the three thumbnails, never for all three.
    limit = max(sizes[first] + sizes[second], sizes[first] + sizes[third])
    book(page, limit)

    assert load(page, thumb(second))["status"] == 200
    assert cached_when(page, thumb(first), thumb(second)) == sorted([thumb(first), thumb(second)])
    # Looking at the first again makes the second the least recently used.
    assert load(page, thumb(first))["status"] == 200
    assert page.evaluate(USED_LATER, [PHOTO_DB, thumb(first), thumb(second)])

    assert load(page, thumb(third))["status"] == 200
    kept = sorted([thumb(first), thumb(third)])
    assert cached_when(page, *kept) == kept
    entries = book(page)
    assert sorted(entries) == kept
    assert {p: e["size"] for p, e in entries.items()} == {
        thumb(first): sizes[first],
        thumb(third): sizes[third],
    }

    device.set_offline(True)
    assert load(page, thumb(first))["status"] == 200
    assert load(page, thumb(second)) == {"status": "failed"}
    device.set_offline(False)
    assert other_problems(device) == []


def test_clearing_photos_empties_the_cache_and_caching_goes_on_after(phone):
    device, page = controlled_page(phone)
    kept = upload(page, 6)
    assert load(page, thumb(kept))["status"] == 200
    assert load(page, f"/api/blobs/{kept}")["status"] == 200
    both = sorted([thumb(kept), f"/api/blobs/{kept}"])
    assert cached_when(page, *both) == both

    assert page.evaluate(CLEAR, [PHOTO_CACHE, PHOTO_DB]) == {"cache": False, "book": False}
    device.set_offline(True)
    assert load(page, thumb(kept)) == {"status": "failed"}
    device.set_offline(False)

    # The worker let go of its deleted bookkeeping and keeps photos again.
    assert load(page, thumb(kept))["status"] == 200
    assert cached_when(page, thumb(kept)) == [thumb(kept)]
    assert list(book(page)) == [thumb(kept)]
    assert other_problems(device) == []


def test_signing_out_leaves_no_photo_on_the_device(phone):
    device, page = controlled_page(phone)
    kept = upload(page, 7)
    assert load(page, thumb(kept))["status"] == 200
    assert cached_when(page, thumb(kept)) == [thumb(kept)]

    open_section(page, "Us")
    page.locator("#sign-out").click()
    expect(page.locator("#signin-form")).to_be_visible()
    assert cached_when(page) == []
    assert other_problems(device) == []


# How someone using the browser after the sign-out could ask for a photo whose address they know.
FROM_ANY_CACHE = """async (url) => {
  const answers = {};
  for (const mode of ['force-cache', 'only-if-cached']) {
    try {
      const response = await fetch(url, { cache: mode, mode: 'same-origin' });
      answers[mode] = response.status;
    } catch {
      answers[mode] = 'failed';
    }
  }
  return answers;
}"""


def bypassing_the_worker(device, page, bypass: bool):
    """Send the page's requests past the service worker, as after a hard reload."""
    cdp = device.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setBypassServiceWorker", {"bypass": bypass})
    return cdp


def test_after_sign_out_the_browsers_http_cache_holds_no_photo(phone):
    device, page = controlled_page(phone)
    through_worker, past_worker = upload(page, 8), upload(page, 9)
    assert page.evaluate(SHOWN, thumb(through_worker)) is True
    assert cached_when(page, thumb(through_worker)) == [thumb(through_worker)]
    cdp = bypassing_the_worker(device, page, True)
    assert page.evaluate(SHOWN, thumb(past_worker)) is True
    cdp.send("Network.setBypassServiceWorker", {"bypass": False})

    open_section(page, "Us")
    page.locator("#sign-out").click()
    expect(page.locator("#signin-form")).to_be_visible()
    assert cached_when(page) == []

    for hash_ in (through_worker, past_worker):
        # Through the worker, whose own cache is empty now.
        assert page.evaluate(FROM_ANY_CACHE, thumb(hash_)) == {
            "force-cache": 401,
            "only-if-cached": 401,
        }
        assert page.evaluate(SHOWN, thumb(hash_)) is False
    cdp.send("Network.setBypassServiceWorker", {"bypass": True})
    for hash_ in (through_worker, past_worker):
        assert page.evaluate(FROM_ANY_CACHE, thumb(hash_)) == {
            "force-cache": 401,
            "only-if-cached": "failed",
        }
    problems = [p for p in other_problems(device) if "net::ERR_CACHE_MISS" not in p]
    assert problems == []


def test_a_photo_arriving_after_its_cache_was_cleared_is_not_kept(phone, monkeypatch):
    device, page = controlled_page(phone)
    late, next_one = upload(page, 10), upload(page, 11)
    reached, answer = threading.Event(), threading.Event()
    read = blob_service.read

    def slow_read(blob, variant):
        if blob.hash == late:
            reached.set()
            answer.wait(timeout=30)
        return read(blob, variant)

    monkeypatch.setattr(blob_service, "read", slow_read)
    try:
        page.evaluate("(url) => { window.late = fetch(url).then((r) => r.status); }", thumb(late))
        assert reached.wait(timeout=15)
        # Sign-out clears the photos while that photo is on its way.
        assert page.evaluate(CLEAR, [PHOTO_CACHE, PHOTO_DB]) == {"cache": False, "book": False}
    finally:
        answer.set()
    assert page.evaluate("() => window.late") == 200

    # Another photo is kept as usual, and the late one is not beside it.
    assert load(page, thumb(next_one))["status"] == 200
    assert cached_when(page, thumb(next_one)) == [thumb(next_one)]
    assert list(book(page)) == [thumb(next_one)]
    assert other_problems(device) == []
