"""Photo fixtures: an app with its own storage folder, image makers and upload helpers."""

from __future__ import annotations

import hashlib
import io
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import ExifTags, Image

from server.blobs.models import Blob, BlobUpload
from server.extensions import db
from tests.sync.client import SyncTestClient

GPS = {1: "N", 2: (48.0, 51.0, 29.0), 3: "E", 4: (2.0, 17.0, 40.0)}


@pytest.fixture
def blob_dir(tmp_path) -> Path:
    return tmp_path / "blobs"


@pytest.fixture
def app(app_factory, blob_dir):
    return app_factory(BLOB_DIR=str(blob_dir))


def photo(
    width: int = 1600,
    height: int = 1200,
    fmt: str = "JPEG",
    seed: int = 0,
    gps: bool = False,
    orientation: int | None = None,
    mode: str = "RGB",
    noisy: bool = False,
) -> bytes:
    """Make a photo-like image (a gradient, so each seed gives other bytes)."""
    gradient = Image.linear_gradient("L").resize((width, height))
    bands = [
        gradient,
        gradient.rotate(90).resize((width, height)),
        Image.new("L", (width, height), seed % 256),
    ]
    if noisy:  # grain makes sizes like a camera's (and every call's bytes differ)
        bands[1] = Image.effect_noise((width, height), 60)
        bands[2] = Image.effect_noise((width, height), 60)
    image = Image.merge("RGB", bands)
    if mode == "RGBA":
        image.putalpha(Image.new("L", (width, height), 128))
    out = io.BytesIO()
    options: dict = {}
    if gps or orientation:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"
        if orientation:
            exif[0x0112] = orientation
        if gps:
            exif[ExifTags.IFD.GPSInfo] = GPS
        options["exif"] = exif
    if fmt == "JPEG":
        options["comment"] = b"taken at our secret place"
    image.save(out, fmt, **options)
    return out.getvalue()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def put(user, data: bytes, hash_: str | None = None, content_type: str = "image/jpeg", **kw):
    """Upload bytes as the PWA does; return the response."""
    return user.client.request(
        "PUT",
        f"/api/blobs/{hash_ or sha(data)}",
        data=data,
        headers={"Content-Type": content_type, **kw.pop("headers", {})},
        **kw,
    )


def stored_files(blob_dir: Path) -> list[Path]:
    return sorted(p for p in blob_dir.rglob("*") if p.is_file()) if blob_dir.exists() else []


def row_counts(app) -> tuple[int, int]:
    with app.app_context():
        blobs = db.session.scalar(sa.select(sa.func.count()).select_from(Blob))
        uploads = db.session.scalar(sa.select(sa.func.count()).select_from(BlobUpload))
        db.session.remove()
    return blobs, uploads


def add_memory(user, *hashes: str, visibility: str = "shared") -> str:
    """Push a memory holding the photos; return its id."""
    device = SyncTestClient(user.client)
    memory_id = str(uuid.uuid4())
    device.mutate(
        "memory.save", id=memory_id, fields={"title": "Our trip", "visibility": visibility}
    )
    for hash_ in hashes:
        device.mutate("memory.add_photo", id=memory_id, photo={"hash": hash_, "caption": "us"})
    device.push()
    assert all(r["status"] == "applied" for r in device.results.values()), device.results
    return memory_id


def mutate(user, name: str, **args) -> None:
    """Push one mutation and check it applied."""
    device = SyncTestClient(user.client)
    device.mutate(name, **args)
    device.push()
    [result] = device.results.values()
    assert result["status"] == "applied", result
