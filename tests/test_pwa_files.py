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
