"""Decoding photos within bounds: pixels, decodes at once per process, uploads per user."""

from __future__ import annotations

import io
import queue
import struct
import threading
from contextlib import ExitStack

import pillow_heif
import pytest
from PIL import Image, ImageFile, WebPImagePlugin

from server.blobs import images, service
from tests.blobs.conftest import photo, put, row_counts, sha, stored_files


def hold_every_slot(app, stack: ExitStack) -> None:
    """Take every decoding slot of the app's process, as long decodes would."""
    with app.app_context():
        slots = service.decode_slots()
    for _ in range(app.config["BLOB_DECODES_AT_ONCE"]):
        stack.enter_context(slots.held())


@pytest.mark.parametrize(
    ("fmt", "content_type", "mode"),
    [
        ("PNG", "image/png", "RGB"),
        ("JPEG", "image/jpeg", "RGB"),
        ("HEIF", "image/heic", "RGB"),
        ("PNG", "image/png", "RGBA"),
        ("WEBP", "image/webp", "RGB"),
    ],
)
def test_an_image_over_the_pixel_limit_is_refused_from_its_header_alone(
    app, make_user, monkeypatch, fmt, content_type, mode
):
    app.config.update(BLOB_MAX_PIXELS=1_000_000, BLOB_DECODE_WAIT_SECONDS=5)
    alex = make_user()
    data = photo(width=1200, height=1000, fmt=fmt, mode=mode)

    def no_decoding(self, *args, **kwargs):
        raise AssertionError("the pixels of an image over the limit were decoded")

    for plugin in (ImageFile.ImageFile, WebPImagePlugin.WebPImageFile, pillow_heif.HeifImageFile):
        monkeypatch.setattr(plugin, "load", no_decoding)
    with ExitStack() as stack:
        # Every slot is busy: the refusal does not wait for one.
        hold_every_slot(app, stack)
        response = put(alex, data, content_type=content_type)

    assert response.status_code == 422, response.json
    assert response.json["error"]["code"] == "too_many_pixels"
    assert stored_files(app) == [] and row_counts(app) == (0, 0)


def test_webp_and_transparent_images_may_have_a_quarter_of_the_pixels(app, make_user):
    app.config["BLOB_MAX_PIXELS"] = 1_000_000
    alex = make_user()

    at_the_limit = put(alex, photo(width=1000, height=1000))
    webp = put(alex, photo(width=600, height=500, fmt="WEBP"), content_type="image/webp")
    transparent = put(alex, photo(width=600, height=500, fmt="PNG", mode="RGBA"))
    small_webp = put(alex, photo(width=500, height=500, fmt="WEBP"), content_type="image/webp")

    assert at_the_limit.status_code == 201
    for refused in (webp, transparent):
        assert refused.status_code == 422
        assert refused.json["error"]["code"] == "too_many_pixels"
        assert "250,000" in refused.json["error"]["message"]
    assert small_webp.status_code == 201


def test_no_more_decodes_run_at_once_than_the_setting_and_a_long_wait_gets_503(
    app, make_user, monkeypatch
):
    app.config.update(BLOB_DECODES_AT_ONCE=2, BLOB_DECODE_WAIT_SECONDS=0.5)
    users = [make_user() for _ in range(5)]
    photos = [photo(width=400, height=300, seed=n) for n in range(5)]
    lock = threading.Lock()
    running, most = 0, 0
    entered = threading.Semaphore(0)
    go_on = threading.Event()
    decode = images._load

    def watched_decode(image):
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        entered.release()
        try:
            go_on.wait(timeout=30)
            decode(image)
        finally:
            with lock:
                running -= 1

    monkeypatch.setattr(images, "_load", watched_decode)
    answers: queue.Queue = queue.Queue()
    threads = [
        threading.Thread(target=lambda u=u, p=p: answers.put((p, put(u, p))))
        for u, p in zip(users, photos, strict=True)
    ]
    try:
        for thread in threads:
            thread.start()
        assert entered.acquire(timeout=30) and entered.acquire(timeout=30)
        # The other three wait for a slot that does not come free in time.
        busy = []
        try:
            busy.extend(answers.get(timeout=30) for _ in range(3))
        except queue.Empty:
            pytest.fail(f"{most} decodes ran at once, and none waited")
    finally:
        go_on.set()
        for thread in threads:
            thread.join(timeout=30)
    done = [answers.get(timeout=30) for _ in range(2)]

    assert most == 2
    for _, response in busy:
        assert response.status_code == 503, response.json
        assert response.json["error"]["code"] == "busy"
        assert int(response.headers["Retry-After"]) > 0
    assert [response.status_code for _, response in done] == [201, 201]
    assert len(stored_files(app)) == 4  # two renditions of each decoded photo
    # Sent again once the server is free, a refused photo is stored.
    data, _ = busy[0]
    owner = users[photos.index(data)]
    assert put(owner, data).status_code == 201


