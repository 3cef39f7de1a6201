"""Nothing is told before both answered; then the first to answer hears only that the other did."""

from __future__ import annotations

from tests.push.test_delivery import clock, run_due  # noqa: F401
from tests.questions.helpers import answer, today_of
from tests.questions.test_gate import ALEXS_WORDS, SAMS_WORDS
from tests.sync.client import SyncTestClient


def test_the_first_to_answer_is_told_when_the_pair_is_complete(
    app,
    make_couple,
    subscribe,
    push_service,
    clock,  # noqa: F811
):
    alex, sam = make_couple()
    alex_phone = subscribe(alex.client, push_service.base)
    sam_phone = subscribe(sam.client, push_service.base)
    a, s = SyncTestClient(alex.client), SyncTestClient(sam.client)
    day = today_of(alex, sam)

    answer(s, SAMS_WORDS, day)
    s.push()
    clock.advance(minutes=10)
    run_due(app, clock)
    assert push_service.received == []  # Alex's phone hears nothing of it, nor does Sam's

    answer(a, ALEXS_WORDS, day)
    a.push()
    run_due(app, clock)
    [told] = push_service.for_browser(sam_phone)
    notification = told.decrypt(sam_phone)["notification"]
    assert notification["title"] == "Alex answered the daily question too"
    assert notification["navigate"].endswith("/#questions")
    assert SAMS_WORDS not in str(notification) and ALEXS_WORDS not in str(notification)
    assert push_service.for_browser(alex_phone) == []

    # Rewriting an answer afterwards buzzes nobody.
    clock.advance(minutes=10)
    answer(a, "and the song after", day)
    a.push()
    run_due(app, clock)
    assert len(push_service.for_browser(sam_phone)) == 1
    assert push_service.for_browser(alex_phone) == []


def test_an_answer_nobody_matches_is_never_told(app, make_couple, subscribe, push_service, clock):  # noqa: F811
    alex, sam = make_couple()
    subscribe(alex.client, push_service.base)
    subscribe(sam.client, push_service.base)
    a = SyncTestClient(alex.client)
    answer(a, ALEXS_WORDS, today_of(alex, sam))
    a.push()
    clock.advance(hours=30)
    run_due(app, clock)
    assert push_service.received == []


def test_the_daily_question_can_be_muted(app, make_couple, subscribe, push_service, clock):  # noqa: F811
    alex, sam = make_couple()
    sam_phone = subscribe(sam.client, push_service.base)
    muted = sam.client.patch("/api/push/settings", json={"kinds": {"question": False}})
    assert muted.status_code == 200, muted.json
    assert muted.json["kinds"]["question"] is False
    a, s = SyncTestClient(alex.client), SyncTestClient(sam.client)
    day = today_of(alex, sam)
    answer(s, SAMS_WORDS, day)
    s.push()
    answer(a, ALEXS_WORDS, day)
    a.push()
    run_due(app, clock)
    assert push_service.for_browser(sam_phone) == []
