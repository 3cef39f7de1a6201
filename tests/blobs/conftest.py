"""Photo fixtures: an app with its own storage folder (or bucket on a test S3 server), image
makers and upload helpers."""

from __future__ import annotations

import hashlib
import io
import uuid
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
import sqlalchemy as sa
from PIL import ExifTags, Image

from server.blobs.models import Blob, BlobUpload
from server.blobs.storage import current_storage
from server.extensions import db
from tests.sync.client import SyncTestClient

GPS = {1: "N", 2: (48.0, 51.0, 29.0), 3: "E", 4: (2.0, 17.0, 40.0)}


@pytest.fixture
def blob_dir(tmp_path) -> Path:
    return tmp_path / "blobs"


TEST_CREDENTIALS = {"aws_access_key_id": "test-key", "aws_secret_access_key": "test-secret"}


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    """Run an S3-compatible server (moto's) in this process on a free loopback port."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(scope="session")
def s3_admin(s3_server):
    """A client of the test server that makes and empties buckets."""
    client = boto3.session.Session().client(
        "s3", endpoint_url=s3_server, region_name="us-east-1", **TEST_CREDENTIALS
    )
    yield client
    client.close()


@pytest.fixture
def s3_bucket(s3_server, s3_admin, monkeypatch) -> Iterator[dict[str, str]]:
    """Make an empty bucket for one test; return the app's settings for it.

    The app finds its credentials in the usual AWS variables, set here to the test
    values (and no profile or credentials file of the machine is read).
    """
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", TEST_CREDENTIALS["aws_access_key_id"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", TEST_CREDENTIALS["aws_secret_access_key"])
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/aws-config")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    bucket = f"hearth-test-{uuid.uuid4().hex[:16]}"
    s3_admin.create_bucket(Bucket=bucket)
    yield {"S3_BUCKET": bucket, "S3_ENDPOINT_URL": s3_server}
    for page in s3_admin.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", ()):
            s3_admin.delete_object(Bucket=bucket, Key=item["Key"])
    s3_admin.delete_bucket(Bucket=bucket)


# Runs a photo test against each storage class: `@both_stores` above the test.
both_stores = pytest.mark.parametrize("store", ["local", "s3"])


@pytest.fixture
def store() -> str:
    """The storage class of the app: local files, unless the test is marked `both_stores`."""
    return "local"


@pytest.fixture
def app(app_factory, blob_dir, store, request):
    if store == "s3":
        return app_factory(BLOB_STORAGE="s3", **request.getfixturevalue("s3_bucket"))
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


def stored_files(app) -> list[str]:
    """Return the keys the app's storage holds, whichever class it is."""
    with app.app_context():
        return sorted(key for key, _ in current_storage().listing())


def stored_bytes(app, key: str) -> bytes:
    """Return the bytes the app's storage holds under the key."""
    with app.app_context():
        return current_storage().get(key)


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
