"""Rituals, done marks, date nights, the next visit and anniversaries as the phones sync them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from tests.rituals.helpers import define, queue, refusal


def test_a_ritual_is_the_couples_and_either_can_change_pause_and_remove_it(make_couple, device):
    alex, sam = make_couple()
    a, s = device(alex), device(sam)
    ritual_id = define(a, days=[6, 2], time="20:30", kind="call", timing="shared")
    s.pull()
    [ritual] = s.of_kind("ritual")
    assert ritual["days"] == [2, 6] and ritual["time"] == "20:30"
    assert ritual["timing"] == "shared" and ritual["zone"] == alex.time_zone
    assert ritual["state"] == "active"

    s.mutate("ritual.update", id=ritual_id, time="21:00")
    s.mutate("ritual.pause", id=ritual_id)
    s.push()
    a.pull()
    [ritual] = a.of_kind("ritual")
    assert ritual["time"] == "21:00" and ritual["state"] == "paused"
    a.mutate("ritual.resume", id=ritual_id)
    a.push()
    s.pull()
    assert s.of_kind("ritual")[0]["state"] == "active"
    a.mutate("ritual.remove", id=ritual_id)
    a.push()
    s.pull()
    assert s.of_kind("ritual") == []


def test_an_own_ritual_needs_a_name_and_each_day_counts_once(make_couple, device):
    alex, _sam = make_couple()
    a = device(alex)
    no_name = a.mutate("ritual.define", id=str(uuid.uuid4()), type="own", days=[1], time="09:00")
    twice = a.mutate("ritual.define", id=str(uuid.uuid4()), type="meal", days=[1, 1], time="09:00")
    bad_time = a.mutate("ritual.define", id=str(uuid.uuid4()), type="meal", days=[1], time="25:00")
    a.push()
    assert a.results[no_name]["error"]["fields"] == {"name": "Give your ritual a name."}
    assert a.results[twice]["error"]["fields"] == {"days": "Name each day at most once."}
    assert a.results[bad_time]["error"]["fields"] == {"time": "A time of day as HH:MM, e.g. 22:30."}
    a.pull()
    assert a.of_kind("ritual") == []


def test_rituals_need_a_partner(make_user, device):
    alone = device(make_user())
    mutation = alone.mutate(
        "ritual.define", id=str(uuid.uuid4()), type="meal", days=[1], time="09:00"
    )
    alone.push()
    assert refusal(alone, mutation) == "needs_partner"


def test_done_marks_are_seen_by_their_author_only(make_couple, device, second_device):
    alex, sam = make_couple()
    a, s = device(alex), device(sam)
    ritual_id = define(a, time="21:00")
    today = datetime.now(UTC).date()
    mark_id = str(uuid.uuid4())
    a.mutate("ritual.done", id=mark_id, ritual_id=ritual_id, day=today.isoformat())
    again = a.mutate(
        "ritual.done", id=str(uuid.uuid4()), ritual_id=ritual_id, day=today.isoformat()
    )
    too_late = a.mutate(
        "ritual.done",
        id=str(uuid.uuid4()),
        ritual_id=ritual_id,
        day=(today - timedelta(days=30)).isoformat(),
    )
    a.push()
    assert a.results[again]["status"] == "applied"  # a second device's mark: one is kept
    assert refusal(a, too_late) == "invalid"
    other = second_device(alex)
    other.pull()
    [mark] = other.of_kind("ritual_done")
    assert mark["id"] == mark_id and mark["visibility"] == "private"
    s.pull()
    assert s.of_kind("ritual_done") == []
    # Sam cannot take Alex's mark back, and learns nothing of it.
    taken = s.mutate("ritual.undone", id=mark_id)
    s.push()
    assert refusal(s, taken) == "not_found"
    a.mutate("ritual.undone", id=mark_id)
    a.push()
    other.pull()
    assert other.of_kind("ritual_done") == []


def test_a_date_night_becomes_a_memory_once_it_has_happened(make_couple, device):
    alex, sam = make_couple()
    a, s = device(alex), device(sam)
    past, coming = str(uuid.uuid4()), str(uuid.uuid4())
    a.mutate(
        "date_night.plan",
        id=past,
        at=(datetime.now(UTC) - timedelta(hours=3)).isoformat(),
        what="Dinner over a video call",
        place="Our kitchens",
    )
    a.mutate(
        "date_night.plan",
        id=coming,
        at=(datetime.now(UTC) + timedelta(days=3)).isoformat(),
        what="Film night",
    )
    a.push()
    s.pull()
    nights = {n["id"]: n for n in s.of_kind("date_night")}
    assert nights[past]["what"] == "Dinner over a video call" and nights[past]["state"] == "planned"

    memory_id, early_memory = str(uuid.uuid4()), str(uuid.uuid4())
    s.mutate("memory.save", id=memory_id, fields={"title": "Dinner over a video call"})
    s.mutate("date_night.remember", id=past, memory_id=memory_id)
    s.mutate("memory.save", id=early_memory, fields={"title": "Film night"})
    early = s.mutate("date_night.remember", id=coming, memory_id=early_memory)
    second = s.mutate("date_night.remember", id=past, memory_id=str(uuid.uuid4()))
    s.push()
    assert refusal(s, early) == "not_yet"
    assert refusal(s, second) == "remembered"
    a.pull()
    nights = {n["id"]: n for n in a.of_kind("date_night")}
    assert nights[past]["state"] == "remembered" and nights[past]["memory_id"] == memory_id
    assert nights[coming]["state"] == "planned" and nights[coming]["memory_id"] is None
    assert a.records[memory_id]["kind"] == "memory"
    assert a.records[memory_id]["title"] == "Dinner over a video call"


def test_the_next_visit_and_anniversaries(make_couple, device):
    alex, sam = make_couple()
    a, s = device(alex), device(sam)
    visit_id = str(uuid.uuid4())
    soon = datetime.now(UTC).date() + timedelta(days=12)
    a.mutate("visit.set", id=visit_id, on=soon.isoformat(), place="Lisbon")
    past = a.mutate("visit.set", id=str(uuid.uuid4()), on=(soon - timedelta(days=40)).isoformat())
    a.mutate("anniversary.add", id=str(uuid.uuid4()), title="The day we met", on="2019-06-02")
    a.push()
    assert refusal(a, past) == "invalid"
    s.pull()
    [visit] = s.of_kind("next_visit")
    assert visit["on"] == soon.isoformat() and visit["place"] == "Lisbon"
    [day] = s.of_kind("anniversary")
    assert day["title"] == "The day we met" and day["remind"] is True

    s.mutate("visit.set", id=visit_id, on=(soon + timedelta(days=2)).isoformat(), place="Porto")
    s.mutate("anniversary.update", id=day["id"], remind=False)
    s.push()
    a.pull()
    [visit] = a.of_kind("next_visit")
    assert visit["place"] == "Porto" and visit["on"] == (soon + timedelta(days=2)).isoformat()
    assert a.of_kind("anniversary")[0]["remind"] is False
    a.mutate("visit.clear", id=visit_id)
    a.push()
    s.pull()
    assert s.of_kind("next_visit") == []


def test_a_name_is_queued_like_any_field(make_couple, device):
    alex, sam = make_couple()
    a, s = device(alex), device(sam)
    ritual_id = str(uuid.uuid4())
    queue(
        a, "ritual.define", id=ritual_id, type="own", name="Sunday pancakes", days=[6], time="10:00"
    )
    a.push()
    s.pull()
    assert s.of_kind("ritual")[0]["name"] == "Sunday pancakes"
