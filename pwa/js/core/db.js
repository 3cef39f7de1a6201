// @ts-check
// The only module that opens IndexedDB: one database per account, so two people on one browser never mix.
import { cachedKind } from './record-cache.js';

/**
 * @typedef {object} Mutation a change waiting in the outbox
 * @property {number} id the per-client counter the server acknowledges
 * @property {string} name e.g. 'checkin.save'
 * @property {Record<string, any>} args
 * @property {string} createdAt ISO 8601
 */

/**
 * @typedef {object} Rejection a mutation the server refused for good
 * @property {number} id
 * @property {string} name
 * @property {Record<string, any>} args
 * @property {{code: string, message: string, fields?: Record<string, string>}} error
 * @property {string} at ISO 8601
 */

/** @typedef {Record<string, any> & {id: string, kind: string, pending?: boolean}} StoredRecord */

/** Bump with a new rung in upgrade() whenever the stores change. */
export const DB_VERSION = 2;

const LAST_USER = 'hearth.last-user';

/**
 * The upgrade ladder: each rung moves a database of that version one step up.
 * @param {IDBDatabase} db
 * @param {number} oldVersion
 */
function upgrade(db, oldVersion) {
  if (oldVersion < 1) {
    db.createObjectStore('server', { keyPath: 'id' });
    db.createObjectStore('records', { keyPath: 'id' }).createIndex('kind', 'kind');
    db.createObjectStore('outbox', { keyPath: 'id' });
    db.createObjectStore('meta');
  }
  if (oldVersion < 2) {
    // Photos added here, resized, kept until uploaded and for a while after (see memories/photo-store.js).
    db.createObjectStore('photos', { keyPath: 'hash' });
  }
}

/** Open (and create or upgrade) the database of this user. */
export function openDb(/** @type {string} */ userId) {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(`hearth-${userId}`, DB_VERSION);
    request.onupgradeneeded = (event) => upgrade(request.result, event.oldVersion);
    request.onsuccess = () => {
      const db = request.result;
      // A newer version of the app in another tab needs us out of its way.
      db.onversionchange = () => db.close();
      resolve(db);
    };
    request.onerror = () => reject(request.error);
    request.onblocked = () => reject(new Error('Close Hearth in your other tabs to finish updating.'));
  });
}

/**
 * A request's result as a promise.
 * @template T
 * @param {IDBRequest<T>} request
 * @returns {Promise<T>}
 */
export function req(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/**
 * Run body in one transaction; resolve with its result once the transaction has committed.
 * body may await IndexedDB requests only: anything else would let the transaction close.
 * @template T
 * @param {IDBDatabase} db
 * @param {string[]} stores
 * @param {IDBTransactionMode} mode
 * @param {(tx: IDBTransaction) => Promise<T> | T} body
 * @returns {Promise<T>}
 */
export function transact(db, stores, mode, body) {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(stores, mode);
    /** @type {T} */
    let result;
    tx.oncomplete = () => resolve(result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('The change could not be stored.'));
    Promise.resolve()
      .then(() => body(tx))
      .then((value) => {
        result = value;
      })
      .catch((error) => {
        try {
          tx.abort();
        } catch {
          // Already finished: the error below still reaches the caller.
        }
        reject(error);
      });
  });
}

/** Read one value of the meta store (undefined when unset). */
export function getMeta(/** @type {IDBDatabase} */ db, /** @type {string} */ key) {
  return transact(db, ['meta'], 'readonly', (tx) => req(tx.objectStore('meta').get(key)));
}

/** Write one value of the meta store. */
export function setMeta(/** @type {IDBDatabase} */ db, /** @type {string} */ key, /** @type {unknown} */ value) {
  return transact(db, ['meta'], 'readwrite', (tx) => {
    tx.objectStore('meta').put(value, key);
  });
}

/**
 * Every record of a kind as the UI should show it (server state plus pending changes), frozen: the screens
 * share them. Read from IndexedDB the first time, then from memory (record-cache.js).
 * @param {IDBDatabase} db
 * @param {string} kind
 * @returns {Promise<readonly StoredRecord[]>}
 */
export function recordsOfKind(db, kind) {
  return cachedKind(db, kind, () =>
    transact(db, ['records'], 'readonly', (tx) => req(tx.objectStore('records').index('kind').getAll(kind))));
}

/** How many mutations wait in the outbox. */
export function outboxSize(/** @type {IDBDatabase} */ db) {
  return transact(db, ['outbox'], 'readonly', (tx) => req(tx.objectStore('outbox').count()));
}

/**
 * Ask once that the browser keep our data under storage pressure; remember the answer.
 * @param {IDBDatabase} db
 * @returns {Promise<boolean>} whether storage is persistent
 */
export async function askPersistence(db) {
  const storage = navigator.storage;
  if (!storage?.persist) return false;
  const known = await getMeta(db, 'persisted');
  if (known !== undefined) return known || storage.persisted();
  const granted = await storage.persist().catch(() => false);
  await setMeta(db, 'persisted', granted);
  return granted;
}

/** Remember whose database to open when the app starts without a network. */
export function rememberUser(/** @type {string} */ userId) {
  try {
    localStorage.setItem(LAST_USER, userId);
  } catch {
    // Storage blocked: an offline start shows the offline notice instead.
  }
}

/**
 * Forget whose database to open offline: they signed out (their data and outbox stay).
 * @returns {boolean} whether someone was remembered
 */
export function forgetUser() {
  try {
    const known = localStorage.getItem(LAST_USER) !== null;
    localStorage.removeItem(LAST_USER);
    return known;
  } catch {
    // Storage blocked: nothing was remembered either.
    return false;
  }
}

/**
 * The last /api/me answer of the last user on this browser, or null.
 * @returns {Promise<import('./api.js').Me | null>}
 */
export async function cachedMe() {
  let userId = null;
  try {
    userId = localStorage.getItem(LAST_USER);
  } catch {
    return null;
  }
  if (!userId) return null;
  const db = await openDb(userId);
  try {
    return (await getMeta(db, 'me')) ?? null;
  } finally {
    db.close();
  }
}
