"""Neither partner sees the other's answer before answering: no reply of the server has it."""

from __future__ import annotations

import json
import uuid

from tests.questions.helpers import answer, expected_id, question_text, today_of
from tests.sync.client import SyncTestClient, server_view

SAMS_WORDS = "the night we missed the last train and walked home laughing"
ALEXS_WORDS = "your hand on my back when I was nervous at the wedding"


def promise(dev, text: str) -> None:
    dev.mutate("promise.make", id=str(uuid.uuid4()), text=text)
    dev.push()


def answers(dev) -> dict[str, dict]:
    return {r["author_id"]: r for r in dev.of_kind("question_answer")}


def test_sams_answer_reaches_alex_only_once_alex_has_answered(app, make_couple, device):
    alex, sam = make_couple()
    a, s = device(alex), device(sam)
    day = today_of(alex, sam)
    promise(a, "book the train")
    a.pull()  # Alex's phone is up to date before Sam answers
    answer(s, SAMS_WORDS, day)
    promise(s, "call your mother back")  # after the answer: pages run on past it
    s.sync()
    [sams] = s.of_kind("question_answer")
    assert sams["answer"] == SAMS_WORDS and sams["visibility"] == "private"
    assert sams["question"] == question_text(sam, day)
    assert sams["id"] == expected_id(sam, day)

    # Not in Alex's incremental pull, a fresh phone's snapshot, nor a pull one record a page.
    replies = [a.pull_request().json]
    a.pull()
    assert [p["text"] for p in a.of_kind("promise")].count("call your mother back") == 1
    fresh = SyncTestClient(alex.client)
    replies.append(fresh.pull_request().json)
    paged = SyncTestClient(alex.client)
    assert paged.pull(limit=1) > 1
    told = json.dumps(replies) + json.dumps([a.records, fresh.records, paged.records])
    assert SAMS_WORDS not in told and sams["id"] not in told
    assert a.of_kind("question_answer") == fresh.of_kind("question_answer") == []

    # Alex answers: the same pull that confirms it brings Sam's answer, now shared.
    answer(a, ALEXS_WORDS, day)
    a.sync()
    both = answers(a)
    assert both[sam.id]["answer"] == SAMS_WORDS and both[sam.id]["visibility"] == "shared"
    assert both[alex.id]["answer"] == ALEXS_WORDS and both[alex.id]["visibility"] == "shared"
    assert both[sam.id]["question"] == both[alex.id]["question"] == question_text(alex, day)
    # Sam's phone, pulling on from where it was, gets Alex's answer and its own turned shared.
    s.pull()
    assert {k: v["answer"] for k, v in answers(s).items()} == {
        sam.id: SAMS_WORDS,
        alex.id: ALEXS_WORDS,
    }
    assert all(r["visibility"] == "shared" for r in answers(s).values())
    # So does a phone of each starting from nothing, one record a page.
    for user in (alex, sam):
        late = SyncTestClient(user.client)
        late.pull(limit=1)
        assert len(late.of_kind("question_answer")) == 2


def test_naming_the_partners_answer_is_refused_alike_whether_or_not_it_exists(
    app, make_couple, device
):
    alex, sam = make_couple()
    a, s = device(alex), device(sam)
    day = today_of(alex, sam)
    sams_id = expected_id(sam, day)

    def refusal_of(record_id: str):
        before = server_view(app, alex.id), server_view(app, sam.id)
        reply = a.push_request(
            [
                {
                    "id": a.next_mutation_id,
                    "name": "question.answer",
                    "args": {"id": record_id, "day": day.isoformat(), "answer": "Me first?"},
                }
            ]
        )
        a.next_mutation_id += 1
        assert reply.status_code == 200
        [result] = reply.json["results"]
        assert result["status"] == "rejected"
        assert (server_view(app, alex.id), server_view(app, sam.id)) == before
        return reply.text, result["error"]

    text_unanswered, error_unanswered = refusal_of(sams_id)
    assert "Me first" not in text_unanswered
    answer(s, SAMS_WORDS, day)
    s.sync()
    sams_record = server_view(app, sam.id)[sams_id]
    text_answered, error_answered = refusal_of(sams_id)
    assert error_unanswered == error_answered
    assert error_answered["code"] == "not_author"
    assert SAMS_WORDS not in text_answered
    # Sam's answer is as it was, and still not Alex's to see.
    assert server_view(app, sam.id)[sams_id] == sams_record
    assert sams_id not in server_view(app, alex.id)
    a.pull()
    assert a.of_kind("question_answer") == []


def test_skipping_a_day_shows_nothing_and_my_own_answer_stays_mine(app, make_couple, device):
    alex, sam = make_couple()
    a, s = device(alex), device(sam)
    day = today_of(alex, sam)
    answer(a, ALEXS_WORDS, day)
    a.sync()
    s.pull()
    assert s.of_kind("question_answer") == []
    [mine] = a.of_kind("question_answer")
    assert mine["visibility"] == "private"
    # Yesterday, nobody answered: the server holds today's answer of Alex's and nothing else.
    assert [
        r["day"] for r in server_view(app, alex.id).values() if r["kind"] == "question_answer"
    ] == [day.isoformat()]


def test_two_phones_answering_offline_write_one_answer(app, make_couple, device, second_device):
    alex, sam = make_couple()
    phone, laptop = device(alex), second_device(alex)
    day = today_of(alex, sam)
    answer(phone, "first thoughts", day)
    answer(laptop, "second thoughts", day)
    phone.sync()
    laptop.sync()
    phone.pull()
    [on_phone] = phone.of_kind("question_answer")
    [on_laptop] = laptop.of_kind("question_answer")
    assert on_phone == on_laptop
    assert on_phone["answer"] == "second thoughts"


def test_rewriting_after_both_answered_shows_the_partner_it_was_edited(app, make_couple, device):
    alex, sam = make_couple()
    a, s = device(alex), device(sam)
    day = today_of(alex, sam)
    answer(s, SAMS_WORDS, day)
    s.sync()
    answer(a, ALEXS_WORDS, day)
    a.sync()
    s.pull()
    assert answers(s)[alex.id]["edited"] is False
    answer(a, "your hand on my back, and the song after", day)
    a.sync()
    s.pull()
    rewritten = answers(s)[alex.id]
    assert rewritten["answer"] == "your hand on my back, and the song after"
    assert rewritten["edited"] is True and rewritten["visibility"] == "shared"


def test_refusals_say_why_and_change_nothing(app, make_couple, make_user, device):
    alex, sam = make_couple()
    a = device(alex)
    day = today_of(alex, sam)
    from datetime import timedelta

    tries = {
        "future": answer(a, "early", day + timedelta(days=2)),
        "closed": answer(a, "late", day - timedelta(days=31)),
        "empty": answer(a, "   ", day),
        "long": answer(a, "x" * 2001, day),
    }
    before = server_view(app, alex.id)
    a.sync()
    assert server_view(app, alex.id) == before
    for name, mutation_id in tries.items():
        result = a.results[mutation_id]
        assert result["status"] == "rejected", name
        assert result["error"]["code"] == "invalid" and result["error"]["fields"], name
    # Within the open days an answer to a past question is fine (written offline, sent late).
    late = answer(a, "still thinking of it", day - timedelta(days=30))
    a.sync()
    assert a.results[late]["status"] == "applied"

    solo = device(make_user("Robin"))
    alone = answer(solo, "hello?", day)
    solo.sync()
    assert solo.results[alone]["error"]["code"] == "needs_partner"
    assert solo.of_kind("question_answer") == []
    assert uuid.UUID(a.of_kind("question_answer")[0]["id"])
