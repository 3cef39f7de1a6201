"""PWA budgets (DESIGN §8): shell size, offline cold start, first sync, Lighthouse scores.

Run: `make bench-pwa` (or `.venv/bin/python bench/pwa_bench.py`). It serves the app
on a loopback port with a temporary SQLite database, drives Chromium with
Playwright, prints a table and one JSON line, and cleans up after itself.
Lighthouse (mobile preset) comes from the npm registry into bench/.lighthouse on
first use, and runs with the same Chromium; without npm that part is skipped.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SECRET_KEY", "bench")
os.environ["RATELIMIT_ENABLED"] = "false"

from server import create_app  # noqa: E402
from server.web import PWA_DIR, render_index, static_imports  # noqa: E402

SHELL_SUFFIXES = {".html", ".css", ".js"}
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "a long enough password"
LIGHTHOUSE_DIR = ROOT / "bench" / ".lighthouse"
LIGHTHOUSE_VERSION = "12"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def gzip_bytes(contents) -> tuple[int, int]:
    """Raw bytes and gzip bytes of files of the shell (each file compressed alone, as served)."""
    raw = zipped = 0
    for data in contents:
        raw += len(data)
        zipped += len(gzip.compress(data, compresslevel=9))
    return raw, zipped


def shell_sizes() -> dict[str, tuple[int, int]]:
    """The first screen's HTML + CSS + JS, and the whole shell the worker keeps for offline use."""
    html = render_index(PWA_DIR)  # as served: with the modulepreload links
    first = set(re.findall(r'<link rel="stylesheet" href="([^"]+)">', html.decode()))
    first |= static_imports("/js/app.js")
    files = [(PWA_DIR / p.lstrip("/")).read_bytes() for p in sorted(first)]
    every = [
        p.read_bytes()
        for p in PWA_DIR.rglob("*")
        if p.suffix in SHELL_SUFFIXES and p.name != "index.html"
    ]
    return {
        "first_screen": gzip_bytes([html, *files]),
        "offline_shell": gzip_bytes([html, *every]),
    }


def serve(app):
    import logging

    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def register(page, email: str, name: str) -> str:
    return page.evaluate(
        """async ([email, password, name]) => {
          const r = await fetch('/api/auth/register', {method: 'POST',
            headers: {'Content-Type': 'application/json', 'X-Requested-With': 'hearth'},
            body: JSON.stringify({email, password, display_name: name, time_zone: 'UTC'})});
          // As if signed up through the app's own form, which remembers an account on this browser.
          localStorage.setItem('hearth.has-account', '1');
          return (await r.json()).user.id;
        }""",
        [email, PASSWORD, name],
    )


def seed(app, user_id: str, count: int) -> None:
    """Put `count` shared records into the user's space as pushes would have."""
    import sqlalchemy as sa

    from server.accounts.models import User
    from server.db import utcnow
    from server.extensions import db
    from server.spaces.models import Space
    from server.sync.models import Record

    with app.app_context():
        user = db.session.get(User, uuid.UUID(user_id))
        space = db.session.get(Space, user.space_id)
        now = utcnow()
        rows = []
        for n in range(count):
            space.version += 1
            rows.append(
                {
                    "space_id": space.id,
                    "id": uuid.uuid4(),
                    "kind": "memory",
                    "author_id": user.id,
                    "visibility": "shared",
                    "ever_shared": True,
                    "archived": False,
                    "version": space.version,
                    "tombstone": False,
                    "created_at": now,
                    "updated_at": now,
                    "data": {
                        "title": f"Memory {n}",
                        "story": "x" * 200,
                        "tags": ["trip"],
                        "photos": [],
                        "history": [],
                        "field_versions": {},
                        "field_authors": {},
                    },
                }
            )
        db.session.execute(sa.insert(Record), rows)
        db.session.commit()


def count_records(page, user_id: str) -> int:
    return page.evaluate(
        """(name) => new Promise((ok) => {
          const r = indexedDB.open(name);
          // Never create the app's database from here: abort if it does not exist yet.
          r.onupgradeneeded = () => r.transaction.abort();
          r.onsuccess = () => {
            const db = r.result;
            if (!db.objectStoreNames.contains('records')) { db.close(); return ok(0); }
            const c = db.transaction('records').objectStore('records').count();
            c.onsuccess = () => { db.close(); ok(c.result); };
          };
          r.onerror = () => ok(0);
        })""",
        f"hearth-{user_id}",
    )


def lighthouse_bin() -> Path | None:
    """The lighthouse command, installed from npm into bench/.lighthouse on first use."""
    found = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
    if found.exists():
        return found
    if not shutil.which("npm"):
        return None
    LIGHTHOUSE_DIR.mkdir(exist_ok=True)
    subprocess.run(
        [
            "npm",
            "install",
            "--silent",
            "--prefix",
            str(LIGHTHOUSE_DIR),
            f"lighthouse@{LIGHTHOUSE_VERSION}",
        ],
        check=True,
    )
    return found if found.exists() else None


def lighthouse(command: Path, chromium: str, url: str, cookie: str | None) -> dict:
    """Run Lighthouse's mobile preset on a URL; return its category scores and main timings."""
    out = Path(tempfile.mkdtemp(prefix="hearth-lh-")) / "report.json"
    args = [
        str(command),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
    ]
    if cookie:
        args.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    subprocess.run(args, check=True, env={**os.environ, "CHROME_PATH": chromium}, timeout=300)
    report = json.loads(out.read_text())
    shutil.rmtree(out.parent, ignore_errors=True)
    scores = {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}
    audits = report["audits"]
    for audit in ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time"):
        scores[audit] = audits[audit]["displayValue"]
    return scores


