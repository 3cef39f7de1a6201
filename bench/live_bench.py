"""Live channel benchmark: the propagation and idle-stream budgets of DESIGN §8 (§10's events).

It starts the real app under gunicorn on loopback (production settings, on
PostgreSQL when reachable, else on a SQLite file; with Redis for sessions and
for the live channel's fan-out when reachable, under a key prefix of its own),
registers and pairs two partners and signs in the sessions of the idle streams
through the API, then, for each worker class (gthread; gevent too when it is
installed), with one worker process:

- propagation: partner A pushes a shared check-in (POST /api/sync/push), timed
  until B's open GET /api/sync/events stream has its poke; p50/p95 over
  --saves saves spread over a heartbeat period (budget p50 <= 100 ms,
  p95 <= 250 ms);
- idle streams: --streams of them opened at once from this process (raw
  sockets on one selector thread), each checked for its first poke; the
  worker's resident memory before and after (memory per stream), the
  propagation again while they are open, and the latency of ordinary requests
  (GET /api/me, a pull) without and with them (budget: 1 000 streams per
  process with the propagation budget met);
- stopping the server with the streams open (gunicorn waits for its
  --graceful-timeout, as streams never end by themselves).

Before those, on the first worker class, what a person sees: B's app open in
Chromium (Playwright; notifications off, so only the live channel brings the
news), and partner A saving a shared check-in through the API --dom-saves
times; each is timed from A's request until B's page shows its words in the
DOM (a MutationObserver in the page notes the moment), p50/p95 (same budget).
`--dom` measures only that.

Then, with Redis, two gthread workers: streams of B on both, pushes landing on
either, so that pokes cross processes.

It prints a table and one JSON line. It is a benchmark, not a test: it exits 0
whatever the figures, and only fails when something does not work.

    make bench-live
    .venv/bin/python bench/live_bench.py [--database-url URL | --database-url sqlite]
                                         [--redis-url URL | --redis-url none]
                                         [--streams 1000] [--sessions 100] [--saves 60]
                                         [--worker-classes gthread,gevent]
                                         [--dom-saves 60 | --dom]

The servers may hold LIVE_MAX_STREAMS = --streams + 50 streams: the idle ones
and B's, which the propagation is timed on.

Sessions are signed in through POST /api/auth/login, whose password hashing
(argon2, production cost) takes about 0.2 s each: the streams are spread over
--sessions sessions, as a browser's tabs share one. Everything it starts or
creates is stopped or removed at the end, on Ctrl-C too.
"""

from __future__ import annotations

import argparse
import bisect
import importlib.util
import itertools
import json
import math
import os
import platform
import queue
import re
import selectors
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

# sync_bench is beside this file (bench/ is not a package).
from sync_bench import (
    BIN,
    DEFAULT_DATABASE_URL,
    PASSWORD,
    ROOT,
    SESSION_COOKIE,
    Account,
    BenchError,
    Connection,
    expect,
    free_port,
    migrate,
    open_database,
    pair,
    register,
    run_main,
    server_environment,
    stop,
    wait_until_up,
)

PG_SCHEMA = "hearth_live_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379"
P50_BUDGET_MS, P95_BUDGET_MS = 100.0, 250.0
STREAMS_BUDGET = 1000
HEARTBEAT_SECONDS = 15  # LIVE_HEARTBEAT_SECONDS: the saves are spread over one period
POKE_TIMEOUT = 5.0  # a poke later than this counts as missed
OPEN_TIMEOUT = 60.0  # for every idle stream's first poke
SPARE_THREADS = 100  # gthread threads beyond the streams, for ordinary requests
WATCHER_ROOM = 50  # streams beyond the idle ones: B's, which the propagation is timed on


def pct(values: list[float], q: float) -> float:
    """Return the q-quantile (nearest rank) of values, NaN when there are none."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def q_ms(values: list[float], q: float, digits: int = 1) -> float | None:
    """The q-quantile rounded for the JSON line; None when nothing was measured."""
    return round(pct(values, q), digits) if values else None


# --- Event streams on raw sockets --------------------------------------------------------


@dataclass
class Stream:
    """One GET /api/sync/events connection, parsed as its bytes arrive."""

    sock: socket.socket
    opened: float
    status: int | None = None
    error: str = ""
    pokes: list[tuple[int, float]] = field(default_factory=list)  # (version, arrival)
    byes: list[str] = field(default_factory=list)
    others: int = 0  # events that are neither poke nor bye
    beats: list[float] = field(default_factory=list)  # when each comment arrived
    ended: float | None = None
    _head: bytes = b""
    _chunked: bool = False
    _raw: bytes = b""  # body bytes still chunk-encoded
    _text: str = ""  # decoded body not yet split into lines
    _event: dict[str, Any] = field(default_factory=dict)

    @property
    def port(self) -> int:
        """This end's port: which server process holds the stream is found by it."""
        return self.sock.getsockname()[1]

    def seen(self) -> int:
        """How many pokes have arrived."""
        return len(self.pokes)

    def arrival(self, n: int) -> float:
        """When the n-th poke arrived (perf_counter)."""
        return self.pokes[n][1]

    def feed(self, data: bytes, now: float) -> None:
        """Take bytes from the socket: the response head, then chunks, then SSE lines."""
        if self.status is None:
            self._head += data
            head, sep, rest = self._head.partition(b"\r\n\r\n")
            if not sep:
                return
            lines = head.decode("latin-1").split("\r\n")
            self.status = int(lines[0].split()[1])
            headers = {
                k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines)
            }
            self._chunked = "chunked" in headers.get("transfer-encoding", "")
            if self.status != 200:
                self.error = f"HTTP {self.status} {rest[:120]!r}"
                self.ended = now
                return
            data = rest
        if not self._chunked:
            self._lines(data.decode(), now)
            return
        self._raw += data
        while True:
            size_line, sep, rest = self._raw.partition(b"\r\n")
            if not sep:
                return
            size = int(size_line.split(b";")[0], 16)
            if size == 0:
                self.ended = self.ended or now
                self._raw = b""
                return
            if len(rest) < size + 2:
                return
            self._lines(rest[:size].decode(), now)
            self._raw = rest[size + 2 :]

    def _lines(self, text: str, now: float) -> None:
        self._text += text.replace("\r\n", "\n")
        *lines, self._text = self._text.split("\n")
        for line in lines:
            if line == "":
                self._dispatch(now)
            elif line.startswith(":"):
                self.beats.append(now)
            else:
                name, _, value = line.partition(":")
                self._event[name] = value[1:] if value.startswith(" ") else value

    def _dispatch(self, now: float) -> None:
        event, self._event = self._event, {}
        if "data" not in event:
            return  # retry: alone, as browsers do
        data = json.loads(event["data"])
        if event.get("event") == "poke":
            self.pokes.append((data["version"], now))
        elif event.get("event") == "bye":
            self.byes.append(data["reason"])
        else:
            self.others += 1


