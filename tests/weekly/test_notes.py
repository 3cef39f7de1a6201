"""Each partner's notes of a week: drafts stay with their author, nobody writes another's."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

from tests.sync.client import server_view
from tests.weekly.helpers import ids_of, refusal, this_week, write

DRAFT = "I loved how you made soup when I was tired"


def test_a_draft_never_reaches_the_partner_until_shared(app, make_couple, device):
    alex, sam = make_couple()
    a, s = device(alex), device(sam)
    week = this_week(alex, sam)
    write(s, sam, week, appreciations=[DRAFT], went_well="A calm Sunday", loved="You could call me")
    s.sync()
    a.pull()
    note = ids_of(sam, week)["note"]
    assert s.records[note]["visibility"] == "private"
    assert s.records[note]["appreciations"] == [DRAFT]
    assert DRAFT not in json.dumps(a.records)
    assert a.records == server_view(app, alex.id)
    # Shared: now it is Alex's to read, every word.
    write(s, sam, week, appreciations=[DRAFT], went_well="A calm Sunday", visibility="shared")
    s.sync()
    a.pull()
    assert a.records[note]["appreciations"] == [DRAFT]
    assert a.records[note]["went_well"] == "A calm Sunday"
    assert a.records[note]["loved"] == ""
    # Once read, it stays shared.
    mid = write(s, sam, week, appreciations=[DRAFT], visibility="private")
    s.sync()
    assert refusal(s, mid) == "already_shared"
    a.pull()
    assert a.records[note]["visibility"] == "shared"


def test_nobody_writes_the_partners_notes(app, make_couple, device):
    alex, sam = make_couple()
    a, s = device(alex), device(sam)
    week = this_week(alex, sam)
    write(s, sam, week, appreciations=["Shared words"], visibility="shared")
    s.sync()
    a.pull()
    before = server_view(app, sam.id)
    sams = ids_of(sam, week)["note"]
    mid = a.mutate("weekly.write", id=sams, week=week, appreciations=["Alex's words"])
    a.sync()
    assert refusal(a, mid) == "not_author"
    # Refused the same whether or not the partner wrote that week: no peeking at drafts.
    last = week - timedelta(days=7)
    mid = a.mutate("weekly.write", id=ids_of(sam, last)["note"], week=last, went_well="x")
    a.sync()
    assert refusal(a, mid) == "not_author"
    assert server_view(app, sam.id) == before
    # Under any other id, Alex writes Alex's own note of the week.
    mid = a.mutate("weekly.write", id=str(uuid.uuid4()), week=week, went_well="Our walk")
    a.sync()
    assert refusal(a, mid) is None
    assert a.records[ids_of(alex, week)["note"]]["went_well"] == "Our walk"


def test_two_phones_of_one_partner_write_the_same_note(make_couple, device, second_device):
    alex, sam = make_couple()
    phone, tablet = device(alex), second_device(alex)
    week = this_week(alex, sam)
    write(phone, alex, week, went_well="From the phone")
    write(tablet, alex, week, went_well="From the tablet")
    phone.sync()
    tablet.sync()
    phone.pull()
    notes = [r for r in phone.of_kind("weekly_note")]
    assert [n["went_well"] for n in notes] == ["From the tablet"]


def test_weeks_that_cannot_be_are_refused(make_couple, device):
    alex, sam = make_couple()
    a = device(alex)
    week = this_week(alex, sam)
    for bad, why in (
        (week + timedelta(days=2), "Not a Monday."),
        (week + timedelta(days=14), "Not a possible week."),
    ):
        mid = write(a, alex, bad, went_well="x")
        a.sync()
        assert refusal(a, mid) == "invalid"
        assert a.results[mid]["error"]["fields"] == {"week": why}
    assert a.of_kind("weekly_note") == []


def test_a_solo_user_has_no_weekly_talk(make_user, device):
    alone = make_user("Robin")
    d = device(alone)
    mid = d.mutate("weekly.write", id=str(uuid.uuid4()), week=this_week(alone), went_well="x")
    d.sync()
    assert refusal(d, mid) == "needs_partner"
