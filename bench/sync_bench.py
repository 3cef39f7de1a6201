"""Sync benchmark: the figures behind the sync budgets of DESIGN §8.

It starts the real app under gunicorn on loopback (production settings, on
PostgreSQL when reachable, else on a SQLite file), creates and pairs accounts
through the API, seeds spaces of 100, 5 000 and 100 000 records straight into
the database, then drives the server from several client threads and measures:

- pull with nothing new in a 100-record space vs a 100 000-record space
  (p50 of each and their ratio; budget <= 1.3);
- requests/s and p50/p99 of a bare authenticated endpoint (GET /api/auth/session),
  of pull with nothing new and of a push of one mutation (budgets: pull >= 50 %
  and push >= 30 % of the bare endpoint's throughput);
- the server's share of a first full sync of 5 000 records, in pages of 500;
- for information (no budget): a push's p50 in the 100 vs the 100 000-record space.

It prints a table and one JSON line. It is a benchmark, not a test: it exits 0
whatever the figures, and only fails when something does not work.

    make bench-sync
    .venv/bin/python bench/sync_bench.py [--database-url URL | --database-url sqlite]
                                         [--threads 8] [--seconds 8] [--workers 2]

The PostgreSQL URL defaults to $BENCH_DATABASE_URL or
postgresql://postgres@127.0.0.1:5432/test; the run uses a schema `hearth_bench`
of its own there (dropped before and after). Everything it starts or creates is
stopped or removed at the end, on Ctrl-C too.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import platform
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/test"
PG_SCHEMA = "hearth_bench"
SESSION_COOKIE = "hearth_session"
PASSWORD = "bench password 2026"
PAGE = 500
BIG, SMALL, FIRST_SYNC = 100_000, 100, 5_000
PULL_RATIO_BUDGET = 1.3
PULL_SHARE_BUDGET = 0.5
PUSH_SHARE_BUDGET = 0.3
FIRST_SYNC_RUNS = 3
BATCH = 1_000
BATCH_RUNS = 3
# DESIGN §8 / issue 16: at least 2 000 mutations per second for a batch.
BATCH_BUDGET = 2_000
ROUNDS = 4
MAX_REQUESTS_PER_THREAD = 5_000
TIME_ZONES = ["Europe/Paris", "America/New_York", "Asia/Tokyo", "Australia/Sydney"]
MEMORY_FIELDS = ("title", "story", "happened_on", "place", "tags")
FEELINGS = ["calm", "close", "tired", "hopeful", "anxious", "grateful", "playful", "distant"]
PHRASES = [
    "we walked by the river",
    "talked about the week ahead",
    "the kids were asleep early",
    "dinner was late but warm",
    "I missed you at lunch",
    "thank you for the coffee this morning",
    "let us call before work tomorrow",
    "the train was slow",
    "the rain did not stop",
    "it felt good to laugh again",
]


class BenchError(Exception):
    """Something the benchmark needs did not work."""


# --- HTTP ---------------------------------------------------------------------------


class Connection:
    """One keep-alive HTTP connection to the server; the session travels per request."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn: http.client.HTTPConnection | None = None
        self.resent = 0

    def send(
        self, method: str, path: str, data: bytes | None, headers: dict[str, str]
    ) -> tuple[http.client.HTTPResponse, bytes]:
        """Send a request as it is; return the response and its whole body."""
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                self.conn.request(method, path, body=data, headers=headers)
                response = self.conn.getresponse()
                payload = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                # The server may have closed an idle keep-alive connection before reading
                # the request, so one resend on a fresh connection is safe (pushes are
                # idempotent by mutation id anyway).
                self.close()
                if attempt:
                    raise
                self.resent += 1
        if response.will_close:
            self.close()
        return response, payload

    def request(
        self, method: str, path: str, body: Any = None, session: str | None = None
    ) -> tuple[int, Any, str | None]:
        """Send a request; return the status, the JSON body and any new session token."""
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if method != "GET":
            headers["X-Requested-With"] = "hearth"
        if session:
            headers["Cookie"] = f"{SESSION_COOKIE}={session}"
        response, payload = self.send(method, path, data, headers)
        token = None
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            if name.strip() == SESSION_COOKIE:
                token = rest.split(";", 1)[0]
        try:
            parsed = json.loads(payload) if payload else None
        except ValueError:
            parsed = payload.decode(errors="replace")[:200]
        return response.status, parsed, token

    def close(self) -> None:
        """Close the connection (a later request opens a new one)."""
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def expect(status: int, body: Any, wanted: int, what: str) -> Any:
    """Return the body when the status is the wanted one, else fail naming the request."""
    if status != wanted:
        raise BenchError(f"{what}: HTTP {status} {body}")
    return body


@dataclass
class Account:
    """A signed-in test account."""

    email: str
    user_id: uuid.UUID
    session: str
    space_id: uuid.UUID | None = None


