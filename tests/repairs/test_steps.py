"""A repair walked through by both partners: each step by its partner, in an open repair."""

from __future__ import annotations

import uuid

import pytest

from tests.repairs.helpers import (
    ACKNOWLEDGE,
    APOLOGY,
    entries_of,
    open_repair,
    refusal,
    write,
)
from tests.sync.client import server_view


@pytest.fixture
def couple(make_couple, device):
    """Alex and Sam, each with a phone; Sam was hurt and opened a shared repair."""
    alex, sam = make_couple()
    a, s = device(alex), device(sam)
    repair_id = open_repair(s, hurt="me", title="Phones")
    s.sync()
    a.pull()
    return alex, sam, a, s, repair_id


def test_both_partners_walk_the_steps_and_read_each_others_words(app, couple):
    alex, sam, a, s, repair_id = couple
    repair = a.records[repair_id]
    assert repair["hurt_id"] == sam.id and repair["author_id"] == sam.id
    assert repair["state"] == "open" and repair["title"] == "Phones"
    assert repair["rhythm"] is None and repair["kept_as"] is None
    assert [(h["event"], h["by"]) for h in repair["history"]] == [("opened", sam.id)]

    write(s, repair_id, "acknowledge", ACKNOWLEDGE, visibility="shared")
    s.sync()
    a.pull()
    write(a, repair_id, "reflect", {"heard": "You felt watched."}, visibility="shared")
    a.sync()
    s.pull()
    not_quite = {"heard": "not_quite", "missed": "And small."}
    write(s, repair_id, "confirm", not_quite, visibility="shared")
    s.sync()
    a.pull()
    write(a, repair_id, "reflect", {"heard": "Watched, and small."}, visibility="shared")
    a.sync()
    s.pull()
    write(s, repair_id, "confirm", {"heard": "yes"}, visibility="shared")
    s.sync()
    a.pull()
    write(a, repair_id, "apology", APOLOGY, visibility="shared")
    a.sync()
    s.pull()
    write(s, repair_id, "answer", {"ready": "not_yet"}, visibility="shared")
    s.sync()
    a.pull()

    for dev, user in ((a, alex), (s, sam)):
        entries = entries_of(dev, repair_id)
        assert [(e["step"], e["author_id"]) for e in entries] == [
            ("acknowledge", sam.id),
            ("reflect", alex.id),
            ("confirm", sam.id),
            ("reflect", alex.id),
            ("confirm", sam.id),
            ("apology", alex.id),
            ("answer", sam.id),
        ]
        assert entries[0]["parts"] == ACKNOWLEDGE
        assert entries[2]["parts"] == not_quite
        assert entries[4]["parts"] == {"heard": "yes", "missed": ""}
        assert entries[5]["parts"] == APOLOGY
        # "Not ready to forgive yet" is an answer like any other.
        assert entries[6]["parts"] == {"text": "", "ready": "not_yet"}
        assert all(e["revisions"] == [] for e in entries)
        assert dev.records == server_view(app, user.id)


STEPS_BY_ROLE = {
    "acknowledge": ("sam", {"felt": "Hurt."}),
    "confirm": ("sam", {"heard": "yes"}),
    "answer": ("sam", {"ready": "unsure", "text": "I am getting there."}),
    "reflect": ("alex", {"heard": "You felt hurt."}),
    "apology": ("alex", {"did": "I looked.", "responsibility": "Mine."}),
}


@pytest.mark.parametrize("step", STEPS_BY_ROLE)
def test_each_step_is_written_by_its_partner_only(couple, step):
    _alex, _sam, a, s, repair_id = couple
    writer, parts = STEPS_BY_ROLE[step]
    mine, theirs = (s, a) if writer == "sam" else (a, s)
    theirs.pull()
    refused = theirs.next_mutation_id
    write(theirs, repair_id, step, parts, visibility="shared")
    theirs.sync()
    assert refusal(theirs, refused) == "not_your_step"
    assert entries_of(theirs, repair_id) == []
    written = mine.next_mutation_id
    write(mine, repair_id, step, parts, visibility="shared")
    mine.sync()
    assert refusal(mine, written) is None
    assert [e["step"] for e in entries_of(mine, repair_id)] == [step]


