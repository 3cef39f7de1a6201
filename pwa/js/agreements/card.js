// @ts-check
// One agreement's card: its current wording, who has accepted it, what changed, and what I can do next.
import { bindAmend } from './amend.js';
import { momentText, nameOf, reviewDue, dayText, showDiff, showHistory } from './parts.js';
import { busy, fromTemplate, ref } from '../shell/dom.js';

/** @typedef {import('./rules.js').Agreement} Agreement */
/** @typedef {import('./parts.js').AgreementContext} AgreementContext */

/**
 * @typedef {object} CardActions what a card asks of the controller, for its own agreement
 * @property {(revision: number) => Promise<void>} accept
 * @property {(base: number, fields: import('./amend.js').AmendFields) => Promise<void>} amend
 * @property {() => Promise<void>} withdraw
 * @property {() => Promise<void>} retire
 * @property {(text: string) => void} say announce the outcome to screen readers
 */

/** @typedef {{element: HTMLElement, fill: (agreement: Agreement, ctx: AgreementContext) => void}} Card */

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
 * Who has accepted the current revision, e.g. "Sam accepted revision 2 · Waiting for you".
 * @param {Agreement} agreement
 * @param {AgreementContext} ctx
 */
function consentText(agreement, ctx) {
  const n = agreement.current_revision;
  if (agreement.status === 'active') return `${ctx.partner ? `You and ${ctx.partner.name}` : 'You both'} accepted revision ${n}.`;
  const accepted = Object.keys(agreement.acceptances).filter((id) => agreement.acceptances[id] === n);
  if (agreement.status === 'retired' || agreement.archived || !ctx.partner) {
    return accepted.length ? `Revision ${n} was accepted by ${accepted.map((id) => nameOf(id, ctx)).join(' and ')}.` : '';
  }
  const waiting = [ctx.me, ctx.partner.id].filter((id) => !accepted.includes(id));
  const parts = accepted.map((id) => `${nameOf(id, ctx, true)} accepted revision ${n}`);
  parts.push(`Waiting for ${waiting.map((id) => nameOf(id, ctx)).join(' and ')}`);
  return parts.join(' · ');
}

/**
 * The line under the wording: who withdrew or retired it, and when it is to be reviewed.
 * @param {Agreement} agreement
 * @param {AgreementContext} ctx
 */
function noteText(agreement, ctx) {
  const lines = [];
  if (agreement.retired) lines.push(`Retired by ${nameOf(agreement.retired.by, ctx)} on ${momentText(agreement.retired.at, ctx.timeZone)}.`);
  else if (agreement.withdrawn && agreement.status === 'needs_review') {
    lines.push(`${nameOf(agreement.withdrawn.by, ctx, true)} withdrew consent on ${momentText(agreement.withdrawn.at, ctx.timeZone)}: talk it over, then amend it or accept it again.`);
  }
  if (agreement.review_on && !agreement.retired) {
    lines.push(reviewDue(agreement, ctx.today) ? `Review was due on ${dayText(agreement.review_on)}.` : `Review on ${dayText(agreement.review_on)}.`);
  }
  return lines.join(' ');
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

  /** Run a card action; on success keep keyboard focus on the card, wherever it moves. */
  const act = (/** @type {HTMLButtonElement} */ target, /** @type {() => Promise<void>} */ action, /** @type {string} */ done) =>
    busy(target, async () => {
      alert.textContent = '';
      try {
        await action();
        actions.say(done);
        focusShown(card);
      } catch (problem) {
        alert.textContent = /** @type {Error} */ (problem).message;
      }
    });

  const amendForm = bindAmend(/** @type {HTMLFormElement} */ (ref(card, 'amend-form')), amend, () => ({ agreement, ctx }),
    actions.amend, (n) => {
      actions.say(`Saved revision ${n}. ${ctx.partner?.name ?? 'Your partner'} needs to accept it.`);
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
    await actions.retire();
    confirmBox.hidden = true;
  }, 'Retired. It stays readable under Retired.'));
  // The button names the revision the user read: that is the one accepted, even if a newer one arrives.
  accept.addEventListener('click', () => act(accept, () => actions.accept(Number(accept.dataset.revision)), `You accepted revision ${accept.dataset.revision}.`));
  withdraw.addEventListener('click', () => act(withdraw, actions.withdraw, 'You withdrew your consent. The agreement needs review.'));

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
  };

  return { element: card, fill };
}
