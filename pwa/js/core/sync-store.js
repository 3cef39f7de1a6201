// @ts-check
// The IndexedDB half of sync.js (its only caller): queue, rebase, refusals; each step one transaction.
import { req, transact } from './db.js';
import { applyLocal, rulesFor, targetOf } from './local-rules.js';

/** @typedef {import('./db.js').Mutation} Mutation */
/** @typedef {import('./db.js').Rejection} Rejection */
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
 */
export async function enqueue(db, changes, me, photos = []) {
  await rulesFor(() => changes.map((c) => c.name));
  const stores = ['records', 'outbox', 'meta', ...(photos.length ? ['photos'] : [])];
  return transact(db, stores, 'readwrite', async (tx) => {
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
      const value = applyLocal(await req(records.get(target)), mutation, me);
      if (value) records.put(value);
      else records.delete(target);
    }
    meta.put(id, 'nextMutationId');
  });
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
 * Keep the refused mutations of a push for the user to see.
 * @param {IDBDatabase} db
 * @param {import('./api.js').PushResult['results']} results
 * @param {Mutation[]} batch what was sent
 * @returns {Promise<boolean>} whether anything was refused
 */
export async function keepRejections(db, results, batch) {
  const refused = results.filter((r) => r.status === 'rejected');
  if (!refused.length) return false;
  const at = new Date().toISOString();
  await transact(db, ['meta'], 'readwrite', async (tx) => {
    const meta = tx.objectStore('meta');
    /** @type {Rejection[]} */
    const list = (await req(meta.get('rejections'))) ?? [];
    for (const result of refused) {
      const mutation = batch.find((m) => m.id === result.id);
      // A retried push may report the same refusal twice.
      if (!mutation || list.some((r) => r.id === result.id)) continue;
      const error = result.error ?? { code: 'rejected', message: 'The server refused this change.' };
      list.push({ id: mutation.id, name: mutation.name, args: mutation.args, error, at });
    }
    meta.put(list, 'rejections');
  });
  return true;
}

/**
 * Apply one pull page, drop the mutations the server has, and rebase the ones still pending.
 * @param {IDBDatabase} db
 * @param {import('./api.js').PullPage} page
 * @param {Me} me
 * @returns {Promise<boolean>} whether what the UI shows may have changed
 */
export async function applyPage(db, page, me) {
  // The rebase re-applies pending changes: their rules must be loaded.
  await rulesFor(async () => (await queued(db, 0)).map((m) => m.name));
  return transact(db, PAGE_STORES, 'readwrite', async (tx) => {
    const [server, records, outbox, meta] = PAGE_STORES.map((name) => tx.objectStore(name));
    const pending = /** @type {Mutation[]} */ (await req(outbox.getAll()));
    const rest = pending.filter((m) => m.id > page.last_mutation_id);
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
      if (value) records.put(value);
      else records.delete(id);
    }
    return page.reset || page.patch.length > 0 || rest.length < pending.length;
  });
}
