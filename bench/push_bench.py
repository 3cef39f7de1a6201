"""Push benchmark: the delivery budget of DESIGN §8, and how soon a partner hears of a change.

It runs a small push service on loopback in a child process (it checks every
request's VAPID signature, as browsers' push services do, and answers 201),
builds the app on a SQLite file of its own, then measures:

- notifications per second of one worker: the queue's `push.send` task run in
  one thread (database lookup, encryption, VAPID header, HTTP POST), and in four
  threads for comparison (budget: >= 100/s per worker);
- the latency from a partner's sync push request (POST /api/sync/push over HTTP)
  to its notification reaching the push service, with the SQLite task queue and
  its consumer running in-process as `flask push-worker` runs it: back to back,
  and after the worker has been idle for a while (an idle consumer polls less often).

It prints a table and one JSON line. It is a benchmark, not a test: it exits 0
whatever the figures, and only fails when something does not work.

    make bench-push
    .venv/bin/python bench/push_bench.py [--messages 1000] [--samples 30]

Everything it starts or creates is stopped or removed at the end.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import platform
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BUDGET_PER_WORKER = 100.0
PASSWORD = "bench password 2026"
DEVICES = 20  # subscriptions the throughput run cycles through
IDLE_SECONDS = 2.5


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


# --- the push service (child process) ------------------------------------------------


def serve() -> None:
    """Run the push service: verify VAPID, answer 201, report each arrival on stdout."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from py_vapid import Vapid02

    out = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as real push services allow

        def log_message(self, *args) -> None:
            pass

        def do_POST(self) -> None:
            arrived = time.time_ns()
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            auth = self.headers.get("Authorization", "")
            ok = (
                self.headers.get("Content-Encoding") == "aes128gcm"
                and bool(self.headers.get("TTL"))
                and Vapid02.verify(auth)
            )
            self.send_response(201 if ok else 403)
            self.send_header("Content-Length", "0")
            self.end_headers()
            with out:
                print(f"{arrived} {self.path} {int(ok)}", flush=True)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(f"port {server.server_address[1]}", flush=True)
    server.serve_forever()


class PushService:
    """The child process and what it reported, path by path."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--serve"], stdout=subprocess.PIPE, text=True
        )
        first = self.proc.stdout.readline().split()
        if not first or first[0] != "port":
            raise SystemExit("the push service did not start")
        self.base = f"http://127.0.0.1:{first[1]}"
        self.arrivals: dict[str, list[float]] = {}
        self.refused = 0
        self.changed = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            arrived, path, ok = line.split()
            with self.changed:
                if ok == "1":
                    self.arrivals.setdefault(path, []).append(int(arrived) / 1e9)
                else:
                    self.refused += 1
                self.changed.notify_all()

    def count(self) -> int:
        with self.changed:
            return sum(len(v) for v in self.arrivals.values())

    def wait(self, test, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        with self.changed:
            while not test():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise SystemExit("the push service did not get what was expected in time")
                self.changed.wait(left)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


# --- the app --------------------------------------------------------------------------


def browser_keys() -> dict[str, str]:
    """A subscription's keys, as a browser makes them."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    public = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    return {"p256dh": b64url(public), "auth": b64url(os.urandom(16))}


def make_app(folder: Path):
    from flask_migrate import upgrade

    from server import create_app

    app = create_app(
        {
            "HEARTH_ENV": "development",  # loopback push endpoints are accepted
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'hearth.db'}",
            "VAPID_KEY_FILE": str(folder / "vapid.pem"),
            "PUSH_QUEUE": "sqlite",
            "PUSH_QUEUE_FILE": str(folder / "push-queue.db"),
            "PUSH_COALESCE_SECONDS": 0,  # every change its own notification
            "RATELIMIT_ENABLED": False,
            "LOG_LEVEL": "WARNING",
        }
    )
    with app.app_context():
        upgrade()
    return app


class Person:
    """A signed-in HTTP client of the running app."""

    def __init__(self, base: str, name: str) -> None:
        import requests

        self.base = base
        self.http = requests.Session()
        self.http.headers.update({"X-Requested-With": "hearth", "Accept": "application/json"})
        self.client_id = secrets.token_urlsafe(18)
        self.next_id = 1
        self.call(
            "POST",
            "/api/auth/register",
            {
                "email": f"{name.lower()}-{uuid.uuid4().hex[:8]}@bench.test",
                "password": PASSWORD,
                "display_name": name,
                "time_zone": "Europe/Paris",
            },
        )

    def call(self, method: str, path: str, body=None):
        response = self.http.request(method, self.base + path, json=body, timeout=30)
        if response.status_code >= 400:
            raise SystemExit(f"{method} {path}: {response.status_code} {response.text[:200]}")
        return response.json() if response.content else None

    def make_promise(self) -> None:
        mutation = {
            "id": self.next_id,
            "name": "promise.make",
            "args": {"id": str(uuid.uuid4()), "text": "call before the train"},
        }
        self.next_id += 1
        self.call(
            "POST",
            "/api/sync/push",
            {"client_id": self.client_id, "schema_version": 1, "mutations": [mutation]},
        )


def serve_app(app):
    import logging

    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


# --- measurements ---------------------------------------------------------------------


