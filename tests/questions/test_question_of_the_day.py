"""One question a day, the same on both phones wherever they are, none twice within a year.

The couple's day is the newer of the two local dates."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from server.questions.bank import bank, couple_day, question_of
from tests.questions.helpers import answer, question_text, space_of
from tests.sync.client import SyncTestClient

KIRITIMATI, PAGO_PAGO = "Pacific/Kiritimati", "Pacific/Pago_Pago"  # UTC+14 and UTC-11


def test_across_the_date_line_the_couples_day_is_the_one_that_began_first():
    zones = [KIRITIMATI, PAGO_PAGO]
    # 10:30 UTC: Tuesday 00:30 on Kiritimati, still Sunday 23:30 in Pago Pago.
    now = datetime(2024, 1, 1, 10, 30, tzinfo=UTC)
    assert couple_day(zones, now) == couple_day(list(reversed(zones)), now) == date(2024, 1, 2)
    # Every quarter hour over three days: one day at a time, never going back, a day each 24 h.
    days = [couple_day(zones, now + timedelta(minutes=15 * n)) for n in range(4 * 72)]
    assert days == sorted(days)
    assert {days.count(d) for d in set(days) - {days[0], days[-1]}} == {4 * 24}
    # It changes at Kiritimati's midnight (10:00 UTC), whatever the time in Pago Pago.
    assert couple_day(zones, datetime(2024, 1, 1, 9, 59, tzinfo=UTC)) == date(2024, 1, 1)
    assert couple_day(zones, datetime(2024, 1, 1, 10, 0, tzinfo=UTC)) == date(2024, 1, 2)


def test_both_partners_answer_the_same_question_over_the_date_line(app, make_couple, server_clock):
    alex, sam = make_couple(KIRITIMATI, PAGO_PAGO)
    # Alex's Tuesday has begun; Sam's Sunday has half an hour left.
    server_clock.now = datetime(2030, 1, 1, 10, 30, tzinfo=UTC)
    day = date(2030, 1, 2)
    a, s = SyncTestClient(alex.client), SyncTestClient(sam.client)
    answer(a, "on a boat", day)
    a.sync()
    server_clock.now += timedelta(hours=20)  # Sam's Monday afternoon, Alex's Tuesday evening
    answer(s, "by the sea", day)
    s.sync()
    a.pull()
    for dev in (a, s):
        questions = {r["question"] for r in dev.of_kind("question_answer")}
        assert questions == {question_text(alex, day)}
        assert len(dev.of_kind("question_answer")) == 2
    # Sam's own calendar day is two behind: that day's question is another, answered alone.
    assert question_of(space_of(sam), date(2029, 12, 31)).text != question_text(sam, day)
    # Once Kiritimati's Wednesday begins, the next question is the couple's.
    server_clock.now = datetime(2030, 1, 2, 10, 0, tzinfo=UTC)
    early = answer(s, "too soon?", date(2030, 1, 5))
    s.sync()
    assert s.results[early]["error"]["fields"] == {"day": "Not the couple's day yet."}


def test_no_question_comes_twice_within_a_year_and_each_couple_has_its_own_order():
    couples = [uuid.uuid4() for _ in range(5)]
    for space_id in couples:
        for start in (date(2025, 1, 1), date(2027, 11, 20), date(2028, 2, 27)):
            year = [question_of(space_id, start + timedelta(days=n)).id for n in range(366)]
            assert len(set(year)) == 366
    firsts = [
        [question_of(c, date(2026, 3, 1) + timedelta(days=n)).id for n in range(7)] for c in couples
    ]
    assert len({tuple(week) for week in firsts}) == len(couples)
    # Every question in the bank comes round in time.
    assert {
        question_of(couples[0], date(2026, 1, 1) + timedelta(days=n)).id for n in range(len(bank()))
    } == {q.id for q in bank()}
