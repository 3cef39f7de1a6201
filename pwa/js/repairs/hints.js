// @ts-check
// Gentle writing hints for a repair, worked out on this phone from the words alone: nothing is sent
// anywhere and no model reads them. The rules are for English. A hint that nags on ordinary words
// is worse than none, so every rule is narrow: it misses some blame rather than flag plain speech.
//
// Before any rule, words in quotation marks (“…”, "…", ‘…’) are set aside: they quote someone else.
// A phrase is also let be when the two words before it negate it ("it's not your fault", "I don't
// think you always…") and, for the "I"-statement rules, when it reports what the partner said or
// feels ("What I heard you say is that you always feel alone"). Only phrases about "you" count:
// "I never", "we always" and "you" on its own are never flagged.
//
// iStatementHint: the hurt partner's words. Blame is hard to hear; what I saw, felt and need is not.
//   always_never   "you always / you never / you're always…" (not "you never know", not "you never
//                  meant to hurt me", not "you always make me laugh"). Example: “When I was talking about my day and you looked at your phone, I felt alone. I need…”
//   made_me        "you made me feel / do / say / cry…" (not "you made me dinner", not "made me feel loved").
//                  Example: “When you laughed at my idea in front of your friends, I felt small. I need…”
//   your_fault     "it's your fault / all your fault / you're to blame / I blame you" (not "not your fault").
//                  Example: “When we left late, I felt stressed and let down. Next time I need…”
//   should_have    "you should have told / should've…" (not "you should have a say", not "shouldn't have to").
//                  Example: “When I heard it from someone else, I felt shut out. I need to hear things from you first.”
//   because_of_you "because of you" (not "because of you I feel safe").
//                  Example: “Since I found the messages, I have felt unsure of us. I need…”
//   dont_care      "you don't care / don't love me / don't listen / don't respect me…".
//                  Example: “When my messages went unanswered all evening, I felt forgotten. I need…”
//   label          "you're so selfish / you are a liar…": a word for the person rather than what happened.
//                  Example: “When you took the car without asking, I felt I didn't count. I need…”
//
// apologyHint: the apology. An apology lands when it owns what happened; reasons come later.
//   sorry_if       "sorry if you felt…": a conditional apology.
//   sorry_you_feel "I'm sorry you feel that way" (not when it owns it: "…you were hurt by what I did").
//   sorry_but      "but" or "however" within a few words of the apology, in the same sentence
//                  (not "but also", not "however you choose", not a "but" in a later sentence).
//   blame_shift    "if you hadn't…", "you made me…", "you started it".
//   excuse         "I only did it because…", "the only reason I…", "I was only joking".
//   understand     "you have to understand / need to understand…".
//   minimising     "it wasn't a big deal", "you're overreacting", "too sensitive".
//   Each gives an example of owning it, e.g. “I'm sorry I read your messages. It was my choice and it was wrong.”

/**
 * @typedef {object} Hint
 * @property {string} rule which rule caught the words, e.g. 'always_never'
 * @property {string} message what the words may do, gently, and what to try instead
 * @property {string} example a way of saying it that owns it, e.g. 'Instead of “You never listen”, try “…”'
 */

/**
 * @typedef {object} Rule
 * @property {string} rule
 * @property {RegExp} pattern global; matched against one sentence, lower case, straight apostrophes
 * @property {(sentence: string, start: number, end: number) => boolean} [unless] context that lets it be
 * @property {string} message
 * @property {string} example
 */