def register(port: int, run: str, n: int) -> Account:
    """Create an account through the API and keep its session token."""
    conn = Connection(port)
    email = f"bench-{run}-{n}@example.com"
    status, body, token = conn.request(
        "POST",
        "/api/auth/register",
        {
            "email": email,
            "password": PASSWORD,
            "display_name": f"Bench {n}",
            "time_zone": TIME_ZONES[n % len(TIME_ZONES)],
        },
    )
    conn.close()
    expect(status, body, 201, "register")
    if not token:
        raise BenchError("register: no session cookie in the answer")
    return Account(email, uuid.UUID(body["user"]["id"]), token)


def pair(port: int, inviter: Account, partner: Account) -> None:
    """Pair two accounts through the API and note their couple space."""
    conn = Connection(port)
    status, body, _ = conn.request("POST", "/api/pairing/invites", session=inviter.session)
    code = expect(status, body, 201, "create invite")["code"]
    status, body, _ = conn.request("POST", "/api/pairing/accept", {"code": code}, partner.session)
    conn.close()
    space_id = uuid.UUID(expect(status, body, 200, "accept invite")["space"]["id"])
    inviter.space_id = partner.space_id = space_id


# --- Database and server ---------------------------------------------------------------


@dataclass
class Database:
    """The database the run uses, and how to remove what it made there."""

    url: str
    label: str
    is_postgres: bool
    admin: Any = None  # a SQLAlchemy engine on the PostgreSQL database, for the schema
    schema: str = PG_SCHEMA

    def drop(self) -> None:
        """Remove the benchmark's schema (the SQLite file goes with the temp dir)."""
        if self.admin is None:
            return
        import sqlalchemy as sa

        with self.admin.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE"))
        self.admin.dispose()
        self.admin = None


def open_database(requested: str, tmp: Path, schema: str = PG_SCHEMA) -> Database:
    """Prepare an empty PostgreSQL schema, or a SQLite file when PostgreSQL is not reachable."""
    import sqlalchemy as sa

    from server.config import normalise_database_url

    sqlite = Database(f"sqlite:///{tmp / 'hearth-bench.db'}", "SQLite (temp file, WAL)", False)
    if requested.lower().startswith("sqlite"):
        return sqlite
    engine = sa.create_engine(
        normalise_database_url(requested), connect_args={"connect_timeout": 3}
    )
    try:
        with engine.begin() as conn:
            version = conn.execute(sa.text("SHOW server_version")).scalar()
            conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    except sa.exc.OperationalError as error:
        engine.dispose()
        reason = str(error.orig).strip().splitlines()[0]
        print(f"PostgreSQL not reachable ({reason}); using SQLite.", file=sys.stderr)
        return sqlite
    separator = "&" if "?" in requested else "?"
    url = f"{requested}{separator}options=-csearch_path%3D{schema}"
    where = engine.url.render_as_string(hide_password=True).split("://", 1)[1]
    return Database(url, f"PostgreSQL {version} at {where}, schema {schema}", True, engine, schema)


def server_environment(database_url: str) -> dict[str, str]:
    """The environment of the server, of the migrations and of the in-process seeding."""
    env = dict(os.environ)
    # Sessions and rate limits in Redis would measure Redis too; keep to the database.
    for name in ("REDIS_URL", "SESSION_STORE", "RATELIMIT_STORAGE_URI", "PUBLIC_URL"):
        env.pop(name, None)
    env.update(
        HEARTH_ENV="production",
        SESSION_COOKIE_SECURE="false",
        RATELIMIT_ENABLED="false",
        SECRET_KEY="hearth-bench-" + uuid.uuid4().hex,
        DATABASE_URL=database_url,
        LOG_LEVEL="WARNING",
        TRUST_PROXY="0",
    )
    return env


def migrate(env: dict[str, str]) -> None:
    """Bring the database to the newest migration, as the README's deployment does."""
    done = subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode:
        raise BenchError(f"migrations failed:\n{done.stdout}{done.stderr}")


