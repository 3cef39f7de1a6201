"""Promises made as steps of a repair: only in a shared repair that is open."""

from __future__ import annotations

import uuid

import pytest

from tests.repairs.helpers import open_repair, refusal


def promise_in(dev, repair_id: str, text: str = "Ask, not look") -> tuple[str, int]:
    """Queue a promise linked to the repair; return its id and the mutation's."""
    promise_id = str(uuid.uuid4())
    return promise_id, dev.mutate("promise.make", id=promise_id, text=text, repair_id=repair_id)


@pytest.fixture
def couple(make_couple, device):
    alex, sam = make_couple()
    a, s = device(alex), device(sam)
    repair_id = open_repair(s, hurt="me")
    s.sync()
    a.pull()
    return alex, sam, a, s, repair_id


def test_a_promise_made_in_a_repair_names_it_for_both(couple):
    alex, _sam, a, s, repair_id = couple
    linked, _ = promise_in(a, repair_id)
    plain = str(uuid.uuid4())
    a.mutate("promise.make", id=plain, text="Call Mum")
    a.sync()
    s.pull()
    for dev in (a, s):
        assert dev.records[linked]["repair_id"] == repair_id
        assert dev.records[linked]["promiser"] == alex.id
        assert dev.records[linked]["state"] == "open"
        assert "repair_id" not in dev.records[plain]
    # Its rules are a promise's: Alex marks it done, Sam confirms it kept.
    a.mutate("promise.done", id=linked)
    a.sync()
    s.pull()
    s.mutate("promise.confirm", id=linked)
    s.sync()
    assert s.records[linked]["state"] == "kept"
    assert s.records[linked]["repair_id"] == repair_id


def test_a_promise_needs_a_repair_that_is_there_shared_and_open(couple):
    _alex, _sam, a, s, repair_id = couple
    sams_draft = open_repair(s, visibility="private")
    s.sync()
    alexs_draft = open_repair(a, hurt="partner", visibility="private")
    a.sync()
    unknown = str(uuid.uuid4())
    tries = {
        "unknown": promise_in(a, unknown)[1],
        "partner's draft": promise_in(a, sams_draft)[1],
        "own draft": promise_in(a, alexs_draft)[1],
    }
    a.sync()
    answers = {name: a.results[n]["error"] for name, n in tries.items()}
    # The partner's draft is answered exactly as a repair that does not exist.
    assert answers["partner's draft"] == answers["unknown"]
    assert answers["unknown"]["code"] == "not_found"
    assert answers["unknown"]["fields"] == {"repair_id": "No such repair."}
    assert answers["own draft"]["code"] == "repair_private"
    assert a.of_kind("promise") == []

    s.mutate("repair.set_aside", id=repair_id)
    s.sync()
    a.pull()
    _, aside = promise_in(a, repair_id)
    a.sync()
    assert refusal(a, aside) == "repair_closed"
    a.mutate("repair.reopen", id=repair_id)
    s.mutate("repair.move_forward", id=repair_id, keep_as="repair")
    a.sync()
    s.sync()
    _, moved = promise_in(a, repair_id)
    a.sync()
    assert refusal(a, moved) == "repair_closed"
    assert a.of_kind("promise") == []


def test_a_promise_cannot_link_a_repair_of_an_earlier_couple(make_couple, make_user, device):
    alex, _sam = make_couple()
    a = device(alex)
    repair_id = open_repair(a, hurt="partner")
    a.sync()
    alex.client.post("/api/pairing/unpair")
    blair = make_user("Blair")
    code = alex.client.post("/api/pairing/invites").json["code"]
    assert blair.client.post("/api/pairing/accept", json={"code": code}).status_code == 200
    a.pull()
    assert a.records[repair_id]["archived"] is True
    _, tried = promise_in(a, repair_id)
    a.sync()
    assert refusal(a, tried) == "archived"


def test_a_repair_id_that_is_no_id_is_refused_by_name(couple):
    _alex, _sam, a, _s, _repair_id = couple
    _, tried = promise_in(a, "not-a-uuid")
    a.sync()
    assert a.results[tried]["error"]["code"] == "invalid"
    assert "repair_id" in a.results[tried]["error"]["fields"]
