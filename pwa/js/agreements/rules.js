// @ts-check
// The optimistic rules of the agreement mutations: what the server will most likely make of them.
import { registerRules } from '../core/local-rules.js';

/** @typedef {import('../core/db.js').StoredRecord} StoredRecord */
/** @typedef {import('../core/db.js').Mutation} Mutation */
/** @typedef {import('../core/api.js').Me} Me */

/**
 * @typedef {object} Revision one wording of an agreement; revisions are never overwritten
 * @property {number} n 1, 2, 3… in order
 * @property {string} text
 * @property {string} title
 * @property {string} author user id
 * @property {string} at ISO 8601
 */

/**
 * @typedef {object} AgreementEvent
 * @property {'proposed' | 'amended' | 'accepted' | 'activated' | 'withdrawn' | 'retired'} event
 * @property {string} by user id
 * @property {string} at ISO 8601
 * @property {number} revision
 */

/** @typedef {'proposed' | 'active' | 'needs_review' | 'retired'} AgreementStatus */

/**
 * @typedef {object} Agreement an agreement as the server pulls it (record_value), plus pending
 * @property {string} id
 * @property {'agreement'} kind
 * @property {string} space_id
 * @property {string} author_id
 * @property {'shared'} visibility
 * @property {boolean} archived a read-only copy kept after unpairing
 * @property {number} version
 * @property {boolean} deleted
 * @property {string} created_at
 * @property {string} updated_at
 * @property {string} category emotional, physical, financial, digital, time or other
 * @property {string} title the title of the current revision
 * @property {Revision[]} revisions oldest first
 * @property {Record<string, number>} acceptances user id → the revision they accepted
 * @property {string | null} review_on YYYY-MM-DD
 * @property {{by: string, at: string, revision: number} | null} withdrawn
 * @property {{by: string, at: string, reason?: string | null} | null} retired who retired it, when, and why (optional)
 * @property {AgreementEvent[]} events
 * @property {AgreementStatus} status derived by the server, and here by statusOf
 * @property {number} current_revision
 * @property {boolean} [pending] changed here and not yet confirmed by the server
 */

/** The categories the server accepts. */
export const CATEGORIES = ['emotional', 'physical', 'financial', 'digital', 'time', 'other'];

const MAX_TITLE = 200;
const MAX_TEXT = 10000;
// As the server bounds one agreement: past these an amend is refused, and its log keeps the newest events.
const MAX_REVISIONS = 100;
const MAX_SIZE = 200_000;
const MAX_EVENTS = 300;

/**
 * The characters of the agreement's own fields as JSON, as the server measures them
 * (it counts code points: text beyond the Basic Multilingual Plane counts a little more here).
 * @param {Agreement} agreement
 * @param {Revision} revision the one about to be added
 */
function sizeWith(agreement, revision) {
  const { category, title, revisions, acceptances, review_on, withdrawn, retired, events } = agreement;
  const fields = { category, title, revisions, acceptances, review_on, withdrawn, retired, events };
  return JSON.stringify(fields).length + JSON.stringify(revision).length;
}

/** The number of the newest revision, as the server counts it (0 for none). */
export function currentRevision(/** @type {Pick<Agreement, 'revisions'>} */ agreement) {
  const revisions = agreement.revisions ?? [];
  return revisions.length ? revisions[revisions.length - 1].n : 0;
}

/**
 * The status the server derives: active needs both partners on the current revision.
 * @param {Pick<Agreement, 'revisions' | 'acceptances' | 'withdrawn' | 'retired'>} agreement
 * @param {string[]} members the two partners' ids
 * @returns {AgreementStatus}
 */
export function statusOf(agreement, members) {
  if (agreement.retired) return 'retired';
  const current = currentRevision(agreement);
  if (members.every((member) => agreement.acceptances[member] === current)) return 'active';
  return agreement.withdrawn ? 'needs_review' : 'proposed';
}

/** Whether the server's Text field would take the value (it trims first). */
const textOk = (/** @type {unknown} */ value, /** @type {number} */ max) =>
  typeof value === 'string' && value.trim().length > 0 && value.trim().length <= max;

/** Whether a value is a revision number the server's schema would accept. */
const revisionOk = (/** @type {unknown} */ value) => Number.isInteger(value) && /** @type {number} */ (value) >= 1;

