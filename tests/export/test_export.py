"""My data as a ZIP: everything mine or shared with me, never the partner's private records."""

from __future__ import annotations

import io
import json
import os
import stat
import uuid
import zipfile

import pytest

from server.export import service as export_service
from tests.blobs.conftest import photo, put, sha
from tests.records import checkin, memory
from tests.sync.client import SyncTestClient

SAM_SECRET = "the thing I never told Alex"


@pytest.fixture
def app(app_factory, tmp_path):
    return app_factory(BLOB_DIR=str(tmp_path / "blobs"))


def download(user) -> tuple[zipfile.ZipFile, bytes, dict]:
    """GET /api/export, read as a phone would: the parts as they come."""
    response = user.client.raw.get("/api/export", headers={"X-Requested-With": "hearth"})
    assert response.status_code == 200, response.get_data()
    assert response.is_streamed and "Content-Length" not in response.headers
    assert response.mimetype == "application/zip"
    body = b"".join(response.response)
    response.close()
    archive = zipfile.ZipFile(io.BytesIO(body))
    assert archive.testzip() is None
    return archive, body, dict(response.headers)


@pytest.fixture
def couple_with_a_past(app, make_couple):
    """Alex and Sam: private check-ins on both sides, memories with photos, history, agreements."""
    alex, sam = make_couple()
    a, s = SyncTestClient(alex.client), SyncTestClient(sam.client)
    shared_photo, alex_private_photo, sam_private_photo = (
        photo(64, 48, seed=1),
        photo(48, 64, seed=2, fmt="PNG"),
        photo(40, 40, seed=3),
    )
    for user, data, kind in (
        (alex, shared_photo, "image/jpeg"),
        (alex, alex_private_photo, "image/png"),
        (sam, sam_private_photo, "image/jpeg"),
    ):
        assert put(user, data, content_type=kind).status_code == 201
    ids = {
        "alex_private_checkin": checkin(a, "private", "a note only for me", days_ago=1),
        "alex_shared_checkin": checkin(a, "shared", "a good day"),
        "trip": memory(a, "Lisbon", sha(shared_photo)),
        "alex_private_memory": memory(a, "Mine alone", sha(alex_private_photo), private=True),
        "agreement": str(uuid.uuid4()),
    }
    a.mutate(
        "agreement.propose",
        id=ids["agreement"],
        category="time",
        title="Sunday calls",
        text="We call every Sunday.",
    )
    a.sync()
    s.pull()
    trip = s.records[ids["trip"]]
    s.mutate(
        "memory.save",
        id=ids["trip"],
        fields={"title": "Lisbon in the rain"},
        base={"title": trip["field_versions"]["title"]},
    )
    s.mutate("agreement.accept", id=ids["agreement"], revision=1)
    ids["sam_shared_checkin"] = checkin(s, "shared", "missing you")
    ids["sam_private_checkin"] = checkin(s, "private", SAM_SECRET, days_ago=1)
    ids["sam_private_memory"] = memory(s, SAM_SECRET, sha(sam_private_photo), private=True)
    s.sync()
    assert all(r["status"] == "applied" for r in s.results.values()), s.results
    return {
        "alex": alex,
        "sam": sam,
        "ids": ids,
        "photos": {
            "shared": sha(shared_photo),
            "alex_private": sha(alex_private_photo),
            "sam_private": sha(sam_private_photo),
        },
    }


def test_the_export_holds_all_i_may_see_and_nothing_of_the_partners_private(
    app, couple_with_a_past
):
    alex, ids, photos = (
        couple_with_a_past["alex"],
        couple_with_a_past["ids"],
        couple_with_a_past["photos"],
    )
    archive, body, headers = download(alex)

    names = sorted(archive.namelist())
    # Named by hash, typed as served (a PNG without transparency is kept as a JPEG).
    assert names == sorted(
        [
            "README.txt",
            "hearth.json",
            f"photos/{photos['shared']}.jpg",
            f"photos/{photos['alex_private']}.jpg",
        ]
    )
    data = json.loads(archive.read("hearth.json"))
    assert data["format"] == "hearth-export" and data["format_version"] == 1
    assert data["account"]["email"] == alex.email and data["account"]["id"] == alex.id
    assert data["partner"]["display_name"] == "Sam"

    # Exactly what a fresh device of Alex would get from a sync.
    fresh = SyncTestClient(alex.client)
    fresh.pull()
    exported = {r["id"]: r for r in data["records"]}
    assert exported.keys() == fresh.records.keys()
    for record_id, value in fresh.records.items():
        assert exported[record_id] == value
    notes = {r["note"] for r in data["records"] if r["kind"] == "checkin"}
    assert notes == {
        ids["alex_private_checkin"],
        ids["alex_shared_checkin"],
        ids["sam_shared_checkin"],
    }
    assert ids["alex_private_memory"] in exported and ids["trip"] in exported
    assert ids["sam_private_memory"] not in exported
    # Not a word of it anywhere, compressed or not.
    for name in names:
        assert SAM_SECRET.encode() not in archive.read(name)
    assert photos["sam_private"] not in body.decode("latin-1")

    # History and revisions come along.
    trip = exported[ids["trip"]]
    assert trip["title"] == "Lisbon in the rain"
    assert [(h["field"], h["value"], h["by"]) for h in trip["history"]] == [
        ("title", "Lisbon", alex.id)
    ]
    agreement = exported[ids["agreement"]]
    assert agreement["revisions"][0]["text"] == "We call every Sunday."
    readme = " ".join(archive.read("README.txt").decode().split())
    assert "Your partner's private entries are not in it" in readme

    # Each photo file is byte for byte what the app shows.
    for hash_ in (photos["shared"], photos["alex_private"]):
        served = alex.client.get(f"/api/blobs/{hash_}")
        assert served.status_code == 200 and served.mimetype == "image/jpeg"
        assert archive.read(f"photos/{hash_}.jpg") == served.data
    index = {p["hash"]: p for p in data["photos"]}
    assert index.keys() == {photos["shared"], photos["alex_private"]}
    assert index[photos["shared"]]["file"] == f"photos/{photos['shared']}.jpg"
    assert headers["Content-Disposition"].startswith('attachment; filename="hearth-export-')
    assert headers["Cache-Control"] == "no-store"
    assert 0.5 < int(headers["Hearth-Export-Estimate"]) / len(body) < 4