def test_either_partner_adds_words_to_a_rhythm(couple):
    _alex, _sam, a, s, repair_id = couple
    for dev in (a, s):
        write(dev, repair_id, "rhythm_note", {"text": "Evenings suit me."}, visibility="shared")
        dev.sync()
    a.pull()
    assert [e["step"] for e in entries_of(a, repair_id)] == ["rhythm_note", "rhythm_note"]


def test_the_partner_who_opens_a_repair_can_name_the_other_as_hurt(make_couple, device):
    alex, sam = make_couple()
    a, s = device(alex), device(sam)
    repair_id = open_repair(a, hurt="partner")
    a.sync()
    s.pull()
    assert s.records[repair_id]["hurt_id"] == sam.id
    made = s.next_mutation_id
    write(s, repair_id, "acknowledge", {"felt": "Let down."}, visibility="shared")
    refused = a.next_mutation_id
    write(a, repair_id, "acknowledge", {"felt": "Sorry."}, visibility="shared")
    s.sync()
    a.sync()
    assert refusal(s, made) is None and refusal(a, refused) == "not_your_step"


BAD_PARTS = [
    ("acknowledge", {}, "parts"),
    ("acknowledge", {"felt": "   "}, "parts"),
    ("acknowledge", {"felt": "Hurt.", "did": "x"}, "parts.did"),
    ("confirm", {}, "parts.heard"),
    ("confirm", {"heard": "maybe"}, "parts.heard"),
    ("confirm", {"heard": "not_quite"}, "parts.missed"),
    ("answer", {"text": "Thank you."}, "parts.ready"),
    ("answer", {"ready": "later"}, "parts.ready"),
    ("reflect", {"heard": ""}, "parts.heard"),
    ("apology", {"did": "I looked."}, "parts.responsibility"),
    ("rhythm_note", {}, "parts.text"),
    ("acknowledge", {"felt": "x" * 4001}, "parts.felt"),
    ("acknowledge", {"mood": "low"}, "parts.mood"),
    ("closing", {"text": "x"}, "step"),
]


@pytest.mark.parametrize(("step", "parts", "field"), BAD_PARTS)
def test_parts_that_do_not_fit_the_step_are_refused_by_name(couple, step, parts, field):
    _alex, _sam, _a, s, repair_id = couple
    tried = s.next_mutation_id
    write(s, repair_id, step, parts)
    s.sync()
    error = s.results[tried]["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"], error
    assert entries_of(s, repair_id) == []


def test_a_shared_entry_edited_keeps_what_it_said_and_its_step(couple):
    _alex, _sam, a, s, repair_id = couple
    entry_id = write(s, repair_id, "acknowledge", {"felt": "Hurt."}, visibility="shared")
    s.sync()
    write(s, repair_id, "acknowledge", {"felt": "Hurt, and alone."}, entry_id=entry_id)
    other_step = s.next_mutation_id
    write(s, repair_id, "confirm", {"heard": "yes"}, entry_id=entry_id)
    s.sync()
    a.pull()
    entry = a.records[entry_id]
    assert entry["parts"]["felt"] == "Hurt, and alone."
    assert entry["visibility"] == "shared"  # an edit without visibility keeps it
    assert [r["parts"]["felt"] for r in entry["revisions"]] == ["Hurt."]
    assert s.results[other_step]["error"]["fields"] == {"step": "Not its step."}


def test_a_drafts_earlier_wordings_are_not_kept_when_it_is_shared(couple):
    _alex, _sam, a, s, repair_id = couple
    entry_id = write(s, repair_id, "acknowledge", {"felt": "Furious, honestly."})
    s.sync()
    write(s, repair_id, "acknowledge", {"felt": "Hurt."}, entry_id=entry_id)
    s.mutate("record.share", kind="repair_entry", id=entry_id)
    s.sync()
    a.pull()
    assert a.records[entry_id]["parts"]["felt"] == "Hurt."
    assert a.records[entry_id]["revisions"] == []
    assert "Furious" not in str(a.records)


