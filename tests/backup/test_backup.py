"""A backup taken while partners write restores into a fresh instance: every acknowledged
record and photo is there, and devices that synced since get a reset, not a gap."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.sync.models import Record
from tests.backup.conftest import signed_in_as
from tests.blobs.conftest import add_memory, photo, put, sha, stored_files
from tests.sync.client import SyncTestClient, server_view

WAIT_SECONDS = 30


def checkin(day: date, **overrides) -> dict:
    """Return the arguments of a check-in of that day."""
    return {
        "id": str(uuid.uuid4()),
        "day": day.isoformat(),
        "mood": 4,
        "trust": 8,
        "feelings": ["calm"],
        "note": "a quiet evening",
        "visibility": "shared",
        **overrides,
    }


class Writer(threading.Thread):
    """Sam's phone checking in day after day (and adding a photo now and then) without pause,
    noting, in order, the days whose check-in the server acknowledged."""

    def __init__(self, user) -> None:
        super().__init__(daemon=True)
        self.user = user
        self.device = SyncTestClient(user.client)
        self.memory_id = str(uuid.uuid4())
        self.acknowledged: list[str] = []
        self.progress = threading.Condition()
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        """Check in until told to stop; keep the first error for the test."""
        try:
            self.device.mutate("memory.save", id=self.memory_id, fields={"title": "Our year"})
            day = date.today()
            n = 0
            while not self.stop.is_set():
                if n % 4 == 0:
                    data = photo(width=48, height=32, seed=n)
                    assert put(self.user, data).status_code == 201
                    self.device.mutate(
                        "memory.add_photo", id=self.memory_id, photo={"hash": sha(data)}
                    )
                mutation = self.device.mutate("checkin.save", **checkin(day))
                self.device.push()
                assert self.device.results[mutation]["status"] == "applied"
                with self.progress:
                    self.acknowledged.append(day.isoformat())
                    self.progress.notify_all()
                day -= timedelta(days=1)
                n += 1
        except BaseException as error:
            self.error = error
            with self.progress:
                self.progress.notify_all()

    def wait_for(self, count: int) -> None:
        """Wait until the server has acknowledged `count` check-ins in all."""
        with self.progress:
            done = self.progress.wait_for(
                lambda: len(self.acknowledged) >= count or self.error, WAIT_SECONDS
            )
        assert done and self.error is None, self.error

    def finish(self) -> None:
        """Stop writing and fail the test on the writer's error."""
        self.stop.set()
        self.join(WAIT_SECONDS)
        assert self.error is None, self.error


def checkin_days(app, author_id: str) -> set[str]:
    """Return the days of the author's check-ins that the instance holds."""
    with app.app_context():
        rows = db.session.scalars(
            sa.select(Record).where(
                Record.kind == "checkin",
                Record.author_id == uuid.UUID(author_id),
                Record.tombstone.is_(False),
            )
        ).all()
        days = {r.data["day"] for r in rows}
        db.session.remove()
    return days


def test_a_backup_taken_during_writes_restores_every_acknowledged_record_and_photo(
    app, make_couple, fresh_instance, tmp_path
):
    alex, sam = make_couple()
    photos = [photo(width=64, height=48, seed=s) for s in (1, 2)]
    for data in photos:
        assert put(alex, data).status_code == 201
    phone = SyncTestClient(alex.client)
    memory = str(uuid.uuid4())
    phone.mutate("memory.save", id=memory, fields={"title": "The lake"})
    for data in photos:
        phone.mutate("memory.add_photo", id=memory, photo={"hash": sha(data), "caption": "us"})
    phone.sync()

    writer = Writer(sam)
    writer.start()
    writer.wait_for(3)
    storage = app.extensions["hearth_blob_storage"]
    copy_photo = storage.get

    def get_while_partners_write(key: str) -> bytes:
        # Photos are copied after the database: the app must go on acknowledging meanwhile.
        writer.wait_for(len(writer.acknowledged) + 1)
        return copy_photo(key)

    acknowledged_before = list(writer.acknowledged)
    storage.get = get_while_partners_write
    try:
        done = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "backup")])
    finally:
        del storage.get
    acknowledged_during = len(writer.acknowledged)
    assert done.exit_code == 0, done.output
    assert "backup written to" in done.output

    # Alex's phone goes on syncing against the original after the backup: a check-in and an
    # edit it sees acknowledged, and a cookie naming versions the backup never had.
    phone.mutate("checkin.save", **checkin(date.today(), note="after the backup"))
    phone.mutate("memory.save", id=memory, fields={"title": "The lake, again"}, base={"title": 1})
    phone.sync()
    assert phone.outbox == []
    writer.finish()
    writer.device.pull()

    restored = fresh_instance()
    runner = restored.test_cli_runner()
    done = runner.invoke(args=["restore", str(tmp_path / "backup")])
    assert done.exit_code == 0, done.output
    assert "restored the backup" in done.output

    # A consistent copy: the days of a prefix of Sam's acknowledged check-ins, every one
    # acknowledged before the backup began, none of those acknowledged while photos copied.
    days = checkin_days(restored, sam.id)
    assert set(acknowledged_before) <= days
    assert days == set(writer.acknowledged[: len(days)])
    assert len(days) < acknowledged_during

    alex_there = signed_in_as(restored, alex)
    original_alex = alex.client
    held = [p["hash"] for r in server_view(restored, alex.id).values() for p in r.get("photos", [])]
    assert {sha(data) for data in photos} <= set(held)
    for hash_ in held:
        for path in (f"/api/blobs/{hash_}", f"/api/blobs/{hash_}/thumb"):
            there = alex_there.raw.get(path)
            assert there.status_code == 200, path
            assert there.data == original_alex.raw.get(path).data
            there.close()

    # The phone's cookie names versions from after the backup: a reset, then exactly the
    # restored records, without what the restore lost.
    phone.api = alex_there
    first_page = phone.pull_request()
    assert first_page.status_code == 200
    assert first_page.json["reset"] is True
    phone.apply_pull(first_page.json)
    phone.pull()
    assert phone.records == server_view(restored, alex.id)
    assert all(r.get("note") != "after the backup" for r in phone.of_kind("checkin"))
    assert phone.records[memory]["title"] == "The lake"

    # Its next mutation id is beyond the restored counter: it applies, it is no gap.
    later = phone.mutate("checkin.save", **checkin(date.today(), note="after the restore"))
    phone.sync()
    assert phone.results[later]["status"] == "applied"
    assert phone.outbox == []
    assert phone.records == server_view(restored, alex.id)
    notes = [r["note"] for r in phone.of_kind("checkin")]
    assert "after the restore" in notes

    # Sam's phone too: reset, then its pushes apply.
    sam_phone = writer.device
    sam_phone.api = signed_in_as(restored, sam)
    next_day = sam_phone.mutate("checkin.save", **checkin(date.today() + timedelta(days=1)))
    resets = sam_phone.resets
    sam_phone.sync()
    assert sam_phone.resets == resets + 1
    assert sam_phone.results[next_day]["status"] == "applied"
    assert sam_phone.records == server_view(restored, sam.id)

    # The app's side of a restore: migrations run, and a second restore is refused.
    resets = phone.resets
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    again = runner.invoke(args=["restore", str(tmp_path / "backup")])
    assert again.exit_code == 1
    assert "--force" in again.output
    phone.pull()
    assert phone.resets == resets
    assert phone.records == server_view(restored, alex.id)


