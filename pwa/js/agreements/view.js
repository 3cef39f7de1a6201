// @ts-check
// Agreements: the propose form, the review reminder, and the agreements grouped by status.
import { createCard, focusShown } from './card.js';
import { reviewDue } from './parts.js';
import { busy, fromTemplate, ref, showProblem } from '../shell/dom.js';

/** @typedef {import('./rules.js').Agreement} Agreement */
/** @typedef {import('./rules.js').AgreementStatus} AgreementStatus */
/** @typedef {import('./parts.js').AgreementContext} AgreementContext */
/** @typedef {import('./amend.js').AmendFields} AmendFields */

/**
 * @typedef {object} ProposeFields what the propose form gives the controller
 * @property {string} category
 * @property {string} title
 * @property {string} text
 * @property {string | null} review_on YYYY-MM-DD or null
 */

/** @typedef {AgreementContext & {agreements: Agreement[]}} AgreementsState */

/**
 * @typedef {object} AgreementsActions
 * @property {(fields: ProposeFields) => Promise<void>} propose
 * @property {(id: string, baseRevision: number, fields: AmendFields) => Promise<void>} amend
 * @property {(id: string, revision: number) => Promise<void>} accept
 * @property {(id: string) => Promise<void>} withdraw
 * @property {(id: string) => Promise<void>} retire
 */

/** @type {AgreementStatus[]} */
const GROUPS = ['proposed', 'active', 'needs_review', 'retired'];

/** How many are due, in a sentence. */
const dueText = (/** @type {number} */ n) => (n === 1
  ? '1 agreement is due for review. Read it together, then accept it again, amend it or set a new review date.'
  : `${n} agreements are due for review. Read them together, then accept them again, amend them or set new review dates.`);

/**
 * Put the element at the index of the list, moving it only when it is elsewhere (a move drops focus).
 * @param {HTMLElement} list
 * @param {HTMLElement} element
 * @param {number} index
 */
function place(list, element, index) {
  const there = list.children[index];
  if (there !== element) list.insertBefore(element, there ?? null);
}

/**
 * Bind the propose form and the button that opens it.
 * @param {HTMLElement} section
 * @param {AgreementsActions['propose']} propose
 * @param {(text: string) => void} say
 */
function bindPropose(section, propose, say) {
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
      try {
        await propose(fields);
      } catch (problem) {
        showProblem(form, /** @type {import('../shell/dom.js').Problem} */ (problem));
        return;
      }
      form.reset();
      showProblem(form, null);
      opened(false);
      say(`Proposed “${fields.title}”. It becomes active once you have both accepted it.`);
    });
  });
}

/**
 * Render Agreements into the slot and bind its forms; render keeps open forms and what is typed in them.
 * @param {HTMLElement} slot
 * @param {AgreementsActions} actions
 * @returns {{render: (state: AgreementsState) => void}}
 */
export function showAgreements(slot, actions) {
  const section = fromTemplate('tpl-agreements');
  const status = ref(section, 'status');
  const say = (/** @type {string} */ text) => {
    status.textContent = text;
  };
  bindPropose(section, actions.propose, say);
  /** @type {Map<string, import('./card.js').Card>} */
  const cards = new Map();

  const cardFor = (/** @type {string} */ id) => {
    let card = cards.get(id);
    if (!card) {
      card = createCard(id, {
        accept: (revision) => actions.accept(id, revision),
        amend: (base, fields) => actions.amend(id, base, fields),
        withdraw: () => actions.withdraw(id),
        retire: () => actions.retire(id),
        say,
      });
      cards.set(id, card);
    }
    return card;
  };

  /** @param {AgreementsState} state */
  const render = (state) => {
    const { agreements, ...ctx } = state;
    const paired = Boolean(ctx.partner);
    // A card that moves to another group would lose the focus (and the caret of its amend form).
    const focused = document.activeElement instanceof HTMLElement && section.contains(document.activeElement) ? document.activeElement : null;
    ref(section, 'solo').hidden = paired;
    ref(section, 'archived-note').hidden = paired || !agreements.some((a) => a.archived);
    ref(section, 'propose').hidden = !paired;
    ref(section, 'empty').hidden = !paired || agreements.length > 0;
    for (const name of section.querySelectorAll('[data-ref="partner-name"]')) name.textContent = ctx.partner?.name ?? 'your partner';
    const due = agreements.filter((a) => reviewDue(a, ctx.today)).length;
    ref(section, 'due').textContent = due ? dueText(due) : '';

    // Newest first within a group, so a card stays where it is while the two of you work on it.
    const sorted = [...agreements].sort((a, b) => b.created_at.localeCompare(a.created_at) || a.id.localeCompare(b.id));
    for (const group of GROUPS) {
      const list = ref(section, `list-${group}`);
      const members = sorted.filter((a) => (GROUPS.includes(a.status) ? a.status : 'proposed') === group);
      members.forEach((agreement, index) => {
        const card = cardFor(agreement.id);
        card.fill(agreement, ctx);
        place(list, card.element, index);
      });
      while (list.children.length > members.length) list.lastElementChild?.remove();
      ref(section, `group-${group}`).hidden = !members.length;
      if (group === 'retired') ref(section, 'retired-count').textContent = `(${members.length})`;
    }
    const shown = new Set(agreements.map((a) => a.id));
    for (const [id, card] of cards) {
      if (shown.has(id)) continue;
      card.element.remove();
      cards.delete(id);
    }
    if (focused && focused !== document.activeElement && focused.isConnected) focusShown(focused);
  };

  slot.replaceChildren(section);
  return { render };
}
