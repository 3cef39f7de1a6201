"""The one thing to talk about: one speaks, the other says back what they heard, then answers."""

from __future__ import annotations

import uuid
from datetime import timedelta

from tests.conftest import db_snapshot
from tests.sync.client import server_view
from tests.weekly.helpers import ids_of, refusal, this_week, write

WORRY = "I feel alone when you work late every night."
HEARD = "You feel alone when I work late, and you miss our evenings."


def raised(make_couple, device):
    alex, sam = make_couple()
    a, s = device(alex), device(sam)
    week = this_week(alex, sam)
    ids = ids_of(sam, week)
    s.mutate("weekly.raise", id=ids["topic"], week=week, text=WORRY)
    s.sync()
    a.pull()
    return alex, sam, a, s, week, ids


def test_the_listener_summarises_before_answering_then_the_speaker_confirms(
    app, make_couple, device
):
    alex, sam, a, s, week, ids = raised(make_couple, device)
    assert a.records[ids["topic"]]["text"] == WORRY
    assert a.records[ids["topic"]]["author_id"] == sam.id
    # An answer before a summary is refused, and nothing is written.
    mid = a.mutate("weekly.answer", id=ids["reply"], week=week, answer="I will come home at six")
    a.sync()
    assert refusal(a, mid) == "summary_first"
    assert ids["reply"] not in a.records
    # The speaker cannot confirm a summary that does not exist.
    mid = s.mutate("weekly.confirm", id=ids["topic"], week=week, heard="yes")
    s.sync()
    assert refusal(s, mid) == "no_summary"
    a.mutate("weekly.summarise", id=ids["reply"], week=week, summary=HEARD)
    mid = a.mutate("weekly.answer", id=ids["reply"], week=week, answer="I will come home at six")
    a.sync()
    assert refusal(a, mid) is None
    s.pull()
    assert s.records[ids["reply"]]["summary"] == HEARD
    assert s.records[ids["reply"]]["answer"] == "I will come home at six"
    assert s.records[ids["reply"]]["author_id"] == alex.id
    s.mutate("weekly.confirm", id=ids["topic"], week=week, heard="yes")
    s.sync()
    a.pull()
    assert a.records[ids["topic"]]["heard"] == "yes"
    # A new summary is heard anew.
    a.mutate("weekly.summarise", id=ids["reply"], week=week, summary=HEARD + " And you are tired.")
    a.sync()
    s.pull()
    assert s.records[ids["topic"]]["heard"] is None
    assert s.records == server_view(app, sam.id)


def test_each_keeps_their_part(make_couple, device):
    _, _, a, s, week, ids = raised(make_couple, device)
    # The speaker neither summarises nor answers their own words.
    for name, field in (("weekly.summarise", "summary"), ("weekly.answer", "answer")):
        mid = s.mutate(name, id=ids["reply"], week=week, **{field: "Me, myself"})
        s.sync()
        assert refusal(s, mid) == "not_listener"
    # The listener neither confirms nor raises a second thing.
    mid = a.mutate("weekly.confirm", id=ids["topic"], week=week, heard="yes")
    a.sync()
    assert refusal(a, mid) == "not_speaker"
    mid = a.mutate("weekly.raise", id=ids["topic"], week=week, text="And my thing")
    a.sync()
    assert refusal(a, mid) == "topic_raised"
    assert a.records[ids["topic"]]["text"] == WORRY
    # The speaker rewords until the partner has said back what they heard.
    s.mutate("weekly.raise", id=ids["topic"], week=week, text=WORRY + " I miss you.")
    s.sync()
    a.mutate("weekly.summarise", id=ids["reply"], week=week, summary=HEARD)
    a.sync()
    mid = s.mutate("weekly.raise", id=ids["topic"], week=week, text="Something else")
    s.sync()
    assert refusal(s, mid) == "summarised"
    assert s.records[ids["topic"]]["text"] == WORRY + " I miss you."


def test_nothing_to_answer_before_something_is_raised(make_couple, device):
    alex, sam = make_couple()
    a = device(alex)
    week = this_week(alex, sam)
    ids = ids_of(alex, week)
    for name, field in (("weekly.summarise", "summary"), ("weekly.answer", "answer")):
        mid = a.mutate(name, id=ids["reply"], week=week, **{field: "Words"})
        a.sync()
        assert refusal(a, mid) == "no_topic"
    assert a.records == {}


# Each with the field its refusal names ("_body": the note as a whole).
BAD = [
    ("weekly.write", {"week": "not a day", "went_well": "x"}, "week"),
    ("weekly.write", {"appreciations": ["one"] * 6}, "appreciations"),
    ("weekly.write", {"appreciations": [""]}, "appreciations.0"),
    ("weekly.write", {"went_well": "", "loved": "", "appreciations": []}, "_body"),
    ("weekly.write", {"went_well": "x" * 2001}, "went_well"),
    ("weekly.write", {"went_well": "x", "visibility": "everyone"}, "visibility"),
    ("weekly.write", {"loved": "a\x00b"}, "loved"),
    ("weekly.raise", {"text": "   "}, "text"),
    ("weekly.raise", {"text": 7}, "text"),
    ("weekly.confirm", {"heard": "maybe"}, "heard"),
    ("weekly.summarise", {"summary": None}, "summary"),
    ("weekly.answer", {"answer": ["x"]}, "answer"),
]


def test_bad_input_is_refused_with_the_field_and_changes_nothing(app, make_couple, device):
    alex, _, a, _, week, _ = raised(make_couple, device)
    before = db_snapshot(app)
    for name, sent, field in BAD:
        args = {"id": str(uuid.uuid4()), "week": week.isoformat(), **sent}
        mid = a.mutate(name, **args)
        a.push()
        result = a.results[mid]
        assert result["status"] == "rejected", (name, sent)
        assert result["error"]["code"] == "invalid", (name, sent, result)
        assert list(result["error"]["fields"]) == [field], (name, sent, result)
    # Not a Monday.
    mid = write(a, alex, week + timedelta(days=1), went_well="x")
    a.push()
    assert a.results[mid]["error"]["fields"] == {"week": "Not a Monday."}
    after = db_snapshot(app)
    # Pushes move the space's version on; no record changed.
    assert after["records"] == before["records"]
