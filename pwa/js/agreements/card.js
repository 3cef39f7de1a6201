// @ts-check
// One agreement's card: its current wording, who has accepted it, what changed, and what I can do next.
import { bindAmend } from './amend.js';
import { consentText, momentText, nameOf, noteText, reviewDue, showDiff, showHistory } from './parts.js';
import { busy, fromTemplate, ref } from '../shell/dom.js';

/** @typedef {import('./rules.js').Agreement} Agreement */
/** @typedef {import('./parts.js').AgreementContext} AgreementContext */

/**
 * @typedef {object} CardActions what a card asks of the controller, for its own agreement
 * @property {(revision: number) => Promise<void>} accept
 * @property {(base: number, fields: import('./amend.js').AmendFields) => Promise<void>} amend
 * @property {() => Promise<void>} withdraw
 * @property {(reason: string) => Promise<void>} retire reason: why, in the user's words ('' for none)
 * @property {(text: string, holds: () => boolean) => void} say tell the outcome, for as long as it holds
 * @property {() => Agreement | undefined} current the agreement as the screen shows it now (gone: undefined)
 */

/**
 * @typedef {object} Card
 * @property {HTMLElement} element
 * @property {(agreement: Agreement, ctx: AgreementContext) => void} fill
 * @property {(words: {title?: string, text: string}) => void} amendWith open the amend form with these words
 */

/** The status in words. */
const STATUS_WORDS = { proposed: 'Proposed', active: 'Active', needs_review: 'Needs review', retired: 'Retired' };

const CATEGORY_WORDS = /** @type {Record<string, string>} */ ({
  emotional: 'Emotional', physical: 'Physical', financial: 'Financial', digital: 'Digital', time: 'Time', other: 'Other',
});

/**
 * Focus the element, or the summary of the closed <details> that hides it (a card just retired).
 * @param {HTMLElement} element
 */
export function focusShown(element) {
  const closed = element.parentElement?.closest('details:not([open])');
  const summary = closed?.querySelector(':scope > summary');
  (summary instanceof HTMLElement && summary !== element ? summary : element).focus({ preventScroll: true });
}

/**
 * Give every id inside a cloned template a suffix, and follow it in the attributes that point at ids.
 * @param {HTMLElement} root
 * @param {string} suffix
 */
function uniqueIds(root, suffix) {
  for (const element of [root, ...root.querySelectorAll('*')]) {
    if (element.id) element.id += suffix;
    for (const name of ['for', 'aria-controls', 'aria-describedby', 'aria-labelledby']) {
      const value = element.getAttribute(name);
      if (value) element.setAttribute(name, value.split(' ').map((id) => id + suffix).join(' '));
    }
  }
}

/**
 * Build a card for one agreement; fill shows the agreement's latest state without closing open forms.
 * @param {string} id
 * @param {CardActions} actions
 * @returns {Card}
 */
