"""The cleanup task: photos no live memory holds are deleted after a grace period."""

from __future__ import annotations

import os
import time
import uuid
from datetime import timedelta

from server.blobs import service
from server.blobs.models import BlobUpload
from server.blobs.storage import current_storage
from server.db import utcnow
from server.extensions import db
from server.sync import maintenance
from tests.blobs.conftest import (
    add_memory,
    both_stores,
    mutate,
    photo,
    put,
    row_counts,
    sha,
    stored_files,
)

DAY = timedelta(days=1)


def cleanup(app, later: timedelta = DAY + timedelta(hours=1)) -> service.Cleanup:
    with app.app_context():
        return service.collect_garbage(utcnow() + later)


@both_stores
def test_fresh_uploads_survive_the_cleanup_for_the_grace_period(app, make_user):
    alex = make_user()
    data = photo()
    put(alex, data)

    report = cleanup(app, timedelta(hours=23))

    assert report.blobs == 0
    assert len(stored_files(app)) == 2
    assert alex.client.get(f"/api/blobs/{sha(data)}").status_code == 200


@both_stores
def test_uploading_again_renews_the_grace_period(app, make_user):
    alex = make_user()
    data = photo()
    put(alex, data)
    with app.app_context():
        upload = db.session.get(BlobUpload, (sha(data), uuid.UUID(alex.id)))
        upload.uploaded_at = utcnow() - 2 * DAY
        db.session.commit()

    put(alex, data)  # the PWA retrying before it pushes the memory

    assert cleanup(app, timedelta(hours=1)).blobs == 0
    assert len(stored_files(app)) == 2


@both_stores
def test_no_file_is_left_after_photos_leave_every_memory(
    app, make_couple, make_user, blob_dir, store
):
    alex, sam = make_couple()
    removed, binned, kept, never_used = (photo(seed=n) for n in range(4))
    for data in (removed, kept, never_used):
        assert put(alex, data).status_code == 201
    assert put(sam, binned).status_code == 201  # a device uploads the photos it adds
    first = add_memory(alex, sha(removed))
    second = add_memory(sam, sha(binned))
    add_memory(alex, sha(kept))
    mutate(sam, "memory.remove_photo", id=first, hash=sha(removed))
    mutate(alex, "memory.delete", id=second)

    # Within its restore window a deleted memory keeps its photos.
    report = cleanup(app)
    assert report.blobs == 2  # removed, never used
    assert sam.client.get(f"/api/blobs/{sha(binned)}").status_code == 200

    with app.app_context():
        maintenance.run(utcnow() + timedelta(days=31))  # the memory is gone for good
    report = cleanup(app, timedelta(days=31))

    assert report.blobs == 1
    assert len(stored_files(app)) == 2  # the photo still in a memory: original + thumbnail
    assert row_counts(app) == (1, 1)
    assert sam.client.get(f"/api/blobs/{sha(kept)}").status_code == 200
    for gone in (removed, binned, never_used):
        assert alex.client.get(f"/api/blobs/{sha(gone)}").status_code == 404
    if store == "local":  # the folders the files were in go with them
        assert sorted(p.name for p in blob_dir.iterdir()) == [sha(kept)[:2]]


@both_stores
def test_unpairing_keeps_the_photos_of_every_memory_someone_keeps(app, make_couple):
    alex, sam = make_couple()
    shared, private = photo(seed=1), photo(seed=2)
    put(alex, shared)
    put(sam, private)
    add_memory(alex, sha(shared))
    add_memory(sam, sha(private), visibility="private")
    memory = add_memory(sam, sha(shared))

    assert alex.client.post("/api/pairing/unpair").status_code == 200
    assert cleanup(app).blobs == 0  # every photo is still in someone's memory
    mutate(sam, "memory.delete", id=memory)
    with app.app_context():
        maintenance.run(utcnow() + timedelta(days=31))

    assert cleanup(app, timedelta(days=31)).blobs == 0
    assert sam.client.get(f"/api/blobs/{sha(shared)}").status_code == 200  # alex's memory, copied
    assert len(stored_files(app)) == 4


@both_stores
def test_the_maintain_command_deletes_unused_photos(app, make_user):
    alex = make_user()
    put(alex, photo())
    app.config["BLOB_GRACE_HOURS"] = 0

    result = app.test_cli_runner().invoke(args=["maintain"])

    assert result.exit_code == 0, result.output
    assert "deleted 1 unused photos (2 files)" in result.output
    assert stored_files(app) == []
    assert row_counts(app) == (0, 0)


@both_stores
def test_stray_files_of_failed_uploads_are_swept_after_the_grace_period(app, make_user):
    alex = make_user()
    data = photo()
    put(alex, data)
    add_memory(alex, sha(data))
    # What an upload that failed between storing its files and recording them leaves.
    lost = sha(b"a photo whose upload failed")
    stray = f"{lost[:2]}/{lost}.0123456789abcdef.original.jpg"
    with app.app_context():
        current_storage().put(stray, b"a photo nobody recorded")

    in_grace = cleanup(app, timedelta(hours=23))
    assert in_grace.files == 0 and stray in stored_files(app)  # it may be an upload in flight

    report = cleanup(app)

    assert report.blobs == 0 and report.files == 1
    assert stray not in stored_files(app)
    assert len(stored_files(app)) == 2  # the photo a memory holds: original + thumbnail
    assert alex.client.get(f"/api/blobs/{sha(data)}").status_code == 200


def test_temporary_files_of_interrupted_writes_are_swept(app, make_user, blob_dir):
    alex = make_user()
    data = photo()
    put(alex, data)
    add_memory(alex, sha(data))
    stray = blob_dir / "ab" / "tmp-crashed.part"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"half a photo")
    fresh = blob_dir / "ab" / "tmp-in-flight.part"
    fresh.write_bytes(b"being written")
    two_days_ago = time.time() - 2 * 86400
    os.utime(stray, (two_days_ago, two_days_ago))

    report = cleanup(app, timedelta(0))

    assert report.blobs == 0 and report.files == 1
    assert not stray.exists() and fresh.exists()
    assert len(stored_files(app)) == 3
