// @ts-check
// The read-only pieces of an agreement card: names, dates, consent and notes, review reminders, the word diff and the history.
import { diffWords } from '../core/diff.js';

/** @typedef {import('./rules.js').Agreement} Agreement */
/** @typedef {import('./rules.js').Revision} Revision */

/**
 * @typedef {object} AgreementContext who is looking, and when
 * @property {string} me my user id
 * @property {{id: string, name: string} | null} partner null while solo
 * @property {string} timeZone my IANA time zone
 * @property {string} today my local day, YYYY-MM-DD
 */

const reviewFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
/** @type {Map<string, Intl.DateTimeFormat>} */
const momentFormats = new Map();

/** A YYYY-MM-DD day for people, e.g. "4 March 2026". */
export const dayText = (/** @type {string} */ day) => reviewFormat.format(new Date(`${day}T12:00:00Z`));

/**
 * The day of an ISO 8601 moment on my own calendar, e.g. "4 Mar 2026".
 * @param {string} at
 * @param {string} timeZone
 */
export function momentText(at, timeZone) {
  let format = momentFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric', timeZone });
    momentFormats.set(timeZone, format);
  }
  return format.format(new Date(at));
}

/**
 * Who a user id is, as the sentence needs it: "you", the partner's name, or a former partner.
 * @param {string} userId
 * @param {AgreementContext} ctx
 * @param {boolean} [start] at the start of a sentence
 */
export function nameOf(userId, ctx, start = false) {
  if (userId === ctx.me) return start ? 'You' : 'you';
  if (ctx.partner && userId === ctx.partner.id) return ctx.partner.name;
  // After unpairing the archived copies still name the other partner's id, but no longer their name.
  return start ? 'Your former partner' : 'your former partner';
}

/**
 * Whether the agreement's review date has come, on my own calendar; archived copies cannot be reviewed.
 * @param {Agreement} agreement
 * @param {string} today YYYY-MM-DD
 */
export function reviewDue(agreement, today) {
  return Boolean(agreement.review_on && agreement.review_on <= today && agreement.status !== 'retired' && !agreement.archived);
}

/**
 * Fill an element with the word diff from one text to another, as text, <del> and <ins>.
 * @param {HTMLElement} target
 * @param {string} older
 * @param {string} newer
 */
export function showDiff(target, older, newer) {
  target.replaceChildren(
    ...diffWords(older, newer).map((part) => {
      if (part.op === 'same') return document.createTextNode(part.text);
      const element = document.createElement(part.op);
      element.textContent = part.text;
      return element;
    }),
  );
}

/**
 * List every revision, newest first, with its author and day.
 * @param {HTMLElement} list an <ol>
 * @param {Revision[]} revisions
 * @param {AgreementContext} ctx
 */
export function showHistory(list, revisions, ctx) {
  list.replaceChildren(
    ...[...revisions].reverse().map((revision) => {
      const item = document.createElement('li');
      const head = document.createElement('p');
      const title = document.createElement('strong');
      title.textContent = `Revision ${revision.n}: ${revision.title}`;
      head.append(title, ` by ${nameOf(revision.author, ctx)}, ${momentText(revision.at, ctx.timeZone)}`);
      const text = document.createElement('p');
      text.className = 'agreement-text';
      text.textContent = revision.text;
      item.append(head, text);
      return item;
    }),
  );
}

/**
 * Who has accepted the current revision, e.g. "Sam accepted revision 2 · Waiting for you".
 * @param {Agreement} agreement
 * @param {AgreementContext} ctx
 */
export function consentText(agreement, ctx) {
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
export function noteText(agreement, ctx) {
  const lines = [];
  if (agreement.retired) lines.push(retiredText(agreement.retired, ctx));
  else if (agreement.withdrawn && agreement.status === 'needs_review') {
    lines.push(`${nameOf(agreement.withdrawn.by, ctx, true)} withdrew consent on ${momentText(agreement.withdrawn.at, ctx.timeZone)}: talk it over, then amend it or accept it again.`);
  }
  if (agreement.review_on && !agreement.retired) {
    lines.push(reviewDue(agreement, ctx.today) ? `Review was due on ${dayText(agreement.review_on)}.` : `Review on ${dayText(agreement.review_on)}.`);
  }
  return lines.join(' ');
}

/**
 * What the partner (or I) said when retiring, e.g. "Retired by Sam on 30 Nov 2026: “We never do it.”"
 * @param {NonNullable<Agreement['retired']>} retired
 * @param {AgreementContext} ctx
 */
export function retiredText(retired, ctx) {
  const said = `Retired by ${nameOf(retired.by, ctx)} on ${momentText(retired.at, ctx.timeZone)}`;
  return retired.reason ? `${said}: “${retired.reason}”` : `${said}.`;
}
