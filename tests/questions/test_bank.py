"""The question bank: enough questions for a year without a repeat, in six themes, none twice."""

from __future__ import annotations

import itertools
import json
import re
from difflib import SequenceMatcher

from server.questions.bank import BANK_FILE, bank, themes

THEMES = {
    "knowing": "Getting to know each other",
    "appreciation": "Appreciation",
    "trust": "Trust and honesty",
    "future": "The future",
    "memories": "Memories",
    "fun": "Fun",
}
# Words that say nothing about what a question asks.
LITTLE_WORDS = {
    *("a", "an", "the", "of", "to", "you", "your", "me", "my", "i", "we", "us", "our", "is"),
    *("are", "was", "do", "does", "did", "what", "which", "how", "when", "where", "who"),
    *("and", "or", "in", "on", "for", "with", "be", "would", "could", "that", "it", "this"),
}


def normalised(text: str) -> str:
    """Lower case, letters only, words separated by single spaces ("What's" and "whats" agree)."""
    return " ".join(re.findall(r"[a-z]+", text.lower().replace("'", "").replace("\u2019", "")))


def near_duplicates(a: str, b: str) -> bool:
    """Tell whether two questions ask the same thing in nearly the same words."""
    x, y = normalised(a), normalised(b)
    same = SequenceMatcher(None, x, y)
    # The quick bounds first: comparing every pair in full takes long.
    if x == y or (
        same.real_quick_ratio() >= 0.95 and same.quick_ratio() >= 0.95 and same.ratio() >= 0.95
    ):
        return True
    wx, wy = set(x.split()) - LITTLE_WORDS, set(y.split()) - LITTLE_WORDS
    return len(wx & wy) / max(1, len(wx | wy)) >= 0.7


def test_the_bank_has_a_question_for_every_day_of_a_year_in_six_themes():
    raw = json.loads(BANK_FILE.read_text(encoding="utf-8"))
    questions = raw["questions"]
    assert len(questions) >= 366  # one a day, none twice within a (leap) year
    assert {t["id"]: t["name"] for t in raw["themes"]} == THEMES == themes()
    per_theme = {name: sum(q["theme"] == name for q in questions) for name in THEMES}
    assert min(per_theme.values()) >= 50, per_theme
    assert len(bank()) == len(questions)
    for q in questions:
        assert set(q) == {"id", "theme", "text"}
        assert q["text"] == q["text"].strip() and q["text"].endswith("?"), q
        assert 10 <= len(q["text"]) <= 140, q


def test_no_question_is_in_the_bank_twice_even_reworded():
    questions = bank()
    assert len({q.id for q in questions}) == len(questions)
    assert len({normalised(q.text) for q in questions}) == len(questions)
    close = [
        (a.text, b.text)
        for a, b in itertools.combinations(questions, 2)
        if near_duplicates(a.text, b.text)
    ]
    assert close == []


def test_the_duplicate_finder_sees_through_small_rewordings():
    assert near_duplicates("What's your favourite song?", "what\u2019s your favourite song!")
    assert near_duplicates(
        "What is a place you would love us to visit together one day?",
        "Which place would you love us to visit together some day?",
    )
    assert not near_duplicates("What was your first job like?", "What was your favourite birthday?")
