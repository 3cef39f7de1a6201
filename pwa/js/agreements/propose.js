// @ts-check
// The propose form of Agreements and the button that opens it; words given back open it prefilled.
import { busy, ref, showProblem } from '../shell/dom.js';

/**
 * @typedef {object} ProposeFields what the propose form gives the controller
 * @property {string} category
 * @property {string} title
 * @property {string} text
 * @property {string | null} review_on YYYY-MM-DD or null
 */

/**
 * Bind the propose form and the button that opens it; the returned draft opens it prefilled.
 * @param {HTMLElement} section
 * @param {(fields: ProposeFields) => Promise<string>} propose resolves with the new agreement's id
 * @param {(id: string, title: string) => void} proposed
 * @returns {(values: Partial<ProposeFields>) => void}
 */
export function bindPropose(section, propose, proposed) {
  const form = /** @type {HTMLFormElement} */ (section.querySelector('#agreement-form'));
  const opener = /** @type {HTMLButtonElement} */ (section.querySelector('#agreement-new'));
  const submit = /** @type {HTMLButtonElement} */ (form.querySelector('button[type="submit"]'));
  const input = (/** @type {string} */ name) => /** @type {HTMLInputElement} */ (form.elements.namedItem(name));
  /** @param {boolean} open */
  const opened = (open) => {
    form.hidden = !open;
    opener.hidden = open;
    opener.setAttribute('aria-expanded', String(open));
    if (open) input('category').focus();
    else opener.focus();
  };
  const cancel = () => {
    form.reset();
    showProblem(form, null);
    opened(false);
  };
  opener.addEventListener('click', () => opened(true));
  ref(form, 'cancel').addEventListener('click', cancel);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(submit, async () => {
      /** @type {ProposeFields} */
      const fields = {
        category: input('category').value, title: input('title').value.trim(), text: input('text').value.trim(), review_on: input('review_on').value || null,
      };
      /** @type {Record<string, string>} */
      const missing = {};
      if (!fields.title) missing.title = 'Give the agreement a title.';
      if (!fields.text) missing.text = 'Write what you agree on.';
      if (Object.keys(missing).length) {
        showProblem(form, { message: '', fields: missing });
        return;
      }
      let id = '';
      try {
        id = await propose(fields);
      } catch (problem) {
        showProblem(form, /** @type {import('../shell/dom.js').Problem} */ (problem));
        return;
      }
      form.reset();
      showProblem(form, null);
      opened(false);
      proposed(id, fields.title);
    });
  });
  return (values) => {
    const typing = !form.hidden && Boolean(input('title').value.trim() || input('text').value.trim());
    opened(true);
    if (typing) {
      // Never over what the user is writing now: those words would be lost instead.
      showProblem(form, { message: 'Finish or cancel the agreement you are writing, then start the new one again.' });
      return;
    }
    form.reset();
    showProblem(form, null);
    for (const name of /** @type {const} */ (['category', 'title', 'text', 'review_on'])) {
      if (values[name]) input(name).value = values[name];
    }
    input('text').focus();
    form.scrollIntoView({ block: 'start' });
  };
}
