"""Reading photos: the uploader and whoever sees a memory holding them; nobody else."""

from __future__ import annotations

import io

from PIL import Image

from tests.blobs.conftest import add_memory, mutate, photo, put, row_counts, sha, stored_files

FOREVER = "private, max-age=31536000, immutable"


def status(user, hash_: str, variant: str = "") -> int:
    return user.client.get(f"/api/blobs/{hash_}{variant}").status_code


def test_the_uploader_reads_a_photo_back_before_any_memory_holds_it(make_couple):
    alex, sam = make_couple()
    data = photo()
    put(alex, data)

    assert status(alex, sha(data)) == 200
    assert status(alex, sha(data), "/thumb") == 200
    assert status(sam, sha(data)) == 404  # not in any memory yet


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


def test_a_photo_in_a_memory_that_was_never_uploaded_is_404(make_couple):
    alex, sam = make_couple()
    missing = sha(b"never uploaded")
    add_memory(alex, missing)

    assert status(sam, missing) == 404
    assert status(alex, "not-a-hash") == 404


def test_photos_are_cacheable_forever_with_etags_and_304s(make_couple, make_user):
    alex, sam = make_couple()
    data = photo()
    put(alex, data)
    add_memory(alex, sha(data))

    original = sam.client.get(f"/api/blobs/{sha(data)}")
    thumb = sam.client.get(f"/api/blobs/{sha(data)}/thumb")

    for response in (original, thumb):
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == FOREVER
        assert response.headers["ETag"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert original.headers["ETag"] != thumb.headers["ETag"]
    assert Image.open(io.BytesIO(original.data)).size == (1600, 1200)

    etag = original.headers["ETag"]
    again = sam.client.get(f"/api/blobs/{sha(data)}", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    assert again.headers["Cache-Control"] == FOREVER
    other = sam.client.get(f"/api/blobs/{sha(data)}", headers={"If-None-Match": '"other"'})
    assert other.status_code == 200 and other.data == original.data
    # Knowing the tag opens nothing.
    stranger = make_user()
    peek = stranger.client.get(f"/api/blobs/{sha(data)}", headers={"If-None-Match": etag})
    assert peek.status_code == 404


def test_reading_needs_a_session(new_client, make_user):
    alex = make_user()
    data = photo()
    put(alex, data)

    response = new_client().get(f"/api/blobs/{sha(data)}")

    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"


def test_a_stranger_cannot_claim_a_photo_by_its_hash(app, make_couple, make_user, blob_dir):
    alex, _ = make_couple()
    stranger = make_user()
    data = photo()
    put(alex, data)
    add_memory(alex, sha(data))
    before = (stored_files(blob_dir), row_counts(app))

    claim = put(stranger, photo(seed=9), hash_=sha(data))

    assert claim.status_code == 422
    assert claim.json["error"]["code"] == "hash_mismatch"
    assert (stored_files(blob_dir), row_counts(app)) == before
    assert status(stranger, sha(data)) == 404