export function createCard(id, actions) {
  const card = fromTemplate('tpl-agreement');
  uniqueIds(card, `-${id}`);
  card.dataset.id = id;
  const button = (/** @type {string} */ name) => /** @type {HTMLButtonElement} */ (ref(card, name));
  const [accept, amend, withdraw, retire, retireNo, retireYes] = ['accept', 'amend', 'withdraw', 'retire', 'retire-no', 'retire-yes'].map(button);
  const confirmBox = ref(card, 'retire-confirm');
  const reason = /** @type {HTMLTextAreaElement} */ (ref(card, 'retire-reason'));
  const alert = ref(card, 'alert');
  const changes = /** @type {HTMLDetailsElement} */ (ref(card, 'changes'));
  const pendingBadge = ref(card, 'pending');
  const archivedBadge = ref(card, 'archived');
  pendingBadge.hidden = false;
  /** @type {Agreement} */
  let agreement;
  /** @type {AgreementContext} */
  let ctx;
  // The revision the card last showed: a new one reopens "what changed".
  let shownRevision = 0;

  /**
   * Tell the outcome of an action for as long as the agreement, as shown, passes the test.
   * @param {string} text
   * @param {(now: Agreement) => boolean} test
   */
  const sayWhile = (text, test) => actions.say(text, () => {
    const now = actions.current();
    return Boolean(now && test(now));
  });

  /** Run a card action; on success tell its outcome and keep keyboard focus on the card, wherever it moves. */
  const act = (/** @type {HTMLButtonElement} */ target, /** @type {() => Promise<void>} */ action, /** @type {() => void} */ done) =>
    busy(target, async () => {
      alert.textContent = '';
      try {
        await action();
        done();
        focusShown(card);
      } catch (problem) {
        alert.textContent = /** @type {Error} */ (problem).message;
      }
    });

  const amendForm = bindAmend(/** @type {HTMLFormElement} */ (ref(card, 'amend-form')), amend, () => ({ agreement, ctx }),
    actions.amend, (n) => {
      // True while revision n is the current one and the partner has not accepted it (nor retired it).
      const partner = ctx.partner;
      sayWhile(
        `Saved revision ${n}. ${partner?.name ?? 'Your partner'} needs to accept it.`,
        (now) => now.current_revision === n && now.status !== 'retired' && !now.archived && (!partner || now.acceptances[partner.id] !== n),
      );
      focusShown(card);
    });

  /** @param {boolean} open */
  const confirming = (open) => {
    confirmBox.hidden = !open;
    retire.hidden = open;
    retire.setAttribute('aria-expanded', String(open));
    // Cancel is the safe default for a keyboard user who just opened the question.
    (open ? retireNo : retire).focus();
  };
  retire.addEventListener('click', () => confirming(true));
  retireNo.addEventListener('click', () => confirming(false));
  confirmBox.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') confirming(false);
  });
  retireYes.addEventListener('click', () => act(retireYes, async () => {
    await actions.retire(reason.value.trim());
    confirmBox.hidden = true;
    reason.value = '';
  }, () => sayWhile('Retired. It stays readable under Retired.', (now) => now.status === 'retired')));
  // The button names the revision the user read: that is the one accepted, even if a newer one arrives.
  accept.addEventListener('click', () => {
    const n = Number(accept.dataset.revision);
    act(accept, () => actions.accept(n), () => sayWhile(`You accepted revision ${n}.`, (now) => now.current_revision === n && now.acceptances[ctx.me] === n));
  });
  withdraw.addEventListener('click', () => act(withdraw, actions.withdraw, () => sayWhile(
    'You withdrew your consent. The agreement needs review.',
    (now) => now.status === 'needs_review' && now.withdrawn?.by === ctx.me,
  )));

  /**
   * @param {Agreement} next
   * @param {AgreementContext} nextCtx
   */
  const fill = (next, nextCtx) => {
    agreement = next;
    ctx = nextCtx;
    const n = next.current_revision;
    const current = next.revisions[next.revisions.length - 1];
    const mine = next.acceptances[ctx.me] === n;
    const writable = Boolean(ctx.partner) && !next.archived && next.status !== 'retired';
    card.dataset.status = next.status;
    ref(card, 'category').textContent = CATEGORY_WORDS[next.category] ?? next.category;
    ref(card, 'status-badge').textContent = STATUS_WORDS[next.status] ?? next.status;
    ref(card, 'due-badge').hidden = !reviewDue(next, ctx.today);
    // Present only while waiting, so `.pending` means exactly what is on screen (as on Today).
    if (next.pending) archivedBadge.before(pendingBadge);
    else pendingBadge.remove();
    archivedBadge.hidden = !next.archived;
    ref(card, 'title').textContent = next.title;
    ref(card, 'text').textContent = current?.text ?? '';
    ref(card, 'revision').textContent = current ? `Revision ${n} by ${nameOf(current.author, ctx)}, ${momentText(current.at, ctx.timeZone)}` : '';
    ref(card, 'consent').textContent = consentText(next, ctx);
    const note = noteText(next, ctx);
    ref(card, 'note').textContent = note;
    ref(card, 'note').hidden = !note;

    const previous = next.revisions[next.revisions.length - 2];
    changes.hidden = !previous;
    if (previous && current) {
      ref(card, 'changes-n').textContent = String(n);
      const titleChange = ref(card, 'title-change');
      titleChange.hidden = previous.title === current.title;
      if (!titleChange.hidden) showDiff(ref(titleChange, 'title-diff'), previous.title, current.title);
      showDiff(ref(card, 'diff'), previous.text, current.text);
      ref(card, 'same-text').hidden = previous.text !== current.text;
      // Open what changed while it waits for me; the user's own toggling stands until the next revision.
      if (n !== shownRevision) changes.open = writable && !mine;
    } else {
      // A revision the server refused leaves no words of it behind, even hidden.
      ref(card, 'diff').replaceChildren();
      ref(card, 'title-diff').replaceChildren();
    }
    shownRevision = n;
    const history = ref(card, 'history');
    history.hidden = next.revisions.length < 2;
    ref(card, 'history-count').textContent = String(next.revisions.length);
    showHistory(ref(card, 'revisions'), next.revisions, ctx);

    ref(card, 'actions').hidden = !writable;
    accept.hidden = mine;
    accept.textContent = `Accept revision ${n}`;
    accept.dataset.revision = String(n);
    withdraw.hidden = !mine;
    ref(card, 'withdraw-hint').hidden = !writable || !mine;
    if (!writable) {
      amendForm.close(false);
      confirmBox.hidden = true;
      retire.hidden = false;
    }
    ref(card, 'amend-who').textContent = ctx.partner?.name ?? 'Your partner';
    ref(card, 'retire-who').textContent = ctx.partner?.name ?? 'your partner';
  };

  return { element: card, fill, amendWith: amendForm.openWith };
}
