"""Bad arguments to the repair mutations (and a promise's repair_id): refused, nothing changed."""

from __future__ import annotations

import uuid

import pytest

from tests.conftest import db_snapshot
from tests.repairs.helpers import ACKNOWLEDGE, APOLOGY, open_repair, write
from tests.test_bad_input import BAD_VALUES

REPAIR = str(uuid.uuid4())
ENTRY = str(uuid.uuid4())

# A valid set of arguments per mutation, to spoil one field at a time.
VALID = {
    "repair.open": {
        "id": str(uuid.uuid4()),
        "hurt": "me",
        "title": "Phones",
        "visibility": "shared",
    },
    "repair.write": {
        "id": str(uuid.uuid4()),
        "repair_id": REPAIR,
        "step": "acknowledge",
        "parts": {"saw": "You read my messages."},
        "visibility": "shared",
    },
    "repair.rhythm": {"id": REPAIR, "daily_days": 14, "then": "weekly"},
    "repair.agree_rhythm": {"id": REPAIR, "daily_days": 14, "then": "weekly"},
    "repair.move_forward": {"id": REPAIR, "note": "We talk first now.", "keep_as": "memory"},
    "repair.set_aside": {"id": REPAIR},
    "repair.reopen": {"id": REPAIR},
    "record.share": {"kind": "repair_entry", "id": ENTRY},
    "promise.make": {"id": str(uuid.uuid4()), "text": "Ask, not look", "repair_id": REPAIR},
}

# Fields that may go unsaid (for agree_rhythm, the proposal seen).
OPTIONAL = {
    ("repair.open", "title"),
    ("repair.open", "visibility"),
    ("repair.write", "visibility"),
    ("repair.agree_rhythm", "daily_days"),
    ("repair.agree_rhythm", "then"),
    ("repair.move_forward", "note"),
    ("promise.make", "repair_id"),
}

# Parts that no step takes, or that break a step's own rules.
BAD_PARTS = [
    ("acknowledge", {}),
    ("acknowledge", {"saw": "", "felt": "  "}),
    ("acknowledge", {"heard": "a part of another step"}),
    ("reflect", {"heard": ""}),
    ("confirm", {"heard": "maybe"}),
    ("confirm", {"heard": "not_quite"}),
    ("apology", {"did": "I looked.", "impact": "no responsibility part"}),
    ("answer", {"text": "no choice made"}),
    ("answer", {"ready": "never"}),
    ("rhythm_note", {"text": "x" * 4001}),
    ("no_such_step", {"text": "hello"}),
]


@pytest.fixture
def repair_space(make_couple, device):
    """A couple with a shared repair (Sam was hurt) and Sam's acknowledgement, as a phone has it."""
    alex, sam = make_couple()
    s = device(sam)
    global_repair = open_repair(s, title="Phones")
    entry = write(s, global_repair, "acknowledge", ACKNOWLEDGE, visibility="shared")
    s.sync()
    return alex, sam, s, {REPAIR: global_repair, ENTRY: entry}


def _pointed(args: dict, ids: dict) -> dict:
    """The arguments with the placeholder ids replaced by the real ones."""
    return {k: ids.get(v, v) if isinstance(v, str) else v for k, v in args.items()}


def _push(user, mutations: list[tuple[str, object]], per_push: int = 100) -> list[dict]:
    client_id = uuid.uuid4().hex
    batch = [{"id": n, "name": name, "args": args} for n, (name, args) in enumerate(mutations, 1)]
    results = []
    for start in range(0, len(batch), per_push):
        response = user.client.post(
            "/api/sync/push",
            json={
                "client_id": client_id,
                "schema_version": 1,
                "mutations": batch[start:][:per_push],
            },
        )
        assert response.status_code == 200, response.json
        results += response.json["results"]
    return results