def free_port() -> int:
    """Ask the system for a free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_server(
    env: dict[str, str], workers: int, threads: int, log_path: Path
) -> Iterator[int]:
    """Run gunicorn on a free loopback port until the block ends; yield the port."""
    port = free_port()
    command = [
        str(BIN / "gunicorn"),
        "--worker-class",
        "gthread",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        # Long enough that the client connections, and so how they spread over the
        # workers, stay the same from one phase to the next.
        "--keep-alive",
        "30",
        "--bind",
        f"127.0.0.1:{port}",
        "wsgi:app",
    ]
    with open(log_path, "wb") as log:
        # A session of its own so that Ctrl-C reaches only this script, which then
        # stops the server in order.
        server = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        wait_until_up(server, port, log_path)
        yield port
    finally:
        stop(server)


def gunicorn_processes(port: int) -> dict[int, int]:
    """The gunicorn processes serving this port (master and workers): {pid: parent pid}."""
    found: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if f"127.0.0.1:{port}".encode() in command and b"gunicorn" in command:
            found[int(entry.name)] = parent
    return found


def cpu_seconds(pids: list[int]) -> float:
    """The CPU time (user + system) these processes have used so far; 0 for one gone."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def wait_until_up(server: subprocess.Popen, port: int, log_path: Path) -> None:
    """Wait until the server answers HTTP, or fail with the end of its log."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError(f"gunicorn exited:\n{log_path.read_text()[-3000:]}")
        try:
            conn = Connection(port)
            conn.request("GET", "/api/auth/session")
            conn.close()
            return
        except OSError:
            time.sleep(0.2)
    raise BenchError(f"gunicorn did not answer within 30 s:\n{log_path.read_text()[-3000:]}")


def stop(server: subprocess.Popen) -> None:
    """Stop gunicorn gracefully, or kill its process group when it does not stop."""
    if server.poll() is not None:
        return
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=5)


# --- Seeding ---------------------------------------------------------------------------


def _text(rng: random.Random, low: int, high: int) -> str:
    """Between low and high words of plausible journal text (roughly: whole phrases)."""
    words = rng.randint(low, high)
    return (
        ", ".join(rng.choices(PHRASES, k=math.ceil(words / 5))).capitalize() + "." if words else ""
    )


def _checkin(
    rng: random.Random, space_id: uuid.UUID, author: uuid.UUID, partner: uuid.UUID, day: date
) -> tuple[dict, datetime, datetime, dict]:
    from server.checkins.service import checkin_id

    created = datetime(day.year, day.month, day.day, 20, tzinfo=UTC) + timedelta(
        minutes=rng.randint(0, 180)
    )
    changed, ack = created, None
    if rng.random() < 0.4:
        # The partner's acknowledgement is the record's last change, so it sets the version.
        changed = created + timedelta(minutes=rng.randint(30, 720))
        ack = {
            "reaction": rng.choice(["❤️", "🤗", "🙏", "😊"]),
            "reply": _text(rng, 0, 12),
            "by": str(partner),
            "at": changed.isoformat(),
        }
    data = {
        "day": day.isoformat(),
        "mood": rng.randint(1, 5),
        "trust": rng.randint(1, 10),
        "feelings": rng.sample(FEELINGS, rng.randint(0, 3)),
        "need": _text(rng, 0, 15),
        "gratitude": _text(rng, 3, 20),
        "note": _text(rng, 5, 60),
        "ack": ack,
    }
    keys = {"id": checkin_id(space_id, author, day), "kind": "checkin", "author_id": author}
    return keys, created, changed, data


def _memory(
    rng: random.Random, author: uuid.UUID, created: datetime
) -> tuple[dict, datetime, datetime, dict]:
    data = {
        "title": _text(rng, 2, 6),
        "story": _text(rng, 20, 120),
        "happened_on": (created - timedelta(days=rng.randint(0, 30))).date().isoformat(),
        "place": _text(rng, 1, 3),
        "tags": rng.sample(FEELINGS, rng.randint(0, 2)),
        "photos": [],
        "history": [],
    }
    return {"id": uuid.uuid4(), "kind": "memory", "author_id": author}, created, created, data


def make_records(
    space_id: uuid.UUID,
    members: list[uuid.UUID],
    count: int,
    first_version: int,
    *,
    in_use: bool,
    seed: int,
) -> list[dict]:
    """Build a space's history as the push path leaves it (ctx.create, ctx.touch, ctx.bury).

    Check-ins of both partners for as many days as that takes (70 %), memories
    for the rest; versions from `first_version` on, in the order of each
    record's last change. A space `in_use` also has a few private and deleted
    records; otherwise every record reaches a pull, so page counts are exact.
    """
    from server.checkins.service import EARLIEST_DAY

    rng = random.Random(seed)
    today = datetime.now(UTC).date()
    # One check-in per author per day, so the days available bound how many there are.
    days = min(math.ceil(count * 0.7 / len(members)), (today - EARLIEST_DAY).days)
    drafts = [
        _checkin(rng, space_id, author, members[n - 1], today - timedelta(days=back))
        for back in range(days, 0, -1)
        for n, author in enumerate(members)
    ][:count]
    start = datetime.now(UTC) - timedelta(days=days)
    while len(drafts) < count:
        created = start + timedelta(seconds=rng.uniform(0, days * 86400))
        drafts.append(_memory(rng, rng.choice(members), created))
    drafts.sort(key=lambda draft: draft[2])
    rows = []
    for version, (keys, created, changed, data) in enumerate(drafts, start=first_version):
        roll = rng.random() if in_use else 1.0
        private, buried = roll < 0.03, 0.03 <= roll < 0.04
        if keys["kind"] == "memory":
            # memory.save keeps who wrote each field at which version.
            data["field_versions"] = dict.fromkeys(MEMORY_FIELDS, version)
            data["field_authors"] = dict.fromkeys(MEMORY_FIELDS, str(keys["author_id"]))
        rows.append(
            {
                "space_id": space_id,
                **keys,
                "visibility": "private" if private else "shared",
                "ever_shared": not private,
                "archived": False,
                "version": version,
                "tombstone": buried,
                "deleted_at": changed if buried else None,
                "state": None,
                "due_on": None,
                "created_at": created - timedelta(days=1) if buried else created,
                "updated_at": changed,
                "data": {} if buried else data,
            }
        )
    return rows


def insert_history(
    conn, space_id: uuid.UUID, members: list[uuid.UUID], count: int, *, in_use: bool, seed: int
) -> int:
    """Insert a space's history (make_records) on this connection; return the space's version."""
    from sqlalchemy import update

    from server.spaces.models import Space
    from server.sync.models import Record

    # Bump the counter under the row lock, as a push does, so that these versions sit
    # above any the space has already handed out (pairing).
    top = conn.execute(
        update(Space)
        .where(Space.id == space_id)
        .values(version=Space.version + count)
        .returning(Space.version)
    ).scalar_one()
    rows = make_records(space_id, members, count, top - count + 1, in_use=in_use, seed=seed)
    for start in range(0, len(rows), 5_000):
        conn.execute(Record.__table__.insert(), rows[start : start + 5_000])
    return top


def seed(spaces: list[tuple[uuid.UUID, list[uuid.UUID], int, bool]]) -> dict[uuid.UUID, str]:
    """Insert each space's records in one transaction; return each space's final pull cookie.

    The cookie is the one the last page of a full sync hands out (the space, its
    version, nothing pending), signed by the server's own code: paging 100 000
    records through the API first would take most of the run and measure nothing.
    """

    from server import create_app
    from server.extensions import db
    from server.sync import cookie as cookies
    from server.sync.registry import MUTATORS

    app = create_app()  # registers the kinds and their mutators
    if "checkin.save" not in MUTATORS:
        raise BenchError("the server has no checkin.save mutation to push")
    final = {}
    with app.app_context():
        for n, (space_id, members, count, in_use) in enumerate(spaces):
            with db.engine.begin() as conn:
                top = insert_history(conn, space_id, members, count, in_use=in_use, seed=n)
            final[space_id] = cookies.encode(cookies.Cookie(space_id, top, None))
        if db.engine.dialect.name == "postgresql":
            # Autovacuum would get to the new rows in the middle of a phase; a database
            # in service has them vacuumed and its statistics up to date.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE records")
        db.engine.dispose()
    return final


# --- Measuring -------------------------------------------------------------------------

Step = Callable[[Connection], None]


@dataclass
class Figures:
    """The latencies and failures of one kind of request, and the time they took."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    first_error: str = ""
    seconds: float = 0.0

    def percentile(self, q: float) -> float:
        """The q-quantile latency in milliseconds (nearest rank)."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]

    def add(self, other: Figures) -> None:
        """Count another run of the same requests in."""
        self.latencies.extend(other.latencies)
        self.errors += other.errors
        self.first_error = self.first_error or other.first_error
        self.seconds += other.seconds

    @property
    def rate(self) -> float:
        """Completed requests per second over the phase."""
        return len(self.latencies) / self.seconds if self.seconds else 0.0


def run_phase(
    connections: list[Connection], lanes: list[list[tuple[str, Step]]], seconds: float
) -> dict[str, Figures]:
    """Run each lane (a cycle of labelled steps) in its own thread for a bounded time."""
    figures: dict[str, Figures] = {label: Figures() for lane in lanes for label, _ in lane}
    lock = threading.Lock()
    start_line = threading.Barrier(len(lanes) + 1)
    ends: list[float] = []

    def drive(conn: Connection, lane: list[tuple[str, Step]], deadline_box: list[float]) -> None:
        mine: dict[str, list[float]] = {label: [] for label, _ in lane}
        failures: list[tuple[str, str]] = []
        start_line.wait()
        deadline = deadline_box[0]
        n = 0
        while n < MAX_REQUESTS_PER_THREAD and time.perf_counter() < deadline:
            label, step = lane[n % len(lane)]
            n += 1
            began = time.perf_counter()
            try:
                step(conn)
            except Exception as error:
                failures.append((label, f"{type(error).__name__}: {error}"[:300]))
                continue
            mine[label].append(time.perf_counter() - began)
        finished = time.perf_counter()
        with lock:
            ends.append(finished)
            for label, values in mine.items():
                figures[label].latencies.extend(values)
            for label, message in failures:
                figures[label].errors += 1
                figures[label].first_error = figures[label].first_error or message

    deadline_box = [0.0]
    threads = [
        threading.Thread(target=drive, args=(conn, lane, deadline_box), daemon=True)
        for conn, lane in zip(connections, lanes, strict=False)
    ]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    deadline_box[0] = began + seconds
    start_line.wait()
    for thread in threads:
        thread.join(seconds + 120)
    wall = (max(ends) if ends else time.perf_counter()) - began
    for item in figures.values():
        item.seconds = wall
    return figures


def in_rounds(
    connections: list[Connection],
    phases: dict[str, list[list[tuple[str, Step]]]],
    seconds: float,
    warmup: float,
) -> dict[str, Figures]:
    """Run each phase once untimed, then all of them by turns, `seconds` in all for each.

    Taking turns spreads whatever else the machine does evenly over the phases
    being compared.
    """
    for lanes in phases.values():
        run_phase(connections, lanes, warmup)
    totals: dict[str, Figures] = {}
    for _ in range(ROUNDS):
        for lanes in phases.values():
            for label, figures in run_phase(connections, lanes, seconds / ROUNDS).items():
                totals.setdefault(label, Figures()).add(figures)
    return totals


def pull_nothing_new(account: Account, client_id: str, cookie: str) -> Step:
    """A pull from an up-to-date cookie that must bring nothing."""
    body = {"client_id": client_id, "cookie": cookie, "limit": PAGE}

    def step(conn: Connection) -> None:
        status, answer, _ = conn.request("POST", "/api/sync/pull", body, account.session)
        expect(status, answer, 200, "pull")
        if answer["patch"] or answer["has_more"] or answer["reset"]:
            raise BenchError("a pull with nothing new brought something")

    return step


def bare(account: Account) -> Step:
    """The cheapest authenticated JSON request."""

    def step(conn: Connection) -> None:
        status, answer, _ = conn.request("GET", "/api/auth/session", session=account.session)
        expect(status, answer, 200, "session")

    return step


def checkin_args(account: Account, day: date, n: int) -> dict[str, Any]:
    """The arguments of a check-in of that day, with the id the app computes for it."""
    from server.checkins.service import checkin_id

    return {
        "id": str(checkin_id(account.space_id, account.user_id, day)),
        "day": day.isoformat(),
        "mood": 1 + n % 5,
        "trust": 1 + n % 10,
        "feelings": [FEELINGS[n % len(FEELINGS)]],
        "need": "An evening together.",
        "gratitude": "You made coffee.",
        "note": "Long day; better now.",
        "visibility": "shared",
    }


def push_one(account: Account, client_id: str) -> Step:
    """Push one check-in per request, a new day each time, with this client's next id."""
    state = {"next": 1}
    today = datetime.now(UTC).date()

    def step(conn: Connection) -> None:

        n = state["next"]
        # Back in time one day per push (new check-ins), wrapping long before EARLIEST_DAY.
        args = checkin_args(account, today - timedelta(days=n % 5_000), n)
        body = {
            "client_id": client_id,
            "schema_version": 1,
            "mutations": [{"id": n, "name": "checkin.save", "args": args}],
        }
        status, answer, _ = conn.request("POST", "/api/sync/push", body, account.session)
        expect(status, answer, 200, "push")
        state["next"] = answer["last_mutation_id"] + 1
        if not answer["results"] or answer["results"][0]["status"] != "applied":
            raise BenchError(f"push not applied: {answer}")

    return step


