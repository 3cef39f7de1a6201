// @ts-check
// Timeline's controller: reads memories from the local copy and turns the user's actions into mutations.
import { recordsOfKind } from './db.js';
import { localDay } from './local-rules.js';
import { MEMORY_FIELDS, sameValue } from './rules/memory.js';
import { showTimeline } from './ui/timeline.js';

/** @typedef {import('./rules/memory.js').Memory} Memory */

/**
 * The day a memory sorts by: when it happened, else the day it was added (in my time zone).
 * @param {Memory} memory
 * @param {string} timeZone
 */
function dayOf(memory, timeZone) {
  return memory.happened_on || localDay(timeZone, new Date(memory.created_at));
}

/**
 * Run Timeline in the slot until the returned stop is called.
 * @param {HTMLElement} slot
 * @param {import('./api.js').Me} me
 * @param {IDBDatabase} db
 * @param {import('./sync.js').SyncEngine} engine
 * @returns {{update: (me: import('./api.js').Me) => void, stop: () => void}}
 */
export function runTimeline(slot, me, db, engine) {
  const view = showTimeline(slot, {
    async add(values) {
      const id = crypto.randomUUID();
      await engine.mutate('memory.save', { id, fields: values, base: {} });
      await latest;
      return id;
    },
    async edit(seen, values) {
      // Only what the user changed goes out, each with the version they saw, so the partner's edits of other fields stay.
      /** @type {Record<string, any>} */
      const fields = {};
      /** @type {Record<string, number>} */
      const base = {};
      for (const name of MEMORY_FIELDS) {
        if (sameValue(values[name], seen[name])) continue;
        fields[name] = values[name];
        base[name] = seen.field_versions?.[name] ?? 0;
      }
      if (values.visibility !== seen.visibility && seen.author_id === me.user.id) {
        fields.visibility = values.visibility;
        base.visibility = 0;
      }
      if (!Object.keys(fields).length) return false;
      await engine.mutate('memory.save', { id: seen.id, fields, base });
      await latest;
      return true;
    },
    async remove(id) {
      await engine.mutate('memory.delete', { id });
      await latest;
    },
    async restore(id) {
      await engine.mutate('memory.restore', { id });
      await latest;
    },
    today: () => localDay(me.user.time_zone),
  });

  /** The newest render; actions await it, as their change event has already queued one. */
  /** @type {Promise<void>} */
  let latest = Promise.resolve();
  const load = async () => {
    const all = /** @type {Memory[]} */ (/** @type {unknown} */ (await recordsOfKind(db, 'memory')));
    const tz = me.user.time_zone;
    // The server never sends a partner's private memory; this keeps it so should one be stored by mistake.
    const visible = all.filter((m) => m.visibility !== 'private' || m.author_id === me.user.id);
    const entries = visible.map((memory) => ({ memory, day: dayOf(memory, tz) }));
    entries.sort((a, b) => b.day.localeCompare(a.day) || b.memory.created_at.localeCompare(a.memory.created_at));
    view.render({ me, entries });
  };
  /** Reload and render; chained so that renders happen in the order they were asked for. */
  const refresh = () => {
    latest = latest.then(load).catch(console.error);
    return latest;
  };

  const offChange = engine.onChange(() => {
    refresh();
  });
  refresh();

  return {
    update(next) {
      me = next;
      refresh();
    },
    stop() {
      offChange();
    },
  };
}
