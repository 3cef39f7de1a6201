// @ts-check
// Timeline's controller: reads memories from the local copy and turns the user's actions into mutations.
import { recordsOfKind } from '../core/db.js';
import { takeDrafts } from '../shell/drafts.js';
import { localDay } from '../core/local-rules.js';
import { photoSources } from './photo-store.js';
import { MEMORY_FIELDS, sameValue } from './rules.js';
import { showTimeline } from './view.js';

/** @typedef {import('./rules.js').Memory} Memory */
/** @typedef {import('./photos.js').PickedPhoto} PickedPhoto */

/**
 * The day a memory sorts by: when it happened, else the day it was added (in my time zone).
 * @param {Memory} memory
 * @param {string} timeZone
 */
function dayOf(memory, timeZone) {
  return memory.happened_on || localDay(timeZone, new Date(memory.created_at));
}

/** The photos picked in the form, to be kept on the device with the changes that show them. */
const addedPhotos = (/** @type {PickedPhoto[]} */ photos) =>
  photos.flatMap((p) => (p.added ? [p.added] : []));

/**
 * The photo mutations that turn the photos the form started from into the ones it ends with.
 * @param {Memory} seen the memory as the form showed it
 * @param {PickedPhoto[]} photos
 * @returns {{name: string, args: Record<string, any>}[]}
 */
function photoChanges(seen, photos) {
  const before = seen.photos ?? [];
  const after = new Map(photos.map((p) => [p.hash, p]));
  /** @type {{name: string, args: Record<string, any>}[]} */
  const changes = [];
  for (const photo of before) {
    if (after.has(photo.hash)) continue;
    // A photo the server has: removed only if nobody added it again after I saw it (add wins).
    const seenVersion = photo.added_version == null ? {} : { seen_version: seen.version };
    changes.push({ name: 'memory.remove_photo', args: { id: seen.id, hash: photo.hash, ...seenVersion } });
  }
  const kept = new Map(before.filter((p) => after.has(p.hash)).map((p) => [p.hash, p]));
  for (const { hash, caption } of photos) {
    if (kept.get(hash)?.caption !== caption) changes.push({ name: 'memory.add_photo', args: { id: seen.id, photo: { hash, caption } } });
  }
  // New photos go last: an order is sent only when the form's differs from that.
  const expected = [...kept.keys(), ...photos.filter((p) => !kept.has(p.hash)).map((p) => p.hash)];
  const wanted = photos.map((p) => p.hash);
  if (!sameValue(expected, wanted)) changes.push({ name: 'memory.order_photos', args: { id: seen.id, hashes: wanted } });
  return changes;
}

/**
 * Run Timeline in the slot until the returned stop is called.
 * @param {HTMLElement} slot
 * @param {import('../core/api.js').Me} me
 * @param {IDBDatabase} db
 * @param {import('../core/sync.js').SyncEngine} engine
 * @returns {{update: (me: import('../core/api.js').Me) => void, stop: () => void}}
 */
export function runTimeline(slot, me, db, engine) {
  const view = showTimeline(slot, {
    async add({ photos, ...values }) {
      const id = crypto.randomUUID();
      const changes = [
        { name: 'memory.save', args: { id, fields: values, base: {} } },
        ...photos.map(({ hash, caption }) => ({ name: 'memory.add_photo', args: { id, photo: { hash, caption } } })),
      ];
      await engine.mutateAll(changes, addedPhotos(photos));
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
      const changes = [
        ...(Object.keys(fields).length ? [{ name: 'memory.save', args: { id: seen.id, fields, base } }] : []),
        ...photoChanges(seen, values.photos),
      ];
      if (!changes.length) return false;
      await engine.mutateAll(changes, addedPhotos(values.photos));
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
    view.render({ me, entries, sourceOf: await photoSources(db) });
  };
  /** Reload and render; chained so that renders happen in the order they were asked for. */
  const refresh = () => {
    latest = latest.then(load).catch(console.error);
    return latest;
  };

  const offChange = engine.onChange(() => {
    refresh();
  }, ['memory']);
  refresh();
  // Words of a refused change, started anew as a memory (see shell/refusals-view.js).
  const offDrafts = takeDrafts('timeline', (values) => view.draft(values));

  return {
    update(next) {
      me = next;
      refresh();
    },
    stop() {
      offChange();
      offDrafts();
    },
  };
}
