"""Bounds on what one record may hold, each refusal with a reason the user can act on."""

from __future__ import annotations

import json
import uuid

from tests.sync.client import server_view

LONG = "x" * 9000


def size_of(value: dict) -> int:
    """Characters of a record's JSON, as the partner's phone receives it."""
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def propose(dev, text: str = "We call on Sundays.") -> str:
    agreement_id = str(uuid.uuid4())
    dev.mutate("agreement.propose", id=agreement_id, category="time", title="Calls", text=text)
    return agreement_id


def test_an_agreement_holds_at_most_100_revisions(app, make_couple, device):
    alex, _ = make_couple()
    a = device(alex)
    agreement_id = propose(a)
    for n in range(1, 100):
        a.mutate("agreement.amend", id=agreement_id, base_revision=n, text=f"Wording {n + 1}")
    a.sync()
    assert a.records[agreement_id]["current_revision"] == 100
    refused = a.mutate("agreement.amend", id=agreement_id, base_revision=100, text="One more")
    retired = a.mutate("agreement.retire", id=agreement_id)
    a.sync()
    error = a.results[refused]["error"]
    assert error["code"] == "too_many_revisions"
    assert "retire it and propose a new one" in error["message"]
    assert a.results[retired]["status"] == "applied"
    agreement = a.records[agreement_id]
    assert agreement["status"] == "retired"
    assert [r["text"] for r in agreement["revisions"]][-2:] == ["Wording 99", "Wording 100"]
    assert a.records == server_view(app, alex.id)


def test_an_agreement_stops_growing_at_its_size_and_keeps_every_revision(app, make_couple, device):
    alex, sam = make_couple()
    a, s = device(alex), device(sam)
    agreement_id = propose(a, LONG)
    sent = [
        a.mutate("agreement.amend", id=agreement_id, base_revision=n, text=f"{LONG}{n}")
        for n in range(1, 41)
    ]
    a.sync()
    statuses = [a.results[m]["status"] for m in sent]
    applied = statuses.count("applied")
    assert 15 < applied < 40
    assert statuses == ["applied"] * applied + ["rejected"] * (40 - applied)
    error = a.results[sent[applied]]["error"]
    assert error["code"] == "too_large"
    assert "retire it and propose a new one" in error["message"]
    assert "text" in error["fields"]
    s.pull()
    agreement = s.records[agreement_id]
    assert size_of(agreement) < 210_000
    assert [r["text"] for r in agreement["revisions"]] == [LONG] + [
        f"{LONG}{n}" for n in range(1, applied + 1)
    ]
    # Consent can always be given, withdrawn, and the agreement retired.
    accepted = s.mutate("agreement.accept", id=agreement_id, revision=applied + 1)
    withdrawn = s.mutate("agreement.withdraw", id=agreement_id)
    retired = s.mutate("agreement.retire", id=agreement_id)
    fresh = s.mutate(
        "agreement.propose", id=str(uuid.uuid4()), category="time", title="Calls", text=LONG
    )
    s.sync()
    assert [s.results[m]["status"] for m in (accepted, withdrawn, retired, fresh)] == [
        "applied"
    ] * 4


def test_an_agreement_keeps_its_newest_300_events(make_couple, device):
    alex, sam = make_couple()
    a, s = device(alex), device(sam)
    agreement_id = propose(a)
    a.sync()
    for _ in range(110):
        s.mutate("agreement.accept", id=agreement_id, revision=1)
        s.mutate("agreement.withdraw", id=agreement_id)
    s.sync()
    events = s.records[agreement_id]["events"]
    assert len(events) == 300
    assert [e["event"] for e in events[-3:]] == ["accepted", "activated", "withdrawn"]
    assert s.records[agreement_id]["status"] == "needs_review"


def test_a_memorys_history_keeps_the_newest_values_up_to_50_000_characters(make_user, device):
    user = make_user()
    d = device(user)
    memory_id = str(uuid.uuid4())
    stories = [str(n) * 20000 for n in range(5)]
    d.mutate("memory.save", id=memory_id, fields={"title": "Our trip", "story": stories[0]})
    for story in stories[1:]:
        d.mutate("memory.save", id=memory_id, fields={"story": story, "title": f"Trip {story[0]}"})
    d.sync()
    history = d.records[memory_id]["history"]
    assert [h["value"] for h in history if h["field"] == "story"] == stories[2:4]
    # The small values replaced since the oldest kept story are all still there.
    assert [h["value"] for h in history if h["field"] == "title"] == ["Trip 2", "Trip 3"]
    assert sum(len(json.dumps(h["value"], ensure_ascii=False)) for h in history) <= 50_000


def test_a_promise_changes_at_most_100_times(make_couple, device):
    alex, sam = make_couple()
    a, s = device(alex), device(sam)
    promise_id = str(uuid.uuid4())
    a.mutate("promise.make", id=promise_id, text="Call on Sunday")
    for n in range(99):
        a.mutate("promise.update", id=promise_id, text=f"Call on Sunday ({n})")
    a.sync()
    assert len(a.records[promise_id]["history"]) == 100
    refused = a.mutate("promise.update", id=promise_id, text="Call on Monday")
    done = a.mutate("promise.done", id=promise_id)
    a.sync()
    error = a.results[refused]["error"]
    assert error["code"] == "too_many_changes"
    assert "make a new promise" in error["message"]
    assert a.results[done]["status"] == "applied"
    s.pull()
    kept = s.mutate("promise.confirm", id=promise_id)
    s.sync()
    assert s.results[kept]["status"] == "applied"
    assert s.records[promise_id]["text"] == "Call on Sunday (98)"
    assert s.records[promise_id]["state"] == "kept"