def throughput(app, service: PushService, subscription_ids: list[int], messages: int, threads: int):
    """Run `messages` push.send tasks on `threads` threads; return notifications per second."""
    from server.push.queue import queue_of

    send = queue_of(app).send
    message = {
        "title": "Sam made a promise",
        "body": "Open Hearth to see.",
        "path": "/#promises",
        "tag": "hearth-promise",
    }
    before = service.count()

    def work(n: int) -> None:
        with app.app_context():
            for i in range(n):
                send.call_local(subscription_ids[i % len(subscription_ids)], message, 1)

    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(work, [messages // threads] * threads))
    elapsed = time.perf_counter() - started
    sent = (messages // threads) * threads
    service.wait(lambda: service.count() - before >= sent)
    return sent / elapsed


def latencies(sam: Person, service: PushService, path: str, samples: int, idle: float):
    """Sam's sync pushes one change at a time; how long until Alex's push service has it."""
    delays, requests_ms = [], []
    for _ in range(samples):
        if idle:
            time.sleep(idle)  # let the consumer back off, as it does between real changes
        seen = len(service.arrivals.get(path, []))
        started = time.time()
        sam.make_promise()
        requests_ms.append((time.time() - started) * 1000)
        service.wait(lambda seen=seen: len(service.arrivals.get(path, [])) > seen)
        delays.append((service.arrivals[path][seen] - started) * 1000)
    return delays, requests_ms


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--samples", type=int, default=30)
    args = parser.parse_args()
    if args.serve:
        serve()
        return

    os.environ.setdefault("SECRET_KEY", "bench-secret-key")
    folder = Path(tempfile.mkdtemp(prefix="hearth-push-bench-"))
    service = PushService()
    consumer = server = None
    try:
        app = make_app(folder)
        server, base = serve_app(app)
        alex, sam = Person(base, "Alex"), Person(base, "Sam")
        code = alex.call("POST", "/api/pairing/invites")["code"]
        sam.call("POST", "/api/pairing/accept", {"code": code})
        paths = [f"/send/alex-{i}" for i in range(DEVICES)]
        for path in paths:
            alex.call(
                "POST",
                "/api/push/subscriptions",
                {"endpoint": service.base + path, "keys": browser_keys()},
            )
        from sqlalchemy import select

        from server.extensions import db
        from server.push.models import PushSubscription

        with app.app_context():
            ids = list(
                db.session.scalars(select(PushSubscription.id).order_by(PushSubscription.id))
            )

        throughput(app, service, ids, 50, 1)  # warm up connections and caches
        one = throughput(app, service, ids, args.messages, 1)
        four = throughput(app, service, ids, args.messages, 4)

        # Only one of Alex's devices for the latency runs: one arrival per change.
        for path in paths[1:]:
            alex.call("DELETE", "/api/push/subscriptions", {"endpoint": service.base + path})
        from server.push.queue import queue_of

        consumer = queue_of(app).huey.create_consumer(
            workers=app.config["PUSH_WORKERS"], worker_type="thread", periodic=False, max_delay=1.0
        )
        consumer.start()
        latencies(sam, service, paths[0], 3, 0)  # warm up
        busy, busy_requests = latencies(sam, service, paths[0], args.samples, 0)
        idle, idle_requests = latencies(
            sam, service, paths[0], max(5, args.samples // 3), IDLE_SECONDS
        )
        if service.refused:
            raise SystemExit(f"the push service refused {service.refused} requests")
    finally:
        if consumer is not None:
            consumer.stop(graceful=True)
        if server is not None:
            server.shutdown()
        service.stop()
        for file in folder.iterdir():
            file.unlink()
        folder.rmdir()

    sync_ms = busy_requests + idle_requests
    rows = [
        (
            "push.send, 1 worker thread",
            f"{one:,.0f} notifications/s",
            f">= {BUDGET_PER_WORKER:.0f}/s",
            "ok" if one >= BUDGET_PER_WORKER else "OVER",
        ),
        ("push.send, 4 worker threads", f"{four:,.0f} notifications/s", "", ""),
        (
            "sync push -> push service, back to back",
            f"p50 {pct(busy, 0.5):.0f} ms, p95 {pct(busy, 0.95):.0f} ms",
            "",
            "",
        ),
        (
            f"sync push -> push service, after {IDLE_SECONDS:g} s idle",
            f"p50 {pct(idle, 0.5):.0f} ms, p95 {pct(idle, 0.95):.0f} ms",
            "",
            "",
        ),
        (
            "the partner's sync push request itself",
            f"p50 {pct(sync_ms, 0.5):.0f} ms, p95 {pct(sync_ms, 0.95):.0f} ms",
            "",
            "",
        ),
    ]
    width = max(len(r[0]) for r in rows)
    machine = (
        f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs"
    )
    print(f"Push benchmark ({machine}, SQLite database and task queue)")
    for name, value, budget, verdict in rows:
        print(f"  {name:<{width}}  {value:<34} {budget:<8} {verdict}")
    print(
        json.dumps(
            {
                "bench": "push",
                "per_worker_per_s": round(one, 1),
                "four_workers_per_s": round(four, 1),
                "budget_per_worker_per_s": BUDGET_PER_WORKER,
                "latency_ms_p50": round(pct(busy, 0.5), 1),
                "latency_ms_p95": round(pct(busy, 0.95), 1),
                "latency_after_idle_ms_p50": round(pct(idle, 0.5), 1),
                "latency_after_idle_ms_p95": round(pct(idle, 0.95), 1),
                "sync_push_ms_p50": round(statistics.median(sync_ms), 1),
                "messages": args.messages,
                "samples": len(busy) + len(idle),
            }
        )
    )


if __name__ == "__main__":
    main()
