"""Sustained load: many couples' phones using Hearth at once for minutes, as the PWA does.

It starts the real app as an operator runs it (gunicorn with server/gunicorn_conf.py,
gthread workers, JSON logs at INFO), on PostgreSQL (a schema of its own; SQLite as an
option) with Redis (a key prefix of its own) for sessions and the live channel; rate
limits off, photos in a temporary folder. It registers and pairs --couples couples
through the API, gives each couple's space --history records of past life, then runs
one thread per phone for --minutes, each behaving like the PWA (paces at --rate 1):

- an event stream open (GET /api/sync/events), reopened with Last-Event-ID when it
  drops; every poke is answered with a pull (POST /api/sync/pull, pages of 500);
- the 30-second timer's pull (pwa/js/core/sync.js TIMER_MS);
- a check-in every 20-60 s (checkin.save; mostly a new day, sometimes an edit of the
  last one, a tenth private), each push followed by a pull, as a sync round does;
- a memory edit every 1-3 min (memory.save with the base version of each field it
  writes, on the couple's memories or a new one), a third of them with a photo:
  PUT /api/blobs/<sha256> (a JPEG made here), then memory.add_photo;
- acknowledgements (checkin.ack) of most of the partner's new check-ins, 5-40 s later;
- the partner's new photos read once, as the service worker caches them: each
  thumbnail, and a quarter of the photos in full;
- GET /api/me every 1-3 min (the app opened again).

Think times are random; --rate multiplies every pace but the timer's. The default,
6, has 40 phones send about 35 requests/s, a third of what a 2-core machine holds at
most: loaded, not saturated. --saturate drops the think times (the proportions stay)
to find that most.

It records per endpoint (method and route) the count, errors by status and p50/p95/p99
latency (from sending to the last byte; the server's own time comes from its access
log), requests/s, and how long a partner's change takes to reach the other phone (the
push acknowledged -> the first pull of the partner that brings it, by the poke mostly).
Every 10 s it samples the resident memory (RSS) and CPU time of the gunicorn master and
each worker, and of the PostgreSQL backends serving them (named by application_name),
and prints them a minute at a time: memory should stay flat. The server log is kept
(its path is printed); warnings, errors and 500s in it are summarised.

It prints tables and one JSON line. It is a benchmark, not a test: it exits 0 whatever
the figures, and fails only when something does not work (setup, or the server dying).

    make bench-load
    .venv/bin/python bench/load_bench.py [--minutes 10] [--couples 20] [--rate 6 | --saturate]
                                         [--workers 3] [--threads 4]
                                         [--database-url URL | --database-url sqlite]
                                         [--redis-url URL | --redis-url none]

Each worker runs --threads threads for requests plus one for each stream it may hold
(LIVE_MAX_STREAMS = the number of phones, so that no phone is refused however the
streams spread over the workers). Everything it creates is removed at the end (the
schema, the run's Redis keys, the photos), on Ctrl-C too; the server log stays.
"""

from __future__ import annotations

import argparse
import hashlib
import heapq
import http.client
import io
import json
import math
import os
import platform
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

# The other benchmarks are beside this file (bench/ is not a package).
from live_bench import (
    DEFAULT_REDIS_URL,
    Redis,
    Server,
    Stream,
    Streams,
    app_spec,
    open_redis,
    pct,
    serve,
    server_exceptions,
)
from sync_bench import (
    DEFAULT_DATABASE_URL,
    FEELINGS,
    PHRASES,
    SESSION_COOKIE,
    Account,
    BenchError,
    Connection,
    Database,
    free_port,
    migrate,
    open_database,
    pair,
    register,
    run_main,
    seed,
    server_environment,
)

PG_SCHEMA = "hearth_load_bench"
TIMER_SECONDS = 30.0  # pwa/js/core/sync.js TIMER_MS: not scaled by --rate
PULL_LIMIT = 500
PUSH_BATCH = 100
# Seconds between a phone's actions of each kind at --rate 1 (uniform between the two).
PACE = {
    "checkin": (20.0, 60.0),
    "memory": (60.0, 180.0),
    "me": (60.0, 180.0),
}
ACK_AFTER = (5.0, 40.0)
ACK_SHARE = 0.7  # of the partner's new check-ins
PRIVATE_SHARE = 0.1  # of check-ins
EDIT_SHARE = 0.2  # check-ins that save the last day again rather than a new one
NEW_MEMORY_SHARE = 0.35
PHOTO_SHARE = 0.35  # of memory edits
FULL_PHOTO_SHARE = 0.25  # of the partner's photos read in full besides the thumbnail
MAX_PHOTOS = 48  # a memory holds at most 50
SATURATE_SCALE = 1e-6  # think times shrink to nothing; their order keeps the proportions
IDLE_CLOSE = 25.0  # a connection idle this long is closed first (gunicorn keeps 30 s)
STREAM_RETRY = 2.0  # LIVE_RETRY_MS
LATE = 35.0  # a change not at the partner's phone this long after its push counts as lost
REACTIONS = ["❤️", "🤗", "🙏", "😊", "👍"]
MARK = re.compile(r"~L(\d+)~")  # a change's tag in the text it writes: "~L<seq>~"
PUSH = "POST /api/sync/push"
PULL = "POST /api/sync/pull"
EVENTS = "GET /api/sync/events"
ME = "GET /api/me"
PUT_BLOB = "PUT /api/blobs/<sha256>"
THUMB = "GET /api/blobs/<sha256>/thumb"
PHOTO = "GET /api/blobs/<sha256>"
ENDPOINTS = (PULL, PUSH, EVENTS, ME, PUT_BLOB, THUMB, PHOTO)
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def now() -> float:
    """The clock of the whole run (the event streams' arrivals use it too)."""
    return time.perf_counter()


# --- What the phones record ----------------------------------------------------------


@dataclass
class Call:
    """One request: when it started (s into the run), what, how long, its status (0: none)."""

    at: float
    endpoint: str
    detail: str
    seconds: float
    status: int


def failed(status: int) -> bool:
    """Tell whether a status is an error (0: no answer at all)."""
    return not (200 <= status < 300 or status == 304)


