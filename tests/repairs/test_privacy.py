"""A repair's words are their author's: drafts never reach the partner, nobody edits another's."""

from __future__ import annotations

import json
import uuid

from tests.conftest import db_snapshot
from tests.live.test_events import PROMPT, first_poke
from tests.repairs.helpers import ACKNOWLEDGE, open_repair, refusal, write
from tests.sync.client import SyncTestClient, server_view

DRAFT_WORDS = "I still check your phone bill at night"
DRAFT_TITLE = "The bill"


def sams_drafts(s, repair_id: str) -> dict[str, str]:
    """Sam writes a draft in the shared repair and opens a draft repair; return their ids."""
    ids = {
        "entry": write(s, repair_id, "acknowledge", {"saw": DRAFT_WORDS}),
        "repair": open_repair(s, visibility="private", title=DRAFT_TITLE),
    }
    ids["entry_in_draft"] = write(s, ids["repair"], "acknowledge", {"felt": DRAFT_WORDS})
    s.sync()
    return ids


def shared_repair(make_couple, device):
    alex, sam = make_couple()
    a, s = device(alex), device(sam)
    repair_id = open_repair(s, title="Phones")
    shared_entry = write(s, repair_id, "acknowledge", ACKNOWLEDGE, visibility="shared")
    s.sync()
    a.pull()
    return alex, sam, a, s, repair_id, shared_entry


def test_the_partner_never_receives_a_draft(app, make_couple, device, new_client):
    alex, sam, a, s, repair_id, _ = shared_repair(make_couple, device)
    seen_before = a.records[repair_id]
    drafts = sams_drafts(s, repair_id)

    # Not in a pull (incremental, a fresh phone's snapshot, nor one page at a time).
    pulls = [a.pull_request().json]
    a.pull()
    fresh = SyncTestClient(alex.client)
    pulls.append(fresh.pull_request().json)
    fresh.pull(limit=1)
    told = json.dumps(pulls) + json.dumps(a.records) + json.dumps(fresh.records)
    assert DRAFT_WORDS not in told and DRAFT_TITLE not in told
    assert not set(drafts.values()) & (set(a.records) | set(fresh.records))
    # The repair itself did not move because Sam wrote a draft in it.
    assert a.records[repair_id] == seen_before
    assert set(drafts.values()) <= set(server_view(app, sam.id))

    # Not in the answers to Alex's own pushes at those ids, whatever Alex tries.
    tries = [
        (
            "repair.write",
            {
                "id": drafts["entry"],
                "repair_id": repair_id,
                "step": "reflect",
                "parts": {"heard": "?"},
            },
        ),
        (
            "repair.write",
            {
                "id": str(uuid.uuid4()),
                "repair_id": drafts["repair"],
                "step": "reflect",
                "parts": {"heard": "?"},
            },
        ),
        ("record.share", {"kind": "repair_entry", "id": drafts["entry"]}),
        ("record.share", {"kind": "repair", "id": drafts["repair"]}),
        ("repair.reopen", {"id": drafts["repair"]}),
        ("promise.make", {"id": str(uuid.uuid4()), "text": "x", "repair_id": drafts["repair"]}),
    ]
    answers = [
        a.push_request([{"id": n, "name": name, "args": args}])
        for n, (name, args) in enumerate(tries, start=a.next_mutation_id)
    ]
    for answer in answers:
        assert answer.status_code == 200
        assert DRAFT_WORDS not in answer.text and DRAFT_TITLE not in answer.text
        assert answer.json["results"][0]["status"] == "rejected"
    a.pull()
    assert a.records[repair_id] == seen_before
    assert not set(drafts.values()) & set(a.records)


def test_the_partner_cannot_change_or_close_what_is_not_theirs(app, make_couple, device):
    alex, sam, a, s, repair_id, shared_entry = shared_repair(make_couple, device)
    before = server_view(app, sam.id)
    edit = write(a, repair_id, "acknowledge", {"saw": "Not what happened."}, entry_id=shared_entry)
    tries = {
        "edit": a.next_mutation_id - 1,
        "close": a.mutate("repair.move_forward", id=repair_id, note="Done.", keep_as="memory"),
        "share": a.mutate("record.share", kind="repair", id=repair_id),
    }
    a.sync()
    assert edit == shared_entry
    assert refusal(a, tries["edit"]) == "not_author"
    assert refusal(a, tries["close"]) == "not_hurt_partner"
    assert refusal(a, tries["share"]) == "not_author"
    s.pull()
    assert server_view(app, sam.id) == before
    assert s.records[shared_entry]["parts"] == ACKNOWLEDGE
    assert s.records[repair_id]["state"] == "open"
    assert alex.id not in json.dumps(s.records[repair_id]["history"])


def test_a_stranger_cannot_touch_a_couples_repair(app, make_couple, make_user, device):
    _alex, _sam, _a, s, repair_id, shared_entry = shared_repair(make_couple, device)
    s.mutate("repair.rhythm", id=repair_id, daily_days=7, then="weekly")
    s.sync()
    stranger = device(make_user("Stranger"))
    stranger.pull()
    before = db_snapshot(app)
    tried = [
        stranger.mutate(
            "repair.write",
            id=shared_entry,
            repair_id=repair_id,
            step="acknowledge",
            parts={"saw": "Mine now."},
        ),
        stranger.mutate(
            "repair.write",
            id=str(uuid.uuid4()),
            repair_id=repair_id,
            step="reflect",
            parts={"heard": "Hello."},
        ),
        stranger.mutate("repair.rhythm", id=repair_id, daily_days=1, then="none"),
        stranger.mutate("repair.agree_rhythm", id=repair_id),
        stranger.mutate("repair.move_forward", id=repair_id, keep_as="repair"),
        stranger.mutate("repair.set_aside", id=repair_id),
        stranger.mutate("repair.reopen", id=repair_id),
        stranger.mutate("record.share", kind="repair", id=repair_id),
        stranger.mutate("record.share", kind="repair_entry", id=shared_entry),
        stranger.mutate("promise.make", id=str(uuid.uuid4()), text="x", repair_id=repair_id),
    ]
    answers = stranger.push_request().json["results"]
    assert len(answers) == len(tried)
    assert {r["error"]["code"] for r in answers} <= {"needs_partner", "not_found"}
    assert "Phones" not in json.dumps(answers)
    stranger.pull()
    assert stranger.records == {}
    after = db_snapshot(app)
    assert {t for t in after if after[t] != before[t]} <= {"sync_clients", "spaces"}


def test_a_draft_pokes_only_its_authors_phones(make_couple, device, new_client, streams):
    alex, sam, _a, s, repair_id, _ = shared_repair(make_couple, device)
    phone = new_client()
    phone.post("/api/auth/login", json={"email": sam.email, "password": sam.password})
    alexs, sams_phone = streams(alex), streams(sam, cookie=phone.session_cookie())
    first_poke(alexs), first_poke(sams_phone)

    entry_id = write(s, repair_id, "acknowledge", {"saw": DRAFT_WORDS})
    open_repair(s, visibility="private", title=DRAFT_TITLE)
    s.push()
    assert sams_phone.next(timeout=PROMPT).name == "poke"
    assert alexs.nothing_for(0.7)

    s.mutate("record.share", kind="repair_entry", id=entry_id)
    s.push()
    event = alexs.next(timeout=PROMPT)
    assert event.name == "poke" and set(event.data) == {"version"}
