"""The repair's writing hints: local rules (English) that catch blame and excuses only."""

from __future__ import annotations

import pytest

# (words, the rule that catches them)
I_STATEMENT_CAUGHT = [
    ("You never listen to me.", "always_never"),
    ("You always put your phone first.", "always_never"),
    ("you're always late and I'm tired of it", "always_never"),
    ("I feel like you never hear me.", "always_never"),
    ("You\u2019ve never once asked how I was.", "always_never"),
    ("When you said you'd be home, you never came.", "always_never"),
    ("You never make me laugh any more.", "always_never"),
    ("You never meant a word of it.", "always_never"),
    ("You made me feel stupid in front of everyone.", "made_me"),
    ("You make me so angry when you do that", "made_me"),
    ("It's your fault we were late.", "your_fault"),
    ("This is all your fault.", "your_fault"),
    ("You\u2019re to blame for this mess.", "your_fault"),
    ("You should have told me about the money.", "should_have"),
    ("You should\u2019ve asked first.", "should_have"),
    ("Because of you I can't trust anyone.", "because_of_you"),
    ("Because of you I don't feel safe at home.", "because_of_you"),
    ("You don't care about me.", "dont_care"),
    ("You don't even listen any more", "dont_care"),
    ("You're so selfish.", "label"),
    ("You are a liar.", "label"),
]

I_STATEMENT_LET_BE = [
    "When I was talking about my day and you looked at your phone, I felt alone. I need you to "
    "put it away at dinner.",
    "I never told anyone how much it hurt.",
    "We always argue about money, and I want that to change.",
    "I felt alone when you left the room.",
    "You were on your phone during dinner.",
    "It's not your fault that I felt this way.",
    "It isn't your fault, and I know that.",
    "What I heard you say is that you always feel alone at dinner.",
    "You said “you never listen”, and it stung.",
    'I wrote down "you always" and then crossed it out.',
    "I heard you say 'you don't care' under your breath.",
    "You always make me laugh, and I miss that.",
    "You made me dinner and I didn't thank you.",
    "Because of you I feel safe telling this.",
    "You never know how a day will go.",
    "I know you never meant to hurt me.",
    "I don't think you always mean it that way.",
    "You should have a say in this too.",
    "You shouldn't have to carry this alone.",
    "You've always been there for me, which is why this hurt.",
    "You made me feel loved for years.",
    "Thank you for listening.",
    "I saw the messages. I felt sick. I need the truth.",
    "",
]

APOLOGY_CAUGHT = [
    ("I'm sorry, but you were late too.", "sorry_but"),
    ("I am really sorry I read your phone but you left it open.", "sorry_but"),
    ("Sorry… but I was tired.", "sorry_but"),
    ("I apologise, however I had my reasons.", "sorry_but"),
    ("I'm sorry if you felt hurt.", "sorry_if"),
    ("Sorry if that upset you.", "sorry_if"),
    ("I'm sorry you feel that way.", "sorry_you_feel"),
    ("I\u2019m sorry that you were upset.", "sorry_you_feel"),
    ("I only did it because I was stressed.", "excuse"),
    ("I only said that because you pushed me.", "excuse"),
    ("The only reason I lied was to protect you.", "excuse"),
    ("I was only joking.", "excuse"),
    ("You have to understand, I was under pressure.", "understand"),
    ("You need to understand where I was coming from.", "understand"),
    ("If you hadn't gone out, I wouldn't have done it.", "blame_shift"),
    ("You made me do it.", "blame_shift"),
    ("It wasn't a big deal.", "minimising"),
    ("You're overreacting.", "minimising"),
]

