// @ts-check
// Photos kept by the service worker: cache-first, within a size limit, least recently used out first.
import { req, transact } from '../core/db.js';

/**
 * @typedef {object} PhotoEntry what the bookkeeping knows of one cached photo
 * @property {string} url the absolute URL, also the key in the cache
 * @property {number} size bytes of the body
 * @property {number} used when it was last served (ms since the epoch)
 */

/** The Cache Storage cache of photos (not a shell cache: a new version of the app keeps it). */
export const PHOTO_CACHE = 'hearth-photos';

/** The worker's bookkeeping database: Cache Storage knows no sizes nor access times. */
export const PHOTO_DB = 'hearth-photo-cache';

// Bytes kept, thumbnails and full photos together, unless the bookkeeping's meta 'limit' says otherwise.
const DEFAULT_LIMIT = 150 * 1024 * 1024;

const DB_VERSION = 1;
const LOCK = 'hearth-photo-cache';
// /api/blobs/<sha256> and /api/blobs/<sha256>/thumb: the bytes behind such a URL never change.
const PHOTO_PATH = /^\/api\/blobs\/[0-9a-f]{64}(\/thumb)?$/;

/** Tell whether the URL (of this origin) is one of a photo. */
export function isPhotoUrl(/** @type {URL} */ url) {
  return PHOTO_PATH.test(url.pathname) && url.search === '';
}

/**
 * Answer a photo request from the cache, else from the network, keeping a good answer.
 * Offline and not cached, the promise rejects: the page shows its placeholder.
 * @param {Request} request
 * @param {(promise: Promise<unknown>) => void} waitUntil keeps the worker alive for the bookkeeping
 * @returns {Promise<Response>}
 */
export async function photoResponse(request, waitUntil) {
  // The URL alone names the bytes (so no Vary); a broken Cache Storage only costs the saving.
  const cached = await caches
    .match(request.url, { cacheName: PHOTO_CACHE, ignoreVary: true })
    .catch(() => undefined);
  if (cached) {
    waitUntil(quietly(touch(request.url)));
    return cached;
  }
  // Open before the fetch, so that a sign-out's clearPhotos reaches this worker while it runs.
  await openBook().catch(() => undefined);
  const since = generation;
  // Past the browser's HTTP cache both ways: only this cache keeps photos, and sign-out empties it.
  // By its URL: a navigation's request (a photo opened in a tab) cannot be copied with changes.
  const response = await fetch(request.url, { cache: 'no-store', signal: request.signal });
  if (storable(response)) waitUntil(quietly(store(request.url, response.clone(), since)));
  return response;
}

/** Delete every cached photo and the bookkeeping; from a page too (on sign-out), where the worker may be busy. */
export async function clearPhotos() {
  await exclusively(async () => {
    generation += 1;
    if (opening) (await opening.catch(() => null))?.close();
    opening = null;
    await caches.delete(PHOTO_CACHE);
    await new Promise((resolve, reject) => {
      const request = indexedDB.deleteDatabase(PHOTO_DB);
      // Other connections (the worker's) close on versionchange; 'blocked' just means wait.
      request.onsuccess = () => resolve(undefined);
      request.onerror = () => reject(request.error);
    });
  });
}

/** Only a whole photo as the server meant it: never an error, a partial body or a portal's page. */
function storable(/** @type {Response} */ response) {
  const type = response.headers.get('Content-Type') ?? '';
  return response.status === 200 && response.type === 'basic' && type.startsWith('image/');
}

/** Caching is a saving, never a reason for a photo to fail: its errors stay here. */
function quietly(/** @type {Promise<unknown>} */ promise) {
  return promise.catch(() => undefined);
}

/**
 * Run changes one at a time, in the worker and in the pages alike (clearPhotos runs in a page).
 * @template T
 * @param {() => Promise<T>} body
 * @returns {Promise<T>}
 */
function exclusively(body) {
  const locks = /** @type {LockManager | undefined} */ (navigator.locks);
  return locks ? locks.request(LOCK, body) : body();
}

/** @type {Promise<IDBDatabase> | null} */
let opening = null;

// Counts the times the bookkeeping went away (a sign-out): a photo fetched before must not be kept after.
let generation = 0;

