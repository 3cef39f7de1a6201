// @ts-check
// One piece of writing in a repair, readable at any time: who wrote it and when, its parts, its earlier
// words once shared and changed, and for its author an Edit (and Share, while it is a draft).
import { busy, fromTemplate, ref } from '../shell/dom.js';
import { CHOICE_WORDS, PART_LABELS, momentWords } from './words.js';
import { entryForm } from './entry-form.js';

/** @typedef {import('./rules.js').RepairEntry} RepairEntry */
/** @typedef {import('./entry-form.js').FieldSpec} FieldSpec */

/**
 * @typedef {object} CardContext
 * @property {string} who the author's name ("You" for me)
 * @property {string} partnerName
 * @property {boolean} editable mine, and the repair open
 * @property {FieldSpec[]} fields how its parts are edited
 * @property {(parts: Record<string, string>) => Record<string, string> | null} check
 */

/**
 * @typedef {object} CardActions
 * @property {(entry: RepairEntry, parts: Record<string, string>, share: boolean) => Promise<void>} rewrite
 * @property {(entry: RepairEntry) => Promise<void>} share
 */

/**
 * The parts of an entry as a list of labelled paragraphs (empty parts left out).
 * @param {RepairEntry['step']} step
 * @param {Record<string, string>} parts
 */
export function partsList(step, parts) {
  const list = document.createElement('dl');
  list.className = 'repair-parts';
  for (const [name, label] of Object.entries(PART_LABELS[step] ?? {})) {
    const value = parts[name];
    if (!value) continue;
    const words = CHOICE_WORDS[`${step}.${name}`]?.[value];
    // A choice reads as itself ("Yes, that's it"), without its question.
    if (words) {
      list.append(Object.assign(document.createElement('dd'), { className: 'repair-choice', textContent: words }));
      continue;
    }
    list.append(Object.assign(document.createElement('dt'), { textContent: label }), Object.assign(document.createElement('dd'), { textContent: value }));
  }
  return list;
}

/**
 * A card for one entry; update() follows the entry as it changes, and keeps an open edit as typed.
 * @param {RepairEntry} first
 * @param {CardActions} actions
 * @returns {{element: HTMLElement, update: (entry: RepairEntry, context: CardContext) => void}}
 */
export function entryCard(first, actions) {
  const card = fromTemplate('tpl-repair-entry');
  card.dataset.id = first.id;
  card.dataset.step = first.step;
  const edit = /** @type {HTMLButtonElement} */ (ref(card, 'edit'));
  const share = /** @type {HTMLButtonElement} */ (ref(card, 'share'));
  const pending = ref(card, 'pending');
  const draftMark = ref(card, 'draft');
  let entry = first;
  /** @type {import('./entry-form.js').EntryForm | null} */
  let form = null;
  /** @type {CardContext | null} */
  let context = null;

  const close = () => {
    form?.element.remove();
    form = null;
    edit.setAttribute('aria-expanded', 'false');
    edit.hidden = !context?.editable;
  };
  edit.addEventListener('click', () => {
    if (form || !context) return;
    form = entryForm({
      fields: context.fields,
      check: context.check,
      fixed: entry.step === 'confirm' ? { heard: entry.parts.heard } : undefined,
      save: async (parts, sharing) => {
        await actions.rewrite(entry, parts, sharing);
        close();
        edit.focus();
      },
      cancel: () => {
        close();
        edit.focus();
      },
    });
    form.update(context.partnerName, entry.visibility === 'shared');
    form.fill(entry.parts);
    card.append(form.element);
    edit.setAttribute('aria-expanded', 'true');
    edit.hidden = true;
    form.focus();
  });
  share.addEventListener('click', () => busy(share, () => actions.share(entry)));

  return {
    element: card,
    update(next, nextContext) {
      entry = next;
      context = nextContext;
      ref(card, 'who').textContent = nextContext.who;
      const when = /** @type {HTMLTimeElement} */ (ref(card, 'when'));
      when.dateTime = next.created_at;
      when.textContent = momentWords(next.created_at);
      ref(card, 'parts').replaceChildren(partsList(next.step, next.parts));
      // Taken out rather than hidden, so the card's words say exactly what is so.
      if (next.pending) ref(card, 'badges').append(pending);
      else pending.remove();
      if (next.visibility === 'private') ref(card, 'badges').append(draftMark);
      else draftMark.remove();
      card.classList.toggle('draft', next.visibility === 'private');
      const earlier = ref(card, 'earlier');
      earlier.hidden = !next.revisions?.length;
      ref(earlier, 'revisions').replaceChildren(...(next.revisions ?? []).map((revision) => {
        const item = document.createElement('li');
        const at = Object.assign(document.createElement('time'), { dateTime: revision.at, textContent: `Until ${momentWords(revision.at)}` });
        item.append(at, partsList(next.step, revision.parts));
        return item;
      }));
      share.textContent = `Share with ${nextContext.partnerName}`;
      share.hidden = !nextContext.editable || next.visibility !== 'private';
      if (!nextContext.editable) close();
      edit.hidden = !nextContext.editable || Boolean(form);
      form?.update(nextContext.partnerName, next.visibility === 'shared');
      ref(card, 'actions').hidden = share.hidden && edit.hidden;
    },
  };
}