def test_uploads_are_limited_per_user_and_a_stored_photo_again_does_not_count(app, make_user):
    app.config["LIMIT_BLOB_UPLOAD_PER_USER"] = "2 per minute"
    alex, sam = make_user(), make_user()
    first, second, third = (photo(width=400, height=300, seed=n) for n in (1, 2, 3))

    assert put(alex, first).status_code == 201
    for _ in range(3):
        assert put(alex, first).status_code == 200  # cheap: not counted
    assert put(alex, second).status_code == 201
    blocked = put(alex, third)
    elsewhere = put(sam, third)

    assert blocked.status_code == 429
    assert blocked.json["error"]["code"] == "rate_limited"
    assert int(blocked.headers["Retry-After"]) > 0
    assert elsewhere.status_code == 201  # each user has an allowance of their own
    assert alex.client.get(f"/api/blobs/{sha(third)}").status_code == 404
    assert row_counts(app) == (3, 3)


def _icc_swapping_red_and_blue() -> bytes:
    """A tiny RGB colour profile whose red is sRGB's blue and whose blue is sRGB's red."""

    def s15(value: float) -> bytes:
        return struct.pack(">i", round(value * 65536))

    def xyz(x: float, y: float, z: float) -> bytes:
        return b"XYZ " + bytes(4) + s15(x) + s15(y) + s15(z)

    red, green, blue = (0.4361, 0.2225, 0.0139), (0.3851, 0.7169, 0.0971), (0.1431, 0.0606, 0.7141)
    linear = b"curv" + bytes(4) + struct.pack(">I", 0)
    tags = [
        (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", xyz(*blue)),
        (b"gXYZ", xyz(*green)),
        (b"bXYZ", xyz(*red)),
        (b"rTRC", linear),
        (b"gTRC", linear),
        (b"bTRC", linear),
    ]
    start = 128 + 4 + 12 * len(tags)
    table, body = b"", b""
    for signature, data in tags:
        table += signature + struct.pack(">II", start + len(body), len(data))
        body += data + bytes(-len(data) % 4)
    header = (
        struct.pack(">I", start + len(body))
        + bytes(4)
        + bytes([2, 0x10, 0, 0])
        + b"mntrRGB XYZ "
        + bytes(12)
        + b"acsp"
        + bytes(28)
        + s15(0.9642)
        + s15(1.0)
        + s15(0.8249)
        + bytes(48)
    )
    return header + struct.pack(">I", len(tags)) + table + body


def test_a_photo_with_a_colour_profile_is_converted_to_srgb(make_user):
    alex = make_user()
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (255, 0, 0)).save(
        out, "JPEG", quality=95, icc_profile=_icc_swapping_red_and_blue()
    )
    data = out.getvalue()

    assert put(alex, data).status_code == 201

    served = Image.open(io.BytesIO(alex.client.get(f"/api/blobs/{sha(data)}").data))
    red, green, blue = served.getpixel((32, 24))
    assert blue > 200 and red < 50 and green < 50
    assert "icc_profile" not in served.info