def batch_upload(
    conn: Connection, account: Account, client_id: str, count: int, first_day: int
) -> float:
    """Upload `count` new check-ins from one device in pushes of 100; return the seconds."""

    today = datetime.now(UTC).date()
    mutations = []
    for n in range(count):
        args = checkin_args(account, today - timedelta(days=first_day + n), n)
        mutations.append({"id": n + 1, "name": "checkin.save", "args": args})
    started = time.perf_counter()
    sent = 0
    while sent < count:
        body = {"client_id": client_id, "schema_version": 1, "mutations": mutations[sent:][:100]}
        status, answer, _ = conn.request("POST", "/api/sync/push", body, account.session)
        expect(status, answer, 200, "batch push")
        if any(r["status"] != "applied" for r in answer["results"]):
            raise BenchError(f"batch push not applied: {answer['results'][:2]}")
        sent = answer["last_mutation_id"]
    return time.perf_counter() - started


def first_sync(conn: Connection, account: Account, client_id: str) -> tuple[float, int, int]:
    """Pull a whole space from nothing, page by page; return seconds, pages and records."""
    cookie, pages, records = None, 0, 0
    began = time.perf_counter()
    while pages < 1_000:
        body = {"client_id": client_id, "cookie": cookie, "limit": PAGE}
        status, answer, _ = conn.request("POST", "/api/sync/pull", body, account.session)
        expect(status, answer, 200, "first sync pull")
        if pages == 0 and not answer["reset"]:
            raise BenchError("a pull without a cookie did not start a snapshot")
        pages += 1
        records += len(answer["patch"])
        cookie = answer["cookie"]
        if not answer["has_more"]:
            break
    return time.perf_counter() - began, pages, records


