"""Unpairing: each partner keeps their own words of a repair, read-only, and never the other's."""

from __future__ import annotations

import json
import uuid

from tests.repairs.helpers import ACKNOWLEDGE, APOLOGY, open_repair, refusal, write
from tests.sync.client import server_view


def pair(inviter, partner) -> None:
    code = inviter.client.post("/api/pairing/invites").json["code"]
    response = partner.client.post("/api/pairing/accept", json={"code": code})
    assert response.status_code == 200, response.json


def a_repair_in_progress(make_couple, device):
    """Sam (hurt) and Alex write in a shared repair, each with a draft; then Alex unpairs."""
    alex, sam = make_couple()
    a, s = device(alex), device(sam)
    ids = {"repair": open_repair(s, title="Phones")}
    ids["sam_shared"] = write(s, ids["repair"], "acknowledge", ACKNOWLEDGE, visibility="shared")
    ids["sam_draft"] = write(s, ids["repair"], "confirm", {"heard": "not_quite", "missed": "Sam x"})
    ids["sam_draft_repair"] = open_repair(s, visibility="private", title="Sam's own")
    s.sync()
    a.pull()
    ids["alex_shared"] = write(
        a, ids["repair"], "reflect", {"heard": "Alex heard"}, visibility="shared"
    )
    ids["alex_draft"] = write(a, ids["repair"], "apology", APOLOGY)
    ids["promise"] = str(uuid.uuid4())
    a.mutate("promise.make", id=ids["promise"], text="Ask, not look", repair_id=ids["repair"])
    a.sync()
    s.pull()
    assert a.results[a.next_mutation_id - 1]["status"] == "applied"
    assert a.records[ids["promise"]]["repair_id"] == ids["repair"]
    response = alex.client.post("/api/pairing/unpair")
    assert response.status_code == 200, response.json
    a.pull()
    s.pull()
    return alex, sam, a, s, ids


def test_unpairing_keeps_each_ones_own_words_and_never_the_others(app, make_couple, device):
    alex, sam, a, s, ids = a_repair_in_progress(make_couple, device)
    sams = {"repair", "sam_shared", "sam_draft", "sam_draft_repair", "promise"}
    alexs = {"repair", "alex_shared", "alex_draft", "promise"}
    assert set(s.records) == {ids[name] for name in sams}
    assert set(a.records) == {ids[name] for name in alexs}
    for dev, user in ((a, alex), (s, sam)):
        assert dev.records == server_view(app, user.id)
        assert all(r["archived"] for r in dev.records.values())
    # Words are kept as they were; the repair names who was hurt and who first wrote it.
    assert s.records[ids["sam_shared"]]["parts"] == ACKNOWLEDGE
    assert a.records[ids["alex_draft"]]["parts"] == APOLOGY
    assert a.records[ids["repair"]]["hurt_id"] == sam.id
    assert a.records[ids["repair"]]["originally_by"] == sam.id
    assert "originally_by" not in s.records[ids["repair"]]
    assert "Sam x" not in json.dumps(a.records) and "Alex heard" not in json.dumps(s.records)


def test_a_kept_repair_is_read_only(make_couple, device):
    _alex, _sam, a, s, ids = a_repair_in_progress(make_couple, device)
    tried = [
        s.mutate("repair.move_forward", id=ids["repair"], keep_as="repair"),
        s.mutate("repair.set_aside", id=ids["repair"]),
        s.mutate("repair.reopen", id=ids["repair"]),
        s.mutate("repair.rhythm", id=ids["repair"], daily_days=7, then="weekly"),
        s.mutate("repair.agree_rhythm", id=ids["repair"]),
        s.mutate("record.share", kind="repair", id=ids["sam_draft_repair"]),
        s.mutate("record.share", kind="repair_entry", id=ids["sam_draft"]),
    ]
    edit = s.next_mutation_id
    write(s, ids["repair"], "confirm", {"heard": "yes"}, entry_id=ids["sam_draft"])
    new = s.next_mutation_id
    write(s, ids["repair"], "confirm", {"heard": "yes"})
    before = dict(s.records)
    s.sync()
    assert [refusal(s, n) for n in [*tried, edit, new]] == ["archived"] * (len(tried) + 2)
    assert s.records == before
    assert a.of_kind("repair")[0]["state"] == "open"


def test_partners_pairing_again_each_find_their_words_under_the_repair_they_kept(
    app, make_couple, device
):
    alex, sam, a, s, _ = a_repair_in_progress(make_couple, device)
    pair(alex, sam)
    a.pull()
    s.pull()
    kept = []
    for dev, user in ((a, alex), (s, sam)):
        assert dev.records == server_view(app, user.id)
        assert all(r["author_id"] == user.id for r in dev.records.values())
        [repair] = [r for r in dev.of_kind("repair") if r["title"] == "Phones"]
        linked = [r for r in dev.records.values() if r["kind"] in ("repair_entry", "promise")]
        assert len(linked) >= 3 and all(r["repair_id"] == repair["id"] for r in linked)
        kept.append(repair["id"])
    # Both kept the repair: two copies, each private to its keeper.
    assert kept[0] != kept[1]


def test_a_new_partner_sees_nothing_of_an_earlier_repair(app, make_couple, make_user, device):
    alex, _sam, a, _s, ids = a_repair_in_progress(make_couple, device)
    blair = make_user("Blair")
    pair(alex, blair)
    b = device(blair)
    b.pull()
    a.pull()
    assert b.records == {}
    assert {ids[n] for n in ("repair", "alex_shared", "alex_draft", "promise")} == set(a.records)
    tried = b.mutate(
        "repair.write",
        id=str(uuid.uuid4()),
        repair_id=ids["repair"],
        step="acknowledge",
        parts={"felt": "?"},
    )
    b.sync()
    assert refusal(b, tried) == "not_found"
    assert b.records == server_view(app, blair.id) == {}
