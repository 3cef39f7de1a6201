// @ts-check
// Agreements: the propose form, the review reminder, the partner's news, and the agreements grouped by status.
import { createCard, focusShown } from './card.js';
import { momentText, reviewDue } from './parts.js';
import { fromTemplate, ref } from '../shell/dom.js';
import { bindPropose } from './propose.js';
import { actionLine } from '../shell/said.js';

/** @typedef {import('./rules.js').Agreement} Agreement */
/** @typedef {import('./rules.js').AgreementStatus} AgreementStatus */
/** @typedef {import('./parts.js').AgreementContext} AgreementContext */
/** @typedef {import('./amend.js').AmendFields} AmendFields */
/** @typedef {import('./propose.js').ProposeFields} ProposeFields */

/** @typedef {AgreementContext & {agreements: Agreement[], news: Agreement[]}} AgreementsState news: retired by the partner lately, not yet seen */

/**
 * @typedef {object} AgreementsActions
 * @property {(fields: ProposeFields) => Promise<string>} propose resolves with the new agreement's id
 * @property {(id: string, baseRevision: number, fields: AmendFields) => Promise<void>} amend
 * @property {(id: string, revision: number) => Promise<void>} accept
 * @property {(id: string) => Promise<void>} withdraw
 * @property {(id: string, reason: string) => Promise<void>} retire
 * @property {(id: string) => Promise<void>} seen the user has read the news of this agreement
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
 * The partner's recent retirements, each with who, when and why, and a button to put it away.
 * Items are kept across renders, so a "Got it" button keeps the focus while syncs come in.
 * @param {HTMLElement} list
 * @param {AgreementsState} state
 * @param {(id: string) => Promise<void>} seen
 * @param {HTMLElement} fallback takes the focus when the last item goes
 */
function showNews(list, state, seen, fallback) {
  const old = new Map([...list.children].map((item) => [/** @type {HTMLElement} */ (item).dataset.id, item]));
  const items = state.news.map((agreement) => {
    const retired = /** @type {NonNullable<Agreement['retired']>} */ (agreement.retired);
    const who = state.partner?.name ?? 'Your partner';
    const why = retired.reason ? `: “${retired.reason}”` : '.';
    const item = old.get(agreement.id) ?? document.createElement('li');
    if (!item.childElementCount) {
      item.dataset.id = agreement.id;
      item.className = 'note';
      const ok = Object.assign(document.createElement('button'), { type: 'button', className: 'button small quiet', textContent: 'Got it' });
      ok.addEventListener('click', () => {
        const next = item.nextElementSibling ?? item.previousElementSibling;
        item.remove();
        list.hidden = !list.childElementCount;
        (next?.querySelector('button') ?? fallback).focus();
        seen(agreement.id).catch(console.error);
      });
      item.append(document.createElement('p'), ok);
    }
    const text = `${who} retired “${agreement.title}” on ${momentText(retired.at, state.timeZone)}${why}`;
    /** @type {HTMLElement} */ (item.firstElementChild).textContent = text;
    item.lastElementChild?.setAttribute('aria-label', `Got it: ${who} retired “${agreement.title}”`);
    return item;
  });
  items.forEach((item, index) => place(list, item, index));
  while (list.children.length > items.length) list.lastElementChild?.remove();
  list.hidden = !items.length;
}

/**
 * Render Agreements into the slot and bind its forms; render keeps open forms and what is typed in them.
 * @param {HTMLElement} slot
 * @param {AgreementsActions} actions
 * @returns {{render: (state: AgreementsState) => void, draft: (values: Partial<ProposeFields> & {id?: string}) => void}}
 */
export function showAgreements(slot, actions) {
  const section = fromTemplate('tpl-agreements');
  const line = actionLine(ref(section, 'status'));
  /** @type {Map<string, Agreement>} */
  const shown = new Map();
  const draft = bindPropose(section, actions.propose, (id, title) => line.say(
    `Proposed “${title}”. It becomes active once you have both accepted it.`,
    () => shown.get(id)?.status === 'proposed',
  ));
  /** @type {Map<string, import('./card.js').Card>} */
  const cards = new Map();

  const cardFor = (/** @type {string} */ id) => {
    let card = cards.get(id);
    if (!card) {
      card = createCard(id, {
        accept: (revision) => actions.accept(id, revision),
        amend: (base, fields) => actions.amend(id, base, fields),
        withdraw: () => actions.withdraw(id),
        retire: (reason) => actions.retire(id, reason),
        say: (text, holds) => line.say(text, holds),
        current: () => shown.get(id),
      });
      cards.set(id, card);
    }
    return card;
  };

  /** @param {AgreementsState} state */
  const render = (state) => {
    const { agreements, news, ...ctx } = state;
    shown.clear();
    for (const agreement of agreements) shown.set(agreement.id, agreement);
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
    for (const [id, card] of cards) {
      if (shown.has(id)) continue;
      card.element.remove();
      cards.delete(id);
    }
    showNews(ref(section, 'news'), state, actions.seen, /** @type {HTMLElement} */ (section.querySelector('#agreement-new')));
    if (focused && focused !== document.activeElement && focused.isConnected) focusShown(focused);
    line.check();
  };

  /** Words given back: an amendment of an agreement still open to change, or a new proposal. */
  const draftAny = (/** @type {Partial<ProposeFields> & {id?: string}} */ values) => {
    const card = values.id ? cards.get(values.id) : undefined;
    if (card && values.text) card.amendWith({ title: values.title, text: values.text });
    else draft(values);
  };

  slot.replaceChildren(section);
  return { render, draft: draftAny };
}