class Tracker:
    """Changes pushed by one partner, until the other partner's phone pulls them.

    Each tracked change writes a tag "~L<seq>~" into its text; the partner's phone
    finds the tag in a pull. The delay runs from the push's answer (acknowledged) to
    the end of that pull; a pull that brought the change before its push was
    answered counts as 0. A change that a later one to the same record replaced
    before the partner pulled it (a check-in saved again, its tag gone) is
    counted as superseded when the later one arrives.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.seq = 0
        self.entries: dict[int, dict[str, Any]] = {}
        self.pending: dict[int, set[int]] = defaultdict(set)
        self.delays: list[tuple[float, str, str]] = []  # (ms, which pull, what changed)
        self.early = 0
        self.superseded = 0

    def new(self, target: int, what: str, record: str) -> int:
        """Track a change to a record that the `target` phone should see; return its tag."""
        with self.lock:
            self.seq += 1
            self.entries[self.seq] = {
                "target": target,
                "what": what,
                "record": record,
                "acked": None,
                "seen": None,
            }
            self.pending[target].add(self.seq)
            return self.seq

    def acked(self, seqs: list[int], at: float) -> None:
        """The pushes carrying these changes were answered: applied."""
        with self.lock:
            for seq in seqs:
                entry = self.entries[seq]
                entry["acked"] = at
                if entry["seen"] is not None:
                    self.early += 1
                    self.delays.append((0.0, entry["how"], entry["what"]))

    def dropped(self, seqs: list[int]) -> None:
        """These changes were rejected: nobody will see them."""
        with self.lock:
            for seq in seqs:
                entry = self.entries.pop(seq, None)
                if entry is not None:
                    self.pending[entry["target"]].discard(seq)

    def wanted(self, phone: int) -> bool:
        """Tell whether a phone awaits any change (read without the lock: a hint)."""
        return bool(self.pending.get(phone))

    def seen(self, phone: int, seqs: set[int], at: float, how: str) -> None:
        """A pull of `phone` that ended at `at` brought these tags."""
        with self.lock:
            pending = self.pending[phone]
            newest: dict[str, int] = {}
            for seq in seqs & pending:
                pending.discard(seq)
                entry = self.entries[seq]
                entry["seen"], entry["how"] = at, how
                newest[entry["record"]] = max(seq, newest.get(entry["record"], 0))
                if entry["acked"] is not None:
                    self.delays.append((1000 * (at - entry["acked"]), how, entry["what"]))
            for seq in [s for s in pending if s < newest.get(self.entries[s]["record"], 0)]:
                pending.discard(seq)
                self.entries.pop(seq)
                self.superseded += 1

    def undelivered(self, end: float) -> tuple[int, int]:
        """Acknowledged changes never pulled: (older than LATE at the end, more recent)."""
        with self.lock:
            waiting = [
                e["acked"]
                for e in self.entries.values()
                if e["acked"] is not None and e["seen"] is None
            ]
        late = sum(1 for acked in waiting if end - acked > LATE)
        return late, len(waiting) - late


# --- One phone ---------------------------------------------------------------------------


class Client(Connection):
    """A phone's keep-alive HTTP connection to the server, as a browser holds one."""

    def __init__(self, port: int, session: str) -> None:
        super().__init__(port)
        self.cookie = f"{SESSION_COOKIE}={session}"
        self.used = 0.0

    def call(
        self, method: str, path: str, body: bytes | None = None, content_type: str | None = None
    ) -> tuple[int, bytes]:
        """Send a request; return the status and the body. Raises OSError when no answer."""
        headers = {"Accept": "application/json", "Cookie": self.cookie}
        if method != "GET":
            headers["X-Requested-With"] = "hearth"
        if content_type:
            headers["Content-Type"] = content_type
        if self.conn is not None and now() - self.used > IDLE_CLOSE:
            self.close()  # the server is about to close it: a browser would not reuse it either
        response, payload = self.send(method, path, body, headers)
        self.used = now()
        return response.status, payload


@dataclass
class TimedStream(Stream):
    """An event stream that notes when its response head arrived."""

    head_at: float | None = None

    def feed(self, data: bytes, at: float) -> None:
        """Take bytes from the socket, noting the moment the status line is read."""
        before = self.status
        super().feed(data, at)
        if before is None and self.status is not None:
            self.head_at = at


class PhoneStreams(Streams):
    """The phones' event streams, read by one selector thread."""

    stream_type = TimedStream


class Photos:
    """Distinct photo-like JPEGs of a given size, made on demand."""

    def __init__(self, side: int) -> None:
        from PIL import Image

        width, height = side, side * 3 // 4
        gradient = Image.linear_gradient("L").resize((width, height))
        grain = Image.effect_noise((width, height), 24)
        self.base = Image.merge("RGB", [gradient, grain, gradient.rotate(180)])
        self.lock = threading.Lock()

    def make(self, rng: random.Random) -> bytes:
        """Return a JPEG no other call returned (a patch of random pixels somewhere)."""
        from PIL import Image

        patch = Image.frombytes("RGB", (32, 32), rng.randbytes(32 * 32 * 3))
        with self.lock:
            image = self.base.copy()
        width, height = image.size
        image.paste(patch, (rng.randrange(width - 32), rng.randrange(height - 32)))
        out = io.BytesIO()
        image.save(out, "JPEG", quality=85)
        return out.getvalue()


@dataclass
class Run:
    """What every phone shares: the server, the streams, the clock and the settings."""

    port: int
    streams: PhoneStreams
    tracker: Tracker
    photos: Photos
    args: argparse.Namespace
    started: float
    deadline: float
    first_day: date  # the newest day a phone checks in for; earlier ones follow
    stop: threading.Event = field(default_factory=threading.Event)
    failure: str = ""


def _text(rng: random.Random, phrases: int) -> str:
    return ", ".join(rng.choices(PHRASES, k=phrases)).capitalize() + "."


