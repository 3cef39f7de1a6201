// @ts-check
// Step 1, acknowledge the hurt: the hurt partner says what happened in "I" statements, the other says
// back what they heard, and the first says "Yes, that's it" or what was missed, as often as needed.
import { busy, fromTemplate, ref } from '../shell/dom.js';
import { thread, writer } from './thread.js';

/** @typedef {import('./state.js').Detail} Detail */
/** @typedef {import('./thread.js').WriteActions} WriteActions */

/**
 * What step 1 says about where things stand, for its summary.
 * @param {Detail} detail
 */
export function hearStatus({ hear, people, drafts }) {
  const { hurt, partnerName } = people;
  switch (hear.turn) {
    case 'acknowledge':
      if (!hurt) return `${partnerName} will say what happened, when ready.`;
      return drafts.acknowledge ? 'Your words are a private draft: share them when you are ready.' : 'When you are ready, say what happened and how it felt.';
    case 'reflect':
      return hurt ? `${partnerName} will say back what they heard.` : `Say back what you heard ${partnerName} say.`;
    case 'confirm':
      return hurt ? `Read what ${partnerName} heard: is that it?` : `${partnerName} will say whether that is it.`;
    default:
      return hurt ? 'You felt heard.' : `${partnerName} felt heard.`;
  }
}

/**
 * Step 1's body; render() follows the repair.
 * @param {WriteActions} actions
 * @returns {{element: HTMLElement, render: (detail: Detail) => void}}
 */
export function hearStep(actions) {
  const body = fromTemplate('tpl-repair-hear');
  const said = thread(actions);
  const acknowledge = writer('acknowledge', actions, {
    intro: 'Say it as what you saw, felt, need and ask, rather than what your partner is. Fill in what you can; nothing is sent until you share it.',
  });
  const reflect = writer('reflect', actions);
  const confirmBox = ref(body, 'confirm');
  const yes = /** @type {HTMLButtonElement} */ (ref(confirmBox, 'yes'));
  const notQuite = /** @type {HTMLButtonElement} */ (ref(confirmBox, 'not-quite'));
  const missed = writer('confirm', actions, {
    fixed: { heard: 'not_quite' },
    cancel: () => {
      toggleMissed(false);
      notQuite.focus();
    },
  });
  ref(body, 'thread').replaceChildren(said.element);
  ref(body, 'acknowledge').replaceChildren(acknowledge.element);
  ref(body, 'reflect').replaceChildren(reflect.element);
  ref(confirmBox, 'missed').replaceChildren(missed.element);
  const toggleMissed = (/** @type {boolean} */ open) => {
    ref(confirmBox, 'missed').hidden = !open;
    notQuite.setAttribute('aria-expanded', String(open));
  };
  yes.addEventListener('click', () => busy(yes, () => actions.write('confirm', { heard: 'yes', missed: '' }, true)));
  notQuite.addEventListener('click', () => {
    toggleMissed(true);
    missed.focus();
  });

  return {
    element: body,
    render(detail) {
      const { hear, people, writable, drafts } = detail;
      said.render(hear.shared, detail);
      ref(body, 'empty').hidden = hear.shared.length > 0;
      ref(body, 'acknowledge').hidden = !(writable && people.hurt && hear.turn === 'acknowledge');
      ref(body, 'reflect').hidden = !(writable && !people.hurt && hear.turn === 'reflect');
      confirmBox.hidden = !(writable && people.hurt && hear.turn === 'confirm');
      acknowledge.render(detail);
      reflect.render(detail);
      missed.render(detail);
      // A draft of what was missed shows as itself; the two answers wait until it is shared.
      if (drafts.confirm) toggleMissed(true);
      ref(confirmBox, 'answers').hidden = Boolean(drafts.confirm);
      ref(body, 'status').textContent = hearStatus(detail);
      ref(body, 'reflect-intro').textContent = hear.shared.some((e) => e.step === 'reflect')
        ? `Say back again what you heard, with what ${people.partnerName} added.`
        : `Say back what you heard ${people.partnerName} say. Being heard is the point of this step.`;
    },
  };
}
