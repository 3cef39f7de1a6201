"""Memories: both partners edit, field by field; photos add-wins; soft delete for 30 days."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from server.db import utcnow
from server.extensions import db
from server.sync.models import Record
from tests.blobs.conftest import photo, put, sha
from tests.sync.client import SyncTestClient, server_view

ORDERS = ["alex_first", "sam_first"]


@pytest.fixture
def app(app_factory, tmp_path):
    """The app, keeping uploaded photos in the test's own folder."""
    return app_factory(BLOB_DIR=str(tmp_path / "blobs"))


def photo_hash(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


def uploaded(user, seed: int = 0) -> str:
    """Upload a small photo from the user's device, as it does before adding it; return its hash."""
    data = photo(width=48, height=32, seed=seed)
    assert put(user, data).status_code in (200, 201)
    return sha(data)


def create(dev, **fields) -> str:
    """Queue a new memory on a device; return its id."""
    memory_id = str(uuid.uuid4())
    dev.mutate("memory.save", id=memory_id, fields={"title": "Our first trip", **fields})
    return memory_id


def edit(dev, memory: dict, **fields) -> int:
    """Queue an edit of the fields given, based on the memory as this device last saw it."""
    base = {name: memory["field_versions"].get(name, 0) for name in fields}
    return dev.mutate("memory.save", id=memory["id"], fields=fields, base=base)


def memory_on(dev) -> dict:
    [memory] = dev.of_kind("memory")
    return memory


def without_time(history: list[dict]) -> list[dict]:
    return [{k: v for k, v in entry.items() if k != "at"} for entry in history]


def sync_everyone(first, second) -> None:
    """Both devices come back online, one after the other, then catch up."""
    first.sync()
    second.sync()
    first.pull()
    second.pull()


@dataclass
class Couple:
    """Alex and Sam, each with one device."""

    app: Any
    alex: Any
    sam: Any
    a: SyncTestClient
    s: SyncTestClient

    def assert_converged(self) -> None:
        """Both devices hold exactly what the server holds for each partner."""
        alex_view = server_view(self.app, self.alex.id)
        assert self.a.records == self.s.records == alex_view == server_view(self.app, self.sam.id)


def backdate_deletion(app, memory_id: str, days: int) -> None:
    with app.app_context():
        record = db.session.scalar(db.select(Record).where(Record.id == uuid.UUID(memory_id)))
        record.deleted_at = utcnow() - timedelta(days=days)
        db.session.commit()


@pytest.fixture
def couple(app, make_couple, device):
    """Alex writes a shared memory; both partners' devices have it, then go offline."""
    alex, sam = make_couple()
    a, s = device(alex), device(sam)
    create(a, story="We missed the last train.", place="Brighton", tags=["sea"])
    a.sync()
    s.sync()
    return Couple(app, alex, sam, a, s)


def test_a_memory_reaches_the_partner_and_both_can_edit_it(couple):
    alex, sam, a, s = couple.alex, couple.sam, couple.a, couple.s
    memory = memory_on(s)
    assert memory["author_id"] == alex.id
    assert memory["title"] == "Our first trip" and memory["story"] == "We missed the last train."
    assert memory["place"] == "Brighton" and memory["tags"] == ["sea"]
    assert memory["visibility"] == "shared" and memory["deleted"] is False
    assert memory["photos"] == [] and memory["history"] == []

    edited = edit(s, memory, story="We missed the last train and slept on the beach.")
    s.sync()
    a.pull()
    assert s.results[edited]["status"] == "applied"
    seen = memory_on(a)
    assert seen["story"] == "We missed the last train and slept on the beach."
    assert seen["title"] == "Our first trip"
    assert seen["field_authors"]["story"] == sam.id
    assert without_time(seen["history"]) == [
        {
            "field": "story",
            "value": "We missed the last train.",
            "by": alex.id,
            "replaced_by": sam.id,
            "conflict": False,
        }
    ]
    couple.assert_converged()


def test_a_private_memory_never_reaches_the_partner_who_cannot_touch_it(make_couple, device):
    alex, sam = make_couple()
    a, s = device(alex), device(sam)
    memory_id = create(a, visibility="private", story="A surprise I am planning.")
    a.sync()
    s.sync()
    assert s.of_kind("memory") == []
    mine = memory_on(a)

    hidden = {"id": memory_id, "field_versions": {}}
    attempts = [
        edit(s, hidden, title="Found it"),
        edit(s, hidden, visibility="shared"),
        s.mutate("memory.add_photo", id=memory_id, photo={"hash": photo_hash("p")}),
        s.mutate("memory.remove_photo", id=memory_id, hash=photo_hash("p")),
        s.mutate("memory.order_photos", id=memory_id, hashes=[photo_hash("p")]),
        s.mutate("memory.delete", id=memory_id),
        s.mutate("memory.restore", id=memory_id),
    ]
    s.sync()
    # To Sam there is no such memory: saving is creating, which this id cannot do.
    assert [s.results[m]["error"]["code"] for m in attempts] == ["invalid"] * 2 + ["not_found"] * (
        len(attempts) - 2
    )
    assert [s.results[m]["error"]["fields"] for m in attempts[:2]] == [
        {"id": "Use a new random id."},
        {"fields.title": "Missing data for required field."},
    ]
    a.pull()
    assert memory_on(a) == mine
    assert s.of_kind("memory") == []


def test_making_a_memory_private_takes_it_off_the_partners_device(couple):
    a, s = couple.a, couple.s
    edit(a, memory_on(a), visibility="private")
    a.sync()
    s.pull()
    assert s.of_kind("memory") == []
    assert memory_on(a)["visibility"] == "private"

    edit(a, memory_on(a), visibility="shared")
    a.sync()
    s.pull()
    assert memory_on(s)["title"] == "Our first trip"


def test_only_the_author_decides_who_sees_a_memory(couple):
    a, s = couple.a, couple.s
    attempt = edit(s, memory_on(s), visibility="private", title="Renamed")
    s.sync()
    a.pull()
    assert s.results[attempt]["error"]["code"] == "not_author"
    for dev in (a, s):
        assert memory_on(dev)["visibility"] == "shared"
        assert memory_on(dev)["title"] == "Our first trip"


@pytest.mark.parametrize("order", ORDERS)
def test_offline_edits_of_one_field_keep_the_later_and_the_replaced_one(couple, order):
    alex, sam, a, s = couple.alex, couple.sam, couple.a, couple.s
    edit(a, memory_on(a), title="Brighton, in the rain")
    edit(s, memory_on(s), title="The night on the beach")
    first, second = (a, s) if order == "alex_first" else (s, a)
    sync_everyone(first, second)

    couple.assert_converged()
    memory = memory_on(a)
    earlier, later = ("Brighton, in the rain", "The night on the beach")
    writers = (alex.id, sam.id)
    if order == "sam_first":
        earlier, later = later, earlier
        writers = writers[::-1]
    assert memory["title"] == later
    assert memory["field_authors"]["title"] == writers[1]
    assert without_time(memory["history"]) == [
        {
            "field": "title",
            "value": "Our first trip",
            "by": alex.id,
            "replaced_by": writers[0],
            "conflict": False,
        },
        {
            "field": "title",
            "value": earlier,
            "by": writers[0],
            "replaced_by": writers[1],
            "conflict": True,
        },
    ]


def test_two_edits_of_mine_before_a_sync_are_no_clash(couple):
    a = couple.a
    before = memory_on(a)
    # Both edits start from the version the server last gave this device.
    edit(a, before, title="Brighton, in the rain")
    edit(a, before, title="Brighton, rain all day")
    a.sync()

    memory = memory_on(a)
    assert memory["title"] == "Brighton, rain all day"
    assert [(e["value"], e["conflict"]) for e in memory["history"]] == [
        ("Our first trip", False),
        ("Brighton, in the rain", False),
    ]


@pytest.mark.parametrize("order", ORDERS)
def test_offline_edits_of_different_fields_both_survive(couple, order):
    a, s = couple.a, couple.s
    edit(a, memory_on(a), title="Brighton, in the rain", tags=["sea", "rain"])
    edit(s, memory_on(s), story="We slept on the beach.", happened_on="2019-07-14")
    first, second = (a, s) if order == "alex_first" else (s, a)
    sync_everyone(first, second)

    couple.assert_converged()
    memory = memory_on(s)
    assert memory["title"] == "Brighton, in the rain" and memory["tags"] == ["sea", "rain"]
    assert memory["story"] == "We slept on the beach." and memory["happened_on"] == "2019-07-14"
    assert memory["place"] == "Brighton"
    assert not any(entry["conflict"] for entry in memory["history"])


@pytest.mark.parametrize("order", ORDERS)
def test_an_offline_edit_of_a_deleted_memory_comes_back_with_it(couple, order):
    a, s = couple.a, couple.s
    edit(a, memory_on(a), story="We slept on the beach.")
    s.mutate("memory.delete", id=memory_on(s)["id"])
    first, second = (a, s) if order == "alex_first" else (s, a)
    sync_everyone(first, second)

    couple.assert_converged()
    assert memory_on(a)["deleted"] is True

    restored = a.mutate("memory.restore", id=memory_on(a)["id"])
    sync_everyone(a, s)
    assert a.results[restored]["status"] == "applied"
    couple.assert_converged()
    memory = memory_on(s)
    assert memory["deleted"] is False
    assert memory["story"] == "We slept on the beach."


def test_a_deleted_memory_can_be_restored_for_30_days(couple):
    a, s = couple.a, couple.s
    memory_id = memory_on(a)["id"]
    a.mutate("memory.delete", id=memory_id)
    a.sync()
    s.pull()
    assert memory_on(s)["deleted"] is True
    assert memory_on(s)["restorable_until"] is not None

    backdate_deletion(couple.app, memory_id, days=29)
    in_time = s.mutate("memory.restore", id=memory_id)
    s.sync()
    a.pull()
    assert s.results[in_time]["status"] == "applied"
    assert memory_on(a)["deleted"] is False

    a.mutate("memory.delete", id=memory_id)
    a.sync()
    backdate_deletion(couple.app, memory_id, days=31)
    too_late = s.mutate("memory.restore", id=memory_id)
    s.sync()
    a.pull()
    assert s.results[too_late]["error"]["code"] == "too_late"
    assert memory_on(a)["deleted"] is True and memory_on(s)["deleted"] is True


@pytest.mark.parametrize("order", ORDERS)
def test_a_photo_added_while_the_partner_removes_it_stays(couple, order):
    a, s = couple.a, couple.s
    beach = uploaded(couple.alex)
    a.mutate("memory.add_photo", id=memory_on(a)["id"], photo={"hash": beach, "caption": "Beach"})
    sync_everyone(a, s)
    assert [p["hash"] for p in memory_on(s)["photos"]] == [beach]

    seen = memory_on(s)
    s.mutate("memory.remove_photo", id=seen["id"], hash=beach, seen_version=seen["version"])
    a.mutate("memory.add_photo", id=seen["id"], photo={"hash": beach, "caption": "Beach at dusk"})
    first, second = (a, s) if order == "alex_first" else (s, a)
    sync_everyone(first, second)

    couple.assert_converged()
    [photo] = memory_on(s)["photos"]
    assert photo["hash"] == beach and photo["caption"] == "Beach at dusk"


def test_removing_a_photo_removes_it_on_both_devices(couple):
    a, s = couple.a, couple.s
    memory_id = memory_on(a)["id"]
    beach, train = uploaded(couple.alex, 1), uploaded(couple.alex, 2)
    a.mutate("memory.add_photo", id=memory_id, photo={"hash": beach, "caption": "Beach"})
    a.mutate("memory.add_photo", id=memory_id, photo={"hash": train})
    sync_everyone(a, s)

    seen = memory_on(s)
    s.mutate("memory.remove_photo", id=memory_id, hash=beach, seen_version=seen["version"])
    a.mutate("memory.remove_photo", id=memory_id, hash=train)
    sync_everyone(s, a)

    couple.assert_converged()
    assert memory_on(a)["photos"] == []


def photos_on(dev) -> list[str]:
    return [p["hash"] for p in memory_on(dev)["photos"]]


def with_photos(couple: Couple, count: int) -> list[str]:
    """Alex uploads and adds photos to the memory; both devices get them; return the hashes."""
    hashes = [uploaded(couple.alex, n) for n in range(count)]
    for hash_ in hashes:
        couple.a.mutate("memory.add_photo", id=memory_on(couple.a)["id"], photo={"hash": hash_})
    sync_everyone(couple.a, couple.s)
    return hashes


def test_the_partner_captions_a_photo_they_did_not_upload(couple):
    a, s = couple.a, couple.s
    [beach] = with_photos(couple, 1)

    caption = {"hash": beach, "caption": "Brighton beach, at dusk"}
    captioned = s.mutate("memory.add_photo", id=memory_on(s)["id"], photo=caption)
    sync_everyone(s, a)

    assert s.results[captioned]["status"] == "applied"
    [photo_] = memory_on(a)["photos"]
    assert photo_["caption"] == "Brighton beach, at dusk"
    assert photo_["added_by"] == couple.alex.id
    couple.assert_converged()


def test_ordering_puts_the_photos_named_first_and_the_others_after_as_they_were(couple):
    a, s = couple.a, couple.s
    p0, p1, p2, p3 = with_photos(couple, 4)
    memory_id = memory_on(s)["id"]

    # Sam did not upload them: whoever may edit the memory may order its photos.
    ordered = s.mutate(
        "memory.order_photos", id=memory_id, hashes=[p2, photo_hash("not on it"), p0]
    )
    sync_everyone(s, a)

    assert s.results[ordered]["status"] == "applied"
    assert photos_on(a) == [p2, p0, p1, p3]
    couple.assert_converged()

    version = memory_on(a)["version"]
    same = a.mutate("memory.order_photos", id=memory_id, hashes=[p2, p0, p1])
    a.sync()
    assert a.results[same]["status"] == "applied"
    assert memory_on(a)["version"] == version  # nothing changed: nothing new to sync


@pytest.mark.parametrize("order", ORDERS)
def test_ordering_while_the_partner_adds_and_removes_photos_keeps_their_changes(couple, order):
    a, s = couple.a, couple.s
    p0, p1, p2 = with_photos(couple, 3)
    new = uploaded(couple.alex, 9)
    memory_id = memory_on(a)["id"]
    a.mutate("memory.add_photo", id=memory_id, photo={"hash": new})
    a.mutate("memory.remove_photo", id=memory_id, hash=p0)
    s.mutate("memory.order_photos", id=memory_id, hashes=[p2, p1, p0])
    first, second = (a, s) if order == "alex_first" else (s, a)
    sync_everyone(first, second)

    couple.assert_converged()
    assert photos_on(s) == [p2, p1, new]


def test_bad_orders_are_rejected_naming_the_field(couple):
    a = couple.a
    memory_id = memory_on(a)["id"]
    p = photo_hash("p")
    bad = {
        "twice": a.mutate("memory.order_photos", id=memory_id, hashes=[p, p]),
        "too_many": a.mutate(
            "memory.order_photos", id=memory_id, hashes=[photo_hash(str(n)) for n in range(51)]
        ),
        "not_a_hash": a.mutate("memory.order_photos", id=memory_id, hashes=[p, "abc123"]),
        "missing": a.mutate("memory.order_photos", id=memory_id),
    }
    a.sync()
    for case, mutation_id in bad.items():
        result = a.results[mutation_id]
        assert result["status"] == "rejected", case
        assert any(name.startswith("hashes") for name in result["error"]["fields"]), case


def test_bad_photos_are_rejected_naming_the_field(couple):
    a = couple.a
    memory_id = memory_on(a)["id"]
    upper = a.mutate("memory.add_photo", id=memory_id, photo={"hash": photo_hash("x").upper()})
    short = a.mutate("memory.add_photo", id=memory_id, photo={"hash": "abc123"})
    bad_remove = a.mutate("memory.remove_photo", id=memory_id, hash="not-a-hash")
    adds = [
        a.mutate("memory.add_photo", id=memory_id, photo={"hash": uploaded(couple.alex, n)})
        for n in range(51)
    ]
    a.sync()
    assert "photo.hash" in a.results[upper]["error"]["fields"]
    assert "photo.hash" in a.results[short]["error"]["fields"]
    assert "hash" in a.results[bad_remove]["error"]["fields"]
    assert [a.results[m]["status"] for m in adds] == ["applied"] * 50 + ["rejected"]
    assert "photo" in a.results[adds[-1]]["error"]["fields"]
    assert len(memory_on(a)["photos"]) == 50


def test_invalid_memories_are_rejected_naming_the_field(make_user, device):
    user = make_user()
    d = device(user)
    cases = {
        "fields.title": [{"title": "x" * 300}, {"story": "Untitled"}, {"title": "   "}],
        "fields.happened_on": [{"title": "Summer", "happened_on": "last summer"}],
        "fields.tags": [{"title": "Summer", "tags": [f"tag{n}" for n in range(21)]}],
        "fields.mood": [{"title": "Summer", "mood": 3}],
    }
    sent = [
        (field, d.mutate("memory.save", id=str(uuid.uuid4()), fields=fields))
        for field, all_fields in cases.items()
        for fields in all_fields
    ]
    d.sync()
    for field, mutation_id in sent:
        assert d.results[mutation_id]["status"] == "rejected"
        assert field in d.results[mutation_id]["error"]["fields"]
    assert d.records == {}


def test_history_keeps_the_newest_100_replaced_values(make_user, device):
    user = make_user()
    d = device(user)
    memory_id = create(d, title="Title 0")
    for n in range(1, 106):
        d.mutate("memory.save", id=memory_id, fields={"title": f"Title {n}"})
    d.sync()
    memory = memory_on(d)
    assert memory["title"] == "Title 105"
    assert len(memory["history"]) == 100
    assert memory["history"][0]["value"] == "Title 5"
    assert memory["history"][-1]["value"] == "Title 104"


def test_the_partner_sees_who_deleted_a_memory_until_it_is_restored(couple):
    alex, sam, a, s = couple.alex, couple.sam, couple.a, couple.s
    memory_id = memory_on(a)["id"]
    s.mutate("memory.delete", id=memory_id)
    s.sync()
    a.pull()
    deleted = memory_on(a)
    assert deleted["deleted"] is True and deleted["deleted_by"] == sam.id
    assert deleted["deleted_at"] is not None

    # Deleting again changes nothing: it still says who deleted it first.
    again = a.mutate("memory.delete", id=memory_id)
    a.sync()
    assert a.results[again]["status"] == "applied"
    assert memory_on(a)["deleted_by"] == sam.id

    a.mutate("memory.restore", id=memory_id)
    a.sync()
    s.pull()
    restored = memory_on(s)
    assert restored["deleted"] is False and restored["deleted_by"] is None
    assert restored["deleted_at"] is None
    a.mutate("memory.delete", id=memory_id)
    a.sync()
    s.pull()
    assert memory_on(s)["deleted_by"] == alex.id
    couple.assert_converged()


def test_deleting_a_private_memory_tells_the_partner_nothing(make_couple, device):
    alex, sam = make_couple()
    a, s = device(alex), device(sam)
    memory_id = create(a, visibility="private", story="A surprise I am planning.")
    a.sync()
    s.sync()
    a.mutate("memory.delete", id=memory_id)
    a.sync()
    s.pull()
    assert memory_on(a)["deleted_by"] == alex.id
    assert s.of_kind("memory") == []
    assert memory_id not in s.records
    assert alex.id not in str(s.records)
