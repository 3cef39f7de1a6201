"""Photo benchmark: upload throughput and the time to serve a thumbnail, cold and warm.

It starts the real app under gunicorn on loopback (production settings, on
PostgreSQL when reachable, else on a SQLite file; photos in a temporary
folder), creates and pairs two accounts through the API, and measures:

- uploads of distinct ~2 MP JPEGs (what the PWA sends after resizing), one
  connection at a time and from several threads: MB/s and photos/s;
- the same photo uploaded again (the cheap idempotent path);
- the partner reading thumbnails through a memory that holds the photos:
  cold (the first request for each thumbnail, on a server just restarted),
  warm (the same again, 200 with the bytes) and revalidated (If-None-Match, 304).

With --memory it measures instead what decoding costs the server (Linux): each
kind of image at its pixel limit (a flat PNG like a decompression bomb, a
rotated JPEG with a colour profile, CMYK, 16-bit grey, HEIC; WebP and
transparency at their quarter of the limit) is rendered in a fresh process, and
the growth of its peak resident memory is the figure; then several of the
worst at once, with BLOB_DECODES_AT_ONCE slots.

It prints a table and one JSON line. It is a benchmark, not a test: it exits 0
whatever the figures, and only fails when something does not work.

    make bench-blobs
    .venv/bin/python bench/blob_bench.py [--database-url URL | --database-url sqlite]
                                         [--photos 60] [--threads 4] [--workers 2]
    .venv/bin/python bench/blob_bench.py --memory [--megapixels 25] [--at-once 2] [--uploads 6]
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import http.client
import io
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

# sync_bench is beside this file (bench/ is not a package).
from sync_bench import (
    DEFAULT_DATABASE_URL,
    SESSION_COOKIE,
    Account,
    BenchError,
    Connection,
    expect,
    migrate,
    open_database,
    pair,
    register,
    running_server,
    server_environment,
)

WIDTH, HEIGHT = 1728, 1152  # 1.99 MP, 3:2
JPEG_QUALITY = 85


def make_photos(count: int) -> list[bytes]:
    """Make distinct photo-like JPEGs (gradients with grain) of about 2 MP."""
    from PIL import Image

    gradient = Image.linear_gradient("L").resize((WIDTH, HEIGHT))
    photos = []
    for n in range(count):
        grain = Image.effect_noise((WIDTH, HEIGHT), 24 + n % 8)
        image = Image.merge("RGB", [gradient, grain, gradient.rotate(180)])
        out = io.BytesIO()
        image.save(out, "JPEG", quality=JPEG_QUALITY)
        photos.append(out.getvalue())
    return photos


class Raw:
    """One keep-alive connection for photo bytes."""

    def __init__(self, port: int, session: str) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookie = f"{SESSION_COOKIE}={session}"

    def put(self, data: bytes) -> tuple[int, float]:
        """Upload a photo; return the status and the seconds it took."""
        headers = {
            "Content-Type": "image/jpeg",
            "X-Requested-With": "hearth",
            "Cookie": self.cookie,
        }
        path = f"/api/blobs/{hashlib.sha256(data).hexdigest()}"
        started = time.perf_counter()
        self.conn.request("PUT", path, body=data, headers=headers)
        response = self.conn.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - started
        if response.status not in (200, 201):
            raise BenchError(f"upload: HTTP {response.status} {body[:200]!r}")
        return response.status, elapsed

    def get(self, path: str, etag: str | None = None) -> tuple[int, float, str, int]:
        """Read a photo; return the status, the seconds, the ETag and the body's size."""
        headers = {"Cookie": self.cookie}
        if etag:
            headers["If-None-Match"] = etag
        started = time.perf_counter()
        self.conn.request("GET", path, headers=headers)
        response = self.conn.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - started
        if response.status not in (200, 304):
            raise BenchError(f"read {path}: HTTP {response.status} {body[:200]!r}")
        return response.status, elapsed, response.headers.get("ETag", ""), len(body)

    def close(self) -> None:
        self.conn.close()


def ms(values: list[float], q: float) -> float:
    """Return the q-quantile of durations in milliseconds."""
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def upload_all(port: int, account: Account, photos: list[bytes], threads: int) -> dict[str, Any]:
    """Upload the photos over `threads` connections; return the throughput figures."""
    lanes = [photos[i::threads] for i in range(threads)]

    def lane(chunk: list[bytes]) -> list[float]:
        conn = Raw(port, account.session)
        try:
            times = []
            for data in chunk:
                status, elapsed = conn.put(data)
                if status != 201:
                    raise BenchError(f"upload of a new photo answered {status}")
                times.append(elapsed)
            return times
        finally:
            conn.close()

    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        times = [t for chunk in pool.map(lane, lanes) for t in chunk]
    wall = time.perf_counter() - started
    size = sum(map(len, photos))
    return {
        "threads": threads,
        "photos": len(photos),
        "mb": size / 1e6,
        "seconds": wall,
        "mb_per_s": size / 1e6 / wall,
        "photos_per_s": len(photos) / wall,
        "p50_ms": ms(times, 0.5),
        "p95_ms": ms(times, 0.95),
    }