# --- The run ---------------------------------------------------------------------------


def bench(port: int, args: argparse.Namespace) -> dict[str, Any]:
    """Set up the accounts and spaces, run every phase, return the figures."""
    run = uuid.uuid4().hex[:8]
    threads = args.threads
    couples_needed = 3 + threads
    began = time.perf_counter()
    with ThreadPoolExecutor(4) as pool:
        accounts = list(pool.map(lambda n: register(port, run, n), range(2 * couples_needed)))
        couples = [(accounts[2 * n], accounts[2 * n + 1]) for n in range(couples_needed)]
        list(pool.map(lambda couple: pair(port, *couple), couples))
    small, big, fresh, *pushers = couples
    accounts_seconds = time.perf_counter() - began

    began = time.perf_counter()
    cookies = seed(
        [
            (a.space_id, [a.user_id, b.user_id], count, in_use)
            for (a, b), count, in_use in (
                (small, args.small, True),
                (big, args.big, True),
                (fresh, args.first_sync, False),
            )
        ]
    )
    seed_seconds = time.perf_counter() - began

    connections = [Connection(port) for _ in range(threads)]
    try:
        small_pulls, big_pulls = [], []
        for n in range(threads):
            client = f"bench-{run}-pull-{n}"
            small_pulls.append(pull_nothing_new(small[n % 2], client, cookies[small[0].space_id]))
            big_pulls.append(pull_nothing_new(big[n % 2], client, cookies[big[0].space_id]))
            # The cookie must already be the last one: this pull, like the measured
            # ones, has to bring nothing.
            small_pulls[-1](connections[n])
            big_pulls[-1](connections[n])

        # Small and big take turns request by request, so both meet the same load.
        ratio = in_rounds(
            connections,
            {
                "ratio": [
                    [("small", s), ("big", b)] if n % 2 else [("big", b), ("small", s)]
                    for n, (s, b) in enumerate(zip(small_pulls, big_pulls, strict=True))
                ]
            },
            args.seconds,
            args.warmup,
        )
        compared = in_rounds(
            connections,
            {
                "bare": [[("bare", bare(big[n % 2]))] for n in range(threads)],
                "pull": [[("pull", step)] for step in big_pulls],
                "push": [
                    [("push", push_one(pushers[n][0], f"bench-{run}-push-{n}"))]
                    for n in range(threads)
                ],
            },
            args.seconds,
            args.warmup,
        )
        # After the pulls: these pushes move the two spaces on. One pusher per partner,
        # so that the row lock is barely contended and the size is what shows.
        by_size = in_rounds(
            connections,
            {
                "by_size": [
                    [
                        ("push small", push_one(small[n], f"bench-{run}-small-{n}")),
                        ("push big", push_one(big[n], f"bench-{run}-big-{n}")),
                    ]
                    for n in range(min(2, threads))
                ]
            },
            args.seconds,
            args.warmup,
        )

        syncs = [
            first_sync(connections[0], fresh[n % 2], f"bench-{run}-first-{n}")
            for n in range(FIRST_SYNC_RUNS)
        ]
        # A phone back online with 1 000 check-ins: new records, one device, pushes of 100.
        # The partner of the first pusher writes nowhere else; each run takes other days.
        gunicorn = list(gunicorn_processes(port))
        cpu_before = cpu_seconds(gunicorn)
        uploads = [
            batch_upload(
                connections[0], pushers[0][1], f"bench-{run}-batch-{n}", BATCH, 1 + n * BATCH
            )
            for n in range(BATCH_RUNS)
        ]
        upload_cpu = (cpu_seconds(gunicorn) - cpu_before) / BATCH_RUNS
    finally:
        for conn in connections:
            conn.close()
    return {
        "accounts": len(accounts),
        "accounts_seconds": accounts_seconds,
        "seed_seconds": seed_seconds,
        "ratio": ratio,
        **compared,
        "push_by_size": by_size,
        "first_sync": syncs,
        "batch_uploads": uploads,
        "batch_cpu_seconds": upload_cpu,
    }