def test_a_device_that_never_saw_a_restore_keeps_its_cookie(app, make_user):
    """Cookies of a never-restored instance carry no epoch and lead to no reset."""
    user = make_user()
    phone = SyncTestClient(user.client)
    phone.mutate("checkin.save", **checkin(date.today()))
    phone.sync()
    again = phone.pull_request()
    assert again.json["reset"] is False
    assert again.json["cookie"] == phone.cookie


def test_backup_refuses_a_folder_that_holds_files(app, tmp_path):
    folder = tmp_path / "taken"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    done = app.test_cli_runner().invoke(args=["backup", str(folder)])
    assert done.exit_code == 1
    assert "not empty" in done.output
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    assert not (tmp_path / "taken.partial").exists()


def test_a_damaged_backup_is_refused_before_the_database_is_touched(
    app, make_user, fresh_instance, tmp_path
):
    user = make_user()
    assert put(user, photo(width=64, height=48)).status_code == 201
    runner = app.test_cli_runner()
    assert runner.invoke(args=["backup", str(tmp_path / "backup")]).exit_code == 0
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    name = sorted(manifest["files"])[0]
    damaged = tmp_path / "backup" / name
    damaged.write_bytes(bytes(reversed(damaged.read_bytes())))

    restored = fresh_instance()
    done = restored.test_cli_runner().invoke(args=["restore", str(tmp_path / "backup")])
    assert done.exit_code == 1
    assert "damaged" in done.output
    with restored.app_context():
        assert not sa.inspect(db.engine).has_table("users")


def test_a_photo_file_gone_before_the_backup_is_reported(app, make_user, tmp_path):
    user = make_user()
    assert put(user, photo(width=64, height=48)).status_code == 201
    storage = app.extensions["hearth_blob_storage"]
    with app.app_context():
        [gone, kept] = sorted(key for key, _ in storage.listing())
        storage.delete(gone)
    done = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "backup")])
    assert done.exit_code == 0, done.output
    assert "1 photo files the database names were gone" in done.output
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["missing"] == [gone]
    assert list(manifest["files"]) == [f"photos/{kept}"]


def test_reset_sync_sends_every_device_a_fresh_copy(app, make_user):
    """After a restore by other means (pg_restore by hand), `reset-sync` ends every cookie."""
    user = make_user()
    phone = SyncTestClient(user.client)
    phone.mutate("checkin.save", **checkin(date.today()))
    phone.sync()
    done = app.test_cli_runner().invoke(args=["reset-sync"])
    assert done.exit_code == 0, done.output
    page = phone.pull_request()
    assert page.json["reset"] is True
    phone.apply_pull(page.json)
    assert phone.records == server_view(app, user.id)
    assert phone.pull_request().json["reset"] is False


@pytest.mark.parametrize("store", ["s3"])
def test_photos_in_an_object_store_are_backed_up_and_restored(
    app, make_user, fresh_instance, s3_bucket, tmp_path
):
    user = make_user()
    data = photo(width=64, height=48, seed=7)
    assert put(user, data).status_code == 201
    add_memory(user, sha(data))
    assert app.test_cli_runner().invoke(args=["backup", str(tmp_path / "backup")]).exit_code == 0

    restored = fresh_instance(BLOB_STORAGE="s3", S3_PREFIX="restored", **s3_bucket)
    done = restored.test_cli_runner().invoke(args=["restore", str(tmp_path / "backup")])
    assert done.exit_code == 0, done.output
    assert stored_files(restored) == stored_files(app)
    there = signed_in_as(restored, user)
    for path in (f"/api/blobs/{sha(data)}", f"/api/blobs/{sha(data)}/thumb"):
        answer = there.raw.get(path)
        assert answer.status_code == 200
        assert answer.data == user.client.raw.get(path).data
        answer.close()
