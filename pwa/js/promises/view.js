// @ts-check
// Promises: the form to make one, each partner's track record, and the lists by state.
import { trackRecordWords } from './track-record.js';
import { busy, fromTemplate, ref, showProblem } from '../shell/dom.js';
import { actionLine } from '../shell/said.js';
import { promiseCard } from './card.js';

/** @typedef {import('./controller.js').PromisesState} PromisesState */
/** @typedef {import('./controller.js').PromiseItem} PromiseItem */

/**
 * @typedef {import('./card.js').CardActions & {
 *   make: (fields: {text: string, due_on: string | null}) => Promise<string>
 * }} PromisesActions
 */

const LISTS = /** @type {const} */ (['open', 'waiting', 'settled', 'archived']);

/** Whether the element can be seen (not removed, hidden, or inside a closed <details>). */
const visible = (/** @type {Element | null} */ element) => Boolean(element?.isConnected && element.getClientRects().length);

/**
 * Render Promises into the slot and bind its form.
 * @param {HTMLElement} slot
 * @param {PromisesActions} actions
 * @returns {{render: (state: PromisesState) => void, draft: (values: {text?: string, due_on?: string | null}) => void}}
 */
export function showPromises(slot, actions) {
  const section = fromTemplate('tpl-promises');
  const form = /** @type {HTMLFormElement} */ (section.querySelector('#promise-form'));
  const text = /** @type {HTMLTextAreaElement} */ (form.elements.namedItem('text'));
  const due = /** @type {HTMLInputElement} */ (form.elements.namedItem('due_on'));
  const line = actionLine(ref(form, 'status'));
  /** @type {Map<string, ReturnType<typeof promiseCard>>} */
  const cards = new Map();
  /** @type {PromisesState | null} */
  let state = null;

  form.addEventListener('input', () => line.clear());
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const button = /** @type {HTMLButtonElement} */ (form.querySelector('button[type="submit"]'));
    busy(button, async () => {
      showProblem(form, null);
      const words = text.value.trim();
      /** @type {Record<string, string>} */
      const fields = {};
      if (!words) fields.text = 'Say what you promise.';
      if (due.value && state && due.value < state.today) fields.due_on = 'Choose today or a later day.';
      if (Object.keys(fields).length) {
        showProblem(form, { message: '', fields });
        return;
      }
      try {
        const id = await actions.make({ text: words, due_on: due.value || null });
        form.reset();
        // Only while it is open: released or done, "will see it" says too little.
        const open = () => Boolean(state?.open.some((item) => item.promise.id === id));
        line.say(`Promise made. ${state?.partnerName ?? 'Your partner'} will see it.`, open);
        text.focus();
      } catch (problem) {
        showProblem(form, /** @type {import('../shell/dom.js').Problem} */ (problem));
      }
    });
  });

  /** The card of a promise, made on first sight and kept while the promise is listed. */
  const cardOf = (/** @type {string} */ id) => {
    let card = cards.get(id);
    if (!card) {
      card = promiseCard(id, actions);
      cards.set(id, card);
    }
    return card;
  };

  /**
   * Put the cards into the list in order, moving only those out of place (a moved node loses focus).
   * @param {HTMLElement} list
   * @param {HTMLElement[]} elements
   */
  const place = (list, elements) => {
    elements.forEach((element, index) => {
      if (list.children[index] !== element) list.insertBefore(element, list.children[index] ?? null);
    });
    while (list.children.length > elements.length) /** @type {Element} */ (list.lastElementChild).remove();
  };

  /** @param {PromisesState} next */
  const render = (next) => {
    const wasPaired = state?.paired;
    state = next;
    const focused = document.activeElement;
    const focusedCard = focused instanceof HTMLElement ? /** @type {HTMLElement | null} */ (focused.closest('.promise')) : null;
    const context = { names: next.names, partnerName: next.partnerName, today: next.today };
    const listed = new Set();
    for (const name of LISTS) {
      const items = next[name];
      const elements = items.map((item) => {
        const card = cardOf(item.promise.id);
        card.update(item, context);
        listed.add(item.promise.id);
        return card.element;
      });
      place(ref(section, name), elements);
      ref(section, `${name}-count`).textContent = items.length ? `(${items.length})` : '';
      ref(section, `${name}-empty`).hidden = items.length > 0;
    }
    for (const id of cards.keys()) if (!listed.has(id)) cards.delete(id);

    ref(section, 'solo-note').hidden = next.paired;
    form.hidden = !next.paired;
    due.min = next.today;
    for (const name of ['open-group', 'waiting-group', 'settled-group']) ref(section, name).hidden = !next.paired;
    const archived = /** @type {HTMLDetailsElement} */ (ref(section, 'archived-group'));
    archived.hidden = !next.archived.length;
    // Solo, the archived promises are all there is to see: open them once, then leave it to the user.
    if (!next.paired && wasPaired !== false) archived.open = true;
    const track = ref(section, 'track');
    track.hidden = !next.paired && !next.archived.length;
    ref(track, 'track-list').replaceChildren(...next.track.map((person) => {
      const li = document.createElement('li');
      const name = Object.assign(document.createElement('strong'), { textContent: person.name });
      li.append(name, `: ${trackRecordWords(person)}`);
      li.dataset.userId = person.userId;
      return li;
    }));

    line.check();
    // The focused button may have gone (its action done) or its card moved lists: keep the user's place.
    if (focusedCard && focused instanceof HTMLElement && (document.activeElement !== focused || !visible(focused))) {
      const summary = focusedCard.closest('details')?.querySelector('summary');
      if (visible(focused)) focused.focus();
      else if (visible(focusedCard)) focusedCard.focus();
      else if (summary && visible(summary)) summary.focus();
    }
  };

  /** Fill the form with words given back (a refused change): the user reads them, then makes it. */
  const draft = (/** @type {{text?: string, due_on?: string | null}} */ values) => {
    form.scrollIntoView({ block: 'start' });
    text.focus();
    if (text.value.trim()) {
      // Never over what the user is writing now: those words would be lost instead.
      showProblem(form, { message: 'Finish or clear the promise you are writing, then start the new one again.' });
      return;
    }
    showProblem(form, null);
    line.clear();
    text.value = values.text ?? '';
    // A date already past would be refused: the user picks a new one.
    due.value = values.due_on && state && values.due_on >= state.today ? values.due_on : '';
  };

  slot.replaceChildren(section);
  return { render, draft };
}
