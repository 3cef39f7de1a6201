"""Agreements: versioned, never last-writer-wins, active only when both accept the current text."""

from __future__ import annotations

import threading
import uuid

import pytest

from tests.sync.client import server_view


def propose_args(**overrides):
    return {
        "id": str(uuid.uuid4()),
        "category": "digital",
        "title": "Phones away at dinner",
        "text": "No phones at the table.\nCalls from family are fine.",
        **overrides,
    }


def events_of(agreement, event: str) -> list[dict]:
    return [e for e in agreement["events"] if e["event"] == event]


def outcome(agreement) -> tuple:
    """What a user reads off an agreement: its status, its revisions and who accepts what."""
    return (
        agreement["status"],
        agreement["current_revision"],
        [(r["n"], r["text"], r["title"]) for r in agreement["revisions"]],
        agreement["acceptances"],
    )


def proposed(alex, sam, device, **overrides):
    """Alex proposes an agreement; both devices have it. Return (alex's, sam's device, id)."""
    a, s = device(alex), device(sam)
    args = propose_args(**overrides)
    a.mutate("agreement.propose", **args)
    a.sync()
    s.sync()
    return a, s, args["id"]


def test_an_agreement_is_active_once_the_partner_accepts(app, make_couple, device):
    alex, sam = make_couple()
    a, s, agreement_id = proposed(alex, sam, device, review_on="2027-01-15")
    seen = s.records[agreement_id]
    assert seen["status"] == "proposed"
    assert seen["title"] == "Phones away at dinner" and seen["category"] == "digital"
    assert seen["review_on"] == "2027-01-15"
    assert seen["current_revision"] == 1
    assert seen["revisions"][0]["text"] == "No phones at the table.\nCalls from family are fine."
    assert seen["revisions"][0]["author"] == alex.id
    # Proposing is accepting: only Sam's acceptance is missing.
    assert seen["acceptances"] == {alex.id: 1}

    accepted = s.mutate("agreement.accept", id=agreement_id, revision=1)
    s.sync()
    a.pull()
    assert s.results[accepted]["status"] == "applied"
    for dev in (a, s):
        agreement = dev.records[agreement_id]
        assert agreement["status"] == "active"
        assert agreement["acceptances"] == {alex.id: 1, sam.id: 1}
        assert [e["event"] for e in agreement["events"]] == ["proposed", "accepted", "activated"]
        assert agreement == server_view(app, alex.id)[agreement_id]


def test_an_id_in_use_cannot_be_proposed_again(make_couple, device):
    alex, sam = make_couple()
    _, s, agreement_id = proposed(alex, sam, device)
    again = s.mutate("agreement.propose", **propose_args(id=agreement_id, title="Mine now"))
    s.sync()
    assert s.results[again]["error"]["code"] == "exists"
    assert s.records[agreement_id]["title"] == "Phones away at dinner"


def test_amending_clears_the_partners_acceptance_and_keeps_every_revision(make_couple, device):
    alex, sam = make_couple()
    a, s, agreement_id = proposed(alex, sam, device)
    s.mutate("agreement.accept", id=agreement_id, revision=1)
    s.sync()
    a.pull()
    assert a.records[agreement_id]["status"] == "active"

    a.mutate(
        "agreement.amend",
        id=agreement_id,
        base_revision=1,
        text="No phones at the table, calls included.",
        title="Phones away at meals",
    )
    a.sync()
    s.pull()
    for dev in (a, s):
        agreement = dev.records[agreement_id]
        assert agreement["status"] == "proposed"  # Sam has not accepted the new text
        assert agreement["current_revision"] == 2
        assert agreement["title"] == "Phones away at meals"
        assert [(r["n"], r["author"], r["title"]) for r in agreement["revisions"]] == [
            (1, alex.id, "Phones away at dinner"),
            (2, alex.id, "Phones away at meals"),
        ]
        assert agreement["revisions"][0]["text"].startswith("No phones at the table.\n")
        assert agreement["acceptances"] == {alex.id: 2}

    s.mutate("agreement.accept", id=agreement_id, revision=2)
    s.sync()
    a.pull()
    assert a.records[agreement_id]["status"] == "active"
    assert [e["revision"] for e in events_of(a.records[agreement_id], "activated")] == [1, 2]


