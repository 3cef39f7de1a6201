// @ts-check
// The screens' records in memory: a kind is read from IndexedDB once, then follows the writes sync-store.js
// notes once committed; another tab's or the worker's writes (a message, see sync.js) drop what they touched.

/** @typedef {import('./db.js').StoredRecord} StoredRecord */
/** @typedef {{byId: Map<string, StoredRecord>, list: readonly StoredRecord[] | null}} Held a kind's records */
/** @typedef {[Map<string, StoredRecord | null>, boolean]} Note records written (null: deleted), the store cleared first */
/**
 * @typedef {object} Reading a first read in flight
 * @property {Promise<readonly StoredRecord[]>} [done]
 * @property {Note[]} notes the writes committed meanwhile: the read may lack them, so they are applied after it
 * @property {boolean} spoiled written elsewhere meanwhile, with values unknown here: handed out, not kept
 */

/** @type {WeakMap<IDBDatabase, {kinds: Map<string, Held>, reading: Map<string, Reading>}>} */
const caches = new WeakMap();

/** Freeze deeply: the screens share one copy, so none may change another's. */
const freeze = (/** @type {any} */ value) => {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) Object.values(Object.freeze(value)).forEach(freeze);
  return value;
};

/** Bring a kind's records up to a committed write; applying one twice changes nothing. */
function apply(/** @type {Held} */ held, /** @type {string} */ kind, /** @type {Note} */ [written, cleared]) {
  let changed = cleared && held.byId.size > 0;
  if (cleared) held.byId.clear();
  for (const [id, record] of written) {
    if (record ? record.kind === kind && held.byId.set(id, freeze(record)) : held.byId.delete(id)) changed = true;
  }
  if (changed) held.list = null; // made again when next asked for
}

/**
 * Every record of a kind, frozen: from memory once read() (IndexedDB) has given them.
 * @param {IDBDatabase} db
 * @param {string} kind
 * @param {() => Promise<StoredRecord[]>} read
 * @returns {Promise<readonly StoredRecord[]>}
 */
export function cachedKind(db, kind, read) {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = { kinds: new Map(), reading: new Map() }));
  const { kinds, reading } = cache;
  const held = kinds.get(kind);
  // In the index's order, by id.
  if (held) return Promise.resolve((held.list ??= Object.freeze([...held.byId.values()].sort((a, b) => (a.id < b.id ? -1 : 1)))));
  // Screens starting together share one read.
  let first = reading.get(kind);
  if (!first) {
    const mine = (first = { notes: [], spoiled: false });
    reading.set(kind, mine);
    mine.done = read().then((records) => {
      if (reading.get(kind) === mine) reading.delete(kind);
      if (mine.spoiled) return Object.freeze(records.map(freeze));
      const fresh = { byId: new Map(records.map((r) => [r.id, freeze(r)])), list: null };
      mine.notes.forEach((note) => apply(fresh, kind, note));
      kinds.set(kind, fresh);
      return cachedKind(db, kind, read);
    });
    mine.done.catch(() => reading.get(kind) === mine && reading.delete(kind));
  }
  return /** @type {Promise<readonly StoredRecord[]>} */ (first.done);
}

/**
 * Follow this page's committed writes: each id's record, null if deleted; cleared: the store was emptied first.
 * @param {IDBDatabase} db
 * @param {Map<string, StoredRecord | null>} written
 */
export function noteWrites(db, written, cleared = false) {
  const cache = caches.get(db);
  if (!cache || !(written.size || cleared)) return;
  for (const [kind, held] of cache.kinds) apply(held, kind, [written, cleared]);
  for (const first of cache.reading.values()) first.notes.push([written, cleared]);
}

/** Forget the kinds written elsewhere, null: all of them. */
export function forgetKinds(/** @type {IDBDatabase} */ db, /** @type {ReadonlySet<string> | null} */ kinds) {
  const cache = caches.get(db);
  if (!cache) return;
  for (const kind of kinds ?? new Set([...cache.kinds.keys(), ...cache.reading.keys()])) {
    cache.kinds.delete(kind);
    const first = cache.reading.get(kind);
    if (first) first.spoiled = true;
    cache.reading.delete(kind); // later screens read again
  }
}
