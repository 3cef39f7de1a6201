// @ts-check
// How each step is written: its fields (with the gentle hints where they help) and what it cannot do without.
// The same rules as the server's (server/repairs/schemas.py), said to the person writing.
import { apologyHint, iStatementHint } from './hints.js';
import { CHOICE_WORDS, PART_LABELS } from './words.js';
import { MAX_PART } from './rules.js';

/** @typedef {import('./entry-form.js').FieldSpec} FieldSpec */
/** @typedef {import('./rules.js').Step} Step */

const choices = (/** @type {string} */ key) => /** @type {[string, string][]} */ (Object.entries(CHOICE_WORDS[key]));
const { acknowledge: A, reflect: R, confirm: C, apology: P, answer: N, rhythm_note: T } = PART_LABELS;

/** The fields of each step, in the order they are asked. */
export const FIELDS = /** @type {Record<Step, FieldSpec[]>} */ ({
  acknowledge: [
    { name: 'saw', label: A.saw, help: 'Just what happened, as a camera would have seen it.', hint: iStatementHint },
    { name: 'felt', label: A.felt, hint: iStatementHint },
    { name: 'need', label: A.need, hint: iStatementHint },
    { name: 'ask', label: A.ask, hint: iStatementHint },
  ],
  reflect: [{ name: 'heard', label: R.heard, help: 'In your own words, without explaining or defending: what you understood.', rows: 4 }],
  confirm: [{ name: 'missed', label: C.missed, help: 'What you would like heard too.', hint: iStatementHint }],
  apology: [
    { name: 'did', label: P.did, help: 'Plainly, without reasons for now.', hint: apologyHint },
    { name: 'responsibility', label: P.responsibility, hint: apologyHint },
    { name: 'impact', label: P.impact },
    { name: 'learned', label: P.learned },
    { name: 'change', label: P.change, help: 'One thing per line: each can become a small promise.' },
  ],
  answer: [
    { name: 'ready', label: N.ready, choices: choices('answer.ready') },
    { name: 'text', label: N.text, help: 'Optional.' },
  ],
  rhythm_note: [{ name: 'text', label: T.text, rows: 2 }],
});

const EMPTY = 'Write something here first.';

/**
 * What a step's parts lack, by field, or null when they can be saved.
 * @param {Step} step
 * @param {Record<string, string>} parts
 * @returns {Record<string, string> | null}
 */
export function checkParts(step, parts) {
  /** @type {Record<string, string>} */
  const fields = {};
  for (const [name, value] of Object.entries(parts)) if (value.length > MAX_PART) fields[name] = `At most ${MAX_PART} characters.`;
  if (step === 'acknowledge' && !Object.values(parts).some(Boolean)) fields.saw = 'Write at least one of these, whichever comes first.';
  if (step === 'reflect' && !parts.heard) fields.heard = EMPTY;
  if (step === 'confirm' && !parts.missed) fields.missed = EMPTY;
  if (step === 'apology') {
    if (!parts.did) fields.did = EMPTY;
    if (!parts.responsibility) fields.responsibility = EMPTY;
  }
  if (step === 'answer' && !parts.ready) fields.ready = 'Choose where you are; any answer is a real one.';
  if (step === 'rhythm_note' && !parts.text) fields.text = EMPTY;
  return Object.keys(fields).length ? fields : null;
}
