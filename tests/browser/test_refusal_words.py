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


RITUAL = {
    "id": "r1",
    "kind": "ritual",
    "type": "own",
    "name": "Sunday call",
    "archived": True,
    "deleted": False,
}
CHECKIN_RITUAL = {**RITUAL, "id": "r2", "type": "checkin", "name": "", "archived": False}
REPAIR = {"id": "rp1", "kind": "repair", "title": "The messages", "state": "moved_forward"}
WEEK = "2026-11-30"
# The partner's words, which no refusal of the user's may show.
THEIRS = "PARTNER-OWN-WORDS-7"


def refusal(name, args, record=None, code="invalid", message="Refused.", fields=None, parent=None):
    error = {"code": code, "message": message, **({"fields": fields} if fields else {})}
    return {
        "id": 1,
        "name": name,
        "args": args,
        "record": record,
        "parent": parent,
        "error": error,
        "at": AT,
    }


def gone(record_id: str, kind: str) -> dict:
    """A record as a phone holds it once its partner has removed it: no content left."""
    return {"id": record_id, "kind": kind, "deleted": True, "deleted_at": AT, "archived": False}


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
    (
        "an answer to a question that has closed",
        PAIRED,
        refusal(
            "question.answer",
            {"id": "q1", "day": "2026-10-20", "answer": "Your laugh at breakfast."},
            None,
            "invalid",
            "Questions stay open for 30 days; this one has closed.",
            {"day": "Too long ago."},
        ),
        "Answering the daily question of Oct 20",
        r"^Questions stay open for 30 days; this one has closed\. day: Too long ago\.$",
        "Your laugh at breakfast.",
        None,
    ),
    (
        "a ritual renamed after unpairing",
        SOLO,
        refusal(
            "ritual.update",
            {"id": "r1", "name": "Sunday video call"},
            RITUAL,
            "archived",
        ),
        "Changing “Sunday call”",
        r"^It is a read-only copy from an earlier pairing now\.$",
        "Sunday video call",
        None,
    ),
    (
        "a ritual paused after the partner removed it",
        PAIRED,
        refusal("ritual.pause", {"id": "r3"}, gone("r3", "ritual"), "not_found"),
        "Pausing a ritual",
        r"^It was removed on Nov 30\.$",
        "",
        None,
    ),
    (
        "a ritual marked done too late",
        PAIRED,
        refusal(
            "ritual.done",
            {"id": "d1", "ritual_id": "r2", "day": "2026-11-01"},
            None,
            "invalid",
            "Some fields are not valid.",
            {"day": "Mark a day from the last 7 days."},
            parent=CHECKIN_RITUAL,
        ),
        "Marking “Daily check-in” done",
        r"day: Mark a day from the last 7 days\.$",
        "",
        None,
    ),
    (
        "a date night planned after unpairing",
        SOLO,
        refusal(
            "date_night.plan",
            {"id": "n1", "at": AT, "what": "Picnic by the river", "place": "Parc Monceau"},
            None,
            "needs_partner",
        ),
        "Planning “Picnic by the river”",
        r"^It needs a partner",
        "Picnic by the river\n\nParc Monceau",
        None,
    ),
    (
        "a date night called off twice",
        PAIRED,
        refusal("date_night.cancel", {"id": "n2"}, gone("n2", "date_night"), "not_found"),
        "Calling off a date night",
        r"^It was called off on Nov 30\.$",
        "",
        None,
    ),
    (
        "the next visit set in the past",
        PAIRED,
        refusal(
            "visit.set",
            {"id": "v1", "on": "2026-11-01", "place": "Lisbon"},
            None,
            "invalid",
            "Some fields are not valid.",
            {"on": "Choose today or a day to come."},
        ),
        "Saving the day you next see each other",
        r"on: Choose today or a day to come\.$",
        "Lisbon",
        None,
    ),
    (
        "a day to remember changed after unpairing",
        SOLO,
        refusal(
            "anniversary.update",
            {"id": "y1", "remind": False},
            {"id": "y1", "kind": "anniversary", "title": "Our first date", "archived": True},
            "archived",
        ),
        "Changing “Our first date”",
        r"^It is a read-only copy",
        "",
        None,
    ),
    (
        "the week's notes written after unpairing",
        SOLO,
        refusal(
            "weekly.write",
            {
                "id": "w1",
                "week": WEEK,
                "appreciations": ["The soup you made", "Your patience"],
                "went_well": "Sunday",
                "loved": "",
            },
            None,
            "needs_partner",
        ),
        "Your notes for the week of Nov 30",
        r"^It needs a partner",
        "The soup you made\n\nYour patience\n\nSunday",
        None,
    ),
    (
        "the week's one thing raised after the partner raised theirs",
        PAIRED,
        refusal(
            "weekly.raise",
            {"id": "t1", "week": WEEK, "text": "The dishes"},
            {"id": "t1", "kind": "weekly_topic", "week": WEEK, "text": THEIRS, "heard": None},
            "topic_raised",
            "Your partner has raised this week's one thing to talk about: listen first.",
        ),
        "Raising the one thing to talk about for the week of Nov 30",
        r"^Your partner has raised this week's one thing to talk about: listen first\.$",
        "The dishes",
        None,
    ),
    (
        "an answer before the summary",
        PAIRED,
        refusal(
            "weekly.answer",
            {"id": "t2", "week": WEEK, "answer": "I will try."},
            None,
            "summary_first",
            "First say back what you heard; then answer.",
        ),
        "Answering what Alex raised for the week of Nov 30",
        r"^First say back what you heard; then answer\.$",
        "I will try.",
        None,
    ),
    (
        "words for a repair that has moved forward",
        PAIRED,
        refusal(
            "repair.write",
            {
                "id": "e1",
                "repair_id": "rp1",
                "step": "confirm",
                "parts": {"heard": "yes", "missed": "The why."},
            },
            None,
            "repair_closed",
            "This repair is not open: reopen it to write in it.",
            parent=REPAIR,
        ),
        "Writing in “The messages”",
        r"^This repair is not open: reopen it to write in it\.$",
        "The why.",
        None,
    ),
    (
        "words for a repair no longer here",
        PAIRED,
        refusal(
            "repair.write",
            {
                "id": "e2",
                "repair_id": "rp2",
                "step": "reflect",
                "parts": {"heard": "You felt alone."},
            },
            None,
            "not_found",
        ),
        "Writing in a repair",
        r"^It is no longer there for you",
        "You felt alone.",
        None,
    ),
    (
        "a repair set aside after it moved forward",
        PAIRED,
        refusal("repair.set_aside", {"id": "rp1"}, REPAIR, "wrong_state"),
        "Setting “The messages” aside",
        r"^Refused\.$",
        "",
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


def test_a_refusal_never_shows_the_partners_own_words(page):
    theirs = {"id": "t1", "kind": "weekly_topic", "week": WEEK, "text": THEIRS, "heard": None}
    answer = {"id": "q2", "kind": "question_answer", "question": "?", "answer": THEIRS}
    for rejection in (
        refusal("weekly.raise", {"id": "t1", "week": WEEK, "text": "Mine"}, theirs, "topic_raised"),
        refusal("weekly.summarise", {"id": "t1", "week": WEEK, "summary": "You said"}, theirs),
        refusal("weekly.confirm", {"id": "t1", "week": WEEK, "heard": "yes"}, theirs, "no_summary"),
        refusal("question.answer", {"id": "q2", "day": WEEK, "answer": "Mine"}, answer),
    ):
        told = describe(page, PAIRED, rejection)
        assert THEIRS not in str(told), told
        assert told["what"] != "A change"
