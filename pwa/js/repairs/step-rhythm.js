// @ts-check
// Step 4, openness: the two agree how often they check in for the repair, and see both partners'
// shared trust levels since it began as a trend (a small drawing, with a table that says the same).
import { busy, fromTemplate, ref, showProblem } from '../shell/dom.js';
import { MAX_DAILY_DAYS } from './rules.js';
import { rhythmWords } from './words.js';
import { thread } from './thread.js';
import { trustTrend } from './trend.js';

/** @typedef {import('./state.js').Detail} Detail */
/** @typedef {import('./thread.js').WriteActions} WriteActions */

/**
 * @typedef {WriteActions & {
 *   propose: (rhythm: {daily_days: number, then: 'weekly' | 'none'}, note: string) => Promise<void>,
 *   agree: (rhythm: {daily_days: number, then: string}) => Promise<void>,
 * }} RhythmActions
 */

/**
 * What step 4 says about where things stand, for its summary.
 * @param {Detail} detail
 */
export function rhythmStatus({ repair, people }) {
  const rhythm = repair.rhythm;
  if (!rhythm) return 'Agree how often you check in while you rebuild.';
  const words = rhythmWords(rhythm);
  if (rhythm.agreed_by.length >= 2) return `You agreed: ${words.charAt(0).toLowerCase()}${words.slice(1)}.`;
  const proposer = rhythm.proposed_by === people.me ? 'You' : people.partnerName;
  return `${proposer} proposed: ${words.charAt(0).toLowerCase()}${words.slice(1)}.`;
}

/**
 * Step 4's body; render() follows the repair.
 * @param {RhythmActions} actions
 * @returns {{element: HTMLElement, render: (detail: Detail) => void}}
 */
export function rhythmStep(actions) {
  const body = fromTemplate('tpl-repair-rhythm');
  const form = /** @type {HTMLFormElement} */ (ref(body, 'form'));
  const days = /** @type {HTMLInputElement} */ (form.elements.namedItem('daily_days'));
  const then = /** @type {HTMLSelectElement} */ (form.elements.namedItem('then'));
  const note = /** @type {HTMLTextAreaElement} */ (form.elements.namedItem('note'));
  const agree = /** @type {HTMLButtonElement} */ (ref(body, 'agree'));
  const other = /** @type {HTMLButtonElement} */ (ref(body, 'other'));
  const notes = thread(actions);
  const trend = trustTrend();
  ref(body, 'notes').replaceChildren(notes.element);
  ref(body, 'trend').replaceChildren(trend.element);
  days.max = String(MAX_DAILY_DAYS);
  let proposing = false;
  /** @type {Detail | null} */
  let shown = null;

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const button = /** @type {HTMLButtonElement} */ (form.querySelector('button[type="submit"]'));
    busy(button, async () => {
      showProblem(form, null);
      const count = Number(days.value);
      if (!Number.isInteger(count) || count < 0 || count > MAX_DAILY_DAYS || days.value === '') {
        showProblem(form, { message: '', fields: { daily_days: `A number of days from 0 to ${MAX_DAILY_DAYS}.` } });
        return;
      }
      try {
        await actions.propose({ daily_days: count, then: then.value === 'none' ? 'none' : 'weekly' }, note.value.trim());
        note.value = '';
        proposing = false;
        if (shown) render(shown);
      } catch (problem) {
        showProblem(form, /** @type {import('../shell/dom.js').Problem} */ (problem));
      }
    });
  });
  agree.addEventListener('click', () => busy(agree, async () => {
    const rhythm = shown?.repair.rhythm;
    if (rhythm) await actions.agree({ daily_days: rhythm.daily_days, then: rhythm.then });
  }));
  other.addEventListener('click', () => {
    proposing = !proposing;
    if (shown) render(shown);
    if (proposing) days.focus();
  });

  /** @param {Detail} detail */
  const render = (detail) => {
    shown = detail;
    const { repair, people, writable } = detail;
    const rhythm = repair.rhythm;
    const agreed = Boolean(rhythm && rhythm.agreed_by.length >= 2);
    ref(body, 'status').textContent = rhythmStatus(detail);
    const mayAgree = writable && Boolean(rhythm) && !agreed && !rhythm?.agreed_by.includes(people.me);
    agree.hidden = !mayAgree;
    other.hidden = !writable || !rhythm;
    other.setAttribute('aria-expanded', String(proposing));
    form.hidden = !writable || (Boolean(rhythm) && !proposing);
    // Shared: the note goes with the proposal to the partner; a private repair keeps it a draft.
    notes.render(detail.rhythmNotes, detail);
    trend.render(detail);
  };

  return { element: body, render };
}