def test_shared_words_stay_shared(couple):
    _alex, _sam, a, s, repair_id = couple
    entry_id = write(s, repair_id, "acknowledge", {"felt": "Hurt."}, visibility="shared")
    s.sync()
    back = s.next_mutation_id
    write(
        s,
        repair_id,
        "acknowledge",
        {"felt": "Never mind."},
        entry_id=entry_id,
        visibility="private",
    )
    s.sync()
    a.pull()
    assert refusal(s, back) == "already_shared"
    assert a.records[entry_id]["parts"]["felt"] == "Hurt."


def test_an_entry_edited_again_at_its_50_revisions_keeps_the_newest(couple):
    _alex, _sam, _a, s, repair_id = couple
    entry_id = write(s, repair_id, "acknowledge", {"felt": "Wording 0"}, visibility="shared")
    for n in range(1, 56):
        write(s, repair_id, "acknowledge", {"felt": f"Wording {n}"}, entry_id=entry_id)
    s.sync()
    entry = s.records[entry_id]
    assert entry["parts"]["felt"] == "Wording 55"
    assert [r["parts"]["felt"] for r in entry["revisions"]] == [
        f"Wording {n}" for n in range(5, 55)
    ]


def test_a_set_aside_repair_refuses_writing_until_reopened(couple):
    alex, _sam, a, s, repair_id = couple
    entry_id = write(s, repair_id, "acknowledge", {"felt": "Hurt."}, visibility="shared")
    s.sync()
    a.mutate("repair.set_aside", id=repair_id)
    a.sync()
    s.pull()
    assert s.records[repair_id]["state"] == "set_aside"
    assert s.records[repair_id]["set_aside_at"] is not None
    first = s.next_mutation_id
    new_id = write(s, repair_id, "acknowledge", {"felt": "More."})
    write(s, repair_id, "acknowledge", {"felt": "Edited."}, entry_id=entry_id)
    s.mutate("repair.rhythm", id=repair_id, daily_days=7, then="weekly")
    s.sync()
    assert [refusal(s, n) for n in range(first, first + 3)] == ["repair_closed"] * 3
    assert new_id not in s.records
    assert s.records[entry_id]["parts"]["felt"] == "Hurt."

    s.mutate("repair.reopen", id=repair_id)
    write(s, repair_id, "acknowledge", {"felt": "Edited."}, entry_id=entry_id)
    s.sync()
    repair = s.records[repair_id]
    assert repair["state"] == "open" and repair["set_aside_at"] is None
    assert s.records[entry_id]["parts"]["felt"] == "Edited."
    assert [(h["event"], h["by"]) for h in repair["history"]][1:] == [
        ("set_aside", alex.id),
        ("reopened", repair["hurt_id"]),
    ]


