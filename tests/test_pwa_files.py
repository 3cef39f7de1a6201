"""The service worker precaches every file of the shell, and is served versioned."""

from __future__ import annotations

import re

from server.web import PWA_DIR

# The worker stores its own script and its imports itself.
WORKER_FILES = {"/sw.js", "/js/sw-cache.js"}


def precached() -> set[str]:
    source = (PWA_DIR / "js" / "sw-cache.js").read_text()
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


def static_imports(start: str) -> set[str]:
    """Every module the start module loads before it runs (dynamic import() excluded)."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        source = (PWA_DIR / path.lstrip("/")).read_text()
        folder = path.rsplit("/", 1)[0]
        for target in re.findall(r"\bfrom\s+'(\.{1,2}/[^']+)'|^import\s+'(\.{1,2}/[^']+)'", source):
            relative = target[0] or target[1]
            parts = (folder + "/" + relative).split("/")
            resolved: list[str] = []
            for part in parts:
                if part == "..":
                    resolved.pop()
                elif part not in (".", ""):
                    resolved.append(part)
            todo.append("/" + "/".join(resolved))
    return seen


def test_the_page_preloads_every_module_of_its_first_screen_and_no_more():
    # One round trip for the whole first screen instead of one per level of imports.
    html = (PWA_DIR / "index.html").read_text()
    preloaded = set(re.findall(r'<link rel="modulepreload" href="([^"]+)">', html))
    assert preloaded == static_imports("/js/app.js") - {"/js/app.js"}


def test_the_shell_travels_compressed_to_browsers_that_accept_it(client):
    import gzip

    plain = client.get("/js/sync.js")
    zipped = client.get("/js/sync.js", headers={"Accept-Encoding": "gzip"})
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
