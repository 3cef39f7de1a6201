// @ts-check
// The optimistic rules of the promise mutations: what the server will most likely make of them.
// They mirror server/promises/service.py step by step, so a change shown here is the change the server makes.
import { localDay, registerRules } from '../core/local-rules.js';

/**
 * @typedef {object} PromiseEvent one line of a promise's history
 * @property {'made' | 'updated' | 'renegotiated' | 'done' | 'kept' | 'missed' | 'released'} event
 * @property {string | null} by user id; null when nobody did it (the due date passed)
 * @property {string} at ISO 8601
 * @property {string | null} [from] the due date before a renegotiation
 * @property {string | null} [to] the due date after it (or the first one, when made)
 */

/** @typedef {'open' | 'done' | 'kept' | 'missed' | 'released'} PromiseState */

/**
 * @typedef {object} PromiseRecord a promise as the server pulls it (record_value), plus pending
 * @property {string} id
 * @property {'promise'} kind
 * @property {string} space_id
 * @property {string} author_id the promiser (whoever kept it, for a copy kept after unpairing)
 * @property {'shared' | 'private'} visibility
 * @property {boolean} archived a read-only copy kept after unpairing
 * @property {number} version
 * @property {boolean} deleted
 * @property {string | null} deleted_at
 * @property {string} created_at
 * @property {string} updated_at
 * @property {string} text
 * @property {string} promiser user id
 * @property {PromiseEvent[]} history
 * @property {PromiseState} state
 * @property {string | null} due_on YYYY-MM-DD, in the promiser's time zone
 * @property {string} [repair_id] the repair this promise is a commitment of
 * @property {boolean} [pending] changed here and not yet confirmed by the server
 */

/**
 * @typedef {object} PromiseRights what the user may do with a promise now
 * @property {boolean} done mark it done (the promiser, while open or missed)
 * @property {boolean} change reword it or move its date (the promiser, while open or missed)
 * @property {boolean} confirm confirm it kept (the partner, once done)
 * @property {boolean} release let the promiser off (the partner, until settled)
 */

/** @typedef {import('../core/db.js').StoredRecord} StoredRecord */
/** @typedef {import('../core/db.js').Mutation} Mutation */
/** @typedef {import('../core/api.js').Me} Me */

const NONE = Object.freeze({ done: false, change: false, confirm: false, release: false });
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MAX_TEXT = 500;
// The server refuses to reword or redate a promise whose history holds this many lines.
const MAX_HISTORY = 100;

/**
 * What the user may do with the promise, by role and state, as the server checks it.
 * @param {PromiseRecord} promise
 * @param {Me} me
 * @returns {PromiseRights}
 */
export function rightsOf(promise, me) {
  // Archived copies never change; anything else needs the couple space.
  if (promise.archived || promise.deleted || !me.partner) return NONE;
  const mine = promise.promiser === me.user.id;
  const { state } = promise;
  const reopenable = state === 'open' || state === 'missed';
  return {
    done: mine && reopenable,
    change: mine && reopenable,
    confirm: !mine && state === 'done',
    release: !mine && (reopenable || state === 'done'),
  };
}

/** The text as the server stores it (trimmed), or null when the server would refuse it. */
const cleanText = (/** @type {unknown} */ text) => {
  if (typeof text !== 'string') return null;
  const trimmed = text.trim();
  return trimmed && trimmed.length <= MAX_TEXT ? trimmed : null;
};

/** Whether a due date argument is one the server accepts: a day or none. */
const validDue = (/** @type {unknown} */ due) => due === null || (typeof due === 'string' && DAY.test(due));

/**
 * A copy of the promise with one more history line, marked as waiting for the server.
 * @param {PromiseRecord} promise
 * @param {Partial<PromiseRecord>} changes
 * @param {PromiseEvent} entry
 * @returns {PromiseRecord}
 */
function withEvent(promise, changes, entry) {
  return { ...promise, ...changes, history: [...promise.history, entry], updated_at: entry.at, pending: true };
}

/**
 * Apply one promise.* mutation to a record the way the server would; null means the record is gone.
 * A mutation the server would refuse leaves the record as it was.
 * @param {StoredRecord | undefined} record
 * @param {Mutation} mutation
 * @param {Me} me
 * @param {string} now ISO 8601
 * @returns {StoredRecord | null}
 */
export function applyPromise(record, mutation, me, now) {
  const { name, args } = mutation;
  const by = me.user.id;
  if (name === 'promise.make') {
    const text = cleanText(args.text);
    const due = args.due_on ?? null;
    // An id in use (of any kind) is refused, and promises are made only to a partner.
    if (record || !me.partner || text === null || !validDue(due)) return record ?? null;
    /** @type {PromiseRecord} */
    const made = {
      id: args.id, kind: 'promise', space_id: me.space.id, author_id: by, visibility: 'shared', archived: false,
      version: 0, deleted: false, deleted_at: null, created_at: now, updated_at: now,
      text, promiser: by, history: [{ event: 'made', by, at: now, to: due }], state: 'open', due_on: due, pending: true,
      ...(args.repair_id ? { repair_id: args.repair_id } : {}),
    };
    return made;
  }
  if (!record || record.kind !== 'promise') return record ?? null;
  const promise = /** @type {PromiseRecord} */ (/** @type {unknown} */ (record));
  const rights = rightsOf(promise, me);
  switch (name) {
    case 'promise.update':
      return rights.change ? update(promise, args, me, now) : record;
    case 'promise.done':
      if (promise.state === 'done' || !rights.done) return record;
      return withEvent(promise, { state: 'done' }, { event: 'done', by, at: now });
    case 'promise.confirm':
      if (promise.state === 'kept' || !rights.confirm) return record;
      return withEvent(promise, { state: 'kept' }, { event: 'kept', by, at: now });
    case 'promise.release':
      if (promise.state === 'released' || !rights.release) return record;
      return withEvent(promise, { state: 'released' }, { event: 'released', by, at: now });
    default:
      return record;
  }
}

/**
 * Reword the promise and/or move its date; a new date not yet past reopens a missed promise.
 * @param {PromiseRecord} promise
 * @param {Record<string, any>} args
 * @param {Me} me
 * @param {string} now
 * @returns {PromiseRecord}
 */
function update(promise, args, me, now) {
  const by = me.user.id;
  const hasText = 'text' in args;
  const hasDue = 'due_on' in args;
  const text = hasText ? cleanText(args.text) : null;
  // The server validates all arguments before changing anything.
  if ((!hasText && !hasDue) || (hasText && text === null) || (hasDue && !validDue(args.due_on))) return promise;
  const changes = (hasText && text !== promise.text) || (hasDue && args.due_on !== promise.due_on);
  if (changes && promise.history.length >= MAX_HISTORY) return promise;
  let next = promise;
  if (hasText && text !== promise.text) {
    next = withEvent(next, { text }, { event: 'updated', by, at: now });
  }
  if (hasDue && args.due_on !== promise.due_on) {
    /** @type {string | null} */
    const due = args.due_on;
    const today = localDay(me.user.time_zone, new Date(now));
    const reopen = promise.state === 'missed' && (due === null || due >= today);
    next = withEvent(
      next,
      { due_on: due, state: reopen ? 'open' : next.state },
      { event: 'renegotiated', by, at: now, from: promise.due_on, to: due },
    );
  }
  return next;
}

registerRules('promise', applyPromise);
