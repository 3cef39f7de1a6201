"""Check-ins: one per author per day, only the author edits, only the partner acknowledges."""

from __future__ import annotations

import uuid
from datetime import date

from server.checkins.service import checkin_id


def today_of(device) -> str:
    return date.today().isoformat()


def checkin_args(day: str, **overrides):
    return {
        "id": str(uuid.uuid4()),
        "day": day,
        "mood": 4,
        "trust": 8,
        "feelings": ["calm", "hopeful"],
        "need": "a walk together",
        "gratitude": "the call last night",
        "note": "long day",
        "visibility": "shared",
        **overrides,
    }


def test_a_shared_checkin_reaches_the_partner_exactly_once(make_couple, device):
    alex, sam = make_couple()
    a, s = device(alex), device(sam)
    a.mutate("checkin.save", **checkin_args("2026-11-20"))
    a.sync()
    s.sync()
    [checkin] = s.of_kind("checkin")
    assert checkin["author_id"] == alex.id
    assert checkin["mood"] == 4 and checkin["feelings"] == ["calm", "hopeful"]
    assert checkin["note"] == "long day"
    # Nothing new: the next pull is empty.
    response = s.pull_request()
    assert response.json["patch"] == [] and response.json["reset"] is False


def test_two_offline_devices_of_one_author_make_one_checkin(make_couple, device, second_device):
    alex, sam = make_couple()
    phone, laptop = device(alex), second_device(alex)
    phone.pull()
    laptop.pull()
    space = alex.me()["space"]["id"]
    # Each device computes the id on its own, offline.
    record_id = str(checkin_id(uuid.UUID(space), uuid.UUID(alex.id), date(2026, 11, 20)))
    phone.mutate("checkin.save", **checkin_args("2026-11-20", id=record_id, mood=2))
    laptop.mutate("checkin.save", **checkin_args("2026-11-20", id=record_id, mood=5))
    phone.sync()
    laptop.sync()
    phone.pull()
    s = device(sam)
    s.pull()
    for dev in (phone, laptop, s):
        checkins = dev.of_kind("checkin")
        assert len(checkins) == 1
        assert checkins[0]["id"] == record_id
        assert checkins[0]["mood"] == 5  # the later push replaced the earlier


def test_only_the_partner_acknowledges_and_only_the_author_edits(make_couple, device):
    alex, sam = make_couple()
    a, s = device(alex), device(sam)
    a.mutate("checkin.save", **checkin_args("2026-11-20"))
    a.sync()
    s.sync()
    [checkin] = s.of_kind("checkin")

    own_ack = a.mutate("checkin.ack", id=checkin["id"], reaction="❤️", reply="me")
    partner_edit = s.mutate("checkin.save", **checkin_args("2026-11-20", id=checkin["id"], mood=1))
    partner_delete = s.mutate("checkin.delete", id=checkin["id"])
    partner_ack = s.mutate("checkin.ack", id=checkin["id"], reaction="🤗", reply="proud of you")
    a.sync()
    s.sync()
    assert a.results[own_ack]["status"] == "rejected"
    assert s.results[partner_edit]["status"] == "rejected"
    assert s.results[partner_edit]["error"]["code"] == "not_author"
    assert s.results[partner_delete]["status"] == "rejected"
    assert s.results[partner_ack]["status"] == "applied"
    a.pull()
    [seen] = a.of_kind("checkin")
    assert seen["mood"] == 4
    assert seen["ack"]["reaction"] == "🤗" and seen["ack"]["reply"] == "proud of you"
    assert seen["ack"]["by"] == sam.id


def test_a_private_checkin_never_reaches_the_partner(make_couple, device):
    alex, sam = make_couple()
    a, s = device(alex), device(sam)
    a.mutate("checkin.save", **checkin_args("2026-11-19", visibility="private", note="secret"))
    a.sync()
    s.sync()
    assert s.of_kind("checkin") == []
    assert len(a.of_kind("checkin")) == 1
    ack = s.mutate("checkin.ack", id=a.of_kind("checkin")[0]["id"], reaction="x")
    s.sync()
    assert s.results[ack]["error"]["code"] == "not_found"

    # Shared later: now it arrives.
    a.mutate("record.share", kind="checkin", id=a.of_kind("checkin")[0]["id"])
    a.sync()
    s.pull()
    assert [c["note"] for c in s.of_kind("checkin")] == ["secret"]

    # Made private again: it leaves the partner's device.
    a.mutate("checkin.save", **checkin_args("2026-11-19", visibility="private"))
    a.sync()
    s.pull()
    assert s.of_kind("checkin") == []


def test_deleting_a_checkin_removes_it_everywhere(make_couple, device):
    alex, sam = make_couple()
    a, s = device(alex), device(sam)
    a.mutate("checkin.save", **checkin_args("2026-11-18"))
    a.sync()
    s.sync()
    a.mutate("checkin.delete", id=a.of_kind("checkin")[0]["id"])
    a.sync()
    s.pull()
    assert a.of_kind("checkin") == s.of_kind("checkin") == []


def test_impossible_days_are_rejected_with_the_field_named(make_user, device):
    user = make_user()
    d = device(user)
    future = d.mutate("checkin.save", **checkin_args("2099-01-01"))
    bad_mood = d.mutate("checkin.save", **checkin_args("2026-11-01", mood=9))
    d.sync()
    assert d.results[future]["error"]["fields"] == {"day": "Not a possible day."}
    assert "mood" in d.results[bad_mood]["error"]["fields"]
    assert d.records == {}