def push_memory(port: int, account: Account, hashes: list[str]) -> None:
    """Push a shared memory holding the photos, as the PWA does after uploading them."""
    from server.sync.cookie import SCHEMA_VERSION

    memory_id = str(uuid.uuid4())
    mutations = [
        {"id": 1, "name": "memory.save", "args": {"id": memory_id, "fields": {"title": "Trip"}}}
    ]
    for n, hash_ in enumerate(hashes[:49]):
        mutations.append(
            {
                "id": n + 2,
                "name": "memory.add_photo",
                "args": {"id": memory_id, "photo": {"hash": hash_, "caption": f"photo {n}"}},
            }
        )
    conn = Connection(port)
    status, body, _ = conn.request(
        "POST",
        "/api/sync/push",
        {"client_id": uuid.uuid4().hex, "schema_version": SCHEMA_VERSION, "mutations": mutations},
        account.session,
    )
    conn.close()
    results = expect(status, body, 200, "push")["results"]
    if any(r["status"] != "applied" for r in results):
        raise BenchError(f"push: {results}")


def read_thumbs(port: int, account: Account, hashes: list[str]) -> dict[str, Any]:
    """Read each thumbnail cold, then warm, then revalidated; return the latencies."""
    conn = Raw(port, account.session)
    try:
        cold, warm, revalidated, sizes = [], [], [], []
        etags = {}
        for hash_ in hashes:
            status, elapsed, etag, size = conn.get(f"/api/blobs/{hash_}/thumb")
            cold.append(elapsed)
            etags[hash_] = etag
            sizes.append(size)
        for _ in range(3):
            for hash_ in hashes:
                warm.append(conn.get(f"/api/blobs/{hash_}/thumb")[1])
        # For scale: a bare authenticated JSON endpoint on the same server.
        bare = [conn.get("/api/auth/session")[1] for _ in range(3 * len(hashes))]
        for _ in range(3):
            for hash_ in hashes:
                status, elapsed, _, _ = conn.get(f"/api/blobs/{hash_}/thumb", etags[hash_])
                if status != 304:
                    raise BenchError(f"revalidation answered {status}")
                revalidated.append(elapsed)
    finally:
        conn.close()
    return {
        "thumbs": len(hashes),
        "thumb_kb": statistics.mean(sizes) / 1000,
        "cold_p50_ms": ms(cold, 0.5),
        "cold_p95_ms": ms(cold, 0.95),
        "warm_p50_ms": ms(warm, 0.5),
        "warm_p95_ms": ms(warm, 0.95),
        "revalidated_p50_ms": ms(revalidated, 0.5),
        "revalidated_p95_ms": ms(revalidated, 0.95),
        "bare_p50_ms": ms(bare, 0.5),
    }


