"""Unpairing: each keeps their own words of the weekly talks, never the former partner's."""

from __future__ import annotations

import json

from tests.sync.client import server_view
from tests.weekly.helpers import ids_of, refusal, this_week, write


def test_each_keeps_their_own_words_and_can_no_longer_write(app, make_couple, device):
    alex, sam = make_couple()
    a, s = device(alex), device(sam)
    week = this_week(alex, sam)
    ids = ids_of(sam, week)
    write(s, sam, week, appreciations=["Sam thanks Alex"], visibility="shared")
    write(s, sam, week, appreciations=["Sam thanks Alex"], loved="Sam's draft wish")
    s.mutate("weekly.raise", id=ids["topic"], week=week, text="Sam speaks")
    s.sync()
    write(a, alex, week, went_well="Alex's good week", visibility="shared")
    a.mutate("weekly.summarise", id=ids["reply"], week=week, summary="Alex heard Sam")
    a.mutate("weekly.answer", id=ids["reply"], week=week, answer="Alex answers")
    a.sync()
    s.pull()
    assert "Alex heard Sam" in json.dumps(s.records) and "Sam speaks" in json.dumps(a.records)
    response = alex.client.post("/api/pairing/unpair")
    assert response.status_code == 200, response.json
    a.pull()
    s.pull()
    sams, alexs = json.dumps(s.records), json.dumps(a.records)
    assert "Sam thanks Alex" in sams and "Sam's draft wish" in sams and "Sam speaks" in sams
    assert "Alex's good week" in alexs and "Alex heard Sam" in alexs and "Alex answers" in alexs
    for word in ("Alex's good week", "Alex heard Sam", "Alex answers"):
        assert word not in sams
    for word in ("Sam thanks Alex", "Sam's draft wish", "Sam speaks"):
        assert word not in alexs
    assert s.records == server_view(app, sam.id) and a.records == server_view(app, alex.id)
    # Alone, nobody writes a weekly talk.
    mid = write(a, alex, week, went_well="Again")
    a.sync()
    assert refusal(a, mid) == "needs_partner"