def test_the_partner_export_mirrors_it(app, couple_with_a_past):
    sam, ids, photos = (
        couple_with_a_past["sam"],
        couple_with_a_past["ids"],
        couple_with_a_past["photos"],
    )
    archive, _, _ = download(sam)
    records = json.loads(archive.read("hearth.json"))["records"]
    exported = {r["id"] for r in records}
    notes = {r["note"] for r in records if r["kind"] == "checkin"}
    assert notes == {
        ids["sam_private_checkin"],
        ids["sam_shared_checkin"],
        ids["alex_shared_checkin"],
    }
    assert ids["sam_private_memory"] in exported
    assert ids["alex_private_memory"] not in exported
    assert b"a note only for me" not in archive.read("hearth.json")
    assert sorted(archive.namelist())[2:] == sorted(
        [f"photos/{photos['shared']}.jpg", f"photos/{photos['sam_private']}.jpg"]
    )


def test_profile_devices_and_settings_are_in_it(app, couple_with_a_past, new_client):
    alex = couple_with_a_past["alex"]
    laptop = new_client()
    assert (
        laptop.post(
            "/api/auth/login", json={"email": alex.email, "password": alex.password}
        ).status_code
        == 200
    )
    assert (
        alex.client.patch(
            "/api/push/settings", json={"quiet_hours": {"start": "22:00", "end": "07:00"}}
        ).status_code
        == 200
    )
    archive, body, _ = download(alex)
    data = json.loads(archive.read("hearth.json"))
    assert data["account"]["time_zone"] == alex.time_zone
    assert data["account"]["display_name"] == "Alex"
    assert len(data["devices"]) == 2
    assert set(data["devices"][0]) == {"user_agent", "created_at", "last_seen_at"}
    assert data["notification_settings"]["quiet_hours"] == {
        "start": "22:00:00",
        "end": "07:00:00",
    } or data["notification_settings"]["quiet_hours"]["start"].startswith("22:00")
    # No secret of the account: password hash, session tokens.
    assert b"argon2" not in body
    assert alex.client.session_cookie().encode() not in body


def test_many_records_are_written_a_batch_at_a_time(app, make_user, monkeypatch):
    monkeypatch.setattr(export_service, "BATCH", 7)
    kim = make_user("Kim")
    device = SyncTestClient(kim.client)
    written = {checkin(device, "private", f"note {n}", days_ago=n) for n in range(40)}
    device.push()
    archive, _, _ = download(kim)
    records = json.loads(archive.read("hearth.json"))["records"]
    assert len(records) == 40 and {r["note"] for r in records} == written


def test_an_empty_account_exports_too(app, make_user):
    kim = make_user("Kim")
    archive, _, _ = download(kim)
    data = json.loads(archive.read("hearth.json"))
    assert data["records"] == [] and data["photos"] == [] and data["partner"] is None


def test_the_export_needs_a_session(app, client):
    response = client.get("/api/export")
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"


def test_the_operator_command_writes_the_same_archive(app, couple_with_a_past, tmp_path):
    alex = couple_with_a_past["alex"]
    runner = app.test_cli_runner()
    target = tmp_path / "alex.zip"
    done = runner.invoke(args=["export-user", alex.email.upper(), "--output", str(target)])
    assert done.exit_code == 0, done.output
    assert "2 photos" in done.output
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    by_command = zipfile.ZipFile(target)
    by_app, _, _ = download(alex)
    assert sorted(by_command.namelist()) == sorted(by_app.namelist())
    records = lambda archive: json.loads(archive.read("hearth.json"))["records"]  # noqa: E731
    assert records(by_command) == records(by_app)

    again = runner.invoke(args=["export-user", alex.email, "--output", str(target)])
    assert again.exit_code == 1
    assert again.output == f"Error: {target} exists already: name another file.\n"
    unknown = runner.invoke(args=["export-user", "nobody@example.test", "-o", str(tmp_path / "x")])
    assert unknown.exit_code == 1
    assert unknown.output == "Error: No account has the email nobody@example.test.\n"
    assert not (tmp_path / "x").exists()
