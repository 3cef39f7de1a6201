"""Uploading photos: only real, clean, bounded images are stored, each once."""

from __future__ import annotations

import io
import struct
import uuid
import zlib
from datetime import timedelta

import pytest
import sqlalchemy as sa
from PIL import ExifTags, Image

from server.accounts.models import User
from server.blobs.models import BlobUpload
from server.blobs.service import space_usage
from server.db import utcnow
from server.extensions import db
from tests.blobs.conftest import (
    add_memory,
    both_stores,
    mutate,
    photo,
    put,
    row_counts,
    sha,
    stored_bytes,
    stored_files,
)


@both_stores
def test_a_photo_with_gps_comes_out_without_any_metadata(app, make_user):
    alex = make_user()
    data = photo(gps=True)
    assert (
        Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    )  # the test's premise

    response = put(alex, data)

    assert response.status_code == 201, response.json
    assert response.json["hash"] == sha(data)
    assert (response.json["width"], response.json["height"]) == (1600, 1200)
    keys = stored_files(app)
    assert len(keys) == 2
    for key in keys:
        raw = stored_bytes(app, key)
        assert b"Exif" not in raw and b"PhoneMaker" not in raw and b"secret place" not in raw
        with Image.open(io.BytesIO(raw)) as stored:
            assert not stored.getexif()
            assert not {"exif", "xmp", "comment", "icc_profile"} & set(stored.info)
    for variant in ("", "/thumb"):
        served = alex.client.get(f"/api/blobs/{sha(data)}{variant}")
        assert served.status_code == 200
        assert not Image.open(io.BytesIO(served.data)).getexif()
        assert b"Exif" not in served.data


def test_the_orientation_tag_is_applied_to_the_pixels(make_user):
    alex = make_user()
    data = photo(width=300, height=200, orientation=6)  # "rotate 90° to view"

    response = put(alex, data)

    assert response.status_code == 201
    assert (response.json["width"], response.json["height"]) == (200, 300)
    served = Image.open(io.BytesIO(alex.client.get(f"/api/blobs/{sha(data)}").data))
    assert served.size == (200, 300)


def test_the_thumbnail_is_400_pixels_on_its_longest_side(make_user):
    alex = make_user()
    data = photo(width=1600, height=1200)

    answer = put(alex, data).json
    thumb = alex.client.get(f"/api/blobs/{sha(data)}/thumb")
    original = alex.client.get(f"/api/blobs/{sha(data)}")

    assert (answer["thumb_width"], answer["thumb_height"]) == (400, 300)
    assert Image.open(io.BytesIO(thumb.data)).size == (400, 300)
    assert Image.open(io.BytesIO(original.data)).size == (1600, 1200)
    assert len(thumb.data) < len(original.data) / 4
    assert thumb.headers["Content-Type"] == "image/jpeg"


@pytest.mark.parametrize(
    ("fmt", "content_type", "mode", "served_type"),
    [
        ("PNG", "image/png", "RGB", "image/jpeg"),
        ("PNG", "image/png", "RGBA", "image/webp"),
        ("WEBP", "image/webp", "RGB", "image/jpeg"),
        ("HEIF", "image/heic", "RGB", "image/jpeg"),
    ],
)
@both_stores
def test_png_webp_and_heic_are_accepted(make_user, fmt, content_type, mode, served_type):
    alex = make_user()
    data = photo(width=640, height=480, fmt=fmt, mode=mode)

    response = put(alex, data, content_type=content_type)

    assert response.status_code == 201, response.json
    assert response.json["content_type"] == served_type
    served = alex.client.get(f"/api/blobs/{sha(data)}")
    assert served.headers["Content-Type"] == served_type
    assert Image.open(io.BytesIO(served.data)).size == (640, 480)


@both_stores
def test_the_same_photo_twice_is_stored_once(app, make_user):
    alex = make_user()
    sam = make_user()
    data = photo()

    first = put(alex, data)
    again = put(alex, data)
    by_someone_else = put(sam, data)

    assert first.status_code == 201
    assert again.status_code == 200 and again.json == first.json
    assert by_someone_else.status_code == 200
    assert len(stored_files(app)) == 2
    assert row_counts(app) == (1, 2)


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims the given size (a decompression bomb's signature)."""
    out = io.BytesIO()
    Image.new("L", (8, 8)).save(out, "PNG")
    data = bytearray(out.getvalue())
    ihdr = data[12:29]  # chunk type and the 13 bytes of IHDR
    ihdr[4:12] = struct.pack(">II", width, height)
    data[12:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(ihdr)))
    return bytes(data)


BAD_UPLOADS = [
    ("wrong hash", lambda: (photo(), "0" * 64, "image/jpeg"), 422, "hash_mismatch"),
    ("not a hash", lambda: (photo(), "abc", "image/jpeg"), 422, "invalid"),
    ("not an image", lambda: (b"GIF89a but not really", None, "image/jpeg"), 422, "not_an_image"),
    ("a GIF", lambda: (photo(64, 64, fmt="GIF"), None, "image/jpeg"), 422, "not_an_image"),
    ("truncated", lambda: (photo()[:20000], None, "image/jpeg"), 422, "broken_image"),
    ("bomb", lambda: (_png_claiming(30000, 30000), None, "image/png"), 422, "too_many_pixels"),
    (
        "over the pixel limit",
        lambda: (_png_claiming(9000, 7000), None, "image/png"),
        422,
        "too_many_pixels",
    ),
    ("empty", lambda: (b"", sha(b""), "image/jpeg"), 422, "empty"),
    ("text", lambda: (b"hello", None, "text/plain"), 415, "unsupported_media_type"),
    ("JSON", lambda: (b"{}", None, "application/json"), 415, "unsupported_media_type"),
]


