"""Reading photos: the uploader and whoever sees a memory holding them; nobody else."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta

import sqlalchemy as sa
from PIL import Image

from server.db import utcnow
from server.extensions import db
from server.memories.models import PhotoRef
from server.memories.service import photo_refs_of
from server.sync import maintenance
from server.sync.models import Record
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
from tests.sync.client import SyncTestClient

# Only the service worker's photo cache, which sign-out empties, may keep a photo.
NO_HTTP_CACHE = "private, no-store"


def status(user, hash_: str, variant: str = "") -> int:
    return user.client.get(f"/api/blobs/{hash_}{variant}").status_code


@both_stores
def test_the_uploader_reads_a_photo_back_before_any_memory_holds_it(make_couple):
    alex, sam = make_couple()
    data = photo()
    put(alex, data)

    assert status(alex, sha(data)) == 200
    assert status(alex, sha(data), "/thumb") == 200
    assert status(sam, sha(data)) == 404  # not in any memory yet


@both_stores
def test_both_partners_see_a_shared_memorys_photo_and_strangers_do_not(make_couple, make_user):
    alex, sam = make_couple()
    stranger = make_user()
    data = photo()
    put(alex, data)

    add_memory(alex, sha(data))

    for partner in (alex, sam):
        assert status(partner, sha(data)) == 200
        assert status(partner, sha(data), "/thumb") == 200
    for variant in ("", "/thumb"):
        response = stranger.client.get(f"/api/blobs/{sha(data)}{variant}")
        assert response.status_code == 404
        assert response.json["error"]["code"] == "not_found"


@both_stores
def test_a_private_memorys_photo_is_its_authors_alone_until_shared(make_couple):
    alex, sam = make_couple()
    data = photo()
    put(alex, data)
    memory_id = add_memory(alex, sha(data), visibility="private")

    assert status(sam, sha(data)) == 404

    mutate(alex, "record.share", kind="memory", id=memory_id)
    assert status(sam, sha(data)) == 200


def test_a_partner_who_did_not_upload_loses_the_photo_when_it_leaves_the_memory(make_couple):
    alex, sam = make_couple()
    data = photo()
    put(alex, data)
    memory_id = add_memory(alex, sha(data))
    assert status(sam, sha(data)) == 200

    mutate(sam, "memory.remove_photo", id=memory_id, hash=sha(data))

    assert status(sam, sha(data)) == 404
    assert status(alex, sha(data)) == 200  # still the uploader's


def test_a_partner_keeps_shared_photos_after_unpairing(make_couple):
    alex, sam = make_couple()
    data = photo()
    put(alex, data)
    add_memory(alex, sha(data))

    assert sam.client.post("/api/pairing/unpair").status_code == 200

    assert status(sam, sha(data)) == 200  # sam's copy of the shared memory holds it


def refused_photo(user, hash_: str, memory_id: str | None = None) -> dict:
    """Push a photo into a memory (a new one by default); return the refusal."""
    device = SyncTestClient(user.client)
    if memory_id is None:
        memory_id = str(uuid.uuid4())
        device.mutate("memory.save", id=memory_id, fields={"title": "Mine now"})
    added = device.mutate("memory.add_photo", id=memory_id, photo={"hash": hash_})
    device.push()
    result = device.results[added]
    assert result["status"] == "rejected", result
    return result["error"]


def test_a_photo_that_was_never_uploaded_cannot_be_added_and_is_404(make_couple):
    alex, sam = make_couple()
    missing = sha(b"never uploaded")

    error = refused_photo(alex, missing)

    assert error["code"] == "photo_missing"
    assert "upload" in error["message"]
    assert "photo" in error["fields"]
    assert status(sam, missing) == 404
    assert status(alex, missing) == 404
    assert status(alex, "not-a-hash") == 404


def test_knowing_a_hash_does_not_let_anyone_attach_a_photo_they_cannot_see(make_couple, make_user):
    alex, sam = make_couple()
    stranger = make_user()
    shared, private = photo(seed=1), photo(seed=2)
    put(alex, shared)
    put(alex, private)
    add_memory(alex, sha(shared))
    add_memory(alex, sha(private), visibility="private")

    from_elsewhere = refused_photo(stranger, sha(shared))
    not_shared_with_me = refused_photo(sam, sha(private))

    # Told exactly as a photo that does not exist: the answer reveals nothing.
    never_uploaded = refused_photo(stranger, sha(b"never uploaded"))
    assert from_elsewhere == not_shared_with_me == never_uploaded
    assert from_elsewhere["code"] == "photo_missing"
    assert status(stranger, sha(shared)) == 404
    assert status(sam, sha(private)) == 404
    assert status(sam, sha(shared)) == 200


def test_a_partner_adds_a_photo_they_see_in_a_shared_memory_to_another(make_couple):
    alex, sam = make_couple()
    data = photo()
    put(alex, data)
    add_memory(alex, sha(data))

    add_memory(sam, sha(data))  # sam did not upload it: seeing it is enough

    assert status(sam, sha(data)) == 200


def assert_index_follows_the_memories(app) -> None:
    """The photo index holds exactly what the memories hold, row for row."""
    with app.app_context():
        memories = db.session.scalars(sa.select(Record).where(Record.kind == "memory")).all()
        expected = sorted(
            (str(row["space_id"]), str(row["record_id"]), row["hash"], row["visibility"])
            for record in memories
            for row in photo_refs_of(record)
        )
        stored = sorted(
            (str(ref.space_id), str(ref.record_id), ref.hash, ref.visibility)
            for ref in db.session.scalars(sa.select(PhotoRef))
        )
        db.session.remove()
    assert stored == expected


def test_who_may_read_a_photo_follows_its_memory_through_every_change(app, make_couple):
    alex, sam = make_couple()
    data = photo()
    put(alex, data)  # alex uploaded it: the question is what sam sees
    memory = add_memory(alex, sha(data))
    assert status(sam, sha(data)) == 200

    fields = {"id": memory, "fields": {"visibility": "private"}, "base": {}}
    mutate(alex, "memory.save", **fields)
    assert status(sam, sha(data)) == 404
    mutate(alex, "memory.save", **{**fields, "fields": {"visibility": "shared"}})
    assert status(sam, sha(data)) == 200

    mutate(alex, "memory.remove_photo", id=memory, hash=sha(data))
    assert status(sam, sha(data)) == 404
    mutate(alex, "memory.add_photo", id=memory, photo={"hash": sha(data)})
    assert status(sam, sha(data)) == 200

    # In the bin the memory can still be restored, and sam still sees it there.
    mutate(sam, "memory.delete", id=memory)
    assert status(sam, sha(data)) == 200
    mutate(sam, "memory.restore", id=memory)
    assert status(sam, sha(data)) == 200
    assert_index_follows_the_memories(app)

    mutate(sam, "memory.delete", id=memory)
    with app.app_context():
        maintenance.run(utcnow() + timedelta(days=31))  # past the restore window: gone
    assert status(sam, sha(data)) == 404
    assert status(alex, sha(data)) == 200  # still the uploader's
    assert_index_follows_the_memories(app)


def test_unpairing_leaves_each_partner_the_photos_of_the_memories_they_keep(app, make_couple):
    alex, sam = make_couple()
    shared, private = photo(seed=1), photo(seed=2)
    put(alex, shared)
    put(alex, private)
    add_memory(alex, sha(shared))
    add_memory(alex, sha(private), visibility="private")
    sams_own = add_memory(sam, sha(shared))

    assert sam.client.post("/api/pairing/unpair").status_code == 200

    assert status(sam, sha(shared)) == 200  # in sam's copies
    assert status(sam, sha(private)) == 404  # alex's private memory stayed with alex
    assert_index_follows_the_memories(app)

    # Sam's copies are sam's alone now: once they let the photo go, so does the access.
    device = SyncTestClient(sam.client)
    device.pull()
    for copy in device.of_kind("memory"):
        device.mutate("memory.remove_photo", id=copy["id"], hash=sha(shared))
    device.push()
    assert sams_own in {m["id"] for m in device.of_kind("memory")}
    assert status(sam, sha(shared)) == 404
    assert status(alex, sha(shared)) == 200
    assert_index_follows_the_memories(app)


def test_a_solo_memorys_photo_stays_its_authors_after_pairing_until_shared(app, make_user):
    alex, sam = make_user("Alex"), make_user("Sam")
    data = photo()
    put(alex, data)
    memory = add_memory(alex, sha(data))  # shared, but alex is alone
    code = alex.client.post("/api/pairing/invites").json["code"]
    assert sam.client.post("/api/pairing/accept", json={"code": code}).status_code == 200

    assert status(sam, sha(data)) == 404  # solo records arrive private
    mutate(alex, "record.share", kind="memory", id=memory)
    assert status(sam, sha(data)) == 200
    assert_index_follows_the_memories(app)


@both_stores
def test_photos_stay_out_of_http_caches_and_still_answer_304s(make_couple, make_user):
    alex, sam = make_couple()
    data = photo()
    put(alex, data)
    add_memory(alex, sha(data))

    original = sam.client.get(f"/api/blobs/{sha(data)}")
    thumb = sam.client.get(f"/api/blobs/{sha(data)}/thumb")

    for response in (original, thumb):
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == NO_HTTP_CACHE
        assert response.headers["ETag"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert original.headers["ETag"] != thumb.headers["ETag"]
    assert Image.open(io.BytesIO(original.data)).size == (1600, 1200)

    etag = original.headers["ETag"]
    again = sam.client.get(f"/api/blobs/{sha(data)}", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    assert again.headers["Cache-Control"] == NO_HTTP_CACHE
    other = sam.client.get(f"/api/blobs/{sha(data)}", headers={"If-None-Match": '"other"'})
    assert other.status_code == 200 and other.data == original.data
    # Knowing the tag opens nothing.
    stranger = make_user()
    peek = stranger.client.get(f"/api/blobs/{sha(data)}", headers={"If-None-Match": etag})
    assert peek.status_code == 404


def test_a_304_needs_the_session_that_saw_the_photo(make_user, new_client):
    alex = make_user()
    data = photo()
    put(alex, data)
    etag = alex.client.get(f"/api/blobs/{sha(data)}").headers["ETag"]
    cookies = alex.client.raw.get_cookie("hearth_session")

    assert alex.client.post("/api/auth/logout").status_code == 204
    after_sign_out = alex.client.get(f"/api/blobs/{sha(data)}", headers={"If-None-Match": etag})
    # The same cookie, kept by someone after the sign-out.
    copied = new_client()
    copied.raw.set_cookie("hearth_session", cookies.value)
    with_old_cookie = copied.get(f"/api/blobs/{sha(data)}", headers={"If-None-Match": etag})

    for response in (after_sign_out, with_old_cookie):
        assert response.status_code == 401
        assert response.json["error"]["code"] == "unauthorized"
        assert "ETag" not in response.headers


def test_reading_needs_a_session(new_client, make_user):
    alex = make_user()
    data = photo()
    put(alex, data)

    response = new_client().get(f"/api/blobs/{sha(data)}")

    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"


@both_stores
def test_a_stranger_cannot_claim_a_photo_by_its_hash(app, make_couple, make_user):
    alex, _ = make_couple()
    stranger = make_user()
    data = photo()
    put(alex, data)
    add_memory(alex, sha(data))
    before = (stored_files(app), row_counts(app))

    claim = put(stranger, photo(seed=9), hash_=sha(data))

    assert claim.status_code == 422
    assert claim.json["error"]["code"] == "hash_mismatch"
    assert (stored_files(app), row_counts(app)) == before
    assert status(stranger, sha(data)) == 404
