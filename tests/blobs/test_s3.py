"""Photos in an S3-compatible object store, tested against a real S3 server (moto's)."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta

import pytest

from server.blobs import s3, service
from server.blobs.s3 import S3Storage
from server.blobs.storage import Storage, make_storage
from server.config import ConfigurationError
from server.db import utcnow
from tests.blobs.conftest import add_memory, mutate, photo, put, row_counts, sha

PREFIX = "hearth/photos/"
# Another application's file in the same bucket, outside Hearth's prefix.
FOREIGN = "backups/2026-12-01.sql"


@pytest.fixture
def app(app_factory, s3_bucket):
    """The app with its photos in the test bucket, under a prefix of their own."""
    return app_factory(BLOB_STORAGE="s3", S3_PREFIX=PREFIX, **s3_bucket)


def objects(s3_admin, bucket: str) -> list[str]:
    """Return every key in the bucket, as the store itself lists them."""
    answer = s3_admin.list_objects_v2(Bucket=bucket)
    return sorted(item["Key"] for item in answer.get("Contents", ()))


def free_port() -> int:
    """Return a loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_s3_storage_round_trip(s3_bucket, s3_admin):
    storage = make_storage({"BLOB_STORAGE": "s3", **s3_bucket})
    assert isinstance(storage, S3Storage) and isinstance(storage, Storage)

    storage.put("ab/abc.jpg", b"bytes")

    assert storage.exists("ab/abc.jpg") and storage.get("ab/abc.jpg") == b"bytes"
    assert storage.size("ab/abc.jpg") == 5
    assert [key for key, _ in storage.listing()] == ["ab/abc.jpg"]
    assert objects(s3_admin, s3_bucket["S3_BUCKET"]) == ["ab/abc.jpg"]
    storage.delete("ab/abc.jpg")
    storage.delete("ab/abc.jpg")  # gone already is fine
    assert not storage.exists("ab/abc.jpg")
    with pytest.raises(KeyError):
        storage.get("ab/abc.jpg")
    assert objects(s3_admin, s3_bucket["S3_BUCKET"]) == []


def test_a_missing_key_is_a_key_error_and_deleting_it_is_fine(s3_bucket):
    storage = S3Storage(s3_bucket)

    assert not storage.exists("cd/never.jpg")
    with pytest.raises(KeyError):
        storage.get("cd/never.jpg")
    with pytest.raises(KeyError):
        storage.size("cd/never.jpg")
    storage.delete("cd/never.jpg")
    assert list(storage.listing()) == []


@pytest.mark.parametrize("key", ["../escape", "/etc/passwd", "ab/../../x", "", "AB/x"])
def test_s3_storage_refuses_keys_it_could_not_have_made(s3_bucket, s3_admin, key):
    storage = S3Storage(s3_bucket)

    for call in (lambda: storage.put(key, b"x"), lambda: storage.get(key)):
        with pytest.raises(ValueError):
            call()
    assert objects(s3_admin, s3_bucket["S3_BUCKET"]) == []


def test_the_listing_pages_through_every_key(s3_bucket):
    storage = S3Storage(s3_bucket)
    storage.page_size = 3
    requests = []
    storage.client.meta.events.register(
        "before-call.s3.ListObjectsV2", lambda **kwargs: requests.append(kwargs)
    )
    keys = [f"{n:02x}/photo-{n}.jpg" for n in range(8)]
    before = datetime.now(UTC) - timedelta(seconds=5)
    for key in keys:
        storage.put(key, b"x")

    listed = list(storage.listing())

    assert sorted(key for key, _ in listed) == keys
    assert len(requests) == 3  # 3 + 3 + 2 keys
    for _, written in listed:
        assert written.utcoffset() == timedelta(0)
        assert before <= written <= datetime.now(UTC) + timedelta(seconds=5)


