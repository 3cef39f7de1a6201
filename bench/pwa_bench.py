"""PWA budgets (DESIGN §8): shell size, offline cold start, first sync, Lighthouse scores.

Run: `make bench-pwa` (or `.venv/bin/python bench/pwa_bench.py`). It serves the app
on a loopback port with a temporary SQLite database, drives Chromium with
Playwright, prints a table and one JSON line, and cleans up after itself.
Lighthouse (mobile preset) comes from the npm registry into bench/.lighthouse on
first use, and runs with the same Chromium; without npm that part is skipped.

The first sync is a paired couple's space of 5 000 records as the sync benchmark
builds it (both partners' check-ins, about 70 %, and memories), every one of them
shared, into a fresh browser whose service worker is already installed (as after
the sign-in screen). It is timed from opening the app until IndexedDB holds every
record, and until the status line says synced; three runs, each in a new space.

    .venv/bin/python bench/pwa_bench.py [--only first-sync] [--runs 3]
"""

from __future__ import annotations

import argparse
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
os.environ.setdefault("LOG_LEVEL", "WARNING")  # a line per request would drown the table

# sync_bench is beside this file (bench/ is not a package).
from sync_bench import insert_history  # noqa: E402

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
FIRST_SYNC = 5_000
FIRST_SYNC_RUNS = 3
FIRST_SYNC_BUDGET_S = 2.0
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


def couple(app, run: int) -> tuple[str, str, str]:
    """Sign up two people and pair them; return the first one's email and both ids."""
    emails = [f"first-{run}-{n}@example.test" for n in range(2)]
    clients, ids = [], []
    for n, email in enumerate(emails):
        client = app.test_client()
        answer = client.post(
            "/api/auth/register",
            json={
                "email": email,
                "password": PASSWORD,
                "display_name": f"Partner {n}",
                "time_zone": "UTC",
            },
            headers={"X-Requested-With": "hearth"},
        )
        assert answer.status_code == 201, answer.get_json()
        clients.append(client)
        ids.append(answer.get_json()["user"]["id"])
    invite = clients[0].post("/api/pairing/invites", headers={"X-Requested-With": "hearth"})
    accepted = clients[1].post(
        "/api/pairing/accept",
        json={"code": invite.get_json()["code"]},
        headers={"X-Requested-With": "hearth"},
    )
    assert accepted.status_code == 200, accepted.get_json()
    return emails[0], ids[0], ids[1]


def seed(app, members: tuple[str, str], count: int, run: int) -> None:
    """Put `count` shared records into the couple's space as pushes would have left them."""
    from server.accounts.models import User
    from server.extensions import db

    with app.app_context():
        space_id = db.session.get(User, uuid.UUID(members[0])).space_id
        db.session.rollback()
        with db.engine.begin() as conn:
            insert_history(
                conn, space_id, [uuid.UUID(m) for m in members], count, in_use=False, seed=run
            )


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


def cold_starts(browser, base: str) -> list[float]:
    """Milliseconds from opening the app offline to an interactive Today view, seven times."""
    # A signed-in phone, then offline, then fresh pages.
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
    return starts


def first_sync(browser, app, base: str, run: int) -> dict:
    """One first sync of a couple's space into a fresh browser; seconds to stored and to synced."""
    email, owner, partner = couple(app, run)
    seed(app, (owner, partner), FIRST_SYNC, run)
    fresh = browser.new_context(base_url=base)
    try:
        page = fresh.new_page()
        # The sign-in screen installs the worker; the person signs in once it has.
        page.goto("/")
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.evaluate(
            """([email, password]) => fetch('/api/auth/login', {method: 'POST',
              headers: {'Content-Type': 'application/json', 'X-Requested-With': 'hearth'},
              body: JSON.stringify({email, password})})
              .then(() => localStorage.setItem('hearth.has-account', '1'))""",
            [email, PASSWORD],
        )
        begin = time.perf_counter()
        page.goto("/")
        deadline = begin + 60
        while count_records(page, owner) < FIRST_SYNC and time.perf_counter() < deadline:
            time.sleep(0.02)
        stored = time.perf_counter() - begin
        page.wait_for_selector(
            '#sync-status[data-state="synced"]', state="attached", timeout=60_000
        )
        synced = time.perf_counter() - begin
        return {"stored_s": stored, "synced_s": synced, "records": count_records(page, owner)}
    finally:
        fresh.close()


def parse_args() -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only", choices=["first-sync"], help="measure only this (no shell sizes, no Lighthouse)"
    )
    parser.add_argument("--runs", type=int, default=FIRST_SYNC_RUNS, help="first syncs to time")
    return parser.parse_args()


def main() -> None:
    from playwright.sync_api import sync_playwright

    args = parse_args()
    everything = args.only is None
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
    results: dict = {}
    if everything:
        results.update(
            shell_first_screen_raw_bytes=raw,
            shell_first_screen_gzip_bytes=zipped,
            shell_offline_raw_bytes=sizes["offline_shell"][0],
            shell_offline_gzip_bytes=sizes["offline_shell"][1],
        )
    load_before = os.getloadavg()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=ARGS)
            if everything:
                starts = cold_starts(browser, base)
                results["offline_cold_start_ms_median"] = round(statistics.median(starts), 1)
                results["offline_cold_start_ms_all"] = [round(s) for s in starts]
            runs = [first_sync(browser, app, base, run) for run in range(args.runs)]
            results["first_sync_stored_s"] = [round(r["stored_s"], 2) for r in runs]
            results["first_sync_synced_s"] = [round(r["synced_s"], 2) for r in runs]
            results["first_sync_synced_s_median"] = round(
                statistics.median(r["synced_s"] for r in runs), 2
            )
            results["first_sync_records"] = [r["records"] for r in runs]
            browser.close()
        results["load_average"] = [round(load_before[0], 2), round(os.getloadavg()[0], 2)]

        command = lighthouse_bin() if everything else None
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
    print(
        f"  machine   {os.cpu_count()} CPUs, load average {results['load_average'][0]:.2f} before"
    )
    if everything:
        print(
            f"  shell, first screen     {raw / 1024:.1f} KB raw, {zipped / 1024:.1f} KB gzip"
            f"   budget <= 60 KB gzip   {'ok' if zipped <= 60 * 1024 else 'OVER'}"
        )
        offline_raw, offline_zipped = sizes["offline_shell"]
        print(
            f"  shell, all for offline  {offline_raw / 1024:.1f} KB raw,"
            f" {offline_zipped / 1024:.1f} KB gzip"
            " (the worker fetches the other sections after the first screen)"
        )
        cold = results["offline_cold_start_ms_median"]
        print(
            f"  offline cold start      {cold:.0f} ms median to an interactive Today view"
            f"   budget <= 500 ms   {'ok' if cold <= 500 else 'OVER'}"
        )
    first = results["first_sync_synced_s_median"]
    stored = ", ".join(f"{s:.2f}" for s in results["first_sync_stored_s"])
    synced = ", ".join(f"{s:.2f}" for s in results["first_sync_synced_s"])
    print(
        f"  first sync, 5 000       {first:.2f} s median to synced"
        f"   budget <= {FIRST_SYNC_BUDGET_S} s   {'ok' if first <= FIRST_SYNC_BUDGET_S else 'OVER'}"
    )
    print(f"    a couple's space, into a fresh browser: stored {stored} s; synced {synced} s")
    for key, label in (("lighthouse_signed_out", "signed out"), ("lighthouse_today", "Today")):
        if not everything:
            break
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
