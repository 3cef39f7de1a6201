"""Photos in memories: added offline, kept through a restart, uploaded, seen by the partner."""

from __future__ import annotations

import io
import os

from PIL import Image
from playwright.sync_api import expect

from tests.browser.helpers import (
    go_offline,
    memory,
    open_section,
    paired_phones,
    sync_now,
    unexpected,
    worker_ready,
)

SYNC_WAIT = 15_000

# Whether every photo of a card has loaded (a square cell, a decoded image), and how large.
LOADED = """(card) => [...card.querySelectorAll('.photo-thumb')].map((img) => ({
  complete: img.complete, width: img.naturalWidth, height: img.naturalHeight,
  src: img.getAttribute('src'), cell: Math.round(img.parentElement.getBoundingClientRect().height),
}))"""


def camera_photo(width: int, height: int, color: tuple[int, int, int]) -> bytes:
    """A JPEG as a phone camera makes it: large, with the place it was taken in its EXIF."""
    image = Image.new("RGB", (width, height), color)
    # A different corner, so that the photos differ in more than their color.
    image.paste((255, 255, 255), (0, 0, width // 4, height // 4))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (48.0, 51.0, 24.0)  # GPSLatitudeRef, GPSLatitude: Paris
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif)
    return out.getvalue()


def pick_photos(form, *files: tuple[str, bytes]) -> None:
    """Choose photos from the gallery in a memory form."""
    form.locator('input[type="file"]:not([capture])').set_input_files(
        [{"name": name, "mimeType": "image/jpeg", "buffer": data} for name, data in files]
    )


def new_memory(page, title: str, *files: tuple[str, bytes]):
    """Open Timeline's form for a new memory, give it a title and photos; return the form."""
    open_section(page, "Timeline")
    page.locator("#memory-add").click()
    form = page.locator("#memory-form")
    form.get_by_label("Title").fill(title)
    pick_photos(form, *files)
    expect(form.locator(".photo-edit")).to_have_count(len(files))
    return form


def thumbnails(card) -> list[dict]:
    return card.evaluate(LOADED)


def expect_thumbnails_loaded(card, count: int) -> list[dict]:
    expect(card.locator(".photo-thumb")).to_have_count(count)
    for index in range(count):
        expect(card.locator(".photo-missing").nth(index)).to_be_hidden()
    # Loaded images: naturalWidth is 0 until the picture is decoded.
    for _ in range(50):
        shown = thumbnails(card)
        if all(s["complete"] and s["width"] > 0 for s in shown):
            return shown
        card.page.wait_for_timeout(100)
    raise AssertionError(f"thumbnails not loaded: {shown}")


def test_photos_added_offline_survive_a_restart_and_reach_the_partner(phone):
    alex_phone, _sam_phone, alex, sam = paired_phones(phone)
    go_offline(alex_phone, alex)
    form = new_memory(
        alex,
        "Picnic by the lake",
        ("lake.jpg", camera_photo(4000, 3000, (30, 90, 160))),
        ("basket.jpg", camera_photo(3000, 4000, (160, 90, 30))),
    )
    expect(form.get_by_role("status")).to_contain_text("2 photos added")
    form.get_by_label("Caption of photo 1").fill("The lake at noon")
    form.get_by_label("Caption of photo 2").fill("What we brought")
    # The basket goes first.
    form.get_by_role("button", name="Move up photo 2").click()
    expect(form.get_by_label("Caption of photo 1")).to_have_value("What we brought")
    form.get_by_role("button", name="Save memory").click()
    expect(form).to_be_hidden()

    card = memory(alex, "Picnic by the lake")
    expect(card.locator(".pending")).to_be_visible()
    shown = expect_thumbnails_loaded(card, 2)
    assert all(s["src"].startswith("blob:") for s in shown)  # from the device, offline
    # Small copies made on the phone, like the server's thumbnails.
    assert [(s["width"], s["height"]) for s in shown] == [(300, 400), (400, 300)]
    expect(card.locator(".photo-caption-text")).to_have_text(
        ["What we brought", "The lake at noon"]
    )

    # Closed and opened again, still offline: the photos are on the device.
    alex.close()
    alex = alex_phone.new_page()
    alex.goto("/")
    open_section(alex, "Timeline")
    card = memory(alex, "Picnic by the lake")
    expect(card.locator(".pending")).to_be_visible()
    expect_thumbnails_loaded(card, 2)

    alex_phone.set_offline(False)
    sync_now(alex)
    expect(card.locator(".pending")).to_have_count(0, timeout=SYNC_WAIT)

    sync_now(sam)
    open_section(sam, "Timeline")
    theirs = memory(sam, "Picnic by the lake")
    expect(theirs).to_be_visible(timeout=SYNC_WAIT)
    shown = expect_thumbnails_loaded(theirs, 2)
    assert all(s["src"].startswith("/api/blobs/") and s["src"].endswith("/thumb") for s in shown)
    # Thumbnails of at most 400 px, in square cells of one size: nothing jumps as they load.
    assert [(s["width"], s["height"]) for s in shown] == [(300, 400), (400, 300)]
    assert len({s["cell"] for s in shown}) == 1
    expect(theirs.locator(".photo-caption-text")).to_have_text(
        ["What we brought", "The lake at noon"]
    )

    # A tap opens the full photo, resized on Alex's phone to 2048 px on its longest side.
    theirs.get_by_role("button", name="Open photo 2 of 2: The lake at noon").click()
    viewer = sam.locator("dialog.photo-viewer")
    expect(viewer).to_be_visible()
    expect(viewer).to_contain_text("The lake at noon")
    full = viewer.locator(".photo-full")
    expect(full).to_have_attribute("src", shown[1]["src"].removesuffix("/thumb"))
    size = None
    for _ in range(50):
        size = full.evaluate("(img) => img.complete && [img.naturalWidth, img.naturalHeight]")
        if size and size[0]:
            break
        sam.wait_for_timeout(100)
    assert size == [2048, 1536]
    viewer.get_by_role("button", name="Previous").click()
    expect(viewer).to_contain_text("What we brought")
    viewer.get_by_role("button", name="Close").click()
    expect(viewer).to_be_hidden()

    # What left Alex's phone had no EXIF: no place, no camera.
    original = sam.evaluate(
        "(src) => fetch(src).then((r) => r.arrayBuffer()).then((b) => [...new Uint8Array(b)])",
        shown[1]["src"].removesuffix("/thumb"),
    )
    assert Image.open(io.BytesIO(bytes(original))).getexif() == {}
    # Offline, the only errors on Alex's phone are the requests the browser could not send.
    assert all("ERR_INTERNET_DISCONNECTED" in p for p in unexpected(alex_phone))
    assert unexpected(sam.context) == []


def test_the_partner_reorders_captions_and_removes_photos(phone):
    _alex_phone, sam_phone, alex, sam = paired_phones(phone)
    form = new_memory(
        alex,
        "Three views",
        ("one.jpg", camera_photo(800, 600, (200, 0, 0))),
        ("two.jpg", camera_photo(800, 600, (0, 200, 0))),
        ("three.jpg", camera_photo(800, 600, (0, 0, 200))),
    )
    for index, caption in enumerate(["red", "green", "blue"], start=1):
        form.get_by_label(f"Caption of photo {index}").fill(caption)
    form.get_by_role("button", name="Save memory").click()
    expect(form).to_be_hidden()  # the card is on screen, waiting to sync
    card = memory(alex, "Three views")
    expect(card.locator(".pending")).to_have_count(0, timeout=SYNC_WAIT)

    sync_now(sam)
    open_section(sam, "Timeline")
    theirs = memory(sam, "Three views")
    expect(theirs.locator(".photo-caption-text")).to_have_text(
        ["red", "green", "blue"], timeout=SYNC_WAIT
    )
    theirs.get_by_role("button", name="Edit").click()
    edit = theirs.locator("form")
    edit.get_by_role("button", name="Remove photo 1").click()
    edit.get_by_role("button", name="Move up photo 2").click()  # blue before green
    edit.get_by_label("Caption of photo 2").fill("green, at dusk")
    edit.get_by_role("button", name="Save changes").click()
    expect(edit).to_have_count(0)
    expect(theirs.locator(".photo-caption-text")).to_have_text(["blue", "green, at dusk"])
    expect(theirs.locator(".pending")).to_have_count(0, timeout=SYNC_WAIT)

    sync_now(alex)
    expect(card.locator(".photo-caption-text")).to_have_text(
        ["blue", "green, at dusk"], timeout=SYNC_WAIT
    )
    expect_thumbnails_loaded(card, 2)
    assert unexpected(sam_phone) == []


def test_an_interrupted_upload_starts_again_at_the_next_sync(phone):
    alex_phone, _sam_phone, alex, sam = paired_phones(phone)
    uploads: list[str] = []

    def cut_the_first(route):
        uploads.append(route.request.method)
        if len(uploads) == 1:
            route.abort("connectionreset")
        else:
            route.continue_()

    alex_phone.route("**/api/blobs/*", cut_the_first)
    form = new_memory(
        alex, "Harbour lights", ("harbour.jpg", camera_photo(1200, 900, (10, 20, 60)))
    )
    form.get_by_role("button", name="Save memory").click()
    expect(form).to_be_hidden()
    card = memory(alex, "Harbour lights")
    # The connection broke during the upload: the memory waits with its photo, then goes.
    expect(card.locator(".pending")).to_have_count(0, timeout=SYNC_WAIT)
    assert uploads == ["PUT", "PUT"]

    sync_now(sam)
    open_section(sam, "Timeline")
    expect_thumbnails_loaded(memory(sam, "Harbour lights"), 1)


def test_a_photo_the_server_refuses_is_explained_and_the_memory_kept(phone, app):
    app.config["BLOB_QUOTA_BYTES"] = 1024 * 1024  # 1 MB: less than one detailed photo
    _alex_phone, _sam_phone, alex, sam = paired_phones(phone)
    noise = Image.frombytes("RGB", (2000, 1500), os.urandom(2000 * 1500 * 3))
    detailed = io.BytesIO()
    noise.save(detailed, "JPEG", quality=95)
    form = new_memory(alex, "Too much to keep", ("grain.jpg", detailed.getvalue()))
    form.get_by_role("button", name="Save memory").click()
    expect(form).to_be_hidden()

    expect(alex.locator("#rejections-box")).to_be_visible(timeout=SYNC_WAIT)
    expect(alex.locator("#rejections")).to_contain_text(
        "Adding a photo to “Too much to keep” did not go through."
    )
    expect(alex.locator("#rejections")).to_contain_text("The photo could not be uploaded")
    expect(alex.locator("#rejections")).to_contain_text(
        "Your photos use all the space there is (1 MB)"
    )
    card = memory(alex, "Too much to keep")
    expect(card.locator(".photo-thumb")).to_have_count(0)
    expect(card.locator(".pending")).to_have_count(0)

    sync_now(sam)
    open_section(sam, "Timeline")
    expect(memory(sam, "Too much to keep")).to_be_visible(timeout=SYNC_WAIT)
    expect(memory(sam, "Too much to keep").locator(".photo-thumb")).to_have_count(0)


def test_the_partners_photos_seen_once_stay_on_the_timeline_offline(phone):
    _alex_phone, sam_phone, alex, sam = paired_phones(phone)
    form = new_memory(alex, "Market day", ("market.jpg", camera_photo(1600, 1200, (200, 120, 0))))
    form.get_by_role("button", name="Save memory").click()
    expect(form).to_be_hidden()
    expect(memory(alex, "Market day").locator(".pending")).to_have_count(0, timeout=SYNC_WAIT)

    # Sam sees the thumbnail once, online, with the worker in control of the page.
    worker_ready(sam)
    sam.reload()
    expect(sam.locator("#home")).to_be_visible()
    open_section(sam, "Timeline")
    expect_thumbnails_loaded(memory(sam, "Market day"), 1)

    # Offline, the thumbnail comes from the worker's photo cache; the full photo, never
    # opened, is not there, and the viewer says so.
    sam_phone.set_offline(True)
    sam.reload()
    open_section(sam, "Timeline")
    card = memory(sam, "Market day")
    expect_thumbnails_loaded(card, 1)
    card.get_by_role("button", name="Open photo 1 of 1").click()
    viewer = sam.locator("dialog.photo-viewer")
    expect(viewer).to_contain_text("This photo is not available offline.")
    expect(viewer.locator(".photo-full")).to_be_hidden()


def test_a_file_that_is_no_photo_is_refused_when_picked(phone):
    _alex_phone, _sam_phone, alex, _sam = paired_phones(phone)
    good = camera_photo(640, 480, (0, 120, 60))
    form = new_memory(alex, "Receipts", ("good.jpg", good))
    pick_photos(form, ("broken.jpg", good[: len(good) // 3]), ("notes.jpg", b"just some text"))
    status = form.get_by_role("status")
    expect(status).to_contain_text("“broken.jpg” is not a photo Hearth can read.")
    expect(status).to_contain_text("“notes.jpg” is not a photo Hearth can read.")
    expect(form.locator(".photo-edit")).to_have_count(1)
    form.get_by_role("button", name="Save memory").click()
    expect(form).to_be_hidden()
    card = memory(alex, "Receipts")
    expect(card.locator(".pending")).to_have_count(0, timeout=SYNC_WAIT)
    expect_thumbnails_loaded(card, 1)
    expect(alex.locator("#rejections-box")).to_be_hidden()