def test_every_field_of_every_repair_mutation_refuses_bad_values(app, repair_space):
    _alex, sam, _s, ids = repair_space
    tries = []
    for name, valid in VALID.items():
        args = _pointed(valid, ids)
        for field in args:
            for bad in BAD_VALUES:
                tries.append((name, field, {**args, field: bad}))
            tries.append((name, field, {k: v for k, v in args.items() if k != field}))
        tries.append((name, "surprise", {**args, "surprise": 1}))
    before = db_snapshot(app)
    # A few at a time: the longest bad value is 100 000 characters.
    results = _push(sam, [(name, args) for name, _field, args in tries], per_push=8)
    for (name, field, args), result in zip(tries, results, strict=True):
        if (name, field) in OPTIONAL and field not in args:
            assert result["status"] != "error", (name, field)
            continue
        assert result["status"] == "rejected", (name, field, args, result)
        assert result["error"]["code"] in {"invalid", "not_found"}, (name, field, result)
        if result["error"]["code"] == "invalid" and field:
            assert any(k.split(".")[0] == field for k in result["error"]["fields"]), (name, result)
    after = db_snapshot(app)
    changed = {t for t in after if after[t] != before[t]}
    # Only what optional fields left out could change, and only the repair itself.
    assert changed <= {"sync_clients", "spaces", "records", "record_changes"}, changed


@pytest.mark.parametrize("not_args", [None, [], "repair", 7])
def test_arguments_that_are_not_an_object_are_refused(app, repair_space, not_args):
    _alex, sam, _s, _ids = repair_space
    before = db_snapshot(app)
    response = sam.client.post(
        "/api/sync/push",
        json={
            "client_id": uuid.uuid4().hex,
            "schema_version": 1,
            "mutations": [
                {"id": n, "name": name, "args": not_args} for n, name in enumerate(VALID, 1)
            ],
        },
    )
    assert response.status_code in (200, 422), response.json
    if response.status_code == 200:
        assert {r["status"] for r in response.json["results"]} == {"rejected"}
    after = db_snapshot(app)
    assert {t for t in after if after[t] != before[t]} <= {"sync_clients", "spaces"}


def test_parts_that_break_a_steps_rules_are_refused_naming_them(app, repair_space):
    alex, _sam, _s, ids = repair_space
    before = db_snapshot(app)
    results = _push(
        alex,
        [
            (
                "repair.write",
                {"id": str(uuid.uuid4()), "repair_id": ids[REPAIR], "step": step, "parts": parts},
            )
            for step, parts in BAD_PARTS
        ],
    )
    for (step, parts), result in zip(BAD_PARTS, results, strict=True):
        assert result["status"] == "rejected", (step, parts)
        assert result["error"]["code"] == "invalid", (step, result)
        assert result["error"]["fields"], (step, result)
    after = db_snapshot(app)
    assert {t for t in after if after[t] != before[t]} <= {"sync_clients", "spaces"}


def test_a_repair_mutation_naming_what_is_not_a_repair_is_refused(make_couple, device):
    alex, sam = make_couple()
    a, s = device(alex), device(sam)
    repair_id = open_repair(s, title="Phones")
    entry = write(s, repair_id, "acknowledge", ACKNOWLEDGE, visibility="shared")
    s.sync()
    a.pull()
    promise = str(uuid.uuid4())
    a.mutate("promise.make", id=promise, text="Ask first")
    a.sync()
    tries = [
        ("repair.set_aside", {"id": entry}),
        ("repair.reopen", {"id": promise}),
        ("repair.rhythm", {"id": str(uuid.uuid4()), "daily_days": 7, "then": "none"}),
        (
            "repair.write",
            {"id": str(uuid.uuid4()), "repair_id": promise, "step": "apology", "parts": APOLOGY},
        ),
        ("promise.make", {"id": str(uuid.uuid4()), "text": "Ask", "repair_id": entry}),
        ("record.share", {"kind": "repair", "id": entry}),
    ]
    results = _push(alex, tries)
    for (name, args), result in zip(tries, results, strict=True):
        assert result["status"] == "rejected", (name, args, result)
        assert result["error"]["code"] in {"not_found", "invalid"}, (name, result)
    a.pull()
    assert a.records[repair_id]["state"] == "open"