class Phone:
    """One partner's phone: the PWA's sync engine and live channel, and a person's habits."""

    def __init__(self, n: int, partner: int, account: Account, run: Run) -> None:
        self.n, self.partner, self.account, self.run = n, partner, account, run
        self.me = str(account.user_id)
        self.rng = random.Random(f"{run.args.seed}-{n}")
        self.client = Client(run.port, account.session)
        self.client_id = f"load-{uuid.uuid4().hex[:16]}"
        self.scale = SATURATE_SCALE if run.args.saturate else 1.0 / run.args.rate
        self.calls: list[Call] = []
        self.first_errors: dict[tuple[str, int], str] = {}
        self.rejected: Counter[str] = Counter()
        # The PWA's state: its outbox, its cookie, what it shows, the photos it has.
        self.next_id = 1
        self.outbox: list[dict[str, Any]] = []
        self.cookie: str | None = None
        self.records: dict[str, dict[str, Any]] = {}  # memories and the partner's check-ins
        self.cached: set[str] = set()
        self.to_read: list[str] = []
        self.acks: list[tuple[float, str]] = []
        self.ack_planned: set[str] = set()
        self.days_back = 0
        self.last_day: date | None = None
        self.last_shared = True
        self.due: dict[str, float] = {}
        self.retry_at: float | None = None
        self.failures = 0
        # The live channel.
        self.stream: TimedStream | None = None
        self.handled = 0
        self.noted = False
        self.reopen_at: float | None = None
        self.stream_failures = 0
        self.last_event_id: str | None = None
        self.drops = 0

    # --- requests ---

    def request(
        self,
        endpoint: str,
        detail: str,
        method: str,
        path: str,
        body: bytes | None = None,
        content_type: str | None = None,
    ) -> tuple[int, bytes]:
        """Send a request and record it; status 0 when no answer came."""
        began = now()
        try:
            status, payload = self.client.call(method, path, body, content_type)
        except (OSError, http.client.HTTPException) as error:
            status, payload = 0, f"{type(error).__name__}: {error}".encode()
            self.client.close()
        self.calls.append(Call(began - self.run.started, endpoint, detail, now() - began, status))
        if failed(status):
            self.first_errors.setdefault((endpoint, status), payload[:300].decode(errors="replace"))
        return status, payload

    def api(self, endpoint: str, detail: str, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        """POST JSON; return the status and the parsed answer (None unless a 200)."""
        status, payload = self.request(
            endpoint, detail, "POST", path, json.dumps(body).encode(), "application/json"
        )
        return status, (json.loads(payload) if status == 200 else None)

    # --- the sync engine ---

    def enqueue(
        self, name: str, args: dict[str, Any], seqs: list[int], photo: bytes | None = None
    ) -> None:
        """Put a mutation in the outbox (with the photo it needs uploaded first)."""
        self.outbox.append(
            {"id": self.next_id, "name": name, "args": args, "seqs": seqs, "photo": photo}
        )
        self.next_id += 1

    def sync(self, how: str) -> None:
        """One round of the PWA's sync: push the outbox, pull until up to date, read photos."""
        ok = self.push_all() and self.pull_all(how)
        self.read_photos()
        if ok:
            self.failures, self.retry_at = 0, None
            return
        # pwa/js/core/sync.js: exponential backoff from 1 s, with jitter.
        delay = min(300.0, 2.0**self.failures)
        self.failures += 1
        self.retry_at = now() + delay / 2 + self.rng.random() * delay / 2

    def push_all(self) -> bool:
        """Push the outbox in batches, each batch's photos uploaded first."""
        while self.outbox:
            batch = self.outbox[:PUSH_BATCH]
            for mutation in batch:
                photo = mutation["photo"]
                if photo is None:
                    continue
                sha = mutation["args"]["photo"]["hash"]
                status, _ = self.request(
                    PUT_BLOB, "", "PUT", f"/api/blobs/{sha}", photo, "image/jpeg"
                )
                if status not in (200, 201):
                    return False
                mutation["photo"] = None
                self.cached.add(sha)
            detail = "+".join(dict.fromkeys(m["name"] for m in batch))
            body = {
                "client_id": self.client_id,
                "schema_version": 1,
                "mutations": [{k: m[k] for k in ("id", "name", "args")} for m in batch],
            }
            status, answer = self.api(PUSH, detail, "/api/sync/push", body)
            if status != 200:
                return False
            at, last = now(), answer["last_mutation_id"]
            results = {r["id"]: r for r in answer["results"]}
            for mutation in batch:
                if mutation["id"] > last:
                    continue
                result = results.get(mutation["id"])
                if result is not None and result["status"] == "rejected":
                    self.rejected[f"{mutation['name']}: {result['error']['code']}"] += 1
                    self.run.tracker.dropped(mutation["seqs"])
                else:
                    self.run.tracker.acked(mutation["seqs"], at)
            self.outbox = [m for m in self.outbox if m["id"] > last]
            if last < batch[0]["id"]:
                return True  # a gap: the pull settles what the server has
        return True

    def pull_all(self, how: str) -> bool:
        """Pull pages until the server has nothing more."""
        while True:
            body = {"client_id": self.client_id, "cookie": self.cookie, "limit": PULL_LIMIT}
            status, page = self.api(PULL, how, "/api/sync/pull", body)
            if status != 200:
                return False
            if page["reset"]:
                self.records.clear()
            self.take(page["patch"], how, now())
            self.cookie = page["cookie"]
            if not page["has_more"]:
                return True

    def take(self, patch: list[dict[str, Any]], how: str, at: float) -> None:
        """Store a page as the PWA would; note the partner's changes it brings."""
        wanted = self.run.tracker.wanted(self.n)
        tags: set[int] = set()
        for op in patch:
            record_id = op["id"]
            if op["op"] == "del":
                self.records.pop(record_id, None)
                continue
            value = op["value"]
            if wanted:
                tags.update(int(tag) for tag in MARK.findall(json.dumps(value)))
            if value["deleted"]:
                self.records.pop(record_id, None)
            elif value["kind"] == "memory":
                self.records[record_id] = value
                for photo in value.get("photos", []):
                    if photo["hash"] not in self.cached:
                        self.cached.add(photo["hash"])
                        self.to_read.append(photo["hash"])
            elif value["kind"] == "checkin" and value["author_id"] != self.me:
                self.records[record_id] = value
                # Only news is acknowledged: not the past a first sync brings.
                if (
                    how != "start"
                    and value.get("ack") is None
                    and record_id not in self.ack_planned
                ):
                    self.ack_planned.add(record_id)
                    if self.rng.random() < ACK_SHARE:
                        heapq.heappush(self.acks, (at + self.think(ACK_AFTER), record_id))
        if tags:
            self.run.tracker.seen(self.n, tags, at, how)

    def read_photos(self) -> None:
        """Show the partner's new photos: each thumbnail, some in full (cached after)."""
        while self.to_read and not self.run.stop.is_set():
            sha = self.to_read.pop()
            self.request(THUMB, "", "GET", f"/api/blobs/{sha}/thumb")
            if self.rng.random() < FULL_PHOTO_SHARE:
                self.request(PHOTO, "", "GET", f"/api/blobs/{sha}")

    # --- what the person does ---

    def think(self, pace: tuple[float, float]) -> float:
        """A think time at the run's rate."""
        return self.rng.uniform(*pace) * self.scale

    def next_day(self) -> date:
        """The next day this phone checks in for (going back, below the seeded past)."""
        from server.checkins.service import EARLIEST_DAY

        self.days_back += 1
        day = self.run.first_day - timedelta(days=self.days_back)
        if day <= EARLIEST_DAY:
            self.days_back, day = 0, self.run.first_day
        return day

    def checkin(self) -> None:
        """Save a check-in (a new day, or the last one again), then sync."""
        from server.checkins.service import checkin_id

        rng = self.rng
        if self.last_day is not None and rng.random() < EDIT_SHARE:
            day, shared = self.last_day, self.last_shared  # an edit keeps who may see it
        else:
            day, shared = self.next_day(), rng.random() >= PRIVATE_SHARE
        self.last_day, self.last_shared = day, shared
        record_id = str(checkin_id(self.account.space_id, self.account.user_id, day))
        seqs = [self.run.tracker.new(self.partner, "checkin.save", record_id)] if shared else []
        tag = f" ~L{seqs[0]}~" if seqs else ""
        args = {
            "id": record_id,
            "day": day.isoformat(),
            "mood": rng.randint(1, 5),
            "trust": rng.randint(1, 10),
            "feelings": rng.sample(FEELINGS, rng.randint(0, 3)),
            "need": _text(rng, rng.randint(0, 2)) if rng.random() < 0.6 else "",
            "gratitude": _text(rng, rng.randint(1, 3)),
            "note": _text(rng, rng.randint(1, 8)) + tag,
            "visibility": "shared" if shared else "private",
        }
        self.enqueue("checkin.save", args, seqs)
        self.sync("push")

    def memory(self) -> None:
        """Write a new memory or edit one of the couple's, sometimes with a photo; sync."""
        rng, tracker = self.rng, self.run.tracker
        photo = rng.random() < PHOTO_SHARE
        shown = [
            v
            for v in self.records.values()
            if v["kind"] == "memory" and (not photo or len(v.get("photos", [])) < MAX_PHOTOS)
        ]
        if not shown or rng.random() < NEW_MEMORY_SHARE:
            memory_id, shared = str(uuid.uuid4()), True
            seq = tracker.new(self.partner, "memory.save", memory_id)
            fields: dict[str, Any] = {
                "title": _text(rng, 1)[:150] + f" ~L{seq}~",
                "story": _text(rng, rng.randint(2, 20)),
                "happened_on": (
                    self.run.first_day - timedelta(days=rng.randint(0, 60))
                ).isoformat(),
                "place": _text(rng, 1)[:100],
                "tags": rng.sample(FEELINGS, rng.randint(0, 2)),
            }
            self.enqueue("memory.save", {"id": memory_id, "fields": fields, "base": {}}, [seq])
        else:
            memory = rng.choice(shown)
            memory_id, shared = memory["id"], memory["visibility"] == "shared"
            if not photo or rng.random() < 0.5:
                seqs = [tracker.new(self.partner, "memory.save", memory_id)] if shared else []
                tag = f" ~L{seqs[0]}~" if seqs else " ~private~"
                names = rng.sample(["title", "story", "place", "tags"], rng.randint(1, 2))
                if names == ["tags"]:
                    names.append("story")
                fields = {}
                for name in names:
                    if name == "tags":
                        fields[name] = rng.sample(FEELINGS, rng.randint(0, 3))
                    elif name == "story":
                        fields[name] = _text(rng, rng.randint(2, 20)) + tag
                    else:
                        fields[name] = _text(rng, 1)[:150] + tag
                versions = memory.get("field_versions") or {}
                base = {name: versions.get(name, 0) for name in names}
                self.enqueue("memory.save", {"id": memory_id, "fields": fields, "base": base}, seqs)
        if photo:
            data = self.run.photos.make(rng)
            seqs = [tracker.new(self.partner, "memory.add_photo", memory_id)] if shared else []
            caption = _text(rng, 1)[:100] + (f" ~L{seqs[0]}~" if seqs else "")
            photo_args = {"hash": hashlib.sha256(data).hexdigest(), "caption": caption}
            self.enqueue("memory.add_photo", {"id": memory_id, "photo": photo_args}, seqs, data)
        self.sync("push")

    def ack(self, record_id: str) -> None:
        """React and reply to the partner's check-in, unless it is gone or answered."""
        value = self.records.get(record_id)
        if value is None or (value.get("ack") or {}).get("by") == self.me:
            return
        seq = self.run.tracker.new(self.partner, "checkin.ack", record_id)
        args = {
            "id": record_id,
            "reaction": self.rng.choice(REACTIONS),
            "reply": _text(self.rng, self.rng.randint(0, 2))[:900] + f" ~L{seq}~",
        }
        self.enqueue("checkin.ack", args, [seq])
        self.sync("push")

    def who_am_i(self) -> None:
        """GET /api/me, as the app does when it opens."""
        self.request(ME, "", "GET", "/api/me")

    # --- the live channel ---

    def open_stream(self) -> None:
        """Open the event stream (again), with the id of the last poke heard."""
        if self.stream is not None:
            with suppress(OSError):
                self.stream.sock.close()
        self.stream, self.handled, self.noted, self.reopen_at = None, 0, False, None
        try:
            self.stream = self.run.streams.open(self.account.session, self.last_event_id)
        except OSError as error:
            self.calls.append(Call(now() - self.run.started, EVENTS, "open", 0.0, 0))
            self.first_errors.setdefault((EVENTS, 0), f"{type(error).__name__}: {error}")
            self.stream_failures += 1
            self.reopen_at = now() + STREAM_RETRY * 2 ** min(self.stream_failures, 5)

    def watch_stream(self, at: float) -> None:
        """Record the stream's opening; when it has ended, plan its reopening."""
        stream = self.stream
        if stream is None:
            return
        if not self.noted and (stream.status is not None or stream.ended):
            self.noted = True
            status = stream.status or 0
            seconds = (stream.head_at or at) - stream.opened
            self.calls.append(
                Call(stream.opened - self.run.started, EVENTS, "open", seconds, status)
            )
            if status == 200:
                self.stream_failures = 0
            else:
                self.first_errors.setdefault((EVENTS, status), stream.error or "ended")
                self.stream_failures += 1
        if stream.pokes:
            self.last_event_id = str(stream.pokes[-1][0])
        if stream.ended and self.reopen_at is None:
            if stream.status == 200:
                self.drops += 1
            # EventSource retries after the server's retry: (2 s); refused, it waits longer.
            delay = STREAM_RETRY * 2 ** min(self.stream_failures, 5)
            self.reopen_at = at + delay * (0.5 + self.rng.random() / 2)

    def poked(self) -> bool:
        """Tell whether a poke came that no pull has answered yet."""
        return self.stream is not None and self.stream.seen() > self.handled

    def attention(self) -> bool:
        """Tell whether the phone should wake: a poke, its stream's state, the end."""
        stream = self.stream
        return (
            self.poked()
            or self.run.stop.is_set()
            or (
                stream is not None
                and (
                    (not self.noted and stream.status is not None)
                    or (stream.ended is not None and self.reopen_at is None)
                )
            )
        )

    # --- the day ---

    def plan(self, name: str, due: float) -> None:
        """Set when the person next does `name` (from when they finished, or as scheduled)."""
        base = due if self.run.args.saturate else now()
        self.due[name] = base + self.think(PACE[name])

    def live(self) -> None:
        """Run the phone until the end of the run."""
        run = self.run
        if run.stop.wait(self.n * min(0.25, 10.0 / max(1, run.args.couples * 2))):
            return
        start = now()
        self.who_am_i()
        self.open_stream()
        self.sync("start")
        self.due = {
            "timer": start + TIMER_SECONDS,
            **{
                name: start + self.rng.uniform(0, pace[1]) * self.scale
                for name, pace in PACE.items()
            },
        }
        while not run.stop.is_set():
            at = now()
            if at >= run.deadline:
                return
            self.watch_stream(at)
            if self.stream is not None and self.poked():
                self.handled = self.stream.seen()
                self.sync("poke")
                continue
            name, due = min(self.due.items(), key=lambda item: item[1])
            if self.acks and self.acks[0][0] < due:
                name, due = "ack", self.acks[0][0]
            if self.retry_at is not None and self.retry_at < due:
                name, due = "retry", self.retry_at
            if self.reopen_at is not None and self.reopen_at < due:
                name, due = "stream", self.reopen_at
            if due > at:
                run.streams.wait(self.attention, min(due, run.deadline) - at)
                continue
            if name == "stream":
                self.open_stream()
            elif name == "retry":
                self.sync("retry")
            elif name == "ack":
                self.ack(heapq.heappop(self.acks)[1])
            elif name == "timer":
                self.sync("timer")
                self.due["timer"] = max(due + TIMER_SECONDS, now())
            else:
                {"checkin": self.checkin, "memory": self.memory, "me": self.who_am_i}[name]()
                self.plan(name, due)

    def run_safely(self) -> None:
        """Live, and stop the whole run when this phone's code breaks."""
        try:
            self.live()
        except Exception as error:  # a bug here, not a server error: every request is caught
            self.run.failure = (
                self.run.failure or f"phone {self.n}: {type(error).__name__}: {error}"
            )
            self.run.stop.set()
            raise
        finally:
            self.client.close()


# --- The server and what it uses ---------------------------------------------------------


@dataclass
class Instances:
    """Several gunicorn instances on one port (SO_REUSEPORT), seen as one server.

    The kernel spreads the connections over them as a load balancer in front of two
    app servers would: they share the database, Redis and the photo folder, and a
    partner's poke crosses from one to the other through Redis.
    """

    servers: list[Server]

    @property
    def port(self) -> int:
        return self.servers[0].port

    @property
    def label(self) -> str:
        one = self.servers[0].label
        return (
            one
            if len(self.servers) == 1
            else f"{len(self.servers)} instances on one port, each {one}"
        )

    @property
    def command(self) -> str:
        one = self.servers[0].command
        return one if len(self.servers) == 1 else f"{len(self.servers)} x {one}"

    def masters(self) -> list[subprocess.Popen]:
        return [server.process for server in self.servers]

    def workers(self) -> list[int]:
        return sorted(pid for server in self.servers for pid in server.workers())


@contextmanager
def running_server(
    env: dict[str, str], args: argparse.Namespace, log_path: Path, spec: str, tmp: Path
) -> Iterator[Instances]:
    """Run gunicorn as the README's deployment does (--instances of it behind one loopback
    port); yield them."""
    threads = args.threads + args.stream_room
    options = [
        "-c",
        "python:server.gunicorn_conf",
        "--workers",
        str(args.workers),
        "--threads",
        str(threads),
        "--worker-connections",
        str(threads + 100),
        *(["--reuse-port"] if args.instances > 1 else []),
    ]
    # As the README's deployment sets it (its absence shows as memory creeping up).
    env = {"MALLOC_ARENA_MAX": "2", **env}
    label = (
        f"gthread, {args.workers} workers x {threads} threads, "
        f"MALLOC_ARENA_MAX={env['MALLOC_ARENA_MAX']}"
    )
    port = free_port()
    with ExitStack() as stack:
        servers = []
        for n in range(args.instances):
            own = tmp / f"instance-{n}"  # each its own control socket
            own.mkdir(exist_ok=True)
            servers.append(
                stack.enter_context(
                    serve(env, options, spec, args.workers, label, log_path, own, port=port)
                )
            )
        yield Instances(servers)


def proc(pid: int) -> dict[str, float] | None:
    """Resident memory (KiB, all and anonymous) and CPU seconds of a process; None if gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    found = {"rss": 0.0, "anon": 0.0}
    for line in status.splitlines():
        name, _, value = line.partition(":")
        if name == "VmRSS":
            found["rss"] = float(value.split()[0])
        elif name == "RssAnon":
            found["anon"] = float(value.split()[0])
    fields = stat.rsplit(")", 1)[1].split()
    found["cpu"] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return found


class Sampler:
    """Memory and CPU time of gunicorn's processes and of PostgreSQL's backends serving them.

    Every second it reads each process's CPU time (a backend that lives a second, as
    a pool's overflow connection does, is still counted), and every `every` seconds
    it takes a sample of the resident memory, with the CPU seconds used so far.
    """

    def __init__(
        self, server: Instances, database: Database, app_name: str, every: float, run: Run
    ) -> None:
        self.server, self.database, self.app_name = server, database, app_name
        self.every, self.run = every, run
        self.samples: list[dict[str, Any]] = []
        self.first: dict[tuple[str, int], float] = {}
        self.last: dict[tuple[str, int], float] = {}
        self.thread = threading.Thread(target=self._loop, name="sampler", daemon=True)
        self.done = threading.Event()

    def backends(self) -> list[int]:
        """The pids of the PostgreSQL backends serving this run's server."""
        if self.database.admin is None:
            return []
        import sqlalchemy as sa

        with self.database.admin.connect() as conn:
            return list(
                conn.execute(
                    sa.text("SELECT pid FROM pg_stat_activity WHERE application_name = :name"),
                    {"name": self.app_name},
                ).scalars()
            )

    def tick(self) -> dict[str, dict[int, dict[str, float]]]:
        """Read every process once; count its CPU time; return what was read."""
        found = {
            "master": {p.pid: proc(p.pid) for p in self.server.masters()},
            "workers": {pid: proc(pid) for pid in self.server.workers()},
            "pg": {pid: proc(pid) for pid in self.backends()},
        }
        start = not self.last
        for group, infos in found.items():
            for pid, info in list(infos.items()):
                if info is None:
                    del infos[pid]
                    continue
                # A process first seen later began during the run: all its time counts.
                self.first.setdefault((group, pid), info["cpu"] if start else 0.0)
                self.last[(group, pid)] = info["cpu"]
        return found

    def cpu(self, group: str) -> float:
        """CPU seconds a group of processes has used since the first tick."""
        return sum(last - self.first[key] for key, last in self.last.items() if key[0] == group)

    def sample(self, found: dict[str, dict[int, dict[str, float]]]) -> None:
        """Keep a sample: memory now, CPU so far."""
        master = next(iter(found["master"].values()), None)
        self.samples.append(
            {
                "t": now() - self.run.started,
                "master": master,
                "workers": found["workers"],
                "pg": found["pg"],
                "load": os.getloadavg()[0],
                "cpu": {group: self.cpu(group) for group in ("master", "workers", "pg")},
            }
        )

    def _loop(self) -> None:
        next_sample = now() + self.every
        while not self.done.wait(1.0):
            if any(master.poll() is not None for master in self.server.masters()):
                self.run.failure = self.run.failure or "gunicorn exited during the run"
                self.run.stop.set()
                return
            found = self.tick()
            if now() >= next_sample - 0.5:
                next_sample += self.every
                self.sample(found)

    def start(self) -> None:
        """Take the first sample now, then read every second and sample every `every` s."""
        self.sample(self.tick())
        self.thread.start()

    def finish(self) -> None:
        """Stop; take a last sample."""
        self.done.set()
        self.thread.join(10)
        if all(master.poll() is None for master in self.server.masters()):
            self.sample(self.tick())


def cpu_used(samples: list[dict[str, Any]], group: str, upto: int) -> float:
    """CPU seconds a group of processes used from the first sample to sample `upto`."""
    return samples[upto]["cpu"][group]


def read_server_log(path: Path, offset: int) -> dict[str, Any]:
    """The access lines' durations per route, and the warnings and errors, summarised."""
    with open(path, "rb") as file:
        file.seek(offset)
        text = file.read().decode(errors="replace")
    durations: dict[str, list[float]] = defaultdict(list)
    statuses: Counter[str] = Counter()
    problems: Counter[str] = Counter()
    for line in text.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if not isinstance(entry, dict):
            continue
        if entry.get("logger") == "hearth.access":
            endpoint = f"{entry.get('method')} {route(entry.get('path') or '-')}"
            durations[endpoint].append(float(entry.get("duration_ms", 0.0)))
            if int(entry.get("status", 0)) >= 500:
                statuses[f"{entry.get('status')} {endpoint}"] += 1
            continue
        if entry.get("level") not in ("WARNING", "ERROR", "CRITICAL"):
            continue
        summary = f"{entry.get('level')} {entry.get('logger')}: {entry.get('message', '')[:140]}"
        exception = entry.get("exception")
        if exception:
            summary += " | " + where_it_broke(exception)
        problems[summary] += 1
    for line in server_exceptions(path, offset):  # plain-text tracebacks, if any
        count, _, message = line.partition(" x ")
        problems[f"(text) {message}"] += int(count)
    return {"durations": durations, "server_5xx": statuses, "problems": problems}


def route(rule: str) -> str:
    """A Flask URL rule as the tables name it: converters left out."""
    return re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", rule)


def where_it_broke(exception: str) -> str:
    """The exception's type and the app's innermost frame, from a logged traceback."""
    lines = exception.strip().splitlines()
    last = lines[-1].strip() if lines else "?"
    frames = [line.strip() for line in lines if line.strip().startswith('File "')]
    ours = [f for f in frames if "/server/" in f] or frames
    if not ours:
        return last
    found = re.match(r'File "(?:.*/)?(server/[^"]+|[^"/]+)", line (\d+), in (\S+)', ours[-1])
    place = f"{found.group(1)}:{found.group(2)} in {found.group(3)}" if found else ours[-1]
    return f"{last} at {place}"


# --- The run ---------------------------------------------------------------------------------


def sign_up(port: int, couples: int) -> list[tuple[Account, Account]]:
    """Register every partner and pair them, through the API."""
    run = uuid.uuid4().hex[:8]
    with ThreadPoolExecutor(2) as pool:  # password hashing takes both cores
        accounts = list(pool.map(lambda n: register(port, run, n), range(2 * couples)))
        pairs = [(accounts[2 * n], accounts[2 * n + 1]) for n in range(couples)]
        list(pool.map(lambda couple: pair(port, *couple), pairs))
    return pairs


def drive(
    server: Instances,
    pairs: list[tuple[Account, Account]],
    args: argparse.Namespace,
    database: Database,
    app_name: str,
    log: Path,
) -> dict[str, Any]:
    """Run every phone for the run's length; return what they and the sampler recorded."""
    streams = PhoneStreams(server.port)
    history_days = math.ceil(args.history * 0.7 / 2) + 2 if args.history else 1
    started = now()
    run = Run(
        port=server.port,
        streams=streams,
        tracker=Tracker(),
        photos=Photos(args.photo_side),
        args=args,
        started=started,
        deadline=started + 60 * args.minutes,
        first_day=datetime.now(UTC).date() - timedelta(days=history_days),
    )
    phones = []
    for n, (a, b) in enumerate(pairs):
        phones.append(Phone(2 * n, 2 * n + 1, a, run))
        phones.append(Phone(2 * n + 1, 2 * n, b, run))
    sampler = Sampler(server, database, app_name, args.sample_seconds, run)
    offset = log.stat().st_size
    cpu_before = os.times()
    sampler.start()
    threads = [
        threading.Thread(target=phone.run_safely, name=f"phone-{phone.n}", daemon=True)
        for phone in phones
    ]
    for thread in threads:
        thread.start()
    try:
        while not run.stop.wait(1.0):
            if now() >= run.deadline:
                break
        run.stop.set()
        with streams.changed:
            streams.changed.notify_all()
        for thread in threads:
            thread.join(120)
    finally:
        run.stop.set()
        ended = now()
        cpu_after = os.times()
        sampler.finish()
        streams.close()
    if run.failure:
        raise BenchError(run.failure)
    return {
        "phones": phones,
        "tracker": run.tracker,
        "samples": sampler.samples,
        "seconds": ended - started,
        "ended": ended,
        "client_cpu": (cpu_after.user + cpu_after.system) - (cpu_before.user + cpu_before.system),
        "log_offset": offset,
    }


def bench(args: argparse.Namespace, tmp: Path, log: Path) -> dict[str, Any]:
    """Prepare the database and Redis, start the server, run the phones; return the figures."""
    database: Database | None = None
    redis: Redis | None = None
    try:
        database = open_database(args.database_url, tmp, PG_SCHEMA)
        redis = open_redis(args.redis_url)
        if redis is not None:
            redis.prefix = f"hearth-load-bench-{uuid.uuid4().hex[:8]}"
        app_name = f"hearth-load-{uuid.uuid4().hex[:8]}"
        url = database.url
        if database.is_postgres:
            # The backends serving this run are found by their name in pg_stat_activity.
            url += ("&" if "?" in url else "?") + f"application_name={app_name}"
        env = server_environment(url)
        env.update(
            BLOB_DIR=str(tmp / "blobs"),
            BLOB_QUOTA_MB="100000",
            LIVE_MAX_STREAMS=str(args.stream_room),
            LOG_LEVEL=args.log_level,
        )
        if redis is not None:
            env.update(REDIS_URL=redis.url, REDIS_KEY_PREFIX=redis.prefix)
        # The seeding runs the app in this process: same database, same settings.
        os.environ.clear()
        os.environ.update(env)
        print(f"Preparing {database.label} ...", file=sys.stderr)
        migrate(env)
        spec = app_spec(redis)
        with running_server(env, args, log, spec, tmp) as server:
            print(
                f"Server up ({server.label}); signing up {args.couples} couples ...",
                file=sys.stderr,
            )
            began = time.perf_counter()
            pairs = sign_up(server.port, args.couples)
            if args.history:
                seed([(a.space_id, [a.user_id, b.user_id], args.history, True) for a, b in pairs])
            setup = time.perf_counter() - began
            load_before = os.getloadavg()[0]
            print(
                f"Running {2 * args.couples} phones for {args.minutes:g} min "
                f"(load average {load_before:.1f}) ...",
                file=sys.stderr,
            )
            found = drive(server, pairs, args, database, app_name, log)
            found["server"] = server
        found["log"] = read_server_log(log, found["log_offset"])
        found.update(
            database=database.label,
            is_postgres=database.is_postgres,
            redis=f"{redis.url}, key prefix {redis.prefix}" if redis else None,
            setup_seconds=setup,
            load=(load_before, os.getloadavg()[0]),
        )
        return found
    finally:
        if redis is not None:
            redis.clear()
        if database is not None:
            database.drop()


# --- Report ------------------------------------------------------------------------------------


def ms(values: list[float], q: float) -> float:
    """The q-quantile of durations in seconds, in milliseconds (NaN when none)."""
    return 1000 * pct(values, q)


def stats(calls: list[Call], seconds: float) -> dict[str, Any]:
    """Count, rate, errors by status and latency quantiles of some requests."""
    times = [c.seconds for c in calls if not failed(c.status)]
    errors = Counter(c.status for c in calls if failed(c.status))
    return {
        "count": len(calls),
        "rps": len(calls) / seconds if seconds else 0.0,
        "errors": dict(sorted(errors.items())),
        "p50_ms": ms(times, 0.5),
        "p95_ms": ms(times, 0.95),
        "p99_ms": ms(times, 0.99),
        "total_s": sum(c.seconds for c in calls),
    }


def rounded(figures: dict[str, Any]) -> dict[str, Any]:
    """The figures for the JSON line: one decimal, None for what was not measured."""
    out = {}
    for key, value in figures.items():
        if isinstance(value, float):
            out[key] = None if math.isnan(value) else round(value, 1)
        else:
            out[key] = value
    return out


def error_text(errors: dict[int, int]) -> str:
    """Errors as '503 x2, none x1'."""
    return ", ".join(f"{status or 'none'} x{n}" for status, n in errors.items()) or "0"


def mib(kib: float) -> str:
    """KiB as MiB for the tables."""
    return f"{kib / 1024:.0f}"


def pg_memory(row: dict[str, Any]) -> str:
    """The backends' private memory and how many there were, as 'MiB (n)'."""
    return f"{mib(row['pg_anon_kib'])} ({row['pg_backends']})"


def minute_rows(
    calls: list[Call],
    samples: list[dict[str, Any]],
    delays: list[tuple[float, float]],
    seconds: float,
) -> list[dict[str, Any]]:
    """A row per minute: traffic, latency, propagation, memory at its end, CPU during it."""
    rows = []
    previous = {"workers": 0.0, "pg": 0.0}
    # A last minute of less than a few seconds is the phones finishing: no row of its own.
    for minute in range(max(1, math.ceil((seconds - 5) / 60))):
        low, high = 60 * minute, min(60 * (minute + 1), seconds)
        if high >= seconds - 5:
            high = seconds
        inside = [c for c in calls if low <= c.at < high]
        span = max(1e-9, high - low)
        ok = [c.seconds for c in inside if not failed(c.status)]
        index = max(
            (n for n, s in enumerate(samples) if s["t"] <= high + 1), default=len(samples) - 1
        )
        sample = samples[index]
        cpu = {group: cpu_used(samples, group, index) for group in previous}
        rows.append(
            {
                "minute": minute + 1,
                "rps": len(inside) / span,
                "errors": sum(1 for c in inside if failed(c.status)),
                "p50_ms": ms(ok, 0.5),
                "p95_ms": ms(ok, 0.95),
                "p99_ms": ms(ok, 0.99),
                "push_p50_ms": ms(
                    [c.seconds for c in inside if c.endpoint == PUSH and not failed(c.status)],
                    0.5,
                ),
                "pull_p50_ms": ms(
                    [c.seconds for c in inside if c.endpoint == PULL and not failed(c.status)],
                    0.5,
                ),
                "propagation_p50_ms": pct([d for at, d in delays if low <= at < high], 0.5),
                "master_kib": (sample["master"] or {}).get("rss", 0.0),
                "workers_kib": [sample["workers"][pid]["rss"] for pid in sorted(sample["workers"])],
                "pg_anon_kib": sum(info["anon"] for info in sample["pg"].values()),
                "pg_backends": len(sample["pg"]),
                "worker_cpu_s": cpu["workers"] - previous["workers"],
                "pg_cpu_s": cpu["pg"] - previous["pg"],
                "load": sample["load"],
            }
        )
        previous = cpu
    return rows


def report(found: dict[str, Any], args: argparse.Namespace, log: Path) -> dict[str, Any]:
    """Print the tables; return the JSON summary."""
    phones: list[Phone] = found["phones"]
    server: Instances = found["server"]
    seconds = found["seconds"]
    calls = sorted((c for p in phones for c in p.calls), key=lambda c: c.at)
    samples = found["samples"]
    tracker: Tracker = found["tracker"]
    server_ms = found["log"]["durations"]
    total_wait = sum(c.seconds for c in calls) or 1e-9
    cpus = os.cpu_count() or 1
    load_before, load_after = found["load"]

    print()
    print(f"Hearth sustained load: {2 * args.couples} phones for {seconds / 60:.1f} min")
    print(f"  database  {found['database']}")
    print(
        "  redis     "
        + (
            f"{found['redis']}: sessions and the live channel"
            if found["redis"]
            else "none: sessions in the database, pokes within each worker only"
        )
    )
    print(
        f"  server    {server.command} ({args.threads} threads for requests + "
        f"LIVE_MAX_STREAMS={args.stream_room} for streams, per worker); HEARTH_ENV=production, "
        f"LOG_LEVEL={args.log_level} (JSON), "
        f"MALLOC_ARENA_MAX={os.environ.get('MALLOC_ARENA_MAX', '2')}, rate limits off, "
        "photos in a temporary folder"
    )
    print(
        f"  machine   {cpus} CPUs, load average {load_before:.1f} before and "
        f"{load_after:.1f} after; {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}"
    )
    if args.saturate:
        pace = "no think time (--saturate), in the proportions of"
        scale = 1.0
    else:
        pace, scale = f"--rate {args.rate:g}:", 1.0 / args.rate

    def every(low_high: tuple[float, float]) -> str:
        return f"{low_high[0] * scale:.3g}-{low_high[1] * scale:.3g} s"

    print(
        f"  load      {args.couples} couples, {args.history} records of history each "
        f"(signed up and seeded in {found['setup_seconds']:.0f} s); {pace} a check-in every "
        f"{every(PACE['checkin'])}, a memory edit every {every(PACE['memory'])} "
        f"({PHOTO_SHARE:.0%} with a {args.photo_side}x{args.photo_side * 3 // 4} JPEG), "
        f"an ack of {ACK_SHARE:.0%} of the partner's check-ins after {every(ACK_AFTER)}, "
        f"GET /api/me every {every(PACE['me'])}; the timer's pull every "
        f"{TIMER_SECONDS:g} s, a pull at every poke"
    )
    if load_before > cpus / 2:
        print("            (other work was running: absolute figures are noisy)")

    everything = stats(calls, seconds)
    print()
    print(
        f"Requests: {everything['count']:,} in {seconds:.0f} s = {everything['rps']:.1f}/s; "
        f"errors {error_text(everything['errors'])}; p50 {everything['p50_ms']:.1f} ms, "
        f"p95 {everything['p95_ms']:.1f} ms, p99 {everything['p99_ms']:.1f} ms"
    )
    print()
    header = (
        f"  {'endpoint (latency: sent -> last byte)':<44}{'count':>7}{'req/s':>7}"
        f"{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'wait %':>8}{'server p50':>11}  errors"
    )
    print(header)
    endpoints: dict[str, Any] = {}
    for endpoint in ENDPOINTS:
        mine = [c for c in calls if c.endpoint == endpoint]
        if not mine:
            continue
        figures = stats(mine, seconds)
        logged = server_ms.get(endpoint, [])
        figures["server_p50_ms"] = pct(logged, 0.5)
        figures["server_p95_ms"] = pct(logged, 0.95)
        details = {}
        names = Counter(c.detail for c in mine)
        rows = [(endpoint, figures)]
        if len(names) > 1 and endpoint != EVENTS:
            for detail, _ in names.most_common(6):
                details[detail] = stats([c for c in mine if c.detail == detail], seconds)
                rows.append((f"  {detail}", details[detail]))
        for name, item in rows:
            server_p50 = item.get("server_p50_ms", float("nan"))
            print(
                f"  {name[:43]:<44}{item['count']:>7}{item['rps']:>7.1f}{item['p50_ms']:>8.1f}"
                f"{item['p95_ms']:>8.1f}{item['p99_ms']:>8.1f}"
                f"{100 * item['total_s'] / total_wait:>8.1f}"
                + (f"{server_p50:>11.1f}" if not math.isnan(server_p50) else f"{'':>11}")
                + f"  {error_text(item['errors'])}"
            )
        endpoints[endpoint] = {
            **rounded({k: v for k, v in figures.items() if k != "total_s"}),
            "wait_share": round(figures["total_s"] / total_wait, 3),
            "details": {
                d: rounded({k: v for k, v in f.items() if k != "total_s"})
                for d, f in details.items()
            },
        }
    print(
        "  wait %: share of all the time phones waited for answers. server p50: the app's own\n"
        "  time from its access log (a stream's to its first byte). Pull rows by what asked\n"
        "  for them: a poke, the timer, the phone's own push, its start, a retry."
    )
    for (endpoint, status), text in sorted(
        {k: v for p in phones for k, v in p.first_errors.items()}.items()
    ):
        print(f"  first {status or 'no answer'} on {endpoint}: {text[:200]}")
    rejected = Counter()
    for phone in phones:
        rejected.update(phone.rejected)
    if rejected:
        print(f"  mutations rejected: {dict(rejected.most_common())}")
    resent = sum(p.client.resent for p in phones)
    drops = sum(p.drops for p in phones)

    delays = tracker.delays
    all_ms = [d for d, _, _ in delays]
    late, recent = tracker.undelivered(found["ended"])
    by_how = Counter(how for _, how, _ in delays)
    poke_ms = [d for d, how, _ in delays if how == "poke"]
    print()
    print("A partner's change reaching the other phone (push answered -> the pull that brings it)")
    print(
        f"  {len(all_ms)} changes: p50 {pct(all_ms, 0.5):.0f} ms, p95 {pct(all_ms, 0.95):.0f} ms,"
        f" max {max(all_ms, default=float('nan')):.0f} ms; by the pull after a poke "
        f"{len(poke_ms)} (p50 {pct(poke_ms, 0.5):.0f}, p95 {pct(poke_ms, 0.95):.0f} ms)"
    )
    print(
        "  brought by: "
        + ", ".join(f"{how} {n}" for how, n in by_how.most_common())
        + f"; {tracker.early} pulled before the push's answer came, {tracker.superseded} "
        f"replaced by a later change first; not delivered: {late} older than {LATE:g} s, "
        f"{recent} pushed in the last {LATE:g} s"
    )
    print(
        f"  streams: {drops} dropped and reopened; {resent} requests resent on a closed "
        "keep-alive connection"
    )

    # Over time.
    rows = minute_rows(calls, samples, _delays_at(tracker, found["ended"], seconds), seconds)
    print()
    print(
        f"Over time (a row a minute; memory: resident, at the minute's last sample of every "
        f"{args.sample_seconds:g} s)"
    )
    print(
        f"  {'min':>3}{'req/s':>7}{'err':>5}{'p50':>7}{'p95':>7}{'p99':>7}{'push50':>8}"
        f"{'pull50':>8}{'prop50':>8}{'master':>8}  {'workers MiB':<16}{'pg anon MiB':>13}"
        f"{'cpu w s':>9}{'cpu pg s':>9}{'load':>6}"
    )
    for row in rows:
        workers = "/".join(mib(k) for k in row["workers_kib"])
        print(
            f"  {row['minute']:>3}{row['rps']:>7.1f}{row['errors']:>5}{row['p50_ms']:>7.1f}"
            f"{row['p95_ms']:>7.1f}{row['p99_ms']:>7.1f}{row['push_p50_ms']:>8.1f}"
            f"{row['pull_p50_ms']:>8.1f}{row['propagation_p50_ms']:>8.0f}"
            f"{mib(row['master_kib']):>8}  {workers:<16}"
            f"{pg_memory(row) if found['is_postgres'] else '-':>13}"
            f"{row['worker_cpu_s']:>9.1f}{row['pg_cpu_s']:>9.1f}{row['load']:>6.1f}"
        )
    # From the end of the first minute (the workers warm up) when the run is longer.
    after_warmup = next((s for s in samples[:-1] if s["t"] >= 60), samples[0])
    halfway = next((s for s in samples if s["t"] >= seconds / 2), samples[0])
    last = samples[-1]

    def workers_rss(sample: dict[str, Any]) -> float:
        return sum(info["rss"] for info in sample["workers"].values())

    workers_growth = workers_rss(last) - workers_rss(after_warmup)
    second_half = workers_rss(last) - workers_rss(halfway)
    print(
        f"  workers' RSS, all of them: {workers_growth / 1024:+.1f} MiB from "
        f"{after_warmup['t']:.0f} s to the end, {second_half / 1024:+.1f} MiB over the "
        "second half"
        + (
            " (a worker was replaced: compare by pid)"
            if set(last["workers"]) != set(after_warmup["workers"])
            else ""
        )
    )

    # CPU.
    requests = max(1, len(calls))
    worker_cpu = cpu_used(samples, "workers", len(samples) - 1)
    master_cpu = cpu_used(samples, "master", len(samples) - 1)
    pg_cpu = cpu_used(samples, "pg", len(samples) - 1)
    client_cpu = found["client_cpu"]
    print()
    print(
        f"CPU: gunicorn workers {worker_cpu:.1f} s ({1000 * worker_cpu / requests:.1f} s per "
        f"1 000 requests, {worker_cpu / seconds:.0%} of a core), master {master_cpu:.1f} s; "
        + (
            f"PostgreSQL backends {pg_cpu:.1f} s ({1000 * pg_cpu / requests:.1f} s per 1 000); "
            if found["is_postgres"]
            else ""
        )
        + f"this client {client_cpu:.1f} s ({client_cpu / seconds:.0%} of a core)"
    )

    # The server log.
    problems: Counter[str] = found["log"]["problems"]
    print()
    print(f"Server log ({log}): {sum(problems.values())} lines at WARNING or above")
    for line, count in problems.most_common(8):
        print(f"  {count} x {line[:300]}")
    for line, count in found["log"]["server_5xx"].most_common():
        print(f"  {count} x {line} (access log)")
    print()

    return {
        "bench": "load",
        "database": "postgresql" if found["is_postgres"] else "sqlite",
        "database_label": found["database"],
        "redis": bool(found["redis"]),
        "server": server.command,
        "workers": args.workers,
        "threads_for_requests": args.threads,
        "stream_room": args.stream_room,
        "cpus": cpus,
        "load_average_before": round(load_before, 2),
        "load_average_after": round(load_after, 2),
        "couples": args.couples,
        "phones": 2 * args.couples,
        "history": args.history,
        "rate": None if args.saturate else args.rate,
        "saturate": args.saturate,
        "seconds": round(seconds, 1),
        "requests": len(calls),
        "rps": round(everything["rps"], 2),
        "errors": everything["errors"],
        "p50_ms": round(everything["p50_ms"], 1),
        "p95_ms": round(everything["p95_ms"], 1),
        "p99_ms": round(everything["p99_ms"], 1),
        "endpoints": endpoints,
        "rejected": dict(rejected),
        "propagation": {
            "changes": len(all_ms),
            "p50_ms": round(pct(all_ms, 0.5), 1) if all_ms else None,
            "p95_ms": round(pct(all_ms, 0.95), 1) if all_ms else None,
            "max_ms": round(max(all_ms), 1) if all_ms else None,
            "by_poke": len(poke_ms),
            "by_poke_p50_ms": round(pct(poke_ms, 0.5), 1) if poke_ms else None,
            "by_poke_p95_ms": round(pct(poke_ms, 0.95), 1) if poke_ms else None,
            "brought_by": dict(by_how),
            "before_answer": tracker.early,
            "superseded": tracker.superseded,
            "lost": late,
            "in_flight_at_end": recent,
        },
        "stream_drops": drops,
        "resent": resent,
        "minutes": [
            {
                k: (round(v, 1) if isinstance(v, float) and not math.isnan(v) else v)
                for k, v in row.items()
                if not (isinstance(v, float) and math.isnan(v))
            }
            for row in rows
        ],
        "memory_kib": [
            {
                "t": round(s["t"], 1),
                "master": (s["master"] or {}).get("rss"),
                "workers": [s["workers"][pid]["rss"] for pid in sorted(s["workers"])],
                "pg_anon": sum(i["anon"] for i in s["pg"].values()),
                "pg_backends": len(s["pg"]),
            }
            for s in samples
        ],
        "workers_rss_growth_kib": workers_growth,
        "workers_rss_growth_second_half_kib": second_half,
        "cpu": {
            "workers_s": round(worker_cpu, 2),
            "workers_s_per_1000_requests": round(1000 * worker_cpu / requests, 2),
            "master_s": round(master_cpu, 2),
            "postgresql_s": round(pg_cpu, 2) if found["is_postgres"] else None,
            "postgresql_s_per_1000_requests": (
                round(1000 * pg_cpu / requests, 2) if found["is_postgres"] else None
            ),
            "client_s": round(client_cpu, 2),
        },
        "server_log": str(log),
        "server_problems": dict(problems.most_common(20)),
        "server_5xx": dict(found["log"]["server_5xx"]),
    }


def _delays_at(tracker: Tracker, end: float, seconds: float) -> list[tuple[float, float]]:
    """Each delivered change's delay with when it was pulled (s into the run)."""
    started = end - seconds
    with tracker.lock:
        return [
            (entry["seen"] - started, 1000 * max(0.0, entry["seen"] - entry["acked"]))
            for entry in tracker.entries.values()
            if entry["seen"] is not None and entry["acked"] is not None
        ]


# --- Command line ----------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="length of the run")
    parser.add_argument("--couples", type=int, default=20, help="couples (two phones each)")
    parser.add_argument(
        "--rate", type=float, default=6.0, help="multiplies every pace but the timer's"
    )
    parser.add_argument(
        "--saturate", action="store_true", help="no think time: find what the server holds"
    )
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (per instance)")
    parser.add_argument(
        "--instances",
        type=int,
        default=1,
        help="gunicorn instances sharing the port (--reuse-port), as two app servers would",
    )
    parser.add_argument(
        "--threads", type=int, default=4, help="threads per worker for requests (streams apart)"
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
        help=f"PostgreSQL URL (a schema {PG_SCHEMA} is used), or 'sqlite' for a temp file",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL),
        help="Redis for sessions and the live channel (a key prefix of the run's own), or 'none'",
    )
    parser.add_argument(
        "--history", type=int, default=1000, help="records already in each couple's space"
    )
    parser.add_argument("--photo-side", type=int, default=1024, help="width of the JPEGs sent")
    parser.add_argument(
        "--sample-seconds", type=float, default=10.0, help="seconds between memory samples"
    )
    parser.add_argument(
        "--log-level", default="INFO", help="LOG_LEVEL of the server (INFO: access lines)"
    )
    parser.add_argument(
        "--server-log", help="where to keep gunicorn's output (default: a file in the temp dir)"
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the phones' choices")
    args = parser.parse_args(argv)
    if not 0.1 <= args.minutes <= 240 or not 1 <= args.couples <= 500:
        parser.error("keep to 0.1-240 minutes and 1-500 couples")
    if not 0.01 <= args.rate <= 100 or not 1 <= args.workers <= 16 or not 1 <= args.threads <= 64:
        parser.error("keep to a rate of 0.01-100, 1-16 workers and 1-64 threads")
    if not 1 <= args.instances <= 4:
        parser.error("keep to 1-4 instances")
    if not 0 <= args.history <= 100_000 or not 64 <= args.photo_side <= 4096:
        parser.error("keep to 0-100000 records of history and photos of 64-4096 pixels")
    if not 1 <= args.sample_seconds <= 60:
        parser.error("keep to 1-60 s between samples")
    args.stream_room = 2 * args.couples
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the load; clean up whatever happens."""
    args = parse_args(argv)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    log = Path(args.server_log or Path(tempfile.gettempdir()) / f"hearth-load-{stamp}.log")

    def work(tmp: Path, _cleanup: ExitStack) -> int:
        found = bench(args, tmp, log)
        print(json.dumps(report(found, args, log), separators=(",", ":")))
        return 0

    def show_log() -> None:
        if log.exists():
            print(f"server log: {log}", file=sys.stderr)

    return run_main("hearth-load-bench-", work, show_log)


if __name__ == "__main__":
    sys.exit(main())
