"""Export benchmark: the memory a whole account's ZIP costs the server, at 100 000 records.

It starts the real app under gunicorn on loopback (production settings, on
PostgreSQL when reachable, else on a SQLite file; photos in a temporary folder),
pairs two accounts through the API, seeds the couple's space with records as
the push path leaves them (check-ins of both, memories, a few private and
deleted ones) and with photo files the memories hold (random bytes: the export
copies them and never decodes them), then:

- downloads GET /api/export as one of them over one connection, sampling the
  worker's resident memory (VmRSS) while it streams and reading its peak
  (VmHWM) at the end: the figure is how far the peak rose above the worker's
  memory before the export;
- opens the downloaded ZIP and checks it: every record the account may see,
  none it may not, every photo byte-identical to its file;
- runs `flask export-user` for the same account and reads its peak memory.

It prints a table and one JSON line. It is a benchmark, not a test: it exits 0
whatever the figures, and only fails when something does not work.

    make bench-export
    .venv/bin/python bench/export_bench.py [--database-url URL | --database-url sqlite]
                                           [--records 100000] [--photos 1000] [--photo-mb 2]
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import http.client
import json
import os
import secrets
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

# sync_bench is beside this file (bench/ is not a package).
from sync_bench import (
    BIN,
    DEFAULT_DATABASE_URL,
    ROOT,
    SESSION_COOKIE,
    BenchError,
    gunicorn_processes,
    migrate,
    open_database,
    pair,
    register,
    run_main,
    running_server,
    seed,
    server_environment,
)

MIB = 1024 * 1024


def _status_kib(pid: int, field: str) -> int:
    """One KiB figure of /proc/<pid>/status (VmRSS, VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise BenchError(f"/proc/{pid}/status has no {field}")


def worker_pid(port: int) -> int:
    """The one gunicorn worker serving this port: the process whose parent runs the same command."""
    found = gunicorn_processes(port)
    workers = [pid for pid, parent in found.items() if parent in found]
    if len(workers) != 1:
        raise BenchError(f"expected one gunicorn worker on port {port}, found {workers}")
    return workers[0]


def seed_photos(space_id, blob_dir: Path, count: int, size: int) -> dict[str, tuple[str, str]]:
    """Store `count` photo files the space's oldest memories hold; return {hash: (path, memory)}."""
    import sqlalchemy as sa

    from server import create_app
    from server.blobs.models import Blob
    from server.extensions import db
    from server.memories.models import PhotoRef
    from server.sync.models import Record

    app = create_app()
    files = {}
    with app.app_context():
        memories = db.session.execute(
            sa.select(Record.id, Record.author_id, Record.visibility, Record.data)
            .where(Record.space_id == space_id, Record.kind == "memory")
            .where(Record.tombstone.is_(False))
            .order_by(Record.version)
            .limit(count)
        ).all()
        if len(memories) < count:
            raise BenchError(f"only {len(memories)} memories to hold {count} photos")
        blobs, refs = [], []
        for record_id, author_id, visibility, data in memories:
            content = secrets.token_bytes(size)
            digest = hashlib.sha256(content).hexdigest()
            key = f"{digest[:2]}/{digest}.{secrets.token_hex(8)}.original.jpg"
            path = blob_dir / key
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            files[digest] = (str(path), str(record_id))
            blobs.append(
                {
                    "hash": digest,
                    "content_type": "image/jpeg",
                    "width": 1600,
                    "height": 1200,
                    "original_key": key,
                    "thumb_key": key,
                    "thumb_width": 400,
                    "thumb_height": 300,
                    "size": size,
                }
            )
            refs.append(
                {
                    "space_id": space_id,
                    "record_id": record_id,
                    "hash": digest,
                    "author_id": author_id,
                    "visibility": visibility,
                }
            )
            data = {**data, "photos": [{"hash": digest, "caption": ""}]}
            db.session.execute(
                sa.update(Record)
                .where(Record.space_id == space_id, Record.id == record_id)
                .values(data=data)
            )
        db.session.execute(sa.insert(Blob), blobs)
        db.session.execute(sa.insert(PhotoRef), refs)
        db.session.commit()
        db.engine.dispose()
    return files


def expected_records(space_id, user_id) -> tuple[set[str], set[str]]:
    """The ids the account may see in its space, and those it may not (the partner's private)."""
    import sqlalchemy as sa

    from server import create_app
    from server.extensions import db
    from server.sync.models import Record

    app = create_app()
    with app.app_context():
        rows = db.session.execute(
            sa.select(Record.id, Record.author_id, Record.visibility).where(
                Record.space_id == space_id, Record.tombstone.is_(False)
            )
        ).all()
        db.engine.dispose()
    visible = {str(i) for i, a, v in rows if v == "shared" or a == user_id}
    return visible, {str(i) for i, _, _ in rows} - visible


def download(port: int, session: str, pid: int, target: Path) -> dict[str, Any]:
    """Stream the export to a file, sampling the worker's memory; return the figures."""
    # Forget the worker's peak so far (signing up hashed passwords with 64 MiB each).
    Path(f"/proc/{pid}/clear_refs").write_text("5")
    before = _status_kib(pid, "VmRSS")
    samples: list[tuple[float, int]] = []
    done = threading.Event()

    def sample() -> None:
        start = time.monotonic()
        while not done.is_set():
            samples.append((time.monotonic() - start, _status_kib(pid, "VmRSS")))
            done.wait(0.25)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    started = time.monotonic()
    conn.request("GET", "/api/export", headers={"Cookie": f"{SESSION_COOKIE}={session}"})
    response = conn.getresponse()
    if response.status != 200:
        raise BenchError(f"export: HTTP {response.status} {response.read()[:300]!r}")
    first_byte = time.monotonic() - started
    estimate = int(response.headers["Hearth-Export-Estimate"])
    written = 0
    with open(target, "wb") as out:
        while chunk := response.read(MIB):
            out.write(chunk)
            written += len(chunk)
    seconds = time.monotonic() - started
    done.set()
    sampler.join()
    conn.close()
    return {
        "bytes": written,
        "estimate": estimate,
        "seconds": seconds,
        "first_byte_s": first_byte,
        "rss_before_mib": before / 1024,
        "rss_peak_mib": max(kib for _, kib in samples) / 1024,
        "hwm_mib": _status_kib(pid, "VmHWM") / 1024,
        "samples": [
            (round(t, 1), round(kib / 1024)) for t, kib in samples[:: max(1, len(samples) // 40)]
        ],
    }


def check_archive(
    path: Path, visible: set[str], hidden: set[str], files: dict[str, tuple[str, str]]
) -> dict:
    """Open the ZIP: the records it must hold and none other, the photos byte for byte.

    The photos it must hold are those of the memories it holds: not those of the partner's
    private memories.
    """
    files = {h: path for h, (path, memory) in files.items() if memory in visible}
    with zipfile.ZipFile(path) as archive:
        with archive.open("hearth.json") as stream:
            data = json.load(stream)
        ids = {r["id"] for r in data["records"]}
        if ids != visible:
            raise BenchError(
                f"the export holds {len(ids)} records, {len(ids - visible)} it should not; "
                f"{len(visible - ids)} are missing"
            )
        if ids & hidden:
            raise BenchError("the export holds the partner's private records")
        names = {n for n in archive.namelist() if n.startswith("photos/")}
        if len(names) != len(files):
            raise BenchError(f"the export holds {len(names)} photos of {len(files)}")
        for digest, stored in files.items():
            with archive.open(f"photos/{digest}.jpg") as inside:
                got = hashlib.sha256(inside.read()).hexdigest()
            if got != hashlib.sha256(Path(stored).read_bytes()).hexdigest():
                raise BenchError(f"photo {digest} differs from its file")
    return {"records": len(ids), "photos": len(names), "hidden": len(hidden)}


def command_export(env: dict[str, str], email: str, target: Path) -> dict[str, Any]:
    """Run `flask export-user`; return its time and peak memory."""
    started = time.monotonic()
    with open(target.with_suffix(".log"), "w+") as log:
        process = subprocess.Popen(
            [str(BIN / "flask"), "--app", "wsgi", "export-user", email, "--output", str(target)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        # The peak of this process's own memory (VmHWM: exec starts it afresh; ru_maxrss
        # would keep this bigger parent's), read until it ends: it only ever grows.
        peak = 0
        while process.poll() is None:
            with contextlib.suppress(OSError, BenchError):
                peak = max(peak, _status_kib(process.pid, "VmHWM"))
            time.sleep(0.05)
        log.seek(0)
        said = log.read().strip()
    if process.returncode:
        raise BenchError(f"export-user failed:\n{said}")
    return {
        "seconds": time.monotonic() - started,
        "peak_mib": peak / 1024,
        "said": said,
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line's options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--photos", type=int, default=1000)
    parser.add_argument("--photo-mb", type=float, default=2.0)
    parser.add_argument("--threads", type=int, default=4)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; clean up whatever happens."""
    args = parse_args(argv)

    def work(tmp: Path, cleanup: contextlib.ExitStack) -> int:
        database = open_database(args.database_url, tmp, schema="hearth_bench_export")
        cleanup.callback(database.drop)
        env = server_environment(database.url)
        env["BLOB_DIR"] = str(tmp / "blobs")
        # The seeding runs the app in this process: same database, same settings.
        os.environ.clear()
        os.environ.update(env)
        print(f"Preparing {database.label} ...", file=sys.stderr)
        migrate(env)
        with running_server(env, 1, args.threads, tmp / "server.log") as port:
            alex, sam = register(port, "export", 1), register(port, "export", 2)
            pair(port, alex, sam)
            print(f"Seeding {args.records} records ...", file=sys.stderr)
            seed([(alex.space_id, [alex.user_id, sam.user_id], args.records, True)])
            size = int(args.photo_mb * MIB)
            print(f"Writing {args.photos} photos of {args.photo_mb} MiB ...", file=sys.stderr)
            files = seed_photos(alex.space_id, tmp / "blobs", args.photos, size)
            visible, hidden = expected_records(alex.space_id, alex.user_id)
            pid = worker_pid(port)
            print("Downloading the export ...", file=sys.stderr)
            http_figures = download(port, alex.session, pid, tmp / "export.zip")
        print("Checking the archive ...", file=sys.stderr)
        checked = check_archive(tmp / "export.zip", visible, hidden, files)
        (tmp / "export.zip").unlink()
        print("Running flask export-user ...", file=sys.stderr)
        cli = command_export(env, alex.email, tmp / "by-command.zip")
        figures = {
            "database": database.label,
            "records_in_space": len(visible) + len(hidden),
            "photos_bytes": size * args.photos,
            "http": http_figures,
            "archive": checked,
            "command": cli,
        }
        report(figures)
        return 0

    return run_main("hearth-bench-export-", work)


def report(figures: dict[str, Any]) -> None:
    """Print the table and the JSON line."""
    http_ = figures["http"]
    print(f"\nExport of one account, {figures['database']}")
    print(
        f"  space: {figures['records_in_space']} records, "
        f"{figures['photos_bytes'] / MIB / 1024:.2f} GiB of photos"
    )
    print(
        f"  archive: {http_['bytes'] / MIB:.0f} MiB ({figures['archive']['records']} records, "
        f"{figures['archive']['photos']} photos, none of the {figures['archive']['hidden']} "
        f"private records of the partner); estimate told {http_['estimate'] / MIB:.0f} MiB"
    )
    rate = http_["bytes"] / MIB / http_["seconds"]
    print(
        f"  GET /api/export: {http_['seconds']:.1f} s ({rate:.0f} MiB/s), "
        f"first byte {http_['first_byte_s'] * 1000:.0f} ms"
    )
    print(
        f"  worker memory: {http_['rss_before_mib']:.0f} MiB before, peak sampled "
        f"{http_['rss_peak_mib']:.0f} MiB, VmHWM {http_['hwm_mib']:.0f} MiB "
        f"(rise {http_['hwm_mib'] - http_['rss_before_mib']:.0f} MiB)"
    )
    print(f"  worker RSS over time (s, MiB): {http_['samples']}")
    cli = figures["command"]
    print(f"  flask export-user: {cli['seconds']:.1f} s, peak RSS {cli['peak_mib']:.0f} MiB")
    print(json.dumps(figures))


if __name__ == "__main__":
    sys.exit(main())