def verdict(value: float, budget: float, *, most: bool) -> str:
    """Say whether a figure is within its budget."""
    if math.isnan(value):
        return "n/a"
    return "ok" if (value <= budget if most else value >= budget) else "OVER BUDGET"


def by_size(title: str, small: Figures, big: Figures, args: argparse.Namespace) -> None:
    """Print the latencies of the same request in the small and the big space."""
    print(title)
    print(f"  {'space':<10}{'records':>10}{'requests':>10}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for name, count, item in (("small", args.small, small), ("big", args.big, big)):
        print(
            f"  {name:<10}{count:>10,}{len(item.latencies):>10}"
            f"{item.percentile(0.5):>9.2f}{item.percentile(0.99):>9.2f}{item.errors:>8}"
        )


def report(figures: dict[str, Any], database: Database, args: argparse.Namespace) -> None:
    """Print the settings, a table of the figures and one JSON line."""
    small, big = figures["ratio"]["small"], figures["ratio"]["big"]
    bare, pull, push = figures["bare"], figures["pull"], figures["push"]
    ratio = big.percentile(0.5) / small.percentile(0.5)
    push_small = figures["push_by_size"]["push small"]
    push_big = figures["push_by_size"]["push big"]
    push_ratio = push_big.percentile(0.5) / push_small.percentile(0.5)
    pull_share = pull.rate / bare.rate if bare.rate else float("nan")
    push_share = push.rate / bare.rate if bare.rate else float("nan")
    syncs = sorted(figures["first_sync"])
    sync_seconds, pages, records = syncs[len(syncs) // 2]

    print()
    print("Hearth sync benchmark")
    print(f"  database  {database.label}")
    print(
        f"  server    gunicorn wsgi:app, {args.workers} workers x {args.threads_per_worker} "
        "threads (gthread), 127.0.0.1; HEARTH_ENV=production, sessions in the database, "
        "rate limits off, SESSION_COOKIE_SECURE=false"
    )
    cpus = os.cpu_count() or 1
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cpus
    load_before, load_after = figures["load"]
    print(
        f"  machine   {cpus} CPUs" + (f" ({usable} usable)" if usable != cpus else "") + ", "
        f"load average {load_before:.1f} before and {load_after:.1f} after; "
        f"{platform.system()} {platform.machine()}, Python {platform.python_version()}"
    )
    if load_before > usable / 2:
        print(
            "            (other work was running: absolute figures are noisy, the ratios less so)"
        )
    print(
        f"  load      {args.threads} client threads in this process (same machine); each kind "
        f"of request {args.seconds:g} s in {ROUNDS} turns, after {args.warmup:g} s of warm-up"
    )
    print(
        f"  setup     {figures['accounts']} accounts registered and paired through the API in "
        f"{figures['accounts_seconds']:.1f} s; records seeded in {figures['seed_seconds']:.1f} s"
    )
    print()
    by_size("Pull with nothing new, by space size (requests interleaved)", small, big, args)
    print(
        f"  p50 big/small = {ratio:.2f}   budget <= {PULL_RATIO_BUDGET}   "
        f"{verdict(ratio, PULL_RATIO_BUDGET, most=True)}"
    )
    print()
    print(f"Throughput, {args.threads} threads")
    print(
        f"  {'request':<38}{'req/s':>7}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"
        f"{'vs bare':>9}  budget"
    )
    rows = (
        ("GET /api/auth/session (bare)", bare, None, None),
        ("POST /api/sync/pull (nothing new)", pull, pull_share, PULL_SHARE_BUDGET),
        ("POST /api/sync/push (1 checkin.save)", push, push_share, PUSH_SHARE_BUDGET),
    )
    for name, item, share, budget in rows:
        line = (
            f"  {name:<38}{item.rate:>7.0f}{item.percentile(0.5):>9.2f}"
            f"{item.percentile(0.99):>9.2f}{item.errors:>8}"
        )
        if share is not None:
            line += f"{share:>9.0%}  >= {budget:.0%} {verdict(share, budget, most=False)}"
        print(line)
    print(f"  Pulls are in the {args.big:,}-record space. Each push thread writes into its own")
    print("  couple space: pushes into one space serialise on its row lock (the version bump).")
    if not database.is_postgres:
        print("  On SQLite every write also takes the database's single write lock.")
    print()
    by_size(
        f"Push of 1 checkin.save, by space size ({min(2, args.threads)} threads, interleaved)",
        push_small,
        push_big,
        args,
    )
    print(f"  p50 big/small = {push_ratio:.2f}   (no budget in DESIGN §8)")
    print()
    print("First full sync (server side only; the DESIGN budget of 2.0 s includes IndexedDB)")
    print(
        f"  {records:,} records in {pages} pages of <= {PAGE}: {sync_seconds:.2f} s "
        f"(median of {len(syncs)}; {syncs[0][0]:.2f}-{syncs[-1][0]:.2f} s)"
    )
    uploads = sorted(figures["batch_uploads"])
    upload_seconds = uploads[len(uploads) // 2]
    upload_rate = BATCH / upload_seconds
    print()
    print(f"Batch upload: {BATCH:,} new check-ins from one device, pushes of 100")
    print(
        f"  {upload_seconds:.2f} s, {upload_rate:,.0f} mutations/s (median of {len(uploads)}; "
        f"{uploads[0]:.2f}-{uploads[-1]:.2f} s)   budget >= {BATCH_BUDGET:,}/s   "
        f"{verdict(upload_rate, BATCH_BUDGET, most=False)}"
    )
    print(
        f"  gunicorn (master and workers) used {figures['batch_cpu_seconds']:.2f} CPU-s per "
        f"{BATCH:,} mutations"
    )
    named = {"pull small": small, "pull big": big, "bare": bare, "pull": pull, "push": push}
    for name, item in {**named, **figures["push_by_size"]}.items():
        if item.first_error:
            print(f"  first error ({name}): {item.first_error}")
    print()

    def summary(item: Figures) -> dict[str, Any]:
        return {
            "requests": len(item.latencies),
            "errors": item.errors,
            "rps": round(item.rate, 1),
            "p50_ms": round(item.percentile(0.5), 3),
            "p99_ms": round(item.percentile(0.99), 3),
        }

    print(
        json.dumps(
            {
                "database": "postgresql" if database.is_postgres else "sqlite",
                "database_label": database.label,
                "cpus": cpus,
                "load_average_before": round(load_before, 2),
                "load_average_after": round(load_after, 2),
                "workers": args.workers,
                "threads_per_worker": args.threads_per_worker,
                "client_threads": args.threads,
                "seconds_per_phase": args.seconds,
                "pull_small": summary(small),
                "pull_big": summary(big),
                "pull_p50_ratio_big_small": round(ratio, 3),
                "bare": summary(bare),
                "pull": summary(pull),
                "push": summary(push),
                "pull_vs_bare": round(pull_share, 3),
                "push_vs_bare": round(push_share, 3),
                "push_small": summary(push_small),
                "push_big": summary(push_big),
                "push_p50_ratio_big_small": round(push_ratio, 3),
                "within_budget": {
                    "pull_p50_ratio_big_small": ratio <= PULL_RATIO_BUDGET,
                    "pull_vs_bare": pull_share >= PULL_SHARE_BUDGET,
                    "push_vs_bare": push_share >= PUSH_SHARE_BUDGET,
                    "batch_upload": upload_rate >= BATCH_BUDGET,
                },
                "batch_upload": {
                    "mutations": BATCH,
                    "seconds": round(upload_seconds, 3),
                    "mutations_per_s": round(upload_rate, 1),
                    "runs": [round(u, 3) for u in uploads],
                    "server_cpu_seconds": round(figures["batch_cpu_seconds"], 3),
                },
                "first_sync": {
                    "records": records,
                    "pages": pages,
                    "seconds": round(sync_seconds, 3),
                    "runs": [round(s[0], 3) for s in syncs],
                },
            },
            separators=(",", ":"),
        )
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
        help="PostgreSQL URL (a schema hearth_bench is used), or 'sqlite' for a temp file",
    )
    parser.add_argument("--threads", type=int, default=8, help="client threads")
    parser.add_argument("--seconds", type=float, default=8.0, help="seconds per measured phase")
    parser.add_argument("--warmup", type=float, default=1.0, help="untimed seconds before each")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--threads-per-worker", type=int, default=4, help="gunicorn threads per worker"
    )
    parser.add_argument("--big", type=int, default=BIG, help=argparse.SUPPRESS)
    parser.add_argument("--small", type=int, default=SMALL, help=argparse.SUPPRESS)
    parser.add_argument("--first-sync", type=int, default=FIRST_SYNC, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not 1 <= args.threads <= 64 or not 0 < args.seconds <= 60 or not 0 <= args.warmup <= 10:
        parser.error("keep to 1-64 threads, 0-60 s per phase and 0-10 s of warm-up")
    return args


def _interrupt(_signum, _frame) -> None:
    raise KeyboardInterrupt


def run_main(
    prefix: str,
    work: Callable[[Path, ExitStack], int],
    on_failure: Callable[[], None] | None = None,
) -> int:
    """Run a benchmark in a temporary folder; clean up whatever happens (Ctrl-C, SIGTERM).

    `work` gets the folder and a stack for its own clean-ups, which run before the folder
    is removed. A BenchError exits 1 (after `on_failure`), an interruption 130.
    """
    signal.signal(signal.SIGTERM, _interrupt)
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        with ExitStack() as cleanup:
            return work(tmp, cleanup)
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    except BenchError as error:
        print(f"bench failed: {error}", file=sys.stderr)
        if on_failure is not None:
            on_failure()
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; clean up whatever happens."""
    args = parse_args(argv)

    def work(tmp: Path, cleanup: ExitStack) -> int:
        load_before = os.getloadavg()[0]
        database = open_database(args.database_url, tmp)
        cleanup.callback(database.drop)
        env = server_environment(database.url)
        # The seeding runs the app in this process: same database, same secret key.
        os.environ.clear()
        os.environ.update(env)
        print(f"Preparing {database.label} ...", file=sys.stderr)
        migrate(env)
        with running_server(env, args.workers, args.threads_per_worker, tmp / "server.log") as port:
            print(f"Server up on 127.0.0.1:{port}; measuring ...", file=sys.stderr)
            figures = bench(port, args)
        figures["load"] = (load_before, os.getloadavg()[0])
        report(figures, database, args)
        return 0

    return run_main("hearth-bench-", work)


if __name__ == "__main__":
    sys.exit(main())