def test_the_hurt_partner_alone_moves_the_repair_forward(couple):
    alex, sam, a, s, repair_id = couple
    tried = a.mutate("repair.move_forward", id=repair_id, keep_as="repair")
    a.sync()
    assert refusal(a, tried) == "not_hurt_partner"
    assert a.records[repair_id]["state"] == "open"

    s.mutate("repair.move_forward", id=repair_id, note="We talk first now.", keep_as="memory")
    s.sync()
    a.pull()
    repair = a.records[repair_id]
    assert repair["state"] == "moved_forward"
    assert repair["closing_note"] == "We talk first now." and repair["kept_as"] == "memory"
    assert repair["moved_forward_at"] is not None
    assert repair["history"][-1]["event"] == "moved_forward"
    assert repair["history"][-1]["by"] == sam.id

    # Closed: no writing, no rhythm, not set aside; either partner may reopen it.
    refused = [
        a.mutate(
            "repair.write",
            id=str(uuid.uuid4()),
            repair_id=repair_id,
            step="reflect",
            parts={"heard": "Late words."},
        ),
        a.mutate("repair.rhythm", id=repair_id, daily_days=3, then="none"),
        a.mutate("repair.set_aside", id=repair_id),
        s.mutate("repair.move_forward", id=repair_id, note="Another note.", keep_as="memory"),
    ]
    again = s.mutate(
        "repair.move_forward", id=repair_id, note="We talk first now.", keep_as="memory"
    )
    a.sync()
    s.sync()
    codes = [
        refusal(a, refused[0]),
        refusal(a, refused[1]),
        refusal(a, refused[2]),
        refusal(s, refused[3]),
    ]
    assert codes == ["repair_closed", "repair_closed", "wrong_state", "wrong_state"]
    assert refusal(s, again) is None  # the same words from a second phone change nothing

    a.mutate("repair.reopen", id=repair_id)
    a.sync()
    s.pull()
    repair = s.records[repair_id]
    assert repair["state"] == "open" and repair["moved_forward_at"] is None
    assert repair["kept_as"] is None and repair["closing_note"] == "We talk first now."
    assert repair["history"][-1] == {**repair["history"][-1], "event": "reopened", "by": alex.id}


def test_a_repair_set_aside_can_be_moved_forward_by_the_hurt_partner(couple):
    _alex, _sam, _a, s, repair_id = couple
    s.mutate("repair.set_aside", id=repair_id)
    s.mutate("repair.move_forward", id=repair_id, keep_as="repair")
    s.sync()
    assert s.records[repair_id]["state"] == "moved_forward"
    assert [h["event"] for h in s.records[repair_id]["history"]] == [
        "opened",
        "set_aside",
        "moved_forward",
    ]


def test_a_rhythm_is_proposed_then_agreed_by_the_other_partner(couple):
    alex, sam, a, s, repair_id = couple
    nothing = a.mutate("repair.agree_rhythm", id=repair_id)
    a.sync()
    assert refusal(a, nothing) == "no_rhythm"

    s.mutate("repair.rhythm", id=repair_id, daily_days=14, then="weekly")
    s.sync()
    a.pull()
    assert a.records[repair_id]["rhythm"] == {
        "daily_days": 14,
        "then": "weekly",
        "proposed_by": sam.id,
        "agreed_by": [sam.id],
    }
    a.mutate("repair.agree_rhythm", id=repair_id, daily_days=14, then="weekly")
    a.sync()
    s.pull()
    assert s.records[repair_id]["rhythm"]["agreed_by"] == [sam.id, alex.id]
    assert [h["event"] for h in s.records[repair_id]["history"]][-2:] == [
        "rhythm_proposed",
        "rhythm_agreed",
    ]

    # A new proposal replaces the agreed one and waits for the other's agreement again.
    a.mutate("repair.rhythm", id=repair_id, daily_days=0, then="weekly")
    a.sync()
    s.pull()
    assert s.records[repair_id]["rhythm"]["agreed_by"] == [alex.id]
    assert s.records[repair_id]["rhythm"]["proposed_by"] == alex.id


def test_agreeing_to_a_rhythm_that_changed_unseen_is_refused(couple):
    _alex, sam, a, s, repair_id = couple
    s.mutate("repair.rhythm", id=repair_id, daily_days=14, then="weekly")
    s.sync()
    a.pull()
    # Offline, Alex agrees to what was proposed; Sam meanwhile proposes something else.
    agreed = a.mutate("repair.agree_rhythm", id=repair_id, daily_days=14, then="weekly")
    s.mutate("repair.rhythm", id=repair_id, daily_days=30, then="none")
    s.sync()
    a.sync()
    assert refusal(a, agreed) == "stale_rhythm"
    assert a.records[repair_id]["rhythm"]["agreed_by"] == [sam.id]


