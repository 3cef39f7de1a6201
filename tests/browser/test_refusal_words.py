"""Every refused change that carried words names its item, says what happened, and keeps them."""

from __future__ import annotations

import re

import pytest

ALEX, SAM = "a1", "s1"
PAIRED = {
    "user": {"id": SAM, "display_name": "Sam", "time_zone": "UTC"},
    "space": {"id": "c1", "kind": "couple"},
    "partner": {"id": ALEX, "display_name": "Alex", "time_zone": "UTC"},
}
SOLO = {**PAIRED, "space": {"id": "s0", "kind": "solo"}, "partner": None}
AT = "2026-11-30T12:00:00+00:00"
AGREEMENT = {
    "id": "g1",
    "kind": "agreement",
    "title": "Phones away at dinner",
    "category": "digital",
    "revisions": [
        {"n": 1, "text": "No phones.", "title": "Phones away at dinner", "author": SAM, "at": AT},
        {"n": 2, "text": "No phones, ever.", "title": "Phones away at dinner", "author": ALEX},
    ],
    "retired": None,
    "archived": False,
    "deleted": False,
}
RETIRED = {**AGREEMENT, "retired": {"by": ALEX, "at": AT, "reason": "We never do it."}}
PROMISE = {
    "id": "p1",
    "kind": "promise",
    "text": "Water the plants",
    "state": "released",
    "due_on": None,
    "history": [
        {"event": "made", "by": SAM, "at": AT},
        {"event": "released", "by": ALEX, "at": AT},
    ],
}
MEMORY = {
    "id": "m1",
    "kind": "memory",
    "title": "Lisbon",
    "deleted": True,
    "deleted_at": AT,
    "deleted_by": ALEX,
}


def refusal(name, args, record=None, code="invalid", message="Refused.", fields=None):
    error = {"code": code, "message": message, **({"fields": fields} if fields else {})}
    return {"id": 1, "name": name, "args": args, "record": record, "error": error, "at": AT}


CASES = [
    (
        "amended after the partner retired it",
        PAIRED,
        refusal(
            "agreement.amend",
            {"id": "g1", "base_revision": 2, "text": "No phones at all."},
            RETIRED,
            "retired",
        ),
        "Amending “Phones away at dinner”",
        r"^Alex retired it on Nov 30: “We never do it\.”$",
        "No phones at all.",
        (
            "Propose it anew",
            {"category": "digital", "title": "Phones away at dinner", "text": "No phones at all."},
        ),
    ),
    (
        "amended while the partner amended it",
        PAIRED,
        refusal(
            "agreement.amend",
            {
                "id": "g1",
                "base_revision": 1,
                "text": "Phones off.",
                "title": "Phones off at dinner",
            },
            AGREEMENT,
            "stale_revision",
        ),
        "Amending “Phones away at dinner”",
        r"^Alex changed it meanwhile: revision 2 is the current one\.$",
        "Phones off at dinner\n\nPhones off.",
        ("Amend it again", {"id": "g1", "title": "Phones off at dinner", "text": "Phones off."}),
    ),
    (
        "proposed after unpairing",
        SOLO,
        refusal(
            "agreement.propose",
            {"id": "g2", "category": "time", "title": "Sundays", "text": "Sundays are ours."},
            None,
            "needs_partner",
        ),
        "Proposing “Sundays”",
        r"^It needs a partner, and you are not paired now\.$",
        "Sundays\n\nSundays are ours.",
        None,
    ),
    (
        "edited a memory the partner made private",
        PAIRED,
        refusal(
            "memory.save", {"id": "m2", "fields": {"story": "We got lost."}, "base": {"story": 4}}
        ),
        "Saving a memory",
        r"^It is no longer there for you",
        "We got lost.",
        (
            "Add it as a new memory",
            {"title": "", "story": "We got lost.", "place": "", "tags": [], "happened_on": None},
        ),
    ),
    (
        "a caption for a memory gone for good",
        PAIRED,
        refusal(
            "memory.add_photo",
            {"id": "m1", "photo": {"hash": "ab", "caption": "Dawn"}},
            MEMORY,
            "too_late",
        ),
        "Adding a photo to “Lisbon”",
        r"^Alex deleted it on Nov 30\.$",
        "Dawn",
        None,
    ),
    (
        "reworded a promise the partner released",
        PAIRED,
        refusal(
            "promise.update",
            {"id": "p1", "text": "Water the plants twice a week"},
            PROMISE,
            "wrong_state",
        ),
        "Changing the promise “Water the plants”",
        r"^Alex released you from it on Nov 30\.$",
        "Water the plants twice a week",
        ("Make it again", {"text": "Water the plants twice a week", "due_on": None}),
    ),
    (
        "a promise made after unpairing",
        SOLO,
        refusal("promise.make", {"id": "p2", "text": "Call on Sundays"}, None, "needs_partner"),
        "Making the promise “Call on Sundays”",
        r"^It needs a partner",
        "Call on Sundays",
        None,
    ),
    (
        "a reply to a check-in that is gone",
        PAIRED,
        refusal(
            "checkin.ack",
            {"id": "c9", "reaction": "heart", "reply": "Proud of you."},
            None,
            "not_found",
        ),
        "Answering Alex\u2019s check-in",
        r"^It is no longer there for you",
        "Proud of you.",
        None,
    ),
    (
        "a check-in refused for its words",
        PAIRED,
        refusal(
            "checkin.save",
            {
                "id": "c1",
                "day": "2026-11-30",
                "need": "A walk",
                "gratitude": "",
                "note": "Long day.",
            },
            None,
            "invalid",
            "Some arguments are not valid.",
            {"mood": "Required."},
        ),
        "Saving your check-in",
        r"^Some arguments are not valid\. mood: Required\.$",
        "A walk\n\nLong day.",
        None,
    ),
]


@pytest.fixture
def page(phone):
    page = phone().new_page()
    page.goto("/")
    return page


def describe(page, me, rejection) -> dict:
    return page.evaluate(
        """async ([me, refusal]) => {
          const words = await import('/js/shell/refusal-words.js');
          return words.describeRefusal(refusal, me);
        }""",
        [me, rejection],
    )


@pytest.mark.parametrize(
    ("me", "rejection", "what", "happened", "words", "again"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_a_refusal_names_the_item_what_happened_and_keeps_the_words(
    page, me, rejection, what, happened, words, again
):
    told = describe(page, me, rejection)
    assert told["what"] == what
    assert re.search(happened, told["happened"]), told["happened"]
    assert told["words"] == words
    if again is None:
        assert told["again"] is None
    else:
        label, values = again
        assert told["again"]["label"] == label
        assert told["again"]["values"] == values


def test_a_long_name_is_cut_and_a_change_without_words_offers_none(page):
    long_title = "We do the dishes together every evening after dinner, whoever cooked"
    accept = refusal(
        "agreement.accept",
        {"id": "g1", "revision": 1},
        {**AGREEMENT, "title": long_title},
        "stale_revision",
    )
    told = describe(page, PAIRED, accept)
    assert told["what"].startswith("Accepting “We do the dishes together")
    assert told["what"].endswith("…”") and len(told["what"]) < len(long_title) + 12
    assert told["words"] == "" and told["again"] is None