def bench(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    database = open_database(args.database_url, tmp)
    try:
        env = server_environment(database.url)
        env.update(BLOB_DIR=str(tmp / "blobs"), BLOB_QUOTA_MB="100000")
        migrate(env)
        print(f"making {args.photos * 2} photos of {WIDTH}x{HEIGHT}...", file=sys.stderr)
        photos = make_photos(args.photos * 2)
        figures: dict[str, Any] = {"database": database.label}
        log = tmp / "gunicorn.log"
        run = uuid.uuid4().hex[:8]
        with running_server(env, args.workers, args.threads, log) as port:
            alex, sam = register(port, run, 1), register(port, run, 2)
            pair(port, alex, sam)
            # Warm the workers up (imports, connection pools) before measuring.
            upload_all(port, alex, make_photos_cheap(args.workers * 2), args.workers * 2)
            figures["upload_1"] = upload_all(port, alex, photos[: args.photos], 1)
            figures["upload_n"] = upload_all(port, alex, photos[args.photos :], args.threads)
            again = Raw(port, alex.session)
            repeat = [again.put(photos[n % 10])[1] for n in range(30)]
            again.close()
            figures["again_p50_ms"] = ms(repeat, 0.5)
            hashes = [hashlib.sha256(p).hexdigest() for p in photos[:49]]
            push_memory(port, alex, hashes)
        # A fresh server: nothing of the photos is in its memory or its pools.
        with running_server(env, args.workers, args.threads, log) as port:
            figures["thumbs"] = read_thumbs(port, sam, hashes)
        figures["stored_mb"] = (
            sum(f.stat().st_size for f in (tmp / "blobs").rglob("*") if f.is_file()) / 1e6
        )
        return figures
    finally:
        database.drop()


def make_photos_cheap(count: int) -> list[bytes]:
    """Make small distinct JPEGs for the warm-up."""
    from PIL import Image

    out = []
    for n in range(count):
        buffer = io.BytesIO()
        Image.new("RGB", (64, 64), (n * 13 % 256, 90, 160)).save(buffer, "JPEG")
        out.append(buffer.getvalue())
    return out


def report(figures: dict[str, Any], args: argparse.Namespace) -> None:
    one, many, thumbs = figures["upload_1"], figures["upload_n"], figures["thumbs"]
    print(
        f"\nPhotos: {figures['database']}, gunicorn {args.workers} workers x {args.threads} threads"
    )
    print(f"CPU: {os.cpu_count()} cores\n")
    print(f"{'what':<46}{'figure':>28}")
    for label, up in (("upload, 1 connection", one), (f"upload, {args.threads} connections", many)):
        print(f"{label:<46}{up['mb_per_s']:>10.1f} MB/s {up['photos_per_s']:>8.1f} photos/s")
        print(f"{'  per photo p50 / p95':<46}{up['p50_ms']:>12.0f} / {up['p95_ms']:.0f} ms")
    average = one["mb"] / one["photos"]
    print(f"{'  average photo sent':<46}{average:>22.2f} MB")
    print(f"{'same photo again (idempotent) p50':<46}{figures['again_p50_ms']:>25.1f} ms")
    print(
        f"{'thumbnail, cold (fresh server) p50 / p95':<46}"
        f"{thumbs['cold_p50_ms']:>15.2f} / {thumbs['cold_p95_ms']:.2f} ms"
    )
    print(
        f"{'thumbnail, warm (200) p50 / p95':<46}"
        f"{thumbs['warm_p50_ms']:>15.2f} / {thumbs['warm_p95_ms']:.2f} ms"
    )
    print(
        f"{'thumbnail, revalidated (304) p50 / p95':<46}"
        f"{thumbs['revalidated_p50_ms']:>15.2f} / {thumbs['revalidated_p95_ms']:.2f} ms"
    )
    print(f"{'thumbnail size (mean)':<46}{thumbs['thumb_kb']:>22.1f} KB")
    print(f"{'for scale: bare authenticated endpoint p50':<46}{thumbs['bare_p50_ms']:>25.2f} ms")
    print(json.dumps({"blob_bench": figures}, default=str))


# --- Memory of decoding (--memory) -------------------------------------------------------------


def _size(pixels: int) -> tuple[int, int]:
    """Return a 4:3 size with at most that many pixels."""
    height = math.isqrt(pixels * 3 // 4)
    return pixels // height, height


def _scene(size: tuple[int, int]):
    from PIL import Image

    gradient = Image.linear_gradient("L").resize(size)
    flat = Image.new("L", size, 90)
    return Image.merge("RGB", [gradient, gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT), flat])


def _image(kind: str, pixels: int) -> bytes:
    """Make one kind of image with that many pixels (or just under)."""
    from PIL import Image, ImageCms

    from server.blobs import images  # noqa: F401 - registers the HEIC encoder and decoder

    size, out = _size(pixels), io.BytesIO()
    if kind == "png-flat":
        Image.new("RGB", size, (200, 120, 60)).save(out, "PNG")
    elif kind == "jpeg-rotated-profile":
        exif = Image.Exif()
        exif[0x0112] = 6
        profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
        _scene(size).save(out, "JPEG", quality=90, exif=exif, icc_profile=profile)
    elif kind == "jpeg-cmyk":
        _scene(size).convert("CMYK").save(out, "JPEG", quality=90)
    elif kind == "png-16-bit-grey":
        Image.new("I;16", size, 40000).save(out, "PNG")
    elif kind == "heic":
        _scene(size).save(out, "HEIF", quality=80)
    elif kind == "png-transparent":
        Image.new("RGBA", size, (200, 120, 60, 128)).save(out, "PNG")
    elif kind == "webp-transparent":
        image = _scene(size)
        image.putalpha(128)
        image.save(out, "WEBP", quality=80)
    elif kind == "webp":
        _scene(size).save(out, "WEBP", quality=80)
    return out.getvalue()


# Each kind at its own limit: the plain ones at the pixel limit, the costly ones at a quarter.
PLAIN_KINDS = ["png-flat", "jpeg-rotated-profile", "jpeg-cmyk", "png-16-bit-grey", "heic"]
COSTLY_KINDS = ["png-transparent", "webp-transparent", "webp"]


def _rss() -> int:
    return int(Path("/proc/self/statm").read_text().split()[1]) * resource.getpagesize()


def _peak_rss() -> int:
    """The process's own peak (VmHWM): ru_maxrss would start from the parent's at the fork."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise BenchError("no VmHWM in /proc/self/status (--memory needs Linux)")


def decode_child(path: str, max_pixels: int, uploads: int, at_once: int) -> None:
    """Render the file `uploads` times at once with `at_once` slots; print the peak growth."""
    from server.blobs import images

    data = Path(path).read_bytes()
    slots = images.DecodeSlots(at_once, 600)
    errors: list[str] = []

    def one() -> None:
        try:
            images.render(data, max_pixels, slots)
        except Exception as error:  # reported, so the figure is never of a failed decode
            errors.append(repr(error))

    gc.collect()
    before = _rss()
    started = time.perf_counter()
    threads = [threading.Thread(target=one) for _ in range(uploads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    peak = _peak_rss()
    seconds = time.perf_counter() - started
    print(json.dumps({"mib": (peak - before) / 2**20, "seconds": seconds, "errors": errors}))


def _measure(path: Path, max_pixels: int, uploads: int, at_once: int) -> dict[str, Any]:
    command = [sys.executable, __file__, "--decode-child", str(path), "--megapixels", "0"]
    command += [f"--max-pixels={max_pixels}", f"--uploads={uploads}", f"--at-once={at_once}"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BenchError(f"decoding {path.name}: {done.stderr[-500:]}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    if figures["errors"]:
        raise BenchError(f"decoding {path.name}: {figures['errors'][0]}")
    return figures


def memory_bench(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    """Measure the peak memory of the worst accepted images, alone and several at once."""
    from server.blobs.images import COSTLY_SHARE

    max_pixels = args.megapixels * 1_000_000
    figures: dict[str, Any] = {"megapixels": args.megapixels, "kinds": {}}
    for kind in PLAIN_KINDS + COSTLY_KINDS:
        pixels = max_pixels if kind in PLAIN_KINDS else max_pixels // COSTLY_SHARE
        print(f"making {kind} of {pixels / 1e6:.1f} MP...", file=sys.stderr)
        path = tmp / kind
        path.write_bytes(_image(kind, pixels))
        alone = _measure(path, max_pixels, 1, 1)
        figures["kinds"][kind] = {
            "megapixels": pixels / 1e6,
            "kb": path.stat().st_size / 1000,
            **alone,
        }
    worst = max(figures["kinds"], key=lambda kind: figures["kinds"][kind]["mib"])
    figures["worst"] = worst
    figures["at_once"] = {
        "uploads": args.uploads,
        "slots": args.at_once,
        **_measure(tmp / worst, max_pixels, args.uploads, args.at_once),
    }
    figures["unbounded"] = {
        "uploads": args.uploads,
        **_measure(tmp / worst, max_pixels, args.uploads, args.uploads),
    }
    return figures


def memory_report(figures: dict[str, Any]) -> None:
    print(f"\nDecoding memory at BLOB_MAX_MEGAPIXELS={figures['megapixels']} (peak RSS growth)\n")
    print(f"{'image':<26}{'MP':>6}{'KB sent':>10}{'peak MiB':>10}{'seconds':>9}")
    for kind, one in figures["kinds"].items():
        print(
            f"{kind:<26}{one['megapixels']:>6.1f}{one['kb']:>10.0f}"
            f"{one['mib']:>10.0f}{one['seconds']:>9.2f}"
        )
    bounded, unbounded = figures["at_once"], figures["unbounded"]
    print(
        f"\n{bounded['uploads']} x {figures['worst']} at once: "
        f"{bounded['mib']:.0f} MiB with {bounded['slots']} slots, "
        f"{unbounded['mib']:.0f} MiB unbounded"
    )
    print(json.dumps({"blob_memory": figures}, default=str))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
        help="PostgreSQL URL, or 'sqlite' for a temporary SQLite file",
    )
    parser.add_argument("--photos", type=int, default=60, help="photos per upload phase")
    parser.add_argument("--threads", type=int, default=4, help="client threads, server threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--memory", action="store_true", help="measure decoding memory instead")
    parser.add_argument("--megapixels", type=int, default=25, help="BLOB_MAX_MEGAPIXELS")
    parser.add_argument("--at-once", type=int, default=2, help="BLOB_DECODES_AT_ONCE")
    parser.add_argument("--uploads", type=int, default=6, help="uploads at once, for --memory")
    parser.add_argument("--decode-child", help=argparse.SUPPRESS)
    parser.add_argument("--max-pixels", type=int, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.decode_child:
        decode_child(args.decode_child, args.max_pixels, args.uploads, args.at_once)
        return 0
    with tempfile.TemporaryDirectory(prefix="hearth-blob-bench-") as tmp:
        try:
            figures = (memory_bench if args.memory else bench)(args, Path(tmp))
        except BenchError as error:
            print(f"blob bench failed: {error}", file=sys.stderr)
            return 1
    (memory_report(figures) if args.memory else report(figures, args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