/**
 * A new agreement from agreement.propose: proposing counts as accepting revision 1.
 * @param {Record<string, any>} args
 * @param {Me} me
 * @param {string} now
 * @returns {Agreement}
 */
function proposal(args, me, now) {
  const by = me.user.id;
  const title = args.title.trim();
  return {
    id: args.id, kind: 'agreement', space_id: me.space.id, author_id: by, visibility: 'shared', archived: false,
    version: 0, deleted: false, created_at: now, updated_at: now,
    category: args.category, title,
    revisions: [{ n: 1, text: args.text.trim(), title, author: by, at: now }],
    acceptances: { [by]: 1 },
    review_on: args.review_on ?? null, withdrawn: null, retired: null,
    events: [{ event: 'proposed', by, at: now, revision: 1 }],
    status: 'proposed', current_revision: 1,
  };
}

/**
 * Apply one agreement.* mutation to a record the way the server would; null means the record is gone.
 * A mutation the server will refuse (stale revision, retired, archived, solo, full) leaves the record as it was.
 * @param {StoredRecord | undefined} record
 * @param {Mutation} mutation
 * @param {Me} me
 * @param {string} now ISO 8601
 * @returns {StoredRecord | null}
 */
export function applyAgreement(record, mutation, me, now) {
  const { name, args } = mutation;
  const partner = me.partner?.id;
  const unchanged = record ?? null;
  // Every agreement mutation needs a couple space.
  if (!partner) return unchanged;
  const members = [me.user.id, partner];
  if (name === 'agreement.propose') {
    const valid = CATEGORIES.includes(args.category) && textOk(args.title, MAX_TITLE) && textOk(args.text, MAX_TEXT);
    if (record || !valid) return unchanged;
    return { ...proposal(args, me, now), pending: true };
  }
  if (!record || record.kind !== 'agreement' || record.deleted || record.archived || record.retired) return unchanged;
  const old = /** @type {Agreement} */ (/** @type {unknown} */ (record));
  const current = currentRevision(old);
  const by = me.user.id;
  /** @type {Agreement} */
  const next = {
    ...old, revisions: [...old.revisions], acceptances: { ...old.acceptances }, events: [...(old.events ?? [])],
  };
  const event = (/** @type {AgreementEvent['event']} */ kind, /** @type {number} */ revision) =>
    next.events.push({ event: kind, by, at: now, revision });
  switch (name) {
    case 'agreement.amend': {
      if (args.base_revision !== current || !textOk(args.text, MAX_TEXT)) return unchanged;
      if ('title' in args && !textOk(args.title, MAX_TITLE)) return unchanged;
      const n = current + 1;
      const title = 'title' in args ? args.title.trim() : old.title;
      const revision = { n, text: args.text.trim(), title, author: by, at: now };
      if (old.revisions.length >= MAX_REVISIONS || sizeWith(old, revision) >= MAX_SIZE) return unchanged;
      next.revisions.push(revision);
      next.title = title;
      if ('review_on' in args) next.review_on = args.review_on ?? null;
      next.acceptances = { [by]: n };
      next.withdrawn = null;
      event('amended', n);
      break;
    }
    case 'agreement.accept': {
      if (!revisionOk(args.revision) || args.revision !== current) return unchanged;
      // Accepting again from a second device changes nothing on the server.
      if (old.acceptances[by] === current) return unchanged;
      next.acceptances[by] = current;
      event('accepted', current);
      if (statusOf(next, members) === 'active') {
        next.withdrawn = null;
        event('activated', current);
      }
      break;
    }
    case 'agreement.withdraw':
      if (old.acceptances[by] !== current) return unchanged;
      delete next.acceptances[by];
      next.withdrawn = { by, at: now, revision: current };
      event('withdrawn', current);
      break;
    case 'agreement.retire':
      next.retired = { by, at: now, reason: typeof args.reason === 'string' ? args.reason.trim() || null : null };
      event('retired', current);
      break;
    default:
      return unchanged;
  }
  next.events = next.events.slice(-MAX_EVENTS);
  next.status = statusOf(next, members);
  next.current_revision = currentRevision(next);
  return { ...next, updated_at: now, pending: true };
}

registerRules('agreement', applyAgreement);
