// @ts-check
// Entries in order as cards that live as long as their entry is shown (an open edit survives a refresh),
// and the place where the next entry of a step is written: my draft's card, or a fresh form.
import { entryCard } from './entry-card.js';
import { entryForm } from './entry-form.js';
import { FIELDS, checkParts } from './parts.js';

/** @typedef {import('./rules.js').RepairEntry} RepairEntry */
/** @typedef {import('./rules.js').Step} Step */
/** @typedef {import('./state.js').Detail} Detail */

/**
 * @typedef {object} WriteActions
 * @property {(step: Step, parts: Record<string, string>, share: boolean, entry?: RepairEntry) => Promise<void>} write
 * @property {(entry: RepairEntry) => Promise<void>} share
 */

/**
 * A list of entry cards, kept in step with the entries given.
 * @param {WriteActions} actions
 * @returns {{element: HTMLElement, render: (entries: RepairEntry[], detail: Detail) => void}}
 */
export function thread(actions) {
  const element = document.createElement('div');
  element.className = 'repair-thread';
  /** @type {Map<string, ReturnType<typeof entryCard>>} */
  const cards = new Map();
  const cardActions = {
    rewrite: (/** @type {RepairEntry} */ entry, /** @type {Record<string, string>} */ parts, /** @type {boolean} */ share) =>
      actions.write(entry.step, parts, share, entry),
    share: actions.share,
  };
  return {
    element,
    render(entries, detail) {
      const shown = entries.map((entry) => {
        let card = cards.get(entry.id);
        if (!card) {
          card = entryCard(entry, cardActions);
          cards.set(entry.id, card);
        }
        const mine = entry.author_id === detail.people.me;
        // A "yes" is not reworded; a later round says more.
        const editable = mine && detail.writable && !(entry.step === 'confirm' && entry.parts.heard === 'yes');
        card.update(entry, {
          who: detail.people.names[entry.author_id] ?? 'Your former partner',
          partnerName: detail.people.partnerName, editable,
          fields: FIELDS[entry.step], check: (parts) => checkParts(entry.step, parts),
        });
        return card.element;
      });
      const ids = new Set(entries.map((e) => e.id));
      for (const id of cards.keys()) if (!ids.has(id)) cards.delete(id);
      // Only nodes out of place move: a moved node loses the focus.
      shown.forEach((node, index) => {
        if (element.children[index] !== node) element.insertBefore(node, element.children[index] ?? null);
      });
      while (element.children.length > shown.length) /** @type {Element} */ (element.lastElementChild).remove();
    },
  };
}

/**
 * Where my next entry of a step is written: my draft as a card (edit, share), else a form.
 * @param {Step} step
 * @param {WriteActions} actions
 * @param {{intro?: string, fixed?: Record<string, string>, cancel?: () => void, saved?: () => void}} [options]
 * @returns {{element: HTMLElement, render: (detail: Detail) => void, focus: () => void}}
 */
export function writer(step, actions, options = {}) {
  const element = document.createElement('div');
  element.className = 'repair-writer';
  const drafts = thread(actions);
  const form = entryForm({
    fields: FIELDS[step],
    fixed: options.fixed,
    check: (parts) => checkParts(step, parts),
    save: async (parts, share) => {
      await actions.write(step, parts, share);
      form.fill({});
      options.saved?.();
    },
    cancel: options.cancel,
  });
  if (options.intro) {
    const intro = Object.assign(document.createElement('p'), { className: 'hint', textContent: options.intro });
    form.element.prepend(intro);
  }
  element.append(drafts.element, form.element);
  return {
    element,
    render(detail) {
      const draft = detail.drafts[step];
      drafts.render(draft ? [draft] : [], detail);
      form.element.hidden = Boolean(draft);
      form.update(detail.people.partnerName, false);
    },
    focus: () => form.focus(),
  };
}
