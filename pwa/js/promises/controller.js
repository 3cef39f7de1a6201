// @ts-check
// Promises' controller: sorts the local promises into lists, counts track records, and turns actions into mutations.
import { recordsOfKind } from '../core/db.js';
import { localDay } from '../core/local-rules.js';
import { newestOnly } from '../shell/dom.js';
import { takeDrafts } from '../shell/drafts.js';
import { rightsOf } from './rules.js';
import { keepShown } from '../core/time.js';
import { settledAt, trackRecord } from './track-record.js';
import { showPromises } from './view.js';

/** @typedef {import('./rules.js').PromiseRecord} PromiseRecord */
/** @typedef {import('../core/api.js').Me} Me */

/**
 * @typedef {object} PromiseItem one promise with what the screen needs to know about it
 * @property {PromiseRecord} promise
 * @property {boolean} mine I am the promiser
 * @property {string} promiserToday the promiser's local day, YYYY-MM-DD
 * @property {boolean} overdue still open after the promiser's due date
 * @property {import('./rules.js').PromiseRights} rights
 */

/**
 * @typedef {object} PromisesState
 * @property {boolean} paired promises can be made and changed
 * @property {string} partnerName
 * @property {string} today my local day, YYYY-MM-DD
 * @property {Record<string, string>} names user id → name for people ("You" for me)
 * @property {PromiseItem[]} open
 * @property {PromiseItem[]} waiting done, waiting for the partner to confirm
 * @property {PromiseItem[]} settled kept, missed or released
 * @property {PromiseItem[]} archived read-only copies from an earlier pairing
 * @property {import('./track-record.js').TrackRecord[]} track me first, then my partner
 */

const FORMER_PARTNER = 'Your former partner';

/** Sort keys: open ones by due date (none last), then oldest first. */
const byDue = (/** @type {PromiseItem} */ a, /** @type {PromiseItem} */ b) =>
  (a.promise.due_on ?? '9999').localeCompare(b.promise.due_on ?? '9999') || a.promise.created_at.localeCompare(b.promise.created_at);
/** Newest change first. */
const byRecent = (/** @type {PromiseItem} */ a, /** @type {PromiseItem} */ b) =>
  (settledAt(b.promise) ?? Date.parse(b.promise.updated_at)) - (settledAt(a.promise) ?? Date.parse(a.promise.updated_at));

/**
 * Sort the promises into the lists the screen shows.
 * @param {PromiseRecord[]} promises
 * @param {Me} me
 * @param {Date} now
 * @returns {PromisesState}
 */
export function promisesState(promises, me, now = new Date()) {
  const partner = me.partner;
  const today = localDay(me.user.time_zone, now);
  const partnerToday = partner ? localDay(partner.time_zone, now) : today;
  /** @type {Record<string, string>} */
  const names = { [me.user.id]: 'You' };
  if (partner) names[partner.id] = partner.display_name;
  /** @type {PromisesState} */
  const state = {
    paired: Boolean(partner), partnerName: partner?.display_name ?? FORMER_PARTNER, today, names,
    open: [], waiting: [], settled: [], archived: [], track: [],
  };
  for (const promise of promises) {
    if (promise.deleted) continue;
    const mine = promise.promiser === me.user.id;
    // The due date is a day on the promiser's clock, wherever the reader is.
    const promiserToday = mine ? today : partnerToday;
    const overdue = promise.state === 'open' && !promise.archived && Boolean(promise.due_on) && /** @type {string} */ (promise.due_on) < promiserToday;
    const item = { promise, mine, promiserToday, overdue, rights: rightsOf(promise, me) };
    if (promise.archived || !partner) state.archived.push(item);
    else if (promise.state === 'open') state.open.push(item);
    else if (promise.state === 'done') state.waiting.push(item);
    else state.settled.push(item);
  }
  state.open.sort(byDue);
  state.waiting.sort(byRecent);
  state.settled.sort(byRecent);
  state.archived.sort(byRecent);
  const people = [{ id: me.user.id, name: me.user.display_name }];
  if (partner) people.push({ id: partner.id, name: partner.display_name });
  state.track = trackRecord(promises, people, now);
  return state;
}

/**
 * Run Promises in the slot until the returned stop is called.
 * @param {HTMLElement} slot
 * @param {Me} me
 * @param {IDBDatabase} db
 * @param {import('../core/sync.js').SyncEngine} engine
 * @returns {{update: (me: Me) => void, stop: () => void}}
 */
export function runPromises(slot, me, db, engine) {
  const view = showPromises(slot, {
    async make({ text, due_on }) {
      const id = crypto.randomUUID();
      await engine.mutate('promise.make', { id, text, due_on });
      return id;
    },
    change: (id, changes) => engine.mutate('promise.update', { id, ...changes }),
    done: (id) => engine.mutate('promise.done', { id }),
    confirm: (id) => engine.mutate('promise.confirm', { id }),
    release: (id) => engine.mutate('promise.release', { id }),
  });

  const refresh = newestOnly(
    async () => /** @type {PromiseRecord[]} */ (/** @type {unknown} */ (await recordsOfKind(db, 'promise'))),
    (promises) => view.render(promisesState(promises, me)),
  );
  // Words of a refused change, promised anew (see shell/refusals-view.js), once the form knows today.
  let offDrafts = () => {};
  let stopped = false;
  refresh().then(() => {
    if (!stopped) offDrafts = takeDrafts('promises', (values) => view.draft(values));
  }, console.error);
  // A promise turns overdue at midnight on its promiser's clock, which may not be ours.
  return keepShown(engine, refresh, {
    kinds: ['promise'],
    setMe: (next) => { me = next; },
    clock: () => `${localDay(me.user.time_zone)} ${me.partner ? localDay(me.partner.time_zone) : ''}`,
    stop: () => {
      stopped = true;
      offDrafts();
    },
  });
}
