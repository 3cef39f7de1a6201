// @ts-check
// Step 2, take responsibility: the partner who broke trust apologises in guided parts; the hurt partner
// answers when ready, and "I'm not ready to forgive yet" is as real an answer as any.
import { fromTemplate, ref } from '../shell/dom.js';
import { CHOICE_WORDS } from './words.js';
import { thread, writer } from './thread.js';

/** @typedef {import('./state.js').Detail} Detail */
/** @typedef {import('./thread.js').WriteActions} WriteActions */

/**
 * What step 2 says about where things stand, for its summary.
 * @param {Detail} detail
 */
export function apologyStatus({ apology, people, drafts }) {
  const { hurt, partnerName } = people;
  if (apology.turn === 'apology') {
    if (hurt) return `${partnerName} will take responsibility in their own words, when ready.`;
    return drafts.apology ? 'Your apology is a private draft: share it when you are ready.' : 'When you are ready, take responsibility in your own words.';
  }
  if (apology.turn === 'answer') return hurt ? 'Answer when you are ready. There is no hurry.' : `${partnerName} will answer when ready.`;
  const last = apology.answers[apology.answers.length - 1];
  const words = CHOICE_WORDS['answer.ready'][last.parts.ready] ?? '';
  const who = hurt ? 'You' : partnerName;
  if (last.parts.ready === 'forgive') return `${who} answered: “${words}”.`;
  // Not ready is respected: time, not pressure.
  return `${who} answered: “${words}”. That is a real answer; there is time.`;
}

/**
 * Step 2's body; render() follows the repair.
 * @param {WriteActions} actions
 * @returns {{element: HTMLElement, render: (detail: Detail) => void}}
 */
export function apologyStep(actions) {
  const body = fromTemplate('tpl-repair-apology');
  const apologies = thread(actions);
  const answers = thread(actions);
  const apology = writer('apology', actions, {
    intro: 'Own what happened: reasons can come later, once you have been heard. Fill in what you can; nothing is sent until you share it.',
  });
  const again = /** @type {HTMLButtonElement} */ (ref(body, 'again'));
  let answering = false;
  const answer = writer('answer', actions, {
    intro: 'Any answer is a real one. You can answer again later.',
    saved: () => {
      answering = false;
    },
  });
  ref(body, 'apology-thread').replaceChildren(apologies.element);
  ref(body, 'answers').replaceChildren(answers.element);
  ref(body, 'apology').replaceChildren(apology.element);
  ref(body, 'answer').replaceChildren(answer.element);
  /** @type {Detail | null} */
  let shown = null;
  again.addEventListener('click', () => {
    answering = !answering;
    if (shown) render(shown);
    if (answering) answer.focus();
  });

  /** @param {Detail} detail */
  const render = (detail) => {
    shown = detail;
    const { people, writable, drafts } = detail;
    const state = detail.apology;
    apologies.render(state.apology ? [state.apology] : [], detail);
    answers.render(state.answers, detail);
    ref(body, 'empty').hidden = Boolean(state.apology);
    ref(body, 'apology').hidden = !(writable && !people.hurt && state.turn === 'apology');
    const canAnswer = writable && people.hurt && state.turn !== 'apology';
    // After a first answer, another waits behind a button (or shows as the draft being written).
    const later = state.turn === 'answered' && !drafts.answer;
    ref(body, 'answer').hidden = !(canAnswer && (!later || answering));
    again.hidden = !(canAnswer && later);
    again.setAttribute('aria-expanded', String(answering));
    apology.render(detail);
    answer.render(detail);
    ref(body, 'status').textContent = apologyStatus(detail);
  };

  return { element: body, render };
}
