// @ts-check
// Repair's controller: reads the local copy (repairs, their entries, linked promises, check-ins), follows
// the address (#repair is the list, #repair/<id> one repair) and turns the user's actions into mutations.
import { recordsOfKind } from '../core/db.js';
import { localDay } from '../core/local-rules.js';
import { keepShown } from '../core/time.js';
import { newestOnly } from '../shell/dom.js';
import { detailOf, listOf } from './state.js';
import { showRepairs } from './view.js';

/** @typedef {import('./rules.js').RepairRecord} RepairRecord */
/** @typedef {import('./rules.js').RepairEntry} RepairEntry */
/** @typedef {import('./rules.js').Step} Step */
/** @typedef {import('../promises/rules.js').PromiseRecord} PromiseRecord */
/** @typedef {import('../core/local-rules.js').Checkin} Checkin */
/** @typedef {import('../core/api.js').Me} Me */

/** The kinds of records the section shows, in the order refresh reads them. */
const KINDS = ['repair', 'repair_entry', 'promise', 'checkin'];

/**
 * @typedef {object} RepairsState what the section shows
 * @property {Me} me
 * @property {string | null} id the repair the address names, if any
 * @property {import('./state.js').ListItem[]} list
 * @property {import('./state.js').Detail | null} detail
 * @property {PromiseRecord[]} promises every promise, for the track record
 */

/** The repair an address names (#repair/<id>), or null for the list. */
export function repairIdOf(/** @type {string} */ hash) {
  const [section, id] = hash.replace(/^#\/?/, '').split('/');
  return section === 'repair' && id ? decodeURIComponent(id) : null;
}

/** The words shown when sharing waits for the repair itself to be shared. */
const sharedFirst = (/** @type {string} */ partnerName) =>
  `This repair is still private to you. Share the repair with ${partnerName} first (the button at the top), then these words.`;

/**
 * Run Repair in the slot until the returned stop is called.
 * @param {HTMLElement} slot
 * @param {Me} me
 * @param {IDBDatabase} db
 * @param {import('../core/sync.js').SyncEngine} engine
 * @returns {{update: (me: Me) => void, stop: () => void}}
 */
export function runRepairs(slot, me, db, engine) {
  const all = async (/** @type {string} */ kind) => /** @type {any[]} */ (await recordsOfKind(db, kind));
  const repairNow = async (/** @type {string} */ id) => /** @type {RepairRecord | undefined} */ ((await all('repair')).find((r) => r.id === id));
  const partnerName = () => me.partner?.display_name ?? 'your partner';

  const view = showRepairs(slot, {
    async open(fields) {
      const id = crypto.randomUUID();
      await engine.mutate('repair.open', { id, ...fields });
      location.hash = `#repair/${id}`;
    },
    async shareRepair(id) {
      await engine.mutate('record.share', { kind: 'repair', id });
    },
    async write(repairId, step, parts, share, entry) {
      const repair = await repairNow(repairId);
      if (share && repair?.visibility !== 'shared') throw { message: sharedFirst(partnerName()) };
      const visibility = share ? 'shared' : entry?.visibility ?? 'private';
      await engine.mutate('repair.write', { id: entry?.id ?? crypto.randomUUID(), repair_id: repairId, step, parts, visibility });
    },
    async shareEntry(entry) {
      const repair = await repairNow(entry.repair_id);
      if (repair?.visibility !== 'shared') return sharedFirst(partnerName());
      await engine.mutate('record.share', { kind: 'repair_entry', id: entry.id });
      return '';
    },
    promise: (repairId, text) => engine.mutate('promise.make', { id: crypto.randomUUID(), text, due_on: null, repair_id: repairId }),
    async propose(repairId, rhythm, note) {
      const repair = await repairNow(repairId);
      const changes = [{ name: 'repair.rhythm', args: { id: repairId, ...rhythm } }];
      // The words go with the proposal to the partner; in a repair still private they stay a draft.
      if (note) {
        const visibility = repair?.visibility === 'shared' ? 'shared' : 'private';
        changes.push({ name: 'repair.write', args: { id: crypto.randomUUID(), repair_id: repairId, step: 'rhythm_note', parts: { text: note }, visibility } });
      }
      await engine.mutateAll(changes);
    },
    agree: (repairId, rhythm) => engine.mutate('repair.agree_rhythm', { id: repairId, ...rhythm }),
    async moveForward(repair, note, keepAs) {
      const changes = [{ name: 'repair.move_forward', args: { id: repair.id, note, keep_as: keepAs } }];
      if (keepAs === 'memory') {
        // A memory of the day it moved forward, seen by whoever can see the repair.
        const fields = {
          title: repair.title || 'We moved forward', story: note, happened_on: localDay(me.user.time_zone), visibility: repair.visibility,
        };
        changes.push({ name: 'memory.save', args: { id: crypto.randomUUID(), fields, base: {} } });
      }
      await engine.mutateAll(changes);
    },
    setAside: (id) => engine.mutate('repair.set_aside', { id }),
    reopen: (id) => engine.mutate('repair.reopen', { id }),
  });

  const refresh = newestOnly(async () => {
    const [repairs, entries, promises, checkins] = await Promise.all(KINDS.map(all));
    const id = repairIdOf(location.hash);
    const repair = id ? /** @type {RepairRecord[]} */ (repairs).find((r) => r.id === id && !r.deleted) : undefined;
    /** @type {RepairsState} */
    const state = {
      me, id, list: listOf(repairs, me), promises,
      detail: repair ? detailOf(repair, { entries, promises, checkins }, me) : null,
    };
    return state;
  }, (state) => view.render(state));
  const show = () => {
    refresh().catch(console.error);
  };
  window.addEventListener('hashchange', show);
  // Shown now, and again at midnight: "Three weeks since you started" moves on.
  return keepShown(engine, refresh, {
    kinds: KINDS,
    setMe: (next) => { me = next; },
    clock: () => localDay(me.user.time_zone),
    stop: () => window.removeEventListener('hashchange', show),
  });
}