class Streams:
    """Many event streams read by one thread through a selector."""

    stream_type: type[Stream] = Stream

    def __init__(self, port: int) -> None:
        self.port = port
        self.changed = threading.Condition()
        self.all: list[Stream] = []
        self._selector = selectors.DefaultSelector()
        self._new: queue.Queue[Stream] = queue.Queue()
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._selector.register(self._wake_r, selectors.EVENT_READ, None)
        self._stopping = False
        self._thread = threading.Thread(target=self._loop, name="streams", daemon=True)
        self._thread.start()

    def open(self, session: str, last_event_id: str | None = None) -> Stream:
        """Open a stream for a session, as a browser's EventSource does."""
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        request = (
            f"GET /api/sync/events HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
            "Accept: text/event-stream\r\nCache-Control: no-cache\r\n"
            f"Cookie: {SESSION_COOKIE}={session}\r\n"
            + (f"Last-Event-ID: {last_event_id}\r\n" if last_event_id else "")
            + "\r\n"
        )
        stream = self.stream_type(sock, time.perf_counter())
        sock.sendall(request.encode())
        sock.setblocking(False)
        self.all.append(stream)
        self._new.put(stream)
        self._wake_w.send(b"x")
        return stream

    def _loop(self) -> None:
        while not self._stopping:
            ready = self._selector.select(0.5)
            now = time.perf_counter()
            touched = False
            for key, _ in ready:
                stream = key.data
                if stream is None:
                    self._take_new()
                    continue
                touched = True
                try:
                    data = stream.sock.recv(65536)
                except BlockingIOError:
                    continue
                except OSError as error:
                    stream.error = stream.error or f"{type(error).__name__}: {error}"
                    data = b""
                if data:
                    try:
                        stream.feed(data, now)
                    except (ValueError, IndexError) as error:
                        stream.error = stream.error or f"unreadable stream: {error}"
                        data = b""
                if not data or stream.ended:
                    stream.ended = stream.ended or now
                    self._selector.unregister(stream.sock)
            if touched:
                with self.changed:
                    self.changed.notify_all()

    def _take_new(self) -> None:
        with suppress(BlockingIOError):
            self._wake_r.recv(4096)
        while True:
            try:
                stream = self._new.get_nowait()
            except queue.Empty:
                return
            self._selector.register(stream.sock, selectors.EVENT_READ, stream)

    def wait(self, done: Callable[[], bool], timeout: float) -> bool:
        """Wait until done() holds; False if the timeout passed first."""
        with self.changed:
            return self.changed.wait_for(done, timeout)

    def close(self) -> None:
        """Stop reading and hang up every stream."""
        self._stopping = True
        self._thread.join(5)
        for stream in self.all:
            stream.sock.close()
        self._selector.close()
        self._wake_r.close()
        self._wake_w.close()


# --- Accounts and requests -----------------------------------------------------------------


def login(port: int, account: Account) -> str:
    """Sign an account in once more through the API; return the new session token."""
    conn = Connection(port)
    status, body, token = conn.request(
        "POST", "/api/auth/login", {"email": account.email, "password": PASSWORD}
    )
    conn.close()
    expect(status, body, 200, "login")
    if not token:
        raise BenchError("login: no session cookie in the answer")
    return token


@dataclass
class People:
    """Partner A (who saves), partner B (who watches) and the sessions of the idle streams."""

    a: Account
    b: Account
    idle_sessions: list[str]


def sign_up(port: int, sessions: int) -> People:
    """Register and pair the couple; register idle users and sign them in `sessions` times."""
    run = uuid.uuid4().hex[:8]
    users = max(1, math.ceil(sessions / 5))
    with ThreadPoolExecutor(2) as pool:  # password hashing takes both cores
        a, b, *idle = pool.map(lambda n: register(port, run, n), range(2 + users))
        pair(port, a, b)
        more = [idle[n % users] for n in range(sessions - users)]
        tokens = [account.session for account in idle] + list(
            pool.map(lambda account: login(port, account), more)
        )
    return People(a, b, tokens[:sessions])


_days = itertools.count(1)


class Pusher:
    """Partner A's app on one keep-alive connection: each save is a new shared check-in."""

    def __init__(self, port: int, account: Account) -> None:
        self.conn = Connection(port)
        self.account = account
        self.client_id = f"bench-live-{uuid.uuid4().hex[:12]}"
        self.next = 1
        self.request_ms: list[float] = []

    def save(self, day: date | None = None, note: str = "A good evening.") -> None:
        """Push one shared check-in, a day further back each time unless the day is given."""
        from server.checkins.service import checkin_id

        day = day or datetime.now(UTC).date() - timedelta(days=next(_days))
        args = {
            "id": str(checkin_id(self.account.space_id, self.account.user_id, day)),
            "day": day.isoformat(),
            "mood": 4,
            "trust": 8,
            "feelings": ["close"],
            "need": "",
            "gratitude": "You made coffee.",
            "note": note,
            "visibility": "shared",
        }
        body = {
            "client_id": self.client_id,
            "schema_version": 1,
            "mutations": [{"id": self.next, "name": "checkin.save", "args": args}],
        }
        began = time.perf_counter()
        status, answer, _ = self.conn.request("POST", "/api/sync/push", body, self.account.session)
        self.request_ms.append(1000 * (time.perf_counter() - began))
        expect(status, answer, 200, "push")
        if answer["results"][0]["status"] != "applied":
            raise BenchError(f"push not applied: {answer}")
        self.next = answer["last_mutation_id"] + 1

    def port(self) -> int:
        """This end's port of the connection (after a request)."""
        return self.conn.conn.sock.getsockname()[1]

    def close(self) -> None:
        """Hang up."""
        self.conn.close()