def test_proposing_the_same_rhythm_again_changes_nothing(couple):
    _alex, _sam, _a, s, repair_id = couple
    s.mutate("repair.rhythm", id=repair_id, daily_days=14, then="weekly")
    s.sync()
    before = s.records[repair_id]
    s.mutate("repair.rhythm", id=repair_id, daily_days=14, then="weekly")
    s.mutate("repair.agree_rhythm", id=repair_id)
    s.sync()
    assert s.records[repair_id] == before


def test_a_repair_needs_a_partner(make_user, device):
    alone = device(make_user("Alone"))
    tried = alone.mutate("repair.open", id=str(uuid.uuid4()), hurt="me")
    alone.sync()
    assert refusal(alone, tried) == "needs_partner"
    assert alone.of_kind("repair") == []


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"hurt": "both"}, "hurt"),
        ({"hurt": "me", "title": "x" * 121}, "title"),
        ({"hurt": "me", "visibility": "secret"}, "visibility"),
        ({}, "hurt"),
    ],
)
def test_opening_with_bad_arguments_is_refused_by_name(make_couple, device, args, field):
    alex, _ = make_couple()
    a = device(alex)
    tried = a.mutate("repair.open", id=str(uuid.uuid4()), **args)
    a.sync()
    assert a.results[tried]["error"]["code"] == "invalid"
    assert field in a.results[tried]["error"]["fields"]
    assert a.of_kind("repair") == []


@pytest.mark.parametrize(
    ("name", "args", "field"),
    [
        ("repair.rhythm", {"daily_days": 61, "then": "weekly"}, "daily_days"),
        ("repair.rhythm", {"daily_days": -1, "then": "weekly"}, "daily_days"),
        ("repair.rhythm", {"daily_days": "7", "then": "weekly"}, "daily_days"),
        ("repair.rhythm", {"daily_days": 7, "then": "monthly"}, "then"),
        ("repair.agree_rhythm", {"then": "daily"}, "then"),
        ("repair.move_forward", {"keep_as": "photo"}, "keep_as"),
        ("repair.move_forward", {"keep_as": "repair", "note": "x" * 2001}, "note"),
    ],
)
def test_repair_changes_with_bad_arguments_are_refused_by_name(couple, name, args, field):
    _alex, _sam, _a, s, repair_id = couple
    before = dict(s.records[repair_id])
    tried = s.mutate(name, id=repair_id, **args)
    s.sync()
    assert s.results[tried]["error"]["code"] == "invalid"
    assert field in s.results[tried]["error"]["fields"]
    assert s.records[repair_id] == before


def test_a_draft_repair_shares_once_and_its_entries_only_after_it(couple):
    alex, sam, a, s, _shared = couple
    repair_id = open_repair(s, visibility="private", title="Not yet")
    entry_id = write(s, repair_id, "acknowledge", {"felt": "Hurt."})
    early = s.mutate("record.share", kind="repair_entry", id=entry_id)
    early_write = s.next_mutation_id
    write(s, repair_id, "acknowledge", {"saw": "Seen."}, visibility="shared")
    s.sync()
    a.pull()
    assert refusal(s, early) == "repair_private"
    assert refusal(s, early_write) == "repair_private"
    assert repair_id not in a.records and entry_id not in a.records

    s.mutate("record.share", kind="repair", id=repair_id)
    s.mutate("record.share", kind="repair_entry", id=entry_id)
    s.sync()
    a.pull()
    assert a.records[repair_id]["title"] == "Not yet"
    assert [(h["event"], h["by"]) for h in a.records[repair_id]["history"]] == [
        ("opened", sam.id),
        ("shared", sam.id),
    ]
    assert a.records[entry_id]["parts"]["felt"] == "Hurt."
    # Only its author shares a record.
    mine = write(a, repair_id, "reflect", {"heard": "You were hurt."})
    a.sync()
    tried = s.mutate("record.share", kind="repair_entry", id=mine)
    s.sync()
    assert refusal(s, tried) == "not_found"
    assert a.records[mine]["author_id"] == alex.id