APOLOGY_LET_BE = [
    "I'm sorry I read your messages. It was my choice and it was wrong.",
    # A "but" sentences away from the apology is not an excuse for it.
    "I'm sorry I lied to you. I know I can't undo it, but I want to rebuild your trust.",
    "I'm so sorry for going through your phone while you were asleep, and for everything I said "
    "when you found out about it afterwards, but I see now how much that hurt.",
    "I'm sorry. I broke my word, and I see how it hurt you.",
    "I was tired, but that is no excuse for what I said.",
    "I'm sorry for lying, but also for hiding it for so long.",
    "I'm sorry not only for the lie but for the months after it.",
    "I'm not sorry I told you the truth, but I am sorry for the lie before it.",
    "I'm sorry you were hurt by what I did.",
    "I'm sorry that you had to find out from someone else.",
    "I did it because I was scared, and I should have told you.",
    "I'm not going to make excuses.",
    "I understand why you're hurt.",
    "It was a big deal, and I treated it as if it wasn't.",
    "I want nothing but to make this right.",
    "You said “I'm sorry, but…” is all you hear from me, and you are right.",
    "I only realised later how much it hurt you.",
    "I'm sorry, and however you choose to answer, I will listen.",
    "",
]


@pytest.fixture
def page(phone):
    page = phone().new_page()
    page.goto("/")
    return page


def hints(page, function: str, texts: list[str]) -> list[dict | None]:
    """Run one of the hint rules over every text, in the page's own module."""
    return page.evaluate(
        """async ([name, texts]) => {
          const hints = await import('/js/repairs/hints.js');
          return texts.map((text) => hints[name](text));
        }""",
        [function, texts],
    )


@pytest.mark.parametrize(
    ("function", "caught"),
    [("iStatementHint", I_STATEMENT_CAUGHT), ("apologyHint", APOLOGY_CAUGHT)],
    ids=["i-statement", "apology"],
)
def test_blame_and_excuses_get_a_gentle_hint_with_an_example(page, function, caught):
    assert len(caught) >= 15
    found = hints(page, function, [text for text, _ in caught])
    wrong = [
        (text, rule, hint and hint["rule"])
        for (text, rule), hint in zip(caught, found, strict=True)
        if not hint or hint["rule"] != rule
    ]
    assert wrong == []
    for hint in found:
        assert hint["message"] and hint["example"].startswith("Instead of “")
        assert "try “" in hint["example"]


@pytest.mark.parametrize(
    ("function", "let_be"),
    [("iStatementHint", I_STATEMENT_LET_BE), ("apologyHint", APOLOGY_LET_BE)],
    ids=["i-statement", "apology"],
)
def test_ordinary_words_quotes_and_negations_get_no_hint(page, function, let_be):
    assert len(let_be) >= 15
    found = hints(page, function, let_be)
    assert [(text, hint["rule"]) for text, hint in zip(let_be, found, strict=True) if hint] == []


def test_the_examples_shown_pass_their_own_rules(page):
    # An example that the rules would flag would teach the very thing the hint warns about.
    examples = page.evaluate(
        """async () => {
          const hints = await import('/js/repairs/hints.js');
          const pick = (hint) => hint.example.split('try “')[1].replace(/”$/, '');
          return {
            all: [
              'You never listen', 'You made me cry', "It's your fault", 'You should have called',
              'Because of you I cried', "You don't care", "You're so selfish",
            ].map((t) => pick(hints.iStatementHint(t))),
            apologies: [
              "Sorry if you felt hurt", "I'm sorry you feel that way", "I'm sorry, but no",
              "If you hadn't gone", 'I only did it because', 'You have to understand',
              "You're overreacting",
            ].map((t) => pick(hints.apologyHint(t))),
          };
        }"""
    )
    assert examples["all"][0].startswith("When I was talking about my day and you looked")
    assert [e for e in examples["all"] if hints(page, "iStatementHint", [e])[0]] == []
    assert [e for e in examples["apologies"] if hints(page, "apologyHint", [e])[0]] == []


def test_the_hints_ask_nothing_of_the_network(page):
    page.evaluate("import('/js/repairs/hints.js')")
    # The sign-up screen's own requests (the time zones) are done before the watch begins.
    page.wait_for_load_state("networkidle")
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    hints(page, "iStatementHint", ["You never listen"] * 3)
    hints(page, "apologyHint", ["I'm sorry, but"] * 3)
    assert requests == []