@dataclass
class Propagation:
    """Poke delays in milliseconds, by whether the push and the stream met one process."""

    same: list[float] = field(default_factory=list)
    cross: list[float] = field(default_factory=list)
    missed: int = 0
    push_ms: list[float] = field(default_factory=list)
    spans: list[tuple[float, float]] = field(default_factory=list)  # (save began, poke came)

    def by_heartbeats(self, beats: list[float]) -> tuple[list[float], list[float]]:
        """The delays of the saves during which some stream got a heartbeat, and the others."""
        beats = sorted(beats)
        during, between = [], []
        for began, came in self.spans:
            at = bisect.bisect_left(beats, began)
            hit = at < len(beats) and beats[at] <= came
            (during if hit else between).append(1000 * (came - began))
        return during, between

    @property
    def all(self) -> list[float]:
        """Every delay measured."""
        return self.same + self.cross

    def summary(self) -> dict[str, Any]:
        """The figures for the JSON line."""
        return {
            "samples": len(self.all),
            "missed": self.missed,
            "p50_ms": q_ms(self.all, 0.5, 1),
            "p95_ms": q_ms(self.all, 0.95, 1),
            "max_ms": round(max(self.all), 1) if self.all else None,
            "cross_worker_samples": len(self.cross),
            "cross_worker_p50_ms": q_ms(self.cross, 0.5, 1),
            "cross_worker_p95_ms": q_ms(self.cross, 0.95, 1),
            "push_request_p50_ms": q_ms(self.push_ms, 0.5, 1),
            "within_budget": pct(self.all, 0.5) <= P50_BUDGET_MS
            and pct(self.all, 0.95) <= P95_BUDGET_MS
            and not self.missed,
        }


def propagate(
    wait: Callable[[Callable[[], bool], float], bool],
    pushers: list[Pusher],
    watchers: list[Stream],
    saves: int,
    interval: float,
    holder: Callable[[int], int | None] = lambda _port: None,
) -> Propagation:
    """A saves `saves` times; time each until every one of B's watchers has it.

    A watcher counts what has arrived (`seen()`) and says when each did
    (`arrival(n)`, on this process's perf_counter): here the pokes of an open
    stream; a page showing the check-in can be watched the same way. `holder`
    names the process that holds a connection (by its port), so that a push
    and a stream held by different processes count as cross-worker.
    """
    found = Propagation()
    where = {id(w): holder(w.port) for w in watchers}
    for n in range(saves):
        pusher = pushers[n % len(pushers)]
        seen = {id(w): w.seen() for w in watchers}
        began = time.perf_counter()
        pusher.save()
        wait(lambda seen=seen: all(w.seen() > seen[id(w)] for w in watchers), POKE_TIMEOUT)
        pushed_on = holder(pusher.port())
        for watcher in watchers:
            if watcher.seen() <= seen[id(watcher)]:
                found.missed += 1
                continue
            came = watcher.arrival(seen[id(watcher)])
            found.spans.append((began, came))
            delay = 1000 * (came - began)
            (found.same if where[id(watcher)] == pushed_on else found.cross).append(delay)
        time.sleep(interval)  # pace the saves over a heartbeat period, as people save
    found.push_ms = [ms for p in pushers for ms in p.request_ms[-saves:]]
    return found


def ordinary_requests(port: int, a: Account, count: int) -> dict[str, list[float]]:
    """Time `count` of GET /api/me and of a pull (alternating) on one keep-alive connection."""
    conn = Connection(port)
    client_id = f"bench-live-pull-{uuid.uuid4().hex[:8]}"
    cookie = None
    times: dict[str, list[float]] = {"me": [], "pull": []}
    try:
        more = True
        while more:  # a first sync, untimed: the timed pulls bring nothing new
            body = {"client_id": client_id, "cookie": cookie, "limit": 500}
            status, answer, _ = conn.request("POST", "/api/sync/pull", body, a.session)
            expect(status, answer, 200, "pull")
            cookie, more = answer["cookie"], answer["has_more"]
        for _ in range(count):
            began = time.perf_counter()
            status, body, _ = conn.request("GET", "/api/me", session=a.session)
            times["me"].append(1000 * (time.perf_counter() - began))
            expect(status, body, 200, "GET /api/me")
            began = time.perf_counter()
            status, body, _ = conn.request(
                "POST",
                "/api/sync/pull",
                {"client_id": client_id, "cookie": cookie, "limit": 100},
                a.session,
            )
            times["pull"].append(1000 * (time.perf_counter() - began))
            cookie = expect(status, body, 200, "pull")["cookie"]
    finally:
        conn.close()
    return times


# --- B's open page -------------------------------------------------------------------------

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# In B's page: the moment (epoch ms) each "bench save N" first shows on the partner's check-in.
WATCH_SAVES = """() => {
  window.benchSeen = {};
  const look = () => {
    const card = document.getElementById('partner-checkin');
    const found = card && /bench save (\\d+)\\b/.exec(card.textContent);
    if (found && !(found[1] in window.benchSeen)) window.benchSeen[found[1]] = Date.now();
  };
  const all = {subtree: true, childList: true, characterData: true};
  new MutationObserver(look).observe(document.body, all);
}"""


