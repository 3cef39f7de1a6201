// @ts-check
// Where a repair rests: only the hurt partner says "I feel we've moved forward" (with what we learned, kept
// for the two of us or on our Timeline); either partner sets it aside or reopens it, whenever they are ready.
import { busy, fromTemplate, ref, showProblem } from '../shell/dom.js';
import { MAX_NOTE } from './rules.js';
import { momentWords } from './words.js';

/** @typedef {import('./state.js').Detail} Detail */
/** @typedef {import('./rules.js').RepairRecord} RepairRecord */

/**
 * @typedef {object} CloseActions
 * @property {(note: string, keepAs: 'repair' | 'memory') => Promise<void>} moveForward
 * @property {() => Promise<void>} setAside
 * @property {() => Promise<void>} reopen
 */

/**
 * Where the repair rests, in words.
 * @param {Detail} detail
 */
function restWords({ repair, people }) {
  if (repair.state === 'moved_forward') {
    const who = people.hurt ? 'You' : people.partnerName;
    const kept = repair.kept_as === 'memory' ? 'It is on your Timeline.' : 'It is kept here, just for the two of you.';
    return `${who} felt you had moved forward, on ${momentWords(repair.moved_forward_at ?? repair.updated_at)}. ${kept}`;
  }
  if (repair.state === 'set_aside') {
    return `Set aside on ${momentWords(repair.set_aside_at ?? repair.updated_at)}. Either of you can reopen it whenever you are ready.`;
  }
  if (people.hurt) return 'When it feels right to you, and only then, you can say so here. There is no hurry.';
  return `When ${people.partnerName} feels you have moved forward, ${people.partnerName} can say so here. There is no hurry.`;
}

/**
 * The closing part of a repair's screen; render() follows the repair.
 * @param {CloseActions} actions
 * @returns {{element: HTMLElement, render: (detail: Detail) => void}}
 */
export function closingBox(actions) {
  const element = fromTemplate('tpl-repair-close');
  const forward = /** @type {HTMLButtonElement} */ (ref(element, 'forward'));
  const form = /** @type {HTMLFormElement} */ (ref(element, 'forward-form'));
  const note = /** @type {HTMLTextAreaElement} */ (form.elements.namedItem('note'));
  const aside = /** @type {HTMLButtonElement} */ (ref(element, 'aside'));
  const reopen = /** @type {HTMLButtonElement} */ (ref(element, 'reopen'));
  note.maxLength = MAX_NOTE;

  const toggle = (/** @type {boolean} */ open) => {
    form.hidden = !open;
    forward.setAttribute('aria-expanded', String(open));
  };
  forward.addEventListener('click', () => {
    const opening = form.hidden;
    toggle(opening);
    if (opening) {
      showProblem(form, null);
      note.focus();
    }
  });
  ref(form, 'cancel').addEventListener('click', () => {
    toggle(false);
    forward.focus();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const button = /** @type {HTMLButtonElement} */ (form.querySelector('button[type="submit"]'));
    const keepAs = new FormData(form).get('keep_as') === 'memory' ? 'memory' : 'repair';
    busy(button, async () => {
      showProblem(form, null);
      try {
        await actions.moveForward(note.value.trim(), keepAs);
        toggle(false);
        ref(element, 'words').focus();
      } catch (problem) {
        showProblem(form, /** @type {import('../shell/dom.js').Problem} */ (problem));
      }
    });
  });
  // The tapped button goes away with the state it changed: the focus stays on the words saying where things are.
  const then = (/** @type {() => Promise<void>} */ action) => async () => {
    await action();
    ref(element, 'words').focus();
  };
  aside.addEventListener('click', () => busy(aside, then(actions.setAside)));
  reopen.addEventListener('click', () => busy(reopen, then(actions.reopen)));

  return {
    element,
    render(detail) {
      const { repair, people, changeable } = detail;
      const open = repair.state === 'open';
      const mayClose = changeable && open && people.hurt;
      ref(element, 'words').textContent = restWords(detail);
      const learned = ref(element, 'learned');
      learned.hidden = repair.state !== 'moved_forward' || !repair.closing_note;
      ref(learned, 'text').textContent = repair.closing_note;
      // Only the hurt partner sees the words and the form at all.
      forward.hidden = !mayClose;
      if (!mayClose) toggle(false);
      if (!form.hidden && note.value === '' && repair.closing_note) note.value = repair.closing_note;
      aside.hidden = !(changeable && open);
      ref(element, 'aside-hint').hidden = aside.hidden;
      reopen.hidden = !(changeable && !open);
    },
  };
}