const NEGATION = /^(?:not|no|never|nobody|nothing|[a-z]+n't|cannot)$/;
const POSITIVE = /\b(?:love|loved|loving|safe|happy|happier|laugh|laughing|smile|special|better|proud|grateful|thankful|beautiful|supported|supportive|welcome|cared for|valued|good|whole|strong|brave|hopeful|kind|patient|generous|there for me|on my side|have my back)\b/;
const NEGATED = /\b(?:not|never|no|[a-z]+n't|cannot)\b/;
// "What I heard you say is that…", "You said you…": the words report the partner's, not blame them.
const REPORTED = /\b(?:you said|you say|you told me|you feel|you felt|you mean|you meant|you think|you thought|heard you|what i heard|you're saying|you are saying|you were saying)\b/;
const PARTICIPLE = /^(?:[a-z]+(?:ed|en|wn)|told|known|said|done|gone|seen|heard|thought|left|kept|brought|bought|met|felt|let|put|come|been|asked|called|stayed|shown|sent|spent|paid|made|got|found|run|stood|held|meant|had|taken|given|told)$/;
// Where a clause ends, for the word just before a phrase and for reported speech.
const CLAUSE = /[,:—–()]/;

/** The words of a text as the rules read them: lower case, straight apostrophes, quotations set aside. */
function normalise(/** @type {string} */ text) {
  return String(text ?? '')
    .toLowerCase()
    .replace(/[“”„‟]/g, '"')
    .replace(/"[^"\n]*"/g, ' " " ')
    .replace(/‘[^‘\n]*?’(?![a-z])/g, ' " " ')
    .replace(/[’`´]/g, "'")
    // A straight single quote opening after a space and closing before one: a quotation, not an apostrophe.
    .replace(/(^|[\s(])'[^\n]+?'(?=$|[\s.,;:!?)])/g, '$1 " " ')
    // "I'm sorry… but": a pause, not the end of the sentence.
    .replace(/\.{3}|…/g, ',');
}

/** The sentences of a normalised text. */
function sentences(/** @type {string} */ text) {
  return text.split(/[.!?;\n]+/).map((s) => s.trim()).filter(Boolean);
}

/** The part of the sentence's clause that comes before the phrase. */
function clauseBefore(/** @type {string} */ sentence, /** @type {number} */ start) {
  const before = sentence.slice(0, start);
  const parts = before.split(CLAUSE);
  return parts[parts.length - 1];
}

/** Whether one of the two words just before the phrase negates it ("not your fault"). */
function negatedBefore(/** @type {string} */ sentence, /** @type {number} */ start) {
  const words = clauseBefore(sentence, start).trim().split(/\s+/).slice(-2);
  return words.some((word) => NEGATION.test(word));
}

/** The few words after the phrase, within its clause. */
function after(/** @type {string} */ sentence, /** @type {number} */ end, words = 5) {
  return sentence.slice(end).split(CLAUSE)[0].trim().split(/\s+/).slice(0, words).join(' ');
}

/** Whether the words after the phrase say something warm, without a negation ("…make me feel safe"). */
function warmAfter(/** @type {string} */ sentence, /** @type {number} */ end) {
  const next = after(sentence, end, 6);
  return POSITIVE.test(next) && !NEGATED.test(next);
}

/** Whether the phrase sits in reported speech ("You said you never…"). */
function reported(/** @type {string} */ sentence, /** @type {number} */ start) {
  return REPORTED.test(clauseBefore(sentence, start)) || /\bthank$/.test(clauseBefore(sentence, start).trim());
}

const I_TRY = 'Try saying what you saw or heard, how you felt and what you need.';

/** @type {Rule[]} */
const I_RULES = [
  {
    rule: 'always_never',
    // "You've always…" is mostly warm ("…been there for me"); "you've never…" is not.
    pattern: /\byou(?:(?:'re| are| were)?\s+(?:always|never|constantly)|(?:'ve| have)\s+never)\b/g,
    unless: (s, start, end) =>
      /^(?:know|knew)$/.test(after(s, end, 1)) ||
      /^(?:meant|intended|wanted) to (?:hurt|upset|lose)\b/.test(after(s, end, 3)) ||
      (/always|constantly/.test(s.slice(start, end)) && warmAfter(s, end)),
    message: `“Always” and “never” can sound like a verdict, and it is hard to hear past one. ${I_TRY}`,
    example: 'Instead of “You never listen”, try “When I was talking about my day and you looked at your phone, I felt alone. I need…”',
  },
  {
    rule: 'made_me',
    pattern: /\byou\s+(?:made|make|makes|forced|force)\s+me\s+(?:feel|do|say|act|react|cry|lie|lose|look|snap|doubt|question|angry|upset|furious|mad|jealous|sad|so)\b/g,
    unless: (s, _start, end) => warmAfter(s, end),
    message: `“You made me…” puts your feelings in their hands, and they may hear only blame. ${I_TRY}`,
    example: 'Instead of “You made me feel stupid”, try “When you laughed at my idea in front of your friends, I felt small. I need…”',
  },
  {
    rule: 'your_fault',
    pattern: /\b(?:(?:it's|it is|it was|that's|that is|that was|this is|this was|is|was|all|entirely|completely|totally|really)\s+your\s+fault|you(?:'re| are)\s+to\s+blame|i\s+blame\s+you)\b/g,
    message: `Fault is a hard place to start from: it tends to bring a defence rather than listening. ${I_TRY}`,
    example: 'Instead of “It’s your fault we were late”, try “When we left late, I felt stressed and let down. Next time I need…”',
  },
  {
    rule: 'should_have',
    pattern: /\byou\s+(?:should've|should have|shoulda|ought to have)(?:\s+[a-z']+)?/g,
    unless: (s, start, end) => {
      const phrase = s.slice(start, end);
      if (phrase.includes("should've") || phrase.includes('ought to')) return false;
      return !PARTICIPLE.test(phrase.split(/\s+/).pop() ?? '');
    },
    message: `“You should have…” can be heard as a judgement. Saying what it was like for you leaves room to be heard. ${I_TRY}`,
    example: 'Instead of “You should have told me”, try “When I heard it from someone else, I felt shut out. I need to hear things from you first.”',
  },
  {
    rule: 'because_of_you',
    pattern: /\bbecause of you\b(?!r)/g,
    unless: (s, _start, end) => warmAfter(s, end),
    message: `“Because of you” can sound like blame for everything that follows. ${I_TRY}`,
    example: 'Instead of “Because of you I can’t trust anyone”, try “Since I found the messages, I have felt unsure of us. I need…”',
  },
  {
    rule: 'dont_care',
    pattern: /\byou\s+(?:don't|do not|didn't|did not)\s+(?:even\s+|really\s+|actually\s+|ever\s+)?(?:care|love me|listen|respect me|understand me|think about me|want me|want us)\b/g,
    message: `Saying what they feel is a guess they may want to argue with. Saying what you felt is not. ${I_TRY}`,
    example: 'Instead of “You don’t care about me”, try “When my messages went unanswered all evening, I felt forgotten. I need…”',
  },
  {
    rule: 'label',
    pattern: /\byou(?:'re| are| were)\s+(?:so\s+|such\s+an?\s+|an?\s+|being\s+|just\s+|completely\s+|totally\s+|really\s+)?(?:selfish|liar|cheat|cheater|manipulative|inconsiderate|heartless|cruel|useless|pathetic|lazy|narcissist|narcissistic|toxic|childish|immature|coward|dishonest|pathological)\b/g,
    message: `A word for who they are is hard to take in; what they did, and how it felt, is easier to hear. ${I_TRY}`,
    example: 'Instead of “You’re so selfish”, try “When you took the car without asking, I felt I didn’t count. I need…”',
  },
];

const OWN = 'An apology lands when it owns what happened; the reasons can wait for “What I learned”.';

/** @type {Rule[]} */
const APOLOGY_RULES = [
  {
    rule: 'sorry_if',
    pattern: /\b(?:sorry|apologi[sz]e)\s+if\b/g,
    message: `“Sorry if…” can sound as though the hurt might not be real. ${OWN}`,
    example: 'Instead of “I’m sorry if you felt hurt”, try “I’m sorry I read your messages without asking. It hurt you, and that is on me.”',
  },
  {
    rule: 'sorry_you_feel',
    pattern: /\bsorry\s+(?:that\s+)?you\s+(?:feel|felt|are feeling|were feeling|are|were|got|think|thought|see it|took it)\b/g,
    unless: (s, _start, end) => /\b(?:because of me|by what i|by my|when i|because i|i caused)\b/.test(s.slice(end)),
    message: `“I’m sorry you feel…” is about their feelings, not what you did. ${OWN}`,
    example: 'Instead of “I’m sorry you feel that way”, try “I’m sorry I broke my word about the money. I see how it shook you.”',
  },
  {
    rule: 'sorry_but',
    pattern: /\b(?:sorry|apologi[sz]e|apologies|my apology)\b((?:\W+\w+(?:'\w+)?){0,14}?)\W+(?:but|however)\b(?!\s+(?:also|more|most))/g,
    unless: (s, start, end) => {
      const before = s.slice(start, end).replace(/\W+(?:but|however)$/, '');
      // "However you choose…" is not a "but".
      const however = /however$/.test(s.slice(start, end)) && /^(?:you|much|long)$/.test(after(s, end, 1));
      return however || /\bnot (?:only|just)\b/.test(before) || /\b(?:nothing|anything|all)$/.test(before);
    },
    message: `A “but” after “sorry” tends to cancel it: it is what they will hear. ${OWN}`,
    example: 'Instead of “I’m sorry, but you were late too”, try “I’m sorry I shouted at you. That was mine to own, whatever else happened that day.”',
  },
  {
    rule: 'blame_shift',
    pattern: /\b(?:if you (?:hadn't|had not|didn't|did not|weren't|were not)|you (?:made|make|forced|drove) me (?:to|do|say|lie|act|react|go|feel)|you started it)\b/g,
    message: `Pointing to what they did moves the apology onto them. ${OWN}`,
    example: 'Instead of “If you hadn’t gone out, I wouldn’t have…”, try “What I did was my choice, and I am sorry for it.”',
  },
  {
    rule: 'excuse',
    pattern: /\b(?:i\s+only\s+(?:[a-z']+\s+){0,4}?because|the only reason i|i was (?:only|just) (?:trying|joking|kidding|teasing|being))\b/g,
    message: `An explanation straight after the apology can sound like an excuse. ${OWN}`,
    example: 'Instead of “I only did it because I was stressed”, try “I did it, and it was wrong. I see how it hurt you.”',
  },
  {
    rule: 'understand',
    pattern: /\byou (?:have to|need to|must|should|gotta|got to|'ve got to|have got to) understand\b/g,
    message: `Asking to be understood first puts your side before theirs. ${OWN}`,
    example: 'Instead of “You have to understand, I was under pressure”, try “I understand why you are hurt. What I did was mine to own.”',
  },
  {
    rule: 'minimising',
    pattern: /(?:\b(?:you're|you are|you were) (?:overreacting|being dramatic|(?:being )?too sensitive)|(?:\bnot|n't)\s+(?:that\s+|such\s+)?(?:a\s+)?big(?:\s+a)?\s+deal)\b/g,
    message: `Making it smaller can tell them their hurt does not count. ${OWN}`,
    example: 'Instead of “It wasn’t a big deal”, try “I can see it mattered to you, and I am sorry I treated it lightly.”',
  },
];

/**
 * The first rule, in order, that catches a phrase of the text, or null.
 * @param {Rule[]} rules
 * @param {string} text
 * @param {boolean} speechCounts whether reported speech lets a phrase be
 * @returns {Hint | null}
 */
function firstHint(rules, text, speechCounts) {
  const parts = sentences(normalise(text));
  for (const { rule, pattern, unless, message, example } of rules) {
    for (const sentence of parts) {
      for (const match of sentence.matchAll(pattern)) {
        const start = match.index ?? 0;
        const end = start + match[0].length;
        if (negatedBefore(sentence, start)) continue;
        if (speechCounts && reported(sentence, start)) continue;
        if (unless?.(sentence, start, end)) continue;
        return { rule, message, example };
      }
    }
  }
  return null;
}

/**
 * A gentle hint for the hurt partner's words when they lean on blame ("you never…"), or null.
 * @param {string} text
 * @returns {Hint | null}
 */
export function iStatementHint(text) {
  return firstHint(I_RULES, text, true);
}

/**
 * A gentle hint for an apology that a "but" or an excuse follows ("I'm sorry, but…"), or null.
 * @param {string} text
 * @returns {Hint | null}
 */
export function apologyHint(text) {
  return firstHint(APOLOGY_RULES, text, false);
}