def dom_propagation(port: int, people: People, saves: int, interval: float) -> dict[str, Any]:
    """A saves today's check-in again and again; time each until B's open page shows it."""
    from zoneinfo import ZoneInfo

    from playwright.sync_api import sync_playwright

    chromium = (
        os.environ.get("HEARTH_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )
    pusher = Pusher(port, people.a)
    status, me, _ = pusher.conn.request("GET", "/api/me", session=people.a.session)
    today = datetime.now(ZoneInfo(expect(status, me, 200, "GET /api/me")["user"]["time_zone"]))
    delays: list[float] = []
    missed = 0
    base = f"http://127.0.0.1:{port}"
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=base, viewport={"width": 390, "height": 844})
        context.add_cookies([{"name": SESSION_COOKIE, "value": people.b.session, "url": base}])
        # The app asks who is signed in only on a browser that has had an account.
        context.add_init_script("localStorage.setItem('hearth.has-account', '1')")
        page = context.new_page()
        page.goto("/")
        page.wait_for_function(
            "() => document.getElementById('sync-status')?.textContent === 'Live'", timeout=60_000
        )
        page.evaluate(WATCH_SAVES)
        warm_up = 3
        for n in range(warm_up + saves):
            began = time.time()
            pusher.save(today.date(), f"bench save {n}")
            try:
                seen = page.wait_for_function(
                    "n => window.benchSeen[n]", arg=str(n), timeout=1000 * POKE_TIMEOUT
                ).json_value()
            except Exception:  # Playwright's TimeoutError: counted as missed
                seen = None
            if n >= warm_up:
                if seen is None:
                    missed += 1
                else:
                    delays.append(seen - 1000 * began)
            time.sleep(interval)
        browser.close()
    finally:
        playwright.stop()
        pusher.close()
    return {
        "samples": len(delays),
        "missed": missed,
        "delays": delays,
        "push_request_p50_ms": q_ms(pusher.request_ms, 0.5, 1),
    }


# --- The server ------------------------------------------------------------------------------


@dataclass
class Server:
    """A running gunicorn: its port, master process and how it was started."""

    port: int
    process: subprocess.Popen
    label: str
    command: str  # gunicorn's options, without the address and the app

    def workers(self) -> list[int]:
        """The pids of the worker processes (the master's children)."""
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                    found.append(int(entry.name))
        return sorted(found)

    def holders(self) -> dict[int, int]:
        """Which worker holds the connection from each client port (Linux: /proc)."""
        inodes = {}
        for pid in self.workers():
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                try:
                    target = os.readlink(fd)
                except OSError:
                    continue
                if target.startswith("socket:["):
                    inodes[target[8:-1]] = pid
        found = {}
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
            parts = line.split()
            local_port = int(parts[1].split(":")[1], 16)
            if local_port == self.port and parts[9] in inodes:
                found[int(parts[2].split(":")[1], 16)] = inodes[parts[9]]
        return found


def status_of(pid: int) -> dict[str, int]:
    """Resident memory (KiB) and thread count of a process, from /proc/<pid>/status."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "Threads"):
            found[name] = int(value.split()[0])
    return found


@contextmanager
def serve(
    env: dict[str, str],
    options: list[str],
    app_spec: str,
    workers: int,
    label: str,
    log_path: Path,
    tmp: Path,
    port: int | None = None,
) -> Iterator[Server]:
    """Run gunicorn with these options on a loopback port (a free one by default) until the
    block ends.

    It yields once the server answers and its workers are up (30 s at most for them).
    """
    from gunicorn.config import KNOWN_SETTINGS

    port = port or free_port()
    # A recent gunicorn opens a control socket, by default one per user: this run has its own.
    control = [f"--control-socket={tmp / 'gunicorn.ctl'}"] * any(
        setting.name == "control_socket" for setting in KNOWN_SETTINGS
    )
    command = [str(BIN / "gunicorn"), *options, *control, "--bind", f"127.0.0.1:{port}", app_spec]
    with open(log_path, "ab") as log:
        log.write(f"\n--- {' '.join(command)}\n".encode())
        log.flush()
        # A session of its own, so that Ctrl-C reaches only this script.
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(port, process, label, " ".join(["gunicorn", *options]))
    try:
        wait_until_up(process, port, log_path)
        deadline = time.monotonic() + 30
        while len(server.workers()) < workers and time.monotonic() < deadline:
            time.sleep(0.1)
        yield server
    finally:
        stop(process)


def running_server(
    env: dict[str, str],
    worker_class: str,
    workers: int,
    streams: int,
    graceful: float,
    log_path: Path,
    app_spec: str,
    tmp: Path,
) -> AbstractContextManager[Server]:
    """Run gunicorn for this many idle streams on a free loopback port; yield it."""
    capacity = streams + WATCHER_ROOM + SPARE_THREADS
    options = [
        "--worker-class",
        worker_class,
        "--workers",
        str(workers),
        # A gthread worker holds one thread per open stream; gevent one greenlet. Both
        # accept at most --worker-connections connections at once (default 1000).
        *(["--threads", str(capacity)] if worker_class == "gthread" else []),
        "--worker-connections",
        str(capacity + SPARE_THREADS),
        "--graceful-timeout",
        f"{graceful:g}",
        # Long enough that a push connection stays with its worker between saves.
        "--keep-alive",
        "30",
    ]
    label = f"{worker_class}, {workers} worker(s)"
    return serve(env, options, app_spec, workers, label, log_path, tmp)


def server_exceptions(log: Path, offset: int) -> list[str]:
    """The exceptions in gunicorn's output after `offset`, the most frequent first, counted."""
    with open(log, "rb") as file:
        file.seek(offset)
        text = file.read().decode(errors="replace")
    # The last exception of each traceback: not the ones it was raised while handling.
    pattern = r"^([\w.]+(?:Error|Exception|Timeout): .{0,100})\n(?!\nDuring handling|\nThe above)"
    found = Counter(m.group(1) for m in re.finditer(pattern, text, re.MULTILINE))
    return [f"{count} x {line}" for line, count in found.most_common(3)]


def stop_timed(server: Server) -> float:
    """Stop the server gracefully (SIGTERM) and return the seconds it took."""
    began = time.perf_counter()
    stop(server.process)
    return time.perf_counter() - began


# --- Redis ---------------------------------------------------------------------------------


@dataclass
class Redis:
    """The Redis the run uses, and the key prefix whose keys it removes at the end."""

    url: str
    prefix: str
    client: Any

    def clear(self) -> None:
        """Delete every key of the run's prefix (sessions, and the push queue's keys)."""
        for key in self.client.scan_iter(match=f"*{self.prefix}*", count=1000):
            self.client.delete(key)
        self.client.close()


def open_redis(requested: str) -> Redis | None:
    """Connect to Redis, or None when it is not wanted or does not answer."""
    if requested.lower() in ("", "none", "no", "off"):
        return None
    import redis

    client = redis.Redis.from_url(requested, socket_connect_timeout=3, socket_timeout=10)
    try:
        client.ping()
    except redis.RedisError as error:
        client.close()
        print(f"Redis not reachable ({error}); fan-out in the process.", file=sys.stderr)
        return None
    return Redis(requested, f"hearth-live-bench-{uuid.uuid4().hex[:8]}", client)


def app_spec(redis: Redis | None) -> str:
    """The gunicorn app: wsgi:app, or the factory with the run's own Redis key prefix."""
    if redis is None:
        return "wsgi:app"
    # REDIS_KEY_PREFIX (sessions, the live channel) is not read from the environment.
    overrides = {
        "REDIS_KEY_PREFIX": redis.prefix,
        "RATELIMIT_KEY_PREFIX": redis.prefix,
        "PUSH_QUEUE_NAME": f"{redis.prefix}-push",
    }
    return f"server:create_app({overrides!r})"


# --- The phases ------------------------------------------------------------------------------


def one_worker(server: Server, people: People, args: argparse.Namespace) -> dict[str, Any]:
    """Propagation, then idle streams: memory, propagation and ordinary requests with them."""
    streams = Streams(server.port)
    pusher = Pusher(server.port, people.a)
    figures: dict[str, Any] = {"server": server.label}
    try:
        (worker,) = server.workers()
        watcher = streams.open(people.b.session)
        if not streams.wait(lambda: bool(watcher.pokes) or bool(watcher.ended), OPEN_TIMEOUT):
            raise BenchError(f"{server.label}: B's stream got no first poke")
        if watcher.error or not watcher.pokes:
            raise BenchError(f"{server.label}: B's stream: {watcher.error or 'ended'}")
        propagate(streams.wait, [pusher], [watcher], 5, 0.05)  # warm up
        figures["alone"] = propagate(streams.wait, [pusher], [watcher], args.saves, args.interval)
        figures["requests_alone"] = ordinary_requests(server.port, people.a, args.requests)
        before = status_of(worker)

        # A reconnect storm: every idle stream at once, as after a deploy.
        began = time.perf_counter()
        idle = [
            streams.open(people.idle_sessions[n % len(people.idle_sessions)])
            for n in range(args.streams)
        ]
        streams.wait(lambda: all(s.pokes or s.ended for s in idle), OPEN_TIMEOUT)
        opened = [s for s in idle if s.pokes and not s.ended]
        figures["open"] = {
            "asked": len(idle),
            "opened": len(opened),
            "seconds": (max((s.pokes[0][1] for s in opened), default=began) - began),
            "first_poke_ms": [1000 * (s.pokes[0][1] - s.opened) for s in opened],
            "errors": [s.error or "ended" for s in idle if s not in opened][:3],
        }
        time.sleep(1.0)  # let the threads that answered settle before reading memory
        after = status_of(worker)
        figures["memory"] = {"before": before, "after": after}

        figures["loaded"] = propagate(streams.wait, [pusher], [watcher], args.saves, args.interval)
        figures["requests_loaded"] = ordinary_requests(server.port, people.a, args.requests)
        figures["memory"]["end"] = status_of(worker)
        figures["idle_after"] = {
            "still_open": sum(1 for s in opened if not s.ended),
            "heard_heartbeat": sum(1 for s in opened if s.beats),
            # Strangers to the couple: nothing but their first poke may reach them.
            "unexpected_events": sum(len(s.pokes) - 1 + len(s.byes) + s.others for s in opened),
        }
        figures["by_heartbeats"] = figures["loaded"].by_heartbeats(
            [t for s in opened for t in s.beats]
        )
        figures["stop_seconds"] = stop_timed(server)
        streams.wait(lambda: all(s.ended for s in opened), 5)
        figures["stop_byes"] = sum(1 for s in opened if s.byes)
    finally:
        pusher.close()
        streams.close()
    return figures


class Holders:
    """Which worker holds a client port, looked up again when a port is new."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.known = server.holders()

    def __call__(self, port: int) -> int | None:
        if port not in self.known:
            self.known = self.server.holders()
        return self.known.get(port)


def two_workers(server: Server, people: People, args: argparse.Namespace) -> dict[str, Any]:
    """B's streams and A's push connections on both workers: pokes cross processes."""
    streams = Streams(server.port)
    pushers: list[Pusher] = []
    figures: dict[str, Any] = {"server": server.label}
    try:
        workers = server.workers()
        holder = Holders(server)
        watchers: list[Stream] = []
        # A new connection goes to whichever worker accepts first: open until all hold some.
        while len(watchers) < 40:
            watchers.append(streams.open(people.b.session))
            streams.wait(lambda: all(w.pokes or w.ended for w in watchers), OPEN_TIMEOUT)
            broken = [w for w in watchers if w.ended or not w.pokes]
            if broken:
                raise BenchError(f"{server.label}: B's stream: {broken[0].error or 'ended'}")
            if len(watchers) >= 4 and {holder(w.port) for w in watchers} >= set(workers):
                break
        by_worker: dict[int | None, Pusher] = {}
        while len(pushers) < 40 and not set(by_worker) >= set(workers):
            pusher = Pusher(server.port, people.a)
            pushers.append(pusher)
            status, body, _ = pusher.conn.request("GET", "/api/me", session=people.a.session)
            expect(status, body, 200, "GET /api/me")
            by_worker.setdefault(holder(pusher.port()), pusher)
        one_each = [by_worker[w] for w in workers if w in by_worker]
        idle = [
            streams.open(people.idle_sessions[n % len(people.idle_sessions)])
            for n in range(args.streams)
        ]
        streams.wait(lambda: all(s.pokes or s.ended for s in idle), OPEN_TIMEOUT)
        opened = [s for s in idle if s.pokes and not s.ended]
        figures["opened"] = len(opened)
        held = [holder(s.port) for s in opened + watchers]
        figures["streams_per_worker"] = [held.count(w) for w in workers]
        figures["watchers_per_worker"] = [
            sum(1 for s in watchers if holder(s.port) == w) for w in workers
        ]
        figures["pushers_per_worker"] = [1 if w in by_worker else 0 for w in workers]
        propagate(streams.wait, one_each, watchers, 4, 0.05, holder)  # warm up
        figures["loaded"] = propagate(
            streams.wait, one_each, watchers, args.saves, args.interval, holder
        )
        figures["memory"] = [status_of(w) for w in workers]
    finally:
        for pusher in pushers:
            pusher.close()
        streams.close()
    return figures


# --- Report ---------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    """Say whether a figure is within its budget."""
    return "ok" if ok else "OVER BUDGET"


def delays(found: Propagation) -> str:
    """p50/p95 of a propagation run, with what was missed."""
    text = f"p50 {pct(found.all, 0.5):6.1f}  p95 {pct(found.all, 0.95):6.1f} ms"
    return text + (f"  ({found.missed} missed)" if found.missed else "")


def report(figures: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    """Print the settings and a table; return the JSON summary."""
    print()
    print("Hearth live channel benchmark")
    print(f"  database  {figures['database']}")
    print(f"  fan-out   {figures['fan_out']}")
    cpus = os.cpu_count() or 1
    load_before, load_after = figures["load"]
    print(
        f"  machine   {cpus} CPUs, load average {load_before:.1f} before and {load_after:.1f} "
        f"after; {platform.system()} {platform.machine()}, Python {platform.python_version()}"
    )
    if args.dom:
        print(f"  load      {args.dom_saves} saves {args.interval:g} s apart, B's page alone")
    else:
        print(
            f"  load      {args.streams} idle streams over {len(figures['sessions'])} sessions "
            f"(signed in through the API in {figures['setup_seconds']:.0f} s); {args.saves} "
            f"saves {args.interval:g} s apart ({args.dom_saves} for B's page); "
            f"{args.requests} of each ordinary request"
        )
    summary: dict[str, Any] = {}
    dom = figures.get("dom")
    if dom:
        found = dom["delays"]
        ok = bool(found) and not dom["missed"]
        ok = ok and pct(found, 0.5) <= P50_BUDGET_MS and pct(found, 0.95) <= P95_BUDGET_MS
        print()
        print(f"B's app open in Chromium ({dom['server']}): A's check-in until B's page shows it")
        text = f"p50 {pct(found, 0.5):6.1f}  p95 {pct(found, 0.95):6.1f} ms"
        missed = f", {dom['missed']} missed" if dom["missed"] else ""
        text += f"  ({len(found)} saves{missed})"
        print(f"  {'save (API) -> in the DOM':<40}  {text:<58} {verdict(ok)}")
        summary["dom"] = {
            "samples": len(found),
            "missed": dom["missed"],
            "p50_ms": q_ms(found, 0.5, 1),
            "p95_ms": q_ms(found, 0.95, 1),
            "max_ms": round(max(found), 1) if found else None,
            "push_request_p50_ms": dom["push_request_p50_ms"],
            "within_budget": ok,
        }
    for kind, found in figures["classes"].items():
        print()
        if "skipped" in found:
            print(f"{kind}: not measured ({found['skipped']})")
            summary[kind] = {"skipped": found["skipped"]}
            continue
        if "failed" in found:
            print(f"{kind}: did not work ({found['failed']})")
            for line in found["server_errors"]:
                print(f"  server log: {line}")
            summary[kind] = {"failed": found["failed"], "server_errors": found["server_errors"]}
            continue
        print(f"{found['server']}: {found['command']}")
        mem, opening = found["memory"], found["open"]
        per_stream = (mem["after"]["VmRSS"] - mem["before"]["VmRSS"]) / max(1, opening["opened"])
        loaded = found["loaded"]
        within = (
            opening["opened"] >= min(args.streams, STREAMS_BUDGET)
            and loaded.summary()["within_budget"]
        )
        rows = []
        if "alone" in found:
            alone = found["alone"]
            rows.append(
                (
                    "propagation, B's stream alone",
                    delays(alone),
                    verdict(alone.summary()["within_budget"]),
                )
            )
        rows += [
            (
                "idle streams opened at once (first poke each)",
                f"{opening['opened']}/{opening['asked']} in {opening['seconds']:.1f} s; "
                f"first poke p50 {pct(opening['first_poke_ms'], 0.5):.0f} ms, "
                f"p95 {pct(opening['first_poke_ms'], 0.95):.0f} ms",
                "",
            ),
            (
                "worker memory (RSS), threads",
                f"{mem['before']['VmRSS'] / 1024:.0f} -> {mem['after']['VmRSS'] / 1024:.0f} MiB "
                f"({per_stream:.0f} KiB/stream); threads {mem['before']['Threads']} -> "
                f"{mem['after']['Threads']}",
                "",
            ),
            (
                f"propagation, with {opening['opened']} idle streams",
                delays(loaded),
                verdict(within),
            ),
            (
                "  saves during a heartbeat / between",
                " / ".join(
                    f"p50 {pct(x, 0.5):.0f} p95 {pct(x, 0.95):.0f} ms ({len(x)})" if x else "none"
                    for x in found["by_heartbeats"]
                ),
                "",
            ),
        ]
        for name in ("me", "pull"):
            label = "GET /api/me" if name == "me" else "POST /api/sync/pull"
            alone_ms, loaded_ms = found["requests_alone"][name], found["requests_loaded"][name]
            rows.append(
                (
                    f"{label}: alone -> with the streams",
                    f"p50 {pct(alone_ms, 0.5):.1f} -> {pct(loaded_ms, 0.5):.1f} ms, "
                    f"p95 {pct(alone_ms, 0.95):.1f} -> {pct(loaded_ms, 0.95):.1f} ms",
                    "",
                )
            )
        after = found["idle_after"]
        rows += [
            (
                "idle streams at the end",
                f"{after['still_open']} open, {after['heard_heartbeat']} heard a heartbeat, "
                f"{after['unexpected_events']} events not theirs",
                "",
            ),
            (
                "stop (SIGTERM) with the streams open",
                f"{found['stop_seconds']:.1f} s (--graceful-timeout {args.graceful_timeout:g}); "
                f"{found['stop_byes']} streams got a bye",
                "",
            ),
        ]
        width = max(len(r[0]) for r in rows)
        for name, value, judged in rows:
            print(f"  {name:<{width}}  {value:<58} {judged}")
        if opening["errors"]:
            print(f"  first failed streams: {opening['errors']}")
        for line in found["server_errors"]:
            print(f"  server log: {line}")
        summary[kind] = {
            "command": found["command"],
            "propagation_alone": found["alone"].summary() if "alone" in found else None,
            "streams_asked": opening["asked"],
            "streams_opened": opening["opened"],
            "open_all_seconds": round(opening["seconds"], 2),
            "first_poke_p95_ms": q_ms(opening["first_poke_ms"], 0.95, 1),
            "rss_kib_before": mem["before"]["VmRSS"],
            "rss_kib_after": mem["after"]["VmRSS"],
            "rss_kib_end": mem["end"]["VmRSS"],
            "rss_kib_per_stream": round(per_stream, 1),
            "threads_before": mem["before"]["Threads"],
            "threads_after": mem["after"]["Threads"],
            "propagation_with_streams": loaded.summary(),
            **{
                f"{name}_ms": {
                    f"{when}_p{q}": q_ms(found[f"requests_{when}"][name], q / 100, 2)
                    for when in ("alone", "loaded")
                    for q in (50, 95)
                }
                for name in ("me", "pull")
            },
            "idle_after": after,
            "server_errors": found["server_errors"],
            "saves_during_heartbeats": {
                "samples": len(found["by_heartbeats"][0]),
                "p50_ms": q_ms(found["by_heartbeats"][0], 0.5),
                "p95_ms": q_ms(found["by_heartbeats"][0], 0.95),
            },
            "stop_seconds": round(found["stop_seconds"], 2),
            "within_budget": within,
        }
    two = figures.get("two_workers")
    print()
    if two is None or "skipped" in two or "failed" in two:
        reason = (two or {}).get("skipped") or (two or {}).get("failed") or "not run"
        print(f"Two workers: not measured ({reason})")
        summary["two_workers"] = {"skipped": reason}
    else:
        loaded = two["loaded"]
        print(f"{two['server']}, with Redis: {two['command']}")
        rows = [
            (
                "streams per worker (B's among them)",
                f"{two['streams_per_worker']} ({two['watchers_per_worker']}), "
                f"{two['opened']}/{args.streams} idle ones opened; "
                f"push connections {two['pushers_per_worker']}",
                "",
            ),
            ("propagation, all", delays(loaded), verdict(loaded.summary()["within_budget"])),
            (
                "  push and stream on one worker",
                f"p50 {pct(loaded.same, 0.5):6.1f}  p95 {pct(loaded.same, 0.95):6.1f} ms "
                f"({len(loaded.same)})",
                "",
            ),
            (
                "  push on one, stream on the other",
                f"p50 {pct(loaded.cross, 0.5):6.1f}  p95 {pct(loaded.cross, 0.95):6.1f} ms "
                f"({len(loaded.cross)})",
                "",
            ),
        ]
        width = max(len(r[0]) for r in rows)
        for name, value, judged in rows:
            print(f"  {name:<{width}}  {value:<58} {judged}")
        for line in two["server_errors"]:
            print(f"  server log: {line}")
        summary["two_workers"] = {
            "command": two["command"],
            "streams_opened": two["opened"],
            "server_errors": two["server_errors"],
            "streams_per_worker": two["streams_per_worker"],
            "watchers_per_worker": two["watchers_per_worker"],
            "propagation": loaded.summary(),
            "rss_kib": [m["VmRSS"] for m in two["memory"]],
        }
    print()
    return summary


# --- The run ---------------------------------------------------------------------------------


def worker_classes(requested: str) -> dict[str, str | None]:
    """The worker classes to measure, each with why it is skipped (None: measured)."""
    found: dict[str, str | None] = {}
    for name in (x.strip() for x in requested.split(",") if x.strip()):
        if name not in ("gthread", "gevent"):
            raise BenchError(f"unknown worker class {name!r} (gthread or gevent)")
        missing = name == "gevent" and importlib.util.find_spec("gevent") is None
        found[name] = "gevent is not installed: .venv/bin/pip install gevent" if missing else None
    return found


def bench(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    """Prepare the database and Redis, run every phase, return the figures."""
    figures: dict[str, Any] = {"classes": {}}
    database = redis = None
    log = Path(args.server_log) if args.server_log else tmp / "server.log"
    try:
        database = open_database(args.database_url, tmp, PG_SCHEMA)
        redis = open_redis(args.redis_url)
        env = server_environment(database.url)
        if redis is not None:
            env["REDIS_URL"] = redis.url
        if args.session_store:
            env["SESSION_STORE"] = args.session_store
        # Room for the idle streams and B's watching ones (a process past LIVE_MAX_STREAMS
        # answers 503, and its default is the budget itself).
        env["LIVE_MAX_STREAMS"] = str(args.streams + WATCHER_ROOM)
        # The pushes build their check-in ids with the server's code: same settings.
        os.environ.clear()
        os.environ.update(env)
        figures["database"] = database.label
        figures["redis"] = redis is not None
        sessions = env.get("SESSION_STORE") or ("redis" if redis else "database")
        figures["fan_out"] = (
            f"Redis pub/sub at {redis.url}, key prefix {redis.prefix} (app: "
            f"server:create_app with REDIS_KEY_PREFIX); sessions in {sessions}"
            if redis
            else f"in the process (no Redis); sessions in {sessions}"
        )
        print(f"Preparing {database.label} ...", file=sys.stderr)
        migrate(env)
        spec = app_spec(redis)
        classes = {} if args.dom else worker_classes(args.worker_classes)
        people: People | None = None

        def signed_up(server: Server) -> People:
            print("Signing in the sessions ...", file=sys.stderr)
            began = time.perf_counter()
            found = sign_up(server.port, 1 if args.dom else args.sessions)
            figures["setup_seconds"] = time.perf_counter() - began
            figures["sessions"] = found.idle_sessions
            return found

        if args.dom_saves:
            # A server of its own: the page's stream would count against the idle streams' room
            # until the server notices it closed (at its next heartbeat).
            with running_server(
                env, "gthread", 1, args.streams, args.graceful_timeout, log, spec, tmp
            ) as server:
                people = signed_up(server)
                print(f"Measuring B's open page ({server.label}) ...", file=sys.stderr)
                figures["dom"] = dom_propagation(server.port, people, args.dom_saves, args.interval)
                figures["dom"]["server"] = server.label
        first = True
        for kind, skipped in classes.items():
            if skipped:
                figures["classes"][kind] = {"skipped": skipped}
                continue
            offset = log.stat().st_size if log.exists() else 0
            with running_server(
                env, kind, 1, args.streams, args.graceful_timeout, log, spec, tmp
            ) as server:
                people = people or signed_up(server)
                print(f"Measuring {server.label} ...", file=sys.stderr)
                try:
                    found = one_worker(server, people, args)
                except BenchError as error:
                    if first:
                        raise
                    found = {"failed": str(error)}
                found["command"] = server.command
            found["server_errors"] = server_exceptions(log, offset)
            figures["classes"][kind] = found
            first = False
        if first and not args.dom:
            raise BenchError("no worker class was measured")
        if args.dom:
            figures["two_workers"] = {"skipped": "--dom: the open page only"}
        elif redis is None:
            figures["two_workers"] = {"skipped": "needs Redis (--redis-url)"}
        elif args.workers < 2:
            figures["two_workers"] = {"skipped": "--workers below 2"}
        else:
            offset = log.stat().st_size
            with running_server(
                env, "gthread", args.workers, args.streams, args.graceful_timeout, log, spec, tmp
            ) as server:
                print(f"Measuring {server.label} ...", file=sys.stderr)
                figures["two_workers"] = two_workers(server, people, args)
                figures["two_workers"]["command"] = server.command
            figures["two_workers"]["server_errors"] = server_exceptions(log, offset)
    except BenchError:
        if log.exists():
            print(log.read_text()[-3000:], file=sys.stderr)
        raise
    finally:
        if redis is not None:
            redis.clear()
        if database is not None:
            database.drop()
    return figures


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
        help=f"PostgreSQL URL (a schema {PG_SCHEMA} is used), or 'sqlite' for a temp file",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL),
        help="Redis for sessions and fan-out (a key prefix of the run's own), or 'none'",
    )
    parser.add_argument("--streams", type=int, default=1000, help="idle streams to hold")
    parser.add_argument(
        "--sessions", type=int, default=100, help="sessions the idle streams are spread over"
    )
    parser.add_argument("--saves", type=int, default=60, help="saves timed per propagation run")
    parser.add_argument(
        "--interval",
        type=float,
        default=HEARTBEAT_SECONDS / 60,
        help="seconds between saves (the default spreads 60 over one heartbeat period)",
    )
    parser.add_argument("--requests", type=int, default=100, help="ordinary requests of each kind")
    parser.add_argument(
        "--worker-classes",
        default="gthread,gevent",
        help="gunicorn worker classes for one worker (gevent only when installed)",
    )
    parser.add_argument(
        "--workers", type=int, default=2, help="workers of the cross-process run (with Redis)"
    )
    parser.add_argument(
        "--graceful-timeout",
        type=float,
        default=5.0,
        help="gunicorn --graceful-timeout of the bench servers (the stop is timed)",
    )
    parser.add_argument(
        "--session-store",
        choices=("redis", "database"),
        help="SESSION_STORE of the servers (default: redis with Redis, else database)",
    )
    parser.add_argument(
        "--server-log", help="keep gunicorn's output in this file (default: removed at the end)"
    )
    parser.add_argument(
        "--dom-saves",
        type=int,
        default=60,
        help="saves timed until B's open page shows them (Chromium); 0 skips that part",
    )
    parser.add_argument(
        "--dom", action="store_true", help="measure only B's open page (one gthread worker)"
    )
    args = parser.parse_args(argv)
    if args.dom:
        args.dom_saves = args.dom_saves or 60
    if not 1 <= args.streams <= 5000 or not 1 <= args.sessions <= 1000:
        parser.error("keep to 1-5000 streams and 1-1000 sessions")
    if args.dom_saves and not 50 <= args.dom_saves <= 1000:
        parser.error("keep to 50-1000 DOM saves (or 0 for none)")
    if not 10 <= args.saves <= 1000 or not 0 <= args.interval <= 5:
        parser.error("keep to 10-1000 saves and 0-5 s between them")
    if not 1 <= args.requests <= 10_000 or not 1 <= args.workers <= 8:
        parser.error("keep to 1-10000 requests and 1-8 workers")
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; clean up whatever happens."""
    args = parse_args(argv)

    def work(tmp: Path, _cleanup: ExitStack) -> int:
        load_before = os.getloadavg()[0]
        figures = bench(args, tmp)
        figures["load"] = (load_before, os.getloadavg()[0])
        summary = report(figures, args)
        print(
            json.dumps(
                {
                    "bench": "live",
                    "database": figures["database"],
                    "fan_out": "redis" if figures["redis"] else "process",
                    "cpus": os.cpu_count(),
                    "load_average_before": round(figures["load"][0], 2),
                    "load_average_after": round(figures["load"][1], 2),
                    "streams": args.streams,
                    "sessions": args.sessions,
                    "saves": args.saves,
                    "budget": {
                        "p50_ms": P50_BUDGET_MS,
                        "p95_ms": P95_BUDGET_MS,
                        "streams_per_process": STREAMS_BUDGET,
                    },
                    **summary,
                },
                separators=(",", ":"),
            )
        )
        return 0

    return run_main("hearth-live-bench-", work)


if __name__ == "__main__":
    sys.exit(main())
