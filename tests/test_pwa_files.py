"""The service worker precaches every file of the shell, and is served versioned."""

from __future__ import annotations

import re

from server.web import PWA_DIR, static_imports

# The worker stores its own script and its imports itself.
WORKER_FILES = {"/sw.js", "/js/sw/cache.js"}


def precached() -> set[str]:
    source = (PWA_DIR / "js" / "sw" / "cache.js").read_text()
    listing = source[source.index("[", source.index("SHELL_FILES")) : source.index("];")]
    return set(re.findall(r"'([^']+)'", listing))


def test_every_shell_file_is_precached_for_offline_start():
    files = {"/" + str(p.relative_to(PWA_DIR)) for p in PWA_DIR.rglob("*") if p.is_file()}
    expected = (files - WORKER_FILES - {"/index.html"}) | {"/"}
    assert precached() == expected


def test_the_worker_gets_a_version_that_follows_the_shell(client, tmp_path, monkeypatch):
    import shutil

    import server.web as web

    first = client.get("/sw.js")
    assert first.status_code == 200 and "javascript" in first.mimetype
    assert "__SHELL_VERSION__" not in first.get_data(as_text=True)
    assert "default-src 'self'" in first.headers["Content-Security-Policy"]
    assert re.search(r"VERSION = '[0-9a-f]{16}'", first.get_data(as_text=True))

    # A changed shell file gives a different worker script: browsers then offer the update.
    copy = tmp_path / "pwa"
    shutil.copytree(PWA_DIR, copy)
    (copy / "app.css").write_text((copy / "app.css").read_text() + "\n/* changed */\n")
    monkeypatch.setattr(web, "PWA_DIR", copy)
    second = client.get("/sw.js")
    assert second.get_data() != first.get_data()


def test_the_manifest_is_served_as_a_manifest(client):
    response = client.get("/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    assert response.json["display"] == "standalone"


def test_the_page_preloads_every_module_of_its_first_screen_and_no_more(client):
    # One round trip for the whole first screen instead of one per level of imports.
    page = client.get("/").get_data(as_text=True)
    preloaded = set(re.findall(r'<link rel="modulepreload" href="([^"]+)">', page))
    assert preloaded == static_imports("/js/app.js") - {"/js/app.js"}
    # What app.js and its imports import, down the tree; never a section loaded on demand.
    assert {
        "/js/core/sync.js",
        "/js/core/sync-store.js",
        "/js/memories/rules.js",
        "/js/checkins/view.js",
    } <= preloaded
    assert (
        not {"/js/memories/controller.js", "/js/memories/photo-store.js", "/js/memories/view.js"}
        & preloaded
    )
    assert all((PWA_DIR / p.lstrip("/")).is_file() for p in preloaded)
    # Every in-app route gets the same page.
    assert client.get("/join").get_data(as_text=True) == page


def test_the_page_is_revalidated_cheaply(client):
    first = client.get("/")
    assert first.headers["Cache-Control"] == "no-cache" and first.headers["ETag"]
    again = client.get("/", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_the_shell_travels_compressed_to_browsers_that_accept_it(client):
    import gzip

    plain = client.get("/js/core/sync.js")
    zipped = client.get("/js/core/sync.js", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert len(zipped.data) < len(plain.data) / 2
    assert gzip.decompress(zipped.data) == plain.data


def test_a_shell_file_is_closed_even_if_its_response_never_is(app):
    """A browser that hangs up mid-request leaves its response unclosed: no file stays open."""
    import gc
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        for path in ("/app.css", "/js/app.js", "/"):
            with app.test_request_context(path):
                response = app.full_dispatch_request()
            assert response.status_code == 200 and response.get_data()
            del response  # dropped without close(), as by a dropped connection
        gc.collect()
    assert [str(w.message) for w in caught if w.category is ResourceWarning] == []


def test_the_first_screen_stays_within_its_budget(client):
    # DESIGN §8: the page, its style sheets and the modules of the first screen, each file
    # compressed as served, at most 60 KB; sections and Today's extras load after it.
    import gzip

    page = client.get("/").get_data()
    sheets = set(re.findall(r'<link rel="stylesheet" href="([^"]+)">', page.decode()))
    files = sheets | static_imports("/js/app.js")
    zipped = len(gzip.compress(page, compresslevel=9)) + sum(
        len(gzip.compress((PWA_DIR / p.lstrip("/")).read_bytes(), compresslevel=9)) for p in files
    )
    assert zipped <= 60 * 1024, f"the first screen is {zipped} bytes gzip"
    # What loads on demand is not part of it.
    assert not {"/js/repairs/controller.js", "/js/questions/card.js"} & files