@pytest.mark.parametrize(
    ("make", "status", "code"),
    [pytest.param(m, s, c, id=name) for name, m, s, c in BAD_UPLOADS],
)
def test_bad_uploads_get_a_clear_error_and_store_nothing(app, make_user, make, status, code):
    alex = make_user()
    data, hash_, content_type = make()

    response = put(alex, data, hash_=hash_, content_type=content_type)

    assert response.status_code == status, response.json
    assert response.json["error"]["code"] == code
    assert response.json["error"]["message"]
    assert stored_files(app) == []
    assert row_counts(app) == (0, 0)


def test_a_file_over_the_size_limit_is_refused_with_413(app, make_user):
    app.config["BLOB_MAX_BYTES"] = 100_000
    alex = make_user()
    data = photo(width=1000, height=1000, noisy=True)
    assert len(data) > 100_000

    response = put(alex, data)
    # A body without a length is cut off at the limit all the same.
    chunked = alex.client.request(
        "PUT",
        f"/api/blobs/{sha(data)}",
        input_stream=io.BytesIO(data),
        headers={"Content-Type": "image/jpeg", "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},  # as gunicorn says of chunked bodies
    )

    for answer in (response, chunked):
        assert answer.status_code == 413, answer.json
        assert answer.json["error"]["code"] == "too_large"
    assert stored_files(app) == [] and row_counts(app) == (0, 0)


def test_photos_may_be_larger_than_json_bodies(make_user):
    alex = make_user()
    data = photo(width=2400, height=1800, noisy=True)
    assert len(data) > 1024 * 1024  # what a JSON body may be at most

    response = put(alex, data)

    assert response.status_code == 201


def test_an_image_over_the_pixel_limit_is_refused_with_422(app, make_user):
    app.config["BLOB_MAX_PIXELS"] = 1_000_000
    alex = make_user()

    response = put(alex, photo(width=1200, height=1000))

    assert response.status_code == 422
    assert response.json["error"]["code"] == "too_many_pixels"
    assert "1,000,000" in response.json["error"]["message"]
    assert stored_files(app) == [] and row_counts(app) == (0, 0)


def test_uploads_need_a_session_and_the_csrf_header(app, make_user, new_client):
    data = photo()
    stranger = new_client()
    anonymous = stranger.request(
        "PUT", f"/api/blobs/{sha(data)}", data=data, headers={"Content-Type": "image/jpeg"}
    )
    alex = make_user()
    no_header = alex.client.raw.put(
        f"/api/blobs/{sha(data)}", data=data, headers={"Content-Type": "image/jpeg"}
    )

    assert anonymous.status_code == 401
    assert no_header.status_code == 403 and no_header.json["error"]["code"] == "csrf"
    assert stored_files(app) == [] and row_counts(app) == (0, 0)


@both_stores
def test_the_space_quota_counts_both_partners_photos(app, make_couple, make_user):
    alex, sam = make_couple()
    first = photo(seed=1)
    response = put(alex, first)
    app.config["BLOB_QUOTA_BYTES"] = response.json["size"] + 1000

    over = put(sam, photo(seed=2))
    same_again = put(sam, first)
    elsewhere = put(make_user(), photo(seed=2))

    assert over.status_code == 507
    assert over.json["error"]["code"] == "quota_exceeded"
    assert "MB" in over.json["error"]["message"]
    assert same_again.status_code == 200  # counted once for the space
    assert elsewhere.status_code == 201  # another space has its own quota
    assert len(stored_files(app)) == 4
    assert row_counts(app) == (2, 3)


def age_uploads(app, days: int = 2) -> None:
    """Make every upload as old as that: past the grace period of a photo waiting for its memory."""
    with app.app_context():
        db.session.execute(
            sa.update(BlobUpload).values(uploaded_at=utcnow() - timedelta(days=days))
        )
        db.session.commit()


def usage(app, user) -> int:
    with app.app_context():
        return space_usage(db.session.get(User, uuid.UUID(user.id)).space_id)


@both_stores
def test_a_photo_removed_from_every_memory_frees_its_space(app, make_couple):
    alex, sam = make_couple()
    first = photo(seed=1)
    size = put(alex, first).json["size"]
    memory = add_memory(alex, sha(first))
    age_uploads(app)
    assert usage(app, alex) == usage(app, sam) == size  # held by a memory of the space
    app.config["BLOB_QUOTA_BYTES"] = size + 1000
    assert put(sam, photo(seed=2)).status_code == 507

    mutate(alex, "memory.remove_photo", id=memory, hash=sha(first))
    assert usage(app, alex) == 0
    assert put(sam, photo(seed=2)).status_code == 201
    # A fresh upload counts while it waits for its memory.
    assert usage(app, sam) > 0
    # Uploading the removed photo again counts it again: there is no room for it now.
    assert put(alex, first).status_code == 507


def test_after_unpairing_a_photo_counts_where_a_memory_keeps_it(app, make_couple):
    alex, sam = make_couple()
    data = photo(seed=3)
    size = put(alex, data).json["size"]
    shared = add_memory(alex, sha(data))
    add_memory(sam, sha(data), visibility="private")  # Sam keeps it in a memory of his own
    mutate(alex, "memory.remove_photo", id=shared, hash=sha(data))
    age_uploads(app)

    assert sam.client.post("/api/pairing/unpair").status_code == 200
    assert usage(app, alex) == 0  # uploaded by Alex, but no memory of Alex's holds it
    assert usage(app, sam) == size