def main() -> None:
    from playwright.sync_api import sync_playwright

    sizes = shell_sizes()
    raw, zipped = sizes["first_screen"]
    workdir = Path(tempfile.mkdtemp(prefix="hearth-pwa-bench-"))
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'bench.db'}",
            "ARGON2_MEMORY_COST": 1024,
            "ARGON2_TIME_COST": 1,
            "ARGON2_PARALLELISM": 1,
        }
    )
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
    server, base = serve(app)
    chromium = os.environ.get("HEARTH_CHROMIUM") or shutil.which("chromium")
    results: dict = {
        "shell_first_screen_raw_bytes": raw,
        "shell_first_screen_gzip_bytes": zipped,
        "shell_offline_raw_bytes": sizes["offline_shell"][0],
        "shell_offline_gzip_bytes": sizes["offline_shell"][1],
    }
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=ARGS)
            # Offline cold start: a signed-in phone, then offline, then fresh pages.
            context = browser.new_context(base_url=base, viewport={"width": 390, "height": 844})
            page = context.new_page()
            page.goto("/")
            register(page, "cold@example.test", "Cold")
            page.goto("/")
            page.evaluate("navigator.serviceWorker.ready.then(() => true)")
            page.reload()
            page.wait_for_selector("#checkin-form", timeout=15_000)
            context.set_offline(True)
            page.close()
            starts = []
            for _ in range(7):
                page = context.new_page()
                begin = time.perf_counter()
                page.goto("/")
                page.wait_for_selector("#checkin-form", state="visible", timeout=15_000)
                starts.append((time.perf_counter() - begin) * 1000)
                page.close()
            context.close()
            results["offline_cold_start_ms_median"] = round(statistics.median(starts), 1)
            results["offline_cold_start_ms_all"] = [round(s) for s in starts]

            # First sync of 5 000 records into a fresh browser.
            setup = browser.new_context(base_url=base)
            page = setup.new_page()
            page.goto("/")
            owner = register(page, "big@example.test", "Big")
            setup.close()
            seed(app, owner, 5000)
            fresh = browser.new_context(base_url=base)
            page = fresh.new_page()
            page.goto("/")
            page.evaluate(
                """([email, password]) => fetch('/api/auth/login', {method: 'POST',
                  headers: {'Content-Type': 'application/json', 'X-Requested-With': 'hearth'},
                  body: JSON.stringify({email, password})})
                  .then(() => localStorage.setItem('hearth.has-account', '1'))""",
                ["big@example.test", PASSWORD],
            )
            begin = time.perf_counter()
            page.goto("/")
            deadline = begin + 60
            while count_records(page, owner) < 5000 and time.perf_counter() < deadline:
                time.sleep(0.02)
            results["first_sync_5000_s"] = round(time.perf_counter() - begin, 2)
            results["first_sync_records"] = count_records(page, owner)
            fresh.close()
            browser.close()

        command = lighthouse_bin()
        if command:
            # The first screen a new user sees, and Today as a signed-in partner opens it.
            results["lighthouse_signed_out"] = lighthouse(command, chromium, f"{base}/", None)
            client = app.test_client()
            client.post(
                "/api/auth/login",
                json={"email": "cold@example.test", "password": PASSWORD},
                headers={"X-Requested-With": "hearth"},
            )
            cookie = client.get_cookie("hearth_session")
            results["lighthouse_today"] = lighthouse(
                command, chromium, f"{base}/", f"hearth_session={cookie.value}"
            )
    finally:
        server.shutdown()
        shutil.rmtree(workdir, ignore_errors=True)

    print("Hearth PWA benchmark (Chromium, headless; app on loopback, SQLite)")
    print(f"  machine   {os.cpu_count()} CPUs")
    print(
        f"  shell, first screen     {raw / 1024:.1f} KB raw, {zipped / 1024:.1f} KB gzip"
        f"   budget <= 60 KB gzip   {'ok' if zipped <= 60 * 1024 else 'OVER'}"
    )
    offline_raw, offline_zipped = sizes["offline_shell"]
    print(
        f"  shell, all for offline  {offline_raw / 1024:.1f} KB raw, {offline_zipped / 1024:.1f} KB"
        " gzip (the worker fetches the other sections after the first screen)"
    )
    cold = results["offline_cold_start_ms_median"]
    print(
        f"  offline cold start      {cold:.0f} ms median to an interactive Today view"
        f"   budget <= 500 ms   {'ok' if cold <= 500 else 'OVER'}"
    )
    first = results["first_sync_5000_s"]
    print(
        f"  first sync, 5 000       {first:.2f} s into a fresh browser"
        f" ({results['first_sync_records']} records in IndexedDB)"
        f"   budget <= 2.5 s   {'ok' if first <= 2.5 else 'OVER'}"
    )
    for key, label in (("lighthouse_signed_out", "signed out"), ("lighthouse_today", "Today")):
        scores = results.get(key)
        if not scores:
            print(f"  Lighthouse ({label})      not measured: npm is not available")
            continue
        print(
            f"  Lighthouse mobile, {label:<10} "
            + ", ".join(f"{name} {scores[name]}" for name in CATEGORIES)
            + f" (FCP {scores['first-contentful-paint']}, LCP {scores['largest-contentful-paint']},"
            f" TBT {scores['total-blocking-time']})"
        )
    print(json.dumps(results))


if __name__ == "__main__":
    main()
