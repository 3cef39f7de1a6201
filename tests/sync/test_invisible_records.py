"""A mutation naming a record the pusher may not see: answered as if none existed."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from server.checkins.service import checkin_id
from server.sync.registry import MUTATORS
from tests.sync.client import server_view

NO_PHOTO = "0" * 64


def attempts(record_id: str, day: str, repair_id: str | None = None) -> dict[str, dict]:
    """One attempt of every mutation at the record with this id (a check-in's day where asked).

    An entry's attempts name `repair_id` as its repair (by default the record itself).
    """
    in_repair = repair_id or record_id
    return {
        "checkin.save": {
            "name": "checkin.save",
            "id": record_id,
            "day": day,
            "mood": 2,
            "trust": 3,
        },
        "checkin.ack": {"name": "checkin.ack", "id": record_id, "reaction": "hug"},
        "checkin.delete": {"name": "checkin.delete", "id": record_id},
        "memory.save": {"name": "memory.save", "id": record_id, "fields": {"place": "Porto"}},
        "memory.save (new)": {
            "name": "memory.save",
            "id": record_id,
            "fields": {"title": "Ours now"},
        },
        "memory.add_photo": {
            "name": "memory.add_photo",
            "id": record_id,
            "photo": {"hash": NO_PHOTO},
        },
        "memory.remove_photo": {"name": "memory.remove_photo", "id": record_id, "hash": NO_PHOTO},
        "memory.order_photos": {"name": "memory.order_photos", "id": record_id, "hashes": []},
        "memory.delete": {"name": "memory.delete", "id": record_id},
        "memory.restore": {"name": "memory.restore", "id": record_id},
        "agreement.propose": {
            "name": "agreement.propose",
            "id": record_id,
            "category": "time",
            "title": "Mine",
            "text": "Taken over.",
        },
        "agreement.amend": {
            "name": "agreement.amend",
            "id": record_id,
            "base_revision": 1,
            "text": "Changed.",
        },
        "agreement.accept": {"name": "agreement.accept", "id": record_id, "revision": 1},
        "agreement.withdraw": {"name": "agreement.withdraw", "id": record_id},
        "agreement.retire": {"name": "agreement.retire", "id": record_id},
        "promise.make": {"name": "promise.make", "id": record_id, "text": "Taken over"},
        "promise.update": {"name": "promise.update", "id": record_id, "text": "Changed"},
        "promise.done": {"name": "promise.done", "id": record_id},
        "promise.confirm": {"name": "promise.confirm", "id": record_id},
        "promise.release": {"name": "promise.release", "id": record_id},
        "record.share (checkin)": {"name": "record.share", "kind": "checkin", "id": record_id},
        "record.share (memory)": {"name": "record.share", "kind": "memory", "id": record_id},
        "promise.make (in a repair)": {
            "name": "promise.make",
            "id": str(uuid.uuid4()),
            "text": "A step",
            "repair_id": record_id,
        },
        "repair.open": {"name": "repair.open", "id": record_id, "hurt": "me"},
        "repair.write": {
            "name": "repair.write",
            "id": record_id,
            "repair_id": in_repair,
            "step": "reflect",
            "parts": {"heard": "Taken over."},
        },
        "repair.write (new, in it)": {
            "name": "repair.write",
            "id": str(uuid.uuid4()),
            "repair_id": record_id,
            "step": "reflect",
            "parts": {"heard": "Hello."},
        },
        "repair.rhythm": {
            "name": "repair.rhythm",
            "id": record_id,
            "daily_days": 7,
            "then": "none",
        },
        "repair.agree_rhythm": {"name": "repair.agree_rhythm", "id": record_id},
        "repair.move_forward": {
            "name": "repair.move_forward",
            "id": record_id,
            "keep_as": "repair",
        },
        "repair.set_aside": {"name": "repair.set_aside", "id": record_id},
        "repair.reopen": {"name": "repair.reopen", "id": record_id},
        "record.share (repair)": {"name": "record.share", "kind": "repair", "id": record_id},
        "record.share (repair_entry)": {
            "name": "record.share",
            "kind": "repair_entry",
            "id": record_id,
        },
        "question.answer": {
            "name": "question.answer",
            "id": record_id,
            "day": day or ANY_DAY,
            "answer": "Taken over.",
        },
        "ritual.define": {
            "name": "ritual.define",
            "id": record_id,
            "type": "call",
            "days": [0, 3],
            "time": "20:00",
        },
        "ritual.update": {"name": "ritual.update", "id": record_id, "time": "21:00"},
        "ritual.pause": {"name": "ritual.pause", "id": record_id},
        "ritual.resume": {"name": "ritual.resume", "id": record_id},
        "ritual.remove": {"name": "ritual.remove", "id": record_id},
        "ritual.done": {
            "name": "ritual.done",
            "id": str(uuid.uuid4()),
            "ritual_id": record_id,
            "day": day or ANY_DAY,
        },
        "ritual.done (at the id)": {
            "name": "ritual.done",
            "id": record_id,
            "ritual_id": str(uuid.uuid4()),
            "day": day or ANY_DAY,
        },
        "ritual.undone": {"name": "ritual.undone", "id": record_id},
        "date_night.plan": {
            "name": "date_night.plan",
            "id": record_id,
            "at": "2026-01-01T19:00:00+00:00",
            "what": "Dinner",
        },
        "date_night.update": {"name": "date_night.update", "id": record_id, "what": "Changed"},
        "date_night.cancel": {"name": "date_night.cancel", "id": record_id},
        "date_night.remember": {
            "name": "date_night.remember",
            "id": record_id,
            "memory_id": str(uuid.uuid4()),
        },
        "visit.set": {"name": "visit.set", "id": record_id, "on": day or ANY_DAY},
        "visit.clear": {"name": "visit.clear", "id": record_id},
        "anniversary.add": {
            "name": "anniversary.add",
            "id": record_id,
            "title": "Ours now",
            "on": day or ANY_DAY,
        },
        "anniversary.update": {"name": "anniversary.update", "id": record_id, "title": "Changed"},
        "anniversary.remove": {"name": "anniversary.remove", "id": record_id},
        "weekly.write": {
            "name": "weekly.write",
            "id": record_id,
            "week": monday_of(day),
            "went_well": "Taken over.",
        },
    }


ANY_DAY = "2026-01-01"
# Mutations whose record's id the server derives (from the space, the author, the day or week):
# an id sent that names a record the pusher cannot see is not theirs to write, and is not used.
OWN_ID = ("weekly.write",)


def monday_of(day: str) -> str:
    """The Monday of a day's week (of a fixed week when no day is given)."""
    found = date.fromisoformat(day or ANY_DAY)
    return (found - timedelta(days=found.weekday())).isoformat()


# Mutations that create a record with the id they name: a fresh random id would be taken,
# so an id in use is compared with one no new record may have (a name-based one).
CREATING = (
    "agreement.propose",
    "promise.make",
    "repair.open",
    "ritual.define",
    "date_night.plan",
    "anniversary.add",
)
# Mutations that name no record by its id: the week's topic and reply are found by the week.
NAME_NO_RECORD = {"weekly.raise", "weekly.summarise", "weekly.answer", "weekly.confirm"}


def answer(device, attempt: dict) -> dict:
    """Push one mutation; return what the server answered about it (its id left out)."""
    args = {k: v for k, v in attempt.items() if k != "name"}
    if attempt["name"] == "memory.save":
        args["base"] = {}
    mutation_id = device.mutate(attempt["name"], **args)
    device.push()
    return {k: v for k, v in device.results[mutation_id].items() if k != "id"}


def test_every_mutation_is_tried(app):
    """A new mutator joins the comparisons below (the app registers them all)."""
    names = {a["name"] for a in attempts(str(uuid.uuid4()), "2026-01-01").values()}
    assert names | NAME_NO_RECORD == set(MUTATORS)


def test_a_partners_private_checkin_cannot_be_told_from_no_checkin(app, make_couple, device):
    alex, sam = make_couple()
    a, s = device(alex), device(sam)
    space = uuid.UUID(alex.me()["space"]["id"])
    names = list(attempts(str(uuid.uuid4()), "2026-01-01"))
    start = date.today() - timedelta(days=400)
    # One day with a private check-in of Alex's and one without, per attempt.
    with_checkin = {name: start + timedelta(days=2 * n) for n, name in enumerate(names)}
    without = {name: day + timedelta(days=1) for name, day in with_checkin.items()}
    for day in with_checkin.values():
        a.mutate(
            "checkin.save",
            id=str(uuid.uuid4()),
            day=day.isoformat(),
            mood=1,
            trust=2,
            note="only for me",
            visibility="private",
        )
    a.sync()
    alex_before = server_view(app, alex.id)

    applied = []
    for name in names:
        private_id = str(checkin_id(space, uuid.UUID(alex.id), with_checkin[name]))
        unused_id = str(checkin_id(space, uuid.UUID(alex.id), without[name]))
        told = answer(s, attempts(private_id, with_checkin[name].isoformat())[name])
        untold = answer(s, attempts(unused_id, without[name].isoformat())[name])
        assert told == untold, name
        if told["status"] != "rejected":
            applied.append(name)
    assert applied == [n for n in names if n in OWN_ID], applied

    a.pull()
    assert server_view(app, alex.id) == alex_before
    assert a.records == alex_before
    s.pull()
    assert s.of_kind("checkin") == []


def test_a_partners_private_memory_cannot_be_told_from_no_memory(app, make_couple, device):
    alex, sam = make_couple()
    a, s = device(alex), device(sam)
    names = [n for n in attempts(str(uuid.uuid4()), "2026-01-01") if n != "memory.save (new)"]
    private = {name: str(uuid.uuid4()) for name in names}
    for memory_id in private.values():
        a.mutate(
            "memory.save",
            id=memory_id,
            fields={"title": "A secret", "visibility": "private"},
            base={},
        )
    a.sync()
    alex_before = server_view(app, alex.id)
    space = uuid.UUID(alex.me()["space"]["id"])

    for n, name in enumerate(names):
        day = date.today() - timedelta(days=n + 1)
        told = answer(s, attempts(private[name], day.isoformat())[name])
        if name in CREATING:
            # A new record cannot take the id; told as for an id no new record may have.
            untold = answer(s, attempts(str(checkin_id(space, uuid.UUID(sam.id), day)), "")[name])
            assert told["error"]["code"] != "exists", name
        else:
            untold = answer(s, attempts(str(uuid.uuid4()), day.isoformat())[name])
        assert told == untold, name

    # Alex's memories are as they were (Sam's own check-in of that day went through).
    assert {k: v for k, v in server_view(app, alex.id).items() if k in private.values()} == (
        alex_before
    )


def test_a_new_record_cannot_take_a_name_based_id(make_couple, device):
    alex, _ = make_couple()
    a = device(alex)
    derived = str(uuid.uuid5(uuid.uuid4(), "anything"))
    made = a.mutate("promise.make", id=derived, text="Call Mum")
    fine = a.mutate("promise.make", id=str(uuid.uuid4()), text="Call Dad")
    a.sync()
    assert a.results[made]["error"]["fields"] == {"id": "Use a new random id."}
    assert a.results[fine]["status"] == "applied"
    assert [p["text"] for p in a.of_kind("promise")] == ["Call Dad"]


def test_a_partners_draft_repair_and_entry_cannot_be_told_from_none(app, make_couple, device):
    alex, sam = make_couple()
    a, s = device(alex), device(sam)
    shared = str(uuid.uuid4())
    s.mutate("repair.open", id=shared, hurt="me", visibility="shared")
    s.sync()
    names = [n for n in attempts(str(uuid.uuid4()), "2026-01-01") if n != "memory.save (new)"]
    drafts: dict[str, dict[str, str]] = {}
    for name in names:
        drafts[name] = {"repair": str(uuid.uuid4()), "entry": str(uuid.uuid4())}
        s.mutate("repair.open", id=drafts[name]["repair"], hurt="me", title="A secret")
        parts = {"felt": "only for me"}
        s.mutate(
            "repair.write",
            id=drafts[name]["entry"],
            repair_id=shared,
            step="acknowledge",
            parts=parts,
        )
    s.sync()
    sam_before = server_view(app, sam.id)
    space = uuid.UUID(alex.me()["space"]["id"])

    for n, name in enumerate(names):
        day = date.today() - timedelta(days=n + 1)
        unused = str(uuid.uuid4())
        if name in CREATING or name == "repair.write":
            # Writing an entry with the id of the draft would create one in the shared repair.
            unused = str(checkin_id(space, uuid.UUID(sam.id), day))
        told = answer(a, attempts(drafts[name]["entry"], day.isoformat(), shared)[name])
        untold = answer(a, attempts(unused, day.isoformat(), shared)[name])
        assert told == untold, ("entry", name)
        unused = str(uuid.uuid4())
        if name in CREATING:
            unused = str(checkin_id(space, uuid.UUID(sam.id), day))
        told = answer(a, attempts(drafts[name]["repair"], day.isoformat())[name])
        untold = answer(a, attempts(unused, day.isoformat())[name])
        assert told == untold, ("repair", name)

    drafted = {ids[kind] for ids in drafts.values() for kind in ids}
    assert {k: v for k, v in server_view(app, sam.id).items() if k in drafted} == {
        k: v for k, v in sam_before.items() if k in drafted
    }
    a.pull()
    assert not drafted & set(a.records)
    assert "only for me" not in str(a.records) and "A secret" not in str(a.records)
