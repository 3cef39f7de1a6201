// @ts-check
// A card's amend form: opened with the current wording, saved as a new revision on top of the one shown.
import { busy, ref, showProblem } from '../shell/dom.js';
import { nameOf } from './parts.js';

/** @typedef {import('./rules.js').Agreement} Agreement */
/** @typedef {import('./parts.js').AgreementContext} AgreementContext */

/**
 * @typedef {object} AmendFields what the amend form gives the controller
 * @property {string} title
 * @property {string} text
 * @property {string | null} review_on YYYY-MM-DD, or null for no review date
 */

/**
 * Bind an amend form and the button that opens it.
 * @param {HTMLFormElement} form
 * @param {HTMLButtonElement} opener
 * @param {() => {agreement: Agreement, ctx: AgreementContext}} shown what the card shows right now
 * @param {(base: number, fields: AmendFields) => Promise<void>} save
 * @param {(n: number) => void} saved called with the new revision's number once it is stored on this phone
 * @returns {{close: (focusOpener: boolean) => void, isOpen: () => boolean, openWith: (words: {title?: string, text: string}) => void}}
 */
export function bindAmend(form, opener, shown, save, saved) {
  const input = (/** @type {string} */ name) => /** @type {HTMLInputElement} */ (form.elements.namedItem(name));
  const submit = /** @type {HTMLButtonElement} */ (form.querySelector('button[type="submit"]'));

  /** Remember which revision the new wording builds on, and say so. */
  const buildOn = (/** @type {number} */ n) => {
    form.dataset.base = String(n);
    ref(form, 'amend-n').textContent = String(n + 1);
  };

  const open = () => {
    const { agreement } = shown();
    const current = agreement.revisions[agreement.revisions.length - 1];
    input('title').value = current.title;
    input('text').value = current.text;
    input('review_on').value = agreement.review_on ?? '';
    buildOn(agreement.current_revision);
    showProblem(form, null);
    form.hidden = false;
    opener.hidden = true;
    opener.setAttribute('aria-expanded', 'true');
    input('text').focus();
  };

  /** @param {boolean} focusOpener */
  const close = (focusOpener) => {
    form.hidden = true;
    opener.hidden = false;
    opener.setAttribute('aria-expanded', 'false');
    if (focusOpener) opener.focus();
  };

  opener.addEventListener('click', open);
  ref(form, 'cancel').addEventListener('click', () => close(true));

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(submit, async () => {
      const { agreement, ctx } = shown();
      /** @type {AmendFields} */
      const fields = { title: input('title').value.trim(), text: input('text').value.trim(), review_on: input('review_on').value || null };
      /** @type {Record<string, string>} */
      const missing = {};
      if (!fields.title) missing.title = 'Give the agreement a title.';
      if (!fields.text) missing.text = 'Write what you agree on.';
      if (Object.keys(missing).length) {
        showProblem(form, { message: '', fields: missing });
        return;
      }
      const current = agreement.revisions[agreement.revisions.length - 1];
      if (agreement.current_revision !== Number(form.dataset.base)) {
        // Saved as it is, the amendment would be refused: let the user read the new wording first.
        buildOn(agreement.current_revision);
        showProblem(form, {
          message: `${nameOf(current.author, ctx, true)} changed this agreement while you were writing: revision ${current.n} is the current one. `
            + 'Read it above (your wording is still here), then save again to build on it.',
        });
        return;
      }
      if (fields.title === current.title && fields.text === current.text && fields.review_on === (agreement.review_on ?? null)) {
        showProblem(form, { message: 'Nothing has changed yet: edit the wording, the title or the review date.' });
        return;
      }
      const base = agreement.current_revision;
      try {
        await save(base, fields);
      } catch (problem) {
        showProblem(form, /** @type {import('../shell/dom.js').Problem} */ (problem));
        return;
      }
      close(false);
      saved(base + 1);
    });
  });

  /** Open the form with words given back (a refused amendment), on top of the current revision. */
  const openWith = (/** @type {{title?: string, text: string}} */ words) => {
    if (!form.hidden) {
      // Never over what the user is writing now: those words would be lost instead.
      showProblem(form, { message: 'Finish or cancel the change you are writing, then start the new one again.' });
      input('text').focus();
      return;
    }
    open();
    if (words.title) input('title').value = words.title;
    input('text').value = words.text;
    form.scrollIntoView({ block: 'start' });
  };

  return { close, isOpen: () => !form.hidden, openWith };
}