def test_a_stale_accept_or_amend_is_rejected_with_the_reason(make_couple, device):
    alex, sam = make_couple()
    a, s, agreement_id = proposed(alex, sam, device)
    a.mutate("agreement.amend", id=agreement_id, base_revision=1, text="Second thoughts.")
    a.sync()

    # Sam has not pulled revision 2 yet.
    stale_accept = s.mutate("agreement.accept", id=agreement_id, revision=1)
    stale_amend = s.mutate("agreement.amend", id=agreement_id, base_revision=1, text="Mine.")
    s.sync()
    for mutation_id, field in ((stale_accept, "revision"), (stale_amend, "base_revision")):
        result = s.results[mutation_id]
        assert result["status"] == "rejected"
        assert result["error"]["code"] == "stale_revision"
        assert "revision 2" in result["error"]["message"]
        assert field in result["error"]["fields"]
    agreement = s.records[agreement_id]
    assert agreement["status"] == "proposed"
    assert [r["text"] for r in agreement["revisions"]] == [
        "No phones at the table.\nCalls from family are fine.",
        "Second thoughts.",
    ]
    assert agreement["acceptances"] == {alex.id: 2}


def test_an_amend_racing_a_stale_accept_ends_the_same_in_either_order(app, make_couple, device):
    alex, sam = make_couple()
    outcomes = {}
    for order in ("amend first", "accept first"):
        a, s, agreement_id = proposed(alex, sam, device)
        # Both offline: Alex rewrites revision 1 while Sam accepts it.
        a.mutate("agreement.amend", id=agreement_id, base_revision=1, text="Weekends too.")
        accept = s.mutate("agreement.accept", id=agreement_id, revision=1)
        first, second = (a, s) if order == "amend first" else (s, a)
        first.push()
        second.push()
        a.pull()
        s.pull()

        server = server_view(app, alex.id)[agreement_id]
        assert a.records[agreement_id] == s.records[agreement_id] == server, order
        # Sam accepted a text that is not the current one: it must not be active.
        assert server["status"] == "proposed", order
        assert server["acceptances"] == {alex.id: 2}, order
        assert not [e for e in events_of(server, "activated") if e["revision"] == 2], order
        if order == "amend first":
            assert s.results[accept]["error"]["code"] == "stale_revision"
            assert events_of(server, "activated") == []
        else:
            # Revision 1 was current when Sam's accept arrived: it was active until the amend.
            assert s.results[accept]["status"] == "applied"
            assert [e["revision"] for e in events_of(server, "activated")] == [1]
        outcomes[order] = outcome(server)
    assert outcomes["amend first"] == outcomes["accept first"]
    assert outcomes["amend first"][2] == [
        (1, "No phones at the table.\nCalls from family are fine.", "Phones away at dinner"),
        (2, "Weekends too.", "Phones away at dinner"),
    ]