def test_the_prefix_keeps_hearth_to_its_part_of_a_shared_bucket(s3_bucket, s3_admin):
    bucket = s3_bucket["S3_BUCKET"]
    s3_admin.put_object(Bucket=bucket, Key=FOREIGN, Body=b"not a photo")
    s3_admin.put_object(Bucket=bucket, Key=f"{PREFIX}README.TXT", Body=b"not a name Hearth makes")
    storage = S3Storage({**s3_bucket, "S3_PREFIX": "/hearth/photos/"})

    storage.put("ab/abc.jpg", b"bytes")

    assert f"{PREFIX}ab/abc.jpg" in objects(s3_admin, bucket)
    assert [key for key, _ in storage.listing()] == ["ab/abc.jpg"]
    with pytest.raises(KeyError):
        storage.get(FOREIGN)  # read under the prefix, where there is none


def test_the_store_is_ready_only_when_its_bucket_answers(s3_bucket, monkeypatch):
    monkeypatch.setattr(s3, "MAX_ATTEMPTS", 1)
    missing_bucket = {**s3_bucket, "S3_BUCKET": "hearth-test-no-such-bucket"}
    no_server = {**s3_bucket, "S3_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}"}

    assert S3Storage(s3_bucket).ready()
    assert not S3Storage(missing_bucket).ready()
    assert not S3Storage(no_server).ready()


def test_s3_storage_needs_a_bucket():
    with pytest.raises(ConfigurationError, match="S3_BUCKET"):
        make_storage({"BLOB_STORAGE": "s3", "S3_BUCKET": " ", "S3_ENDPOINT_URL": ""})


def test_photos_go_to_the_bucket_are_served_behind_the_access_check_and_cleaned_up(
    app, s3_bucket, s3_admin, make_couple, make_user, blob_dir
):
    bucket = s3_bucket["S3_BUCKET"]
    s3_admin.put_object(Bucket=bucket, Key=FOREIGN, Body=b"not a photo")
    alex, sam = make_couple()
    stranger = make_user()
    data = photo(seed=1)

    uploaded = put(alex, data)

    assert uploaded.status_code == 201, uploaded.json
    keys = [key for key in objects(s3_admin, bucket) if key != FOREIGN]
    assert len(keys) == 2
    assert all(key.startswith(f"{PREFIX}{sha(data)[:2]}/{sha(data)}.") for key in keys)
    assert not blob_dir.exists()  # nothing on the local disk
    assert s3_admin.head_object(Bucket=bucket, Key=keys[0])["ContentType"] == "image/jpeg"

    memory = add_memory(alex, sha(data))
    served = sam.client.get(f"/api/blobs/{sha(data)}")
    assert served.status_code == 200
    original = next(key for key in keys if ".original." in key)
    assert served.data == s3_admin.get_object(Bucket=bucket, Key=original)["Body"].read()
    assert stranger.client.get(f"/api/blobs/{sha(data)}").status_code == 404

    # The quota counts what the space keeps in the bucket.
    app.config["BLOB_QUOTA_BYTES"] = uploaded.json["size"] + 1000
    over = put(sam, photo(seed=2))
    assert over.status_code == 507 and over.json["error"]["code"] == "quota_exceeded"
    assert len(objects(s3_admin, bucket)) == 3

    mutate(alex, "memory.remove_photo", id=memory, hash=sha(data))
    with app.app_context():
        report = service.collect_garbage(utcnow() + timedelta(days=2))

    assert (report.blobs, report.files) == (1, 2)
    assert objects(s3_admin, bucket) == [FOREIGN]  # another application's file is left alone
    assert alex.client.get(f"/api/blobs/{sha(data)}").status_code == 404


def test_an_unreachable_store_answers_503_and_records_nothing(
    app, s3_bucket, make_user, monkeypatch
):
    alex = make_user()
    stored = photo(seed=1)
    assert put(alex, stored).status_code == 201
    # The store goes away (one attempt each, so the test does not wait for retries).
    monkeypatch.setattr(s3, "MAX_ATTEMPTS", 1)
    down = {**s3_bucket, "S3_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}"}
    app.extensions["hearth_blob_storage"] = S3Storage(down)

    read = alex.client.get(f"/api/blobs/{sha(stored)}")
    upload = put(alex, photo(seed=2))

    for answer in (read, upload):
        assert answer.status_code == 503, answer.json
        assert answer.json["error"]["code"] == "unavailable"
        assert int(answer.headers["Retry-After"]) > 0
    assert row_counts(app) == (1, 1)  # the second photo is not recorded as stored
