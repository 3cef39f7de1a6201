// @ts-check
// The refused changes the outbox kept, read with their records and forgotten one at a time.
// Loaded only when there is a refusal: most sessions have none.
import { req, transact } from './db.js';

/** @typedef {import('./db.js').Rejection} Rejection */
/** @typedef {import('./db.js').StoredRecord} StoredRecord */
/** @typedef {import('./db.js').Mutation} Mutation */

/**
 * @typedef {Rejection & {record: StoredRecord | null, parent?: StoredRecord | null}} Refusal a refused change with
 *   its record as shown now, and the record that one belongs to (a repair's entry's repair, a done mark's ritual)
 */

/**
 * Keep the refused mutations of a push for the user to see.
 * @param {IDBDatabase} db
 * @param {import('./api.js').PushResult['results']} results
 * @param {Mutation[]} batch what was sent
 */
export async function keepRejections(db, results, batch) {
  const refused = results.filter((r) => r.status === 'rejected');
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
}

/**
 * The refused changes, oldest first, each with its record as this device shows it now: after the
 * pull that followed the refusal, the record says what happened (who retired or deleted it, and when).
 * @param {IDBDatabase} db
 * @returns {Promise<Refusal[]>}
 */
export function refusals(db) {
  return transact(db, ['meta', 'records'], 'readonly', async (tx) => {
    /** @type {Rejection[]} */
    const list = (await req(tx.objectStore('meta').get('rejections'))) ?? [];
    const records = tx.objectStore('records');
    /** @type {Refusal[]} */
    const found = [];
    for (const rejection of list) {
      // Every mutation names its record by args.id (record.share too).
      const id = rejection.args?.id;
      const record = typeof id === 'string' ? /** @type {StoredRecord | undefined} */ (await req(records.get(id))) : undefined;
      const parentId = rejection.args?.repair_id ?? rejection.args?.ritual_id ?? record?.repair_id ?? record?.ritual_id;
      const parent = typeof parentId === 'string' ? /** @type {StoredRecord | undefined} */ (await req(records.get(parentId))) : undefined;
      found.push({ ...rejection, record: record ?? null, parent: parent ?? null });
    }
    return found;
  });
}

/**
 * Forget one refused change (the user has read it), or all of them.
 * @param {IDBDatabase} db
 * @param {number} [id]
 */
export function dropRejections(db, id) {
  return transact(db, ['meta'], 'readwrite', async (tx) => {
    const meta = tx.objectStore('meta');
    /** @type {Rejection[]} */
    const list = (await req(meta.get('rejections'))) ?? [];
    meta.put(id === undefined ? [] : list.filter((r) => r.id !== id), 'rejections');
  });
}
