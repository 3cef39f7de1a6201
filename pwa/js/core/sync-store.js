// @ts-check
// The IndexedDB half of sync.js: queue and rebase; each step one transaction. Every write to the
// records store is here, and told to the screens' copy in memory (record-cache.js) once it has committed.
import { req, transact } from './db.js';
import { applyLocal, rulesFor, targetOf } from './local-rules.js';
import { noteWrites } from './record-cache.js';

/** @typedef {import('./db.js').Mutation} Mutation */
/** @typedef {import('./db.js').StoredRecord} StoredRecord */
/** @typedef {import('./api.js').Me} Me */

const PAGE_STORES = ['server', 'records', 'outbox', 'meta'];

/** A random id for this device, in the alphabet the server accepts. */
function newClientId() {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return btoa(String.fromCharCode(...bytes)).replaceAll('+', '-').replaceAll('/', '_');
}

/** This device's client id, made on first use (two tabs agree: the transaction serialises them). */
export function clientIdOf(/** @type {IDBDatabase} */ db) {
  return transact(db, ['meta'], 'readwrite', async (tx) => {
    const meta = tx.objectStore('meta');
    const known = await req(meta.get('clientId'));
    if (known) return /** @type {string} */ (known);
    const fresh = newClientId();
    meta.put(fresh, 'clientId');
    return fresh;
  });
}

/**
 * Queue mutations and show their optimistic results, all together or not at all, with the
 * photos they reference: a memory never waits in the outbox without its photos.
 * @param {IDBDatabase} db
 * @param {{name: string, args: Record<string, any>}[]} changes
 * @param {Me} me
 * @param {import('../memories/photo-store.js').StoredPhoto[]} [photos]
 * @returns {Promise<Set<string>>} the kinds of the records written
 */
export async function enqueue(db, changes, me, photos = []) {
  await rulesFor(() => changes.map((c) => c.name));
  const stores = ['records', 'outbox', 'meta', ...(photos.length ? ['photos'] : [])];
  /** @type {Map<string, StoredRecord | null>} */
  const written = new Map();
  /** @type {Set<string>} */
  const kinds = new Set();
  await transact(db, stores, 'readwrite', async (tx) => {
    const [records, outbox, meta] = ['records', 'outbox', 'meta'].map((n) => tx.objectStore(n));
    for (const photo of photos) tx.objectStore('photos').put(photo);
    let id = /** @type {number} */ ((await req(meta.get('nextMutationId'))) ?? 1);
    const createdAt = new Date().toISOString();
    for (const { name, args } of changes) {
      /** @type {Mutation} */
      const mutation = { id, name, args, createdAt };
      outbox.add(mutation);
      id += 1;
      const target = targetOf(mutation);
      const before = /** @type {StoredRecord | undefined} */ (await req(records.get(target)));
      const value = applyLocal(before, mutation, me);
      if (value) records.put(value);
      else records.delete(target);
      written.set(target, value);
      const kind = value?.kind ?? before?.kind;
      if (kind) kinds.add(kind);
    }
    meta.put(id, 'nextMutationId');
  });
  noteWrites(db, written);
  return kinds;
}

/**
 * Up to limit (or all) queued mutations with ids above after, oldest first.
 * @param {IDBDatabase} db
 * @param {number} after
 * @param {number} [limit]
 * @returns {Promise<Mutation[]>}
 */
export function queued(db, after, limit) {
  return transact(db, ['outbox'], 'readonly', (tx) =>
    req(tx.objectStore('outbox').getAll(IDBKeyRange.lowerBound(after, true), limit)));
}

/**
 * Apply one pull page, drop the mutations the server has, and rebase the ones still pending.
 * @param {IDBDatabase} db
 * @param {import('./api.js').PullPage} page
 * @param {Me} me
 * @returns {Promise<Set<string> | null>} the kinds whose records the UI shows may have changed
 *   (none: an empty set), or null after a reset: any kind may have
 */
export async function applyPage(db, page, me) {
  // The rebase re-applies pending changes: their rules must be loaded.
  await rulesFor(async () => (await queued(db, 0)).map((m) => m.name));
  /** @type {Map<string, StoredRecord | null>} */
  const written = new Map();
  /** @type {Set<string>} */
  const kinds = new Set();
  await transact(db, PAGE_STORES, 'readwrite', async (tx) => {
    const [server, records, outbox, meta] = PAGE_STORES.map((name) => tx.objectStore(name));
    const pending = /** @type {Mutation[]} */ (await req(outbox.getAll()));
    const rest = pending.filter((m) => m.id > page.last_mutation_id);
    const acked = new Set(pending.filter((m) => m.id <= page.last_mutation_id).map(targetOf));
    for (const m of pending) if (m.id <= page.last_mutation_id) outbox.delete(m.id);
    if (page.reset) {
      // A new space or a snapshot: whatever we held is no longer the truth.
      server.clear();
      records.clear();
    }
    /** @type {Map<string, StoredRecord | undefined>} */
    const fromPage = new Map();
    for (const op of page.patch) {
      const value = op.op === 'put' ? /** @type {StoredRecord} */ (op.value) : undefined;
      fromPage.set(op.id, value);
      kinds.add(op.kind);
      if (value) server.put(value);
      else server.delete(op.id);
    }
    meta.put(page.cookie, 'cookie');
    // Acknowledged mutations count too: their optimistic copies must give way to the server's.
    const ids = new Set([...fromPage.keys(), ...pending.map(targetOf)]);
    for (const id of ids) {
      /** @type {StoredRecord | undefined | null} */
      let value = fromPage.has(id) ? fromPage.get(id) : await req(server.get(id));
      for (const m of rest) if (targetOf(m) === id) value = applyLocal(value ?? undefined, m, me);
      if (acked.has(id) && !fromPage.has(id)) {
        // Gone from the server (refused): the kind is the optimistic copy's, read before it goes.
        const kind = value?.kind ?? (/** @type {StoredRecord | undefined} */ (await req(records.get(id))))?.kind;
        if (kind) kinds.add(kind);
      }
      if (value) records.put(value);
      else records.delete(id);
      written.set(id, value ?? null);
    }
  });
  noteWrites(db, written, page.reset);
  return page.reset ? null : kinds;
}
