"""Promises: the promiser marks done, the partner confirms or releases, late ones are missed."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from server.extensions import db
from server.spaces.models import Space
from server.sync.models import PRIVATE, Record
from tests.sync.client import server_view


def today_in(time_zone: str) -> date:
    return datetime.now(ZoneInfo(time_zone)).date()


def promise(dev, text: str = "I'll book the train tickets", **args) -> str:
    """Queue a new promise on the device; return its id."""
    promise_id = str(uuid.uuid4())
    dev.mutate("promise.make", id=promise_id, text=text, **args)
    return promise_id


def states(dev, *ids: str) -> list[str]:
    return [dev.records[i]["state"] for i in ids]


def kept(promiser_dev, partner_dev, text: str) -> str:
    """Make a promise, mark it done and have the partner confirm it; return its id."""
    promise_id = promise(promiser_dev, text)
    promiser_dev.mutate("promise.done", id=promise_id)
    promiser_dev.sync()
    partner_dev.mutate("promise.confirm", id=promise_id)
    partner_dev.sync()
    return promise_id


def track_record(user) -> dict[str, dict]:
    response = user.client.get("/api/promises/track-record")
    assert response.status_code == 200, response.json
    return {person["user_id"]: person for person in response.json["people"]}


def test_a_promise_done_and_confirmed_is_kept_for_both(app, make_couple, device):
    alex, sam = make_couple()
    a, s = device(alex), device(sam)
    promise_id = promise(a, due_on=today_in(alex.time_zone) + timedelta(days=3))
    a.sync()
    s.sync()
    seen = s.records[promise_id]
    assert seen["state"] == "open" and seen["promiser"] == alex.id
    assert seen["text"] == "I'll book the train tickets"
    assert seen["due_on"] == (today_in(alex.time_zone) + timedelta(days=3)).isoformat()

    a.mutate("promise.done", id=promise_id)
    a.sync()
    s.pull()
    assert s.records[promise_id]["state"] == "done"  # waiting for Sam to confirm

    s.mutate("promise.confirm", id=promise_id)
    s.sync()
    a.pull()
    for dev in (a, s):
        value = dev.records[promise_id]
        assert value["state"] == "kept"
        assert [(h["event"], h["by"]) for h in value["history"]] == [
            ("made", alex.id),
            ("done", alex.id),
            ("kept", sam.id),
        ]
        assert value == server_view(app, sam.id)[promise_id]


def test_each_side_does_only_its_part(make_couple, device):
    alex, sam = make_couple()
    a, s = device(alex), device(sam)
    promise_id = promise(a)
    a.sync()
    s.sync()

    own_confirm = a.mutate("promise.confirm", id=promise_id)
    own_release = a.mutate("promise.release", id=promise_id)
    a.sync()
    partner_done = s.mutate("promise.done", id=promise_id)
    partner_update = s.mutate("promise.update", id=promise_id, text="Sam's words now")
    early_confirm = s.mutate("promise.confirm", id=promise_id)
    s.sync()
    assert a.results[own_confirm]["error"]["code"] == "not_partner"
    assert a.results[own_release]["error"]["code"] == "not_partner"
    assert s.results[partner_done]["error"]["code"] == "not_promiser"
    assert s.results[partner_update]["error"]["code"] == "not_promiser"
    # Nothing to confirm before Alex says it is done.
    assert s.results[early_confirm]["error"]["code"] == "wrong_state"
    a.pull()
    for dev in (a, s):
        assert dev.records[promise_id]["state"] == "open"
        assert dev.records[promise_id]["text"] == "I'll book the train tickets"


def test_a_promise_past_due_in_the_promisers_time_zone_is_missed_on_the_next_push(
    make_couple, device
):
    # Kiritimati is 25 hours ahead of Pago Pago: Alex's today is always later than Sam's.
    alex, sam = make_couple("Pacific/Kiritimati", "Pacific/Pago_Pago")
    a, s = device(alex), device(sam)
    alex_today, sam_today = today_in(alex.time_zone), today_in(sam.time_zone)
    assert alex_today > sam_today

    sam_due_today = promise(s, "call the plumber", due_on=sam_today)
    sam_late = promise(s, "return the book", due_on=sam_today - timedelta(days=1))
    s.sync()
    # Late for Alex, though that date is not over yet for Sam, who pushes next.
    alex_late = promise(a, "water the plants", due_on=alex_today - timedelta(days=1))
    alex_due_today = promise(a, "pick up the parcel", due_on=alex_today)
    # Done before the date passed: waiting for Sam to confirm is not missing it.
    alex_done = promise(a, "fix the shelf", due_on=alex_today - timedelta(days=1))
    a.mutate("promise.done", id=alex_done)
    a.sync()
    ids = (sam_due_today, sam_late, alex_late, alex_due_today, alex_done)
    assert states(a, *ids) == ["open", "missed", "open", "open", "done"]

    # Sam's next push, whatever it carries, settles what is late.
    promise(s, "plan the weekend")
    s.sync()
    a.pull()
    for dev in (a, s):
        assert states(dev, *ids) == ["open", "missed", "missed", "open", "done"]
    missed = s.records[alex_late]["history"][-1]
    assert missed["event"] == "missed" and missed["by"] is None


def test_renegotiating_a_missed_promise_to_a_later_date_reopens_it(make_couple, device):
    alex, sam = make_couple()
    a, s = device(alex), device(sam)
    today = today_in(alex.time_zone)
    promise_id = promise(a, due_on=today - timedelta(days=1))
    a.sync()
    # Pushed on a later push: the date passed, so it is missed; a date still past keeps it so.
    still_late = a.mutate("promise.update", id=promise_id, due_on=today - timedelta(days=2))
    a.sync()
    assert a.results[still_late]["status"] == "applied"
    assert a.records[promise_id]["state"] == "missed"

    a.mutate("promise.update", id=promise_id, due_on=today + timedelta(days=2))
    a.sync()
    # A later push must not mark it missed again.
    assert a.push_request(mutations=[]).status_code == 200
    s.pull()
    value = s.records[promise_id]
    assert value["state"] == "open"
    assert value["due_on"] == (today + timedelta(days=2)).isoformat()
    renegotiations = [h for h in value["history"] if h["event"] == "renegotiated"]
    assert [(h["from"], h["to"]) for h in renegotiations] == [
        ((today - timedelta(days=1)).isoformat(), (today - timedelta(days=2)).isoformat()),
        ((today - timedelta(days=2)).isoformat(), (today + timedelta(days=2)).isoformat()),
    ]

    # Done late is still done, and Sam can confirm it.
    a.mutate("promise.done", id=promise_id)
    a.sync()
    s.mutate("promise.confirm", id=promise_id)
    s.sync()
    assert s.records[promise_id]["state"] == "kept"


def test_the_partner_can_release_a_promise(make_couple, device):
    alex, sam = make_couple()
    a, s = device(alex), device(sam)
    promise_id = promise(a)
    a.sync()
    s.mutate("promise.release", id=promise_id)
    s.sync()
    a.pull()
    assert states(a, promise_id) == states(s, promise_id) == ["released"]
    assert a.records[promise_id]["history"][-1]["by"] == sam.id

    done_after = a.mutate("promise.done", id=promise_id)
    reword_after = a.mutate("promise.update", id=promise_id, text="never mind")
    a.sync()
    assert a.results[done_after]["error"]["code"] == "wrong_state"
    assert a.results[reword_after]["error"]["code"] == "wrong_state"
    assert states(a, promise_id) == ["released"]


def test_the_track_record_counts_the_last_90_days(app, make_couple, make_user, device):
    alex, sam = make_couple()
    a, s = device(alex), device(sam)
    first = kept(a, s, "book the tickets")
    kept(a, s, "call your mum back")
    late = promise(a, "clean the car", due_on=today_in(alex.time_zone) - timedelta(days=1))
    released = promise(a, "learn the ukulele")
    promise(a, "plan the holiday")  # still open
    a.sync()
    s.mutate("promise.release", id=released)
    s.sync()  # this push finds the late promise missed
    a.pull()
    assert states(a, late) == ["missed"]

    for viewer in (alex, sam):
        record = track_record(viewer)
        assert list(record) == [viewer.id, sam.id if viewer is alex else alex.id]
        assert record[alex.id]["kept"] == 2 and record[alex.id]["missed"] == 1
        assert record[alex.id]["ratio"] == pytest.approx(2 / 3)
        assert record[alex.id]["display_name"] == "Alex"
        assert record[sam.id] == {
            "user_id": sam.id,
            "display_name": "Sam",
            "kept": 0,
            "missed": 0,
            "ratio": None,
        }

    # Kept 91 days ago: it no longer counts.
    space_id = uuid.UUID(alex.me()["space"]["id"])
    with app.app_context():
        record = db.session.get(Record, (space_id, uuid.UUID(first)))
        long_ago = datetime.now(UTC) - timedelta(days=91)
        record.data = {
            **record.data,
            "history": [{**h, "at": long_ago.isoformat()} for h in record.data["history"]],
        }
        record.updated_at = long_ago
        db.session.commit()
    assert track_record(sam)[alex.id]["ratio"] == pytest.approx(1 / 2)

    solo = make_user("Robin")
    assert list(track_record(solo).values()) == [
        {"user_id": solo.id, "display_name": "Robin", "kept": 0, "missed": 0, "ratio": None}
    ]
    anonymous = app.test_client().get("/api/promises/track-record")
    assert anonymous.status_code == 401


def test_promises_of_another_space_or_private_ones_do_not_count(
    app, make_couple, make_user, device
):
    alex, sam = make_couple()
    kept(device(alex), device(sam), "book the tickets")
    assert track_record(alex)[alex.id]["kept"] == 1

    assert alex.client.post("/api/pairing/unpair").status_code == 200
    robin = make_user("Robin")
    code = robin.client.post("/api/pairing/invites").json["code"]
    assert alex.client.post("/api/pairing/accept", json={"code": code}).status_code == 200
    space_id = uuid.UUID(alex.me()["space"]["id"])
    # A kept promise of Alex's that only Alex sees, as records brought into a couple are.
    with app.app_context():
        space_version = db.session.get(Space, space_id).version
        at = datetime.now(UTC)
        db.session.add(
            Record(
                space_id=space_id,
                id=uuid.uuid4(),
                kind="promise",
                author_id=uuid.UUID(alex.id),
                visibility=PRIVATE,
                ever_shared=False,
                archived=False,
                tombstone=False,
                version=space_version,
                state="kept",
                created_at=at,
                updated_at=at,
                data={
                    "text": "old promise",
                    "promiser": alex.id,
                    "history": [{"event": "kept", "by": sam.id, "at": at.isoformat()}],
                },
            )
        )
        db.session.commit()

    for viewer in (alex, robin):
        record = track_record(viewer)
        assert set(record) == {alex.id, robin.id}
        assert (record[alex.id]["kept"], record[alex.id]["missed"]) == (0, 0)
        assert record[alex.id]["ratio"] is None


def test_promises_need_a_partner(make_user, device):
    solo = make_user()
    d = device(solo)
    made = d.mutate("promise.make", id=str(uuid.uuid4()), text="go for a run")
    done = d.mutate("promise.done", id=str(uuid.uuid4()))
    d.sync()
    assert d.results[made]["error"]["code"] == "needs_partner"
    assert d.results[done]["error"]["code"] == "needs_partner"
    assert d.records == {}


def test_invalid_promise_arguments_name_the_field(make_couple, device):
    alex, _ = make_couple()
    a = device(alex)
    long_text = a.mutate("promise.make", id=str(uuid.uuid4()), text="x" * 501)
    bad_date = a.mutate("promise.make", id=str(uuid.uuid4()), text="ok", due_on="someday")
    empty_update = a.mutate("promise.update", id=str(uuid.uuid4()))
    a.sync()
    assert "text" in a.results[long_text]["error"]["fields"]
    assert "due_on" in a.results[bad_date]["error"]["fields"]
    assert a.results[empty_update]["error"]["code"] == "invalid"
    assert a.of_kind("promise") == []