/** The bookkeeping database, opened once per worker and let go when someone deletes it. */
function openBook() {
  opening ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(PHOTO_DB, DB_VERSION);
    request.onupgradeneeded = (event) => {
      if (event.oldVersion < 1) {
        request.result.createObjectStore('entries', { keyPath: 'url' }).createIndex('used', 'used');
        request.result.createObjectStore('meta');
      }
    };
    request.onsuccess = () => {
      const db = request.result;
      // A page deleting the database (clearPhotos on sign-out) or the browser closing it.
      db.onversionchange = () => {
        db.close();
        opening = null;
        generation += 1;
      };
      db.onclose = () => {
        opening = null;
        generation += 1;
      };
      resolve(db);
    };
    request.onerror = () => {
      opening = null;
      reject(request.error);
    };
  });
  return opening;
}

/** Note that a cached photo was just served; a photo the bookkeeping forgot is left to trim(). */
async function touch(/** @type {string} */ url) {
  const db = await openBook();
  await transact(db, ['entries'], 'readwrite', async (tx) => {
    const entries = tx.objectStore('entries');
    const entry = /** @type {PhotoEntry | undefined} */ (await req(entries.get(url)));
    if (entry) entries.put({ ...entry, used: Date.now() });
  });
}

/**
 * Keep a photo, then make room for it; not if the photos were cleared since its fetch began.
 * @param {string} url
 * @param {Response} response
 * @param {number} since the generation when the fetch began
 */
async function store(url, response, since) {
  // The whole body arrives before the lock: a slow network never holds up the others.
  const size = (await response.clone().blob()).size;
  await exclusively(async () => {
    // A clear holds the lock until the database is gone, and bumps the generation on its way.
    if (generation !== since) return;
    const db = await openBook();
    const limit = await limitOf(db);
    if (size > limit) return; // it would push out every other photo, then itself
    const cache = await caches.open(PHOTO_CACHE);
    await cache.put(url, response);
    /** @type {PhotoEntry} */
    const entry = { url, size, used: Date.now() };
    await transact(db, ['entries'], 'readwrite', (tx) => {
      tx.objectStore('entries').put(entry);
    });
    await trim(db, cache, limit);
  });
}

/** The limit in bytes: the meta 'limit' when set (a smaller device, a test), else the default. */
async function limitOf(/** @type {IDBDatabase} */ db) {
  const limit = await transact(db, ['meta'], 'readonly', (tx) => req(tx.objectStore('meta').get('limit')));
  return typeof limit === 'number' && limit > 0 ? limit : DEFAULT_LIMIT;
}

let reconciled = false;

/**
 * Delete the least recently used photos until the rest fit the limit.
 * The bookkeeping decides, in one transaction; the cache follows, and a photo missing from it is
 * simply nothing to delete. Once per worker start, photos kept on one side only (a worker stopped
 * between the two writes) are dropped as well, so neither side grows out of sight of the other.
 * @param {IDBDatabase} db
 * @param {Cache} cache
 * @param {number} limit
 */
async function trim(db, cache, limit) {
  if (!reconciled) {
    reconciled = true;
    await reconcile(db, cache);
  }
  const victims = await transact(db, ['entries'], 'readwrite', async (tx) => {
    const entries = tx.objectStore('entries');
    const oldestFirst = /** @type {PhotoEntry[]} */ (await req(entries.index('used').getAll()));
    let total = oldestFirst.reduce((sum, entry) => sum + entry.size, 0);
    /** @type {string[]} */
    const urls = [];
    for (const entry of oldestFirst) {
      if (total <= limit) break;
      entries.delete(entry.url);
      total -= entry.size;
      urls.push(entry.url);
    }
    return urls;
  });
  await Promise.all(victims.map((url) => cache.delete(url)));
}

/** Drop what only one of the cache and the bookkeeping knows of. */
async function reconcile(/** @type {IDBDatabase} */ db, /** @type {Cache} */ cache) {
  const cachedUrls = new Set((await cache.keys()).map((request) => request.url));
  const knownUrls = await transact(db, ['entries'], 'readwrite', async (tx) => {
    const entries = tx.objectStore('entries');
    const urls = /** @type {string[]} */ (await req(entries.getAllKeys()));
    for (const url of urls) if (!cachedUrls.has(url)) entries.delete(url);
    return new Set(urls);
  });
  await Promise.all([...cachedUrls].filter((url) => !knownUrls.has(url)).map((url) => cache.delete(url)));
}
