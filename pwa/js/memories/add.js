// @ts-check
// The form that adds a memory, and the button that opens it; words given back open it prefilled.
import { showProblem } from '../shell/dom.js';
import { bindForm, prefillForm } from './card.js';

/** @typedef {import('./rules.js').Memory} Memory */

/**
 * @typedef {object} AddHooks
 * @property {(values: import('./card.js').MemoryValues) => Promise<string>} add resolves with the new memory's id
 * @property {() => string} today my local day, YYYY-MM-DD
 * @property {() => import('./photos.js').PhotoSource | null} sourceOf null until the timeline has been drawn
 * @property {(id: string, title: string) => void} added
 */

/**
 * Bind the add form and its opener.
 * @param {HTMLFormElement} form
 * @param {HTMLButtonElement} opener
 * @param {AddHooks} hooks
 * @returns {{draft: (values: Partial<Memory>) => void}}
 */
export function bindAdd(form, opener, hooks) {
  const input = (/** @type {string} */ name) => /** @type {HTMLInputElement} */ (form.elements.namedItem(name));
  // A half-written memory stays as it was when the form closes; an untouched one starts on today.
  let touched = false;
  form.addEventListener('input', () => {
    touched = true;
  });
  const open = (/** @type {boolean} */ opening) => {
    form.hidden = !opening;
    opener.setAttribute('aria-expanded', String(opening));
    if (!opening) return;
    const sourceOf = hooks.sourceOf();
    if (!touched && sourceOf) prefillForm(form, null, hooks.today(), sourceOf);
    input('title').focus();
  };
  const close = () => {
    form.reset();
    touched = false;
    open(false);
  };
  opener.addEventListener('click', () => open(form.hidden));
  bindForm(form, async (values) => {
    const id = await hooks.add(values);
    close();
    hooks.added(id, values.title);
  }, () => {
    close();
    opener.focus();
  });

  /** Open the form with words given back (a refused change): the user reads them, then saves. */
  const draft = (/** @type {Partial<Memory>} */ values) => {
    const typing = touched && Boolean(input('title').value.trim() || input('story').value.trim());
    open(true);
    if (typing) {
      // Never over what the user is writing now: those words would be lost instead.
      showProblem(form, { message: 'Finish or cancel the memory you are writing, then start the new one again.' });
      return;
    }
    form.reset();
    showProblem(form, null);
    // No photos come back (they were never refused with the words), so no photo source is asked.
    prefillForm(form, /** @type {Memory} */ ({ visibility: 'shared', ...values, photos: [] }), hooks.today(), () => '');
    touched = true;
    input('title').focus();
    form.scrollIntoView({ block: 'start' });
  };
  return { draft };
}