@pytest.mark.parametrize("who", ["both partners", "two devices of one partner"])
def test_two_accepts_racing_activate_once(app, make_couple, device, second_device, who):
    alex, sam = make_couple()
    a, s, agreement_id = proposed(alex, sam, device)
    if who == "both partners":
        # Alex takes consent back, so neither accepts revision 1 and both accept at once.
        a.mutate("agreement.withdraw", id=agreement_id)
        a.sync()
        racers = [a, s]
    else:
        racers = [s, second_device(sam)]
        racers[1].pull()
    accepts = [dev.mutate("agreement.accept", id=agreement_id, revision=1) for dev in racers]

    barrier = threading.Barrier(len(racers))
    errors = []

    def race(dev):
        try:
            barrier.wait()
            dev.push()
        except Exception as error:  # reported below, on the test's thread
            errors.append(error)

    threads = [threading.Thread(target=race, args=(dev,)) for dev in racers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [dev.results[m]["status"] for dev, m in zip(racers, accepts, strict=True)] == [
        "applied"
    ] * 2

    server = server_view(app, alex.id)[agreement_id]
    assert server["status"] == "active"
    assert server["acceptances"] == {alex.id: 1, sam.id: 1}
    assert server["withdrawn"] is None
    assert [e["revision"] for e in events_of(server, "activated")] == [1]
    if who == "two devices of one partner":
        # The second device's accept changed nothing.
        assert [e["by"] for e in events_of(server, "accepted")] == [sam.id]
    for dev in (a, s, *racers):
        dev.pull()
        assert dev.records[agreement_id] == server


def test_withdrawing_consent_asks_for_a_review(make_couple, device):
    alex, sam = make_couple()
    a, s, agreement_id = proposed(alex, sam, device)
    s.mutate("agreement.accept", id=agreement_id, revision=1)
    s.sync()

    s.mutate("agreement.withdraw", id=agreement_id)
    s.sync()
    a.pull()
    agreement = a.records[agreement_id]
    assert agreement["status"] == "needs_review"
    assert agreement["withdrawn"]["by"] == sam.id and agreement["withdrawn"]["revision"] == 1
    assert agreement["acceptances"] == {alex.id: 1}

    # Withdrawing again: Sam no longer accepts anything to withdraw.
    again = s.mutate("agreement.withdraw", id=agreement_id)
    s.sync()
    assert s.results[again]["error"]["code"] == "not_accepted"

    # Accepting again restores it.
    s.mutate("agreement.accept", id=agreement_id, revision=1)
    s.sync()
    a.pull()
    assert a.records[agreement_id]["status"] == "active"
    assert a.records[agreement_id]["withdrawn"] is None


def test_a_retired_agreement_cannot_change_any_more(make_couple, device):
    alex, sam = make_couple()
    a, s, agreement_id = proposed(alex, sam, device)
    s.mutate("agreement.retire", id=agreement_id)
    s.sync()
    a.pull()
    assert a.records[agreement_id]["status"] == "retired"
    assert a.records[agreement_id]["retired"]["by"] == sam.id

    attempts = [
        a.mutate("agreement.amend", id=agreement_id, base_revision=1, text="Back again?"),
        a.mutate("agreement.accept", id=agreement_id, revision=1),
        a.mutate("agreement.withdraw", id=agreement_id),
        a.mutate("agreement.retire", id=agreement_id),
    ]
    a.sync()
    assert [a.results[m]["error"]["code"] for m in attempts] == ["retired"] * 4
    agreement = a.records[agreement_id]
    assert agreement["status"] == "retired" and agreement["current_revision"] == 1
    # Still readable, as it was.
    assert agreement["revisions"][0]["text"].startswith("No phones")


def test_agreements_need_a_partner(make_user, device):
    solo = make_user()
    d = device(solo)
    propose = d.mutate("agreement.propose", **propose_args())
    accept = d.mutate("agreement.accept", id=str(uuid.uuid4()), revision=1)
    d.sync()
    assert d.results[propose]["error"]["code"] == "needs_partner"
    assert d.results[accept]["error"]["code"] == "needs_partner"
    assert d.records == {}


def test_invalid_agreement_arguments_name_the_field(make_couple, device):
    alex, _ = make_couple()
    a = device(alex)
    bad_category = a.mutate("agreement.propose", **propose_args(category="chores"))
    long_title = a.mutate("agreement.propose", **propose_args(title="x" * 201))
    no_text = a.mutate("agreement.propose", **propose_args(text="   "))
    a.sync()
    assert "category" in a.results[bad_category]["error"]["fields"]
    assert "title" in a.results[long_title]["error"]["fields"]
    assert "text" in a.results[no_text]["error"]["fields"]
    assert a.of_kind("agreement") == []


def test_retiring_tells_the_partner_who_retired_it_when_and_why(app, make_couple, device):
    alex, sam = make_couple()
    a, s, agreement_id = proposed(alex, sam, device)
    s.mutate("agreement.accept", id=agreement_id, revision=1)
    s.sync()
    retired = a.mutate(
        "agreement.retire", id=agreement_id, reason="  We never pick them up anyway.\n"
    )
    a.sync()
    s.pull()
    assert a.results[retired]["status"] == "applied"
    agreement = s.records[agreement_id]
    assert agreement["status"] == "retired"
    assert agreement["retired"]["by"] == alex.id
    assert agreement["retired"]["reason"] == "We never pick them up anyway."
    # When, on the server's clock: the moment of the retiring event.
    [event] = events_of(agreement, "retired")
    assert agreement["retired"]["at"] == event["at"] and event["by"] == alex.id
    assert agreement == server_view(app, sam.id)[agreement_id]


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_a_reason_for_retiring_is_optional(make_couple, device, reason):
    alex, sam = make_couple()
    a, s, agreement_id = proposed(alex, sam, device)
    args = {} if reason is None else {"reason": reason}
    retired = s.mutate("agreement.retire", id=agreement_id, **args)
    s.sync()
    a.pull()
    assert s.results[retired]["status"] == "applied"
    assert a.records[agreement_id]["retired"]["by"] == sam.id
    assert a.records[agreement_id]["retired"]["reason"] is None


@pytest.mark.parametrize("reason", ["x" * 501, "Because\x07", 42])
def test_a_bad_reason_is_refused_naming_the_field_and_retires_nothing(make_couple, device, reason):
    alex, sam = make_couple()
    a, s, agreement_id = proposed(alex, sam, device)
    refused = s.mutate("agreement.retire", id=agreement_id, reason=reason)
    s.sync()
    a.pull()
    assert "reason" in s.results[refused]["error"]["fields"]
    assert a.records[agreement_id]["status"] == "proposed"
    assert a.records[agreement_id]["retired"] is None
