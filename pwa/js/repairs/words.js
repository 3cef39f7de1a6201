// @ts-check
// A repair in words for people: time passed said kindly, the steps, the parts, the answers and the rhythm.

/** @typedef {import('./rules.js').Step} Step */
/** @typedef {import('./rules.js').Rhythm} Rhythm */

const DAY_MS = 24 * 60 * 60 * 1000;
const NUMBERS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'];
const moment = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

/** A count in words where it reads better ("three"), in digits beyond twelve. */
export const countWords = (/** @type {number} */ n) => NUMBERS[n] ?? String(n);

const capital = (/** @type {string} */ text) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * How long ago, gently: "a week", "three weeks", "two months"; '' under a day.
 * @param {number} days
 */
function spanWords(days) {
  /** @type {[number, string][]} */
  const units = [[365, 'year'], [30, 'month'], [7, 'week'], [1, 'day']];
  for (const [size, unit] of units) {
    const count = Math.floor(days / size);
    if (count >= 1) return count === 1 ? `a ${unit}` : `${countWords(count)} ${unit}s`;
  }
  return '';
}

/**
 * Time passed since the repair began, said kindly: "You started today", "Three weeks since you started".
 * @param {string} openedAt ISO 8601
 * @param {Date} [now]
 */
export function sinceWords(openedAt, now = new Date()) {
  const days = Math.floor((now.getTime() - Date.parse(openedAt)) / DAY_MS);
  if (days < 1) return 'You started today';
  if (days < 2) return 'You started yesterday';
  return `${capital(spanWords(days))} since you started`;
}

/** When something happened (ISO 8601), in the reader's time zone: "Mar 4". */
export const momentWords = (/** @type {string} */ at) => moment.format(new Date(at));

/** The five steps, as the screen names them. */
export const STEP_TITLES = ['Acknowledge the hurt', 'Take responsibility', 'Rebuild, one small promise at a time', 'Stay open', 'Find support'];

/** What each part of a step asks, as its field's label. */
export const PART_LABELS = /** @type {Record<Step, Record<string, string>>} */ ({
  acknowledge: { saw: 'What I saw or heard', felt: 'What I felt', need: 'What I need', ask: 'What I ask of you' },
  reflect: { heard: 'What I heard you say…' },
  confirm: { heard: 'Is that it?', missed: 'What was missed' },
  apology: {
    did: 'What I did', responsibility: 'That it was my responsibility', impact: 'The impact I see on you',
    learned: 'What I learned', change: 'What I will change',
  },
  answer: { text: 'In my own words', ready: 'Where I am' },
  rhythm_note: { text: 'A few words with it' },
});

/** The choices a part may hold, in words. */
export const CHOICE_WORDS = /** @type {Record<string, Record<string, string>>} */ ({
  'confirm.heard': { yes: 'Yes, that’s it', not_quite: 'Not quite' },
  'answer.ready': { forgive: 'I forgive you', not_yet: 'I’m not ready to forgive yet', unsure: 'I’m not sure yet' },
});

/** A repair's state in words. */
export const STATE_WORDS = /** @type {Record<string, string>} */ ({ open: 'Open', set_aside: 'Set aside', moved_forward: 'Moved forward' });

/**
 * A rhythm in words: "Daily for two weeks, then weekly".
 * @param {Pick<Rhythm, 'daily_days' | 'then'>} rhythm
 */
export function rhythmWords({ daily_days: days, then }) {
  const after = then === 'weekly' ? 'weekly' : 'as it suits you';
  if (!days) return then === 'weekly' ? 'Weekly check-ins' : 'No set rhythm';
  const span = days % 7 === 0 ? spanWords(days) : `${countWords(days)} ${days === 1 ? 'day' : 'days'}`;
  return `Daily for ${span}, then ${after}`;
}
