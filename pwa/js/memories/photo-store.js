// @ts-check
// Photos added on this device: kept in IndexedDB, uploaded before the changes that show them, shown from here.
import * as api from '../core/api.js';
import { req, transact } from '../core/db.js';

/**
 * @typedef {object} StoredPhoto a photo added on this device, as it was resized here
 * @property {string} hash SHA-256 of the bytes, lowercase hex: the photo's name on the server
 * @property {Blob} blob the photo as sent
 * @property {Blob} [thumb] a small copy for the Timeline (none for a photo this browser cannot draw)
 * @property {number} width
 * @property {number} height
 * @property {string} addedAt ISO 8601
 * @property {string | null} uploadedAt ISO 8601, once the server has it
 * @property {string | null} problem why the server refused it, if it did
 */

/** @typedef {import('../core/db.js').Mutation} Mutation */

const DAY_MS = 24 * 60 * 60 * 1000;
// An uploaded photo stays on the device a while, so a fresh memory still shows offline and at once.
const KEEP_UPLOADED_MS = 7 * DAY_MS;
// A photo no change refers to (the app closed between storing and queueing) is dropped after a day.
const KEEP_UNUSED_MS = DAY_MS;

/** The photos a mutation refers to. */
const hashesOf = (/** @type {Mutation} */ m) => (m.name === 'memory.add_photo' ? [m.args.photo?.hash] : []);

/**
 * One stored photo, or undefined.
 * @param {IDBDatabase} db
 * @param {string} hash
 * @returns {Promise<StoredPhoto | undefined>}
 */
export function storedPhoto(db, hash) {
  return transact(db, ['photos'], 'readonly', (tx) => req(tx.objectStore('photos').get(hash)));
}

/**
 * Write down what became of an upload.
 * @param {IDBDatabase} db
 * @param {string} hash
 * @param {Partial<StoredPhoto>} change
 */
function notePhoto(db, hash, change) {
  return transact(db, ['photos'], 'readwrite', async (tx) => {
    const store = tx.objectStore('photos');
    const photo = await req(store.get(hash));
    if (photo) store.put({ ...photo, ...change });
  });
}

/**
 * A refusal that sending the same bytes again cannot change (too large, not an image, the
 * space's storage full): waiting for it would hold every later change back.
 */
const refusedForGood = (/** @type {any} */ error) =>
  error instanceof api.ApiError &&
  (error.status === 507 || (error.status >= 400 && error.status < 500 && ![401, 408, 429].includes(error.status)));

/**
 * Upload every photo of this device that the batch refers to and the server does not have yet.
 * A failed upload throws (the sync retries the whole step later: an upload restarts from the
 * start); a photo refused for good is noted, and the server then refuses the change that shows it.
 * @param {IDBDatabase} db
 * @param {Mutation[]} batch
 * @returns {Promise<Map<string, string>>} why the server refused photos of the batch, by hash
 */
export async function uploadPhotos(db, batch) {
  /** @type {Map<string, string>} */
  const refused = new Map();
  for (const hash of new Set(batch.flatMap(hashesOf))) {
    const photo = await storedPhoto(db, hash);
    // Not added on this device (a caption of the partner's photo), or uploaded already.
    if (!photo || photo.uploadedAt) continue;
    if (photo.problem) {
      refused.set(hash, photo.problem);
      continue;
    }
    try {
      // Under its SHA-256: the same bytes again cost the server nothing.
      await api.request('PUT', `/blobs/${hash}`, photo.blob);
    } catch (error) {
      if (!refusedForGood(error)) throw error;
      const problem = /** @type {Error} */ (error).message;
      await notePhoto(db, hash, { problem });
      refused.set(hash, problem);
      continue;
    }
    await notePhoto(db, hash, { uploadedAt: new Date().toISOString() });
  }
  return refused;
}

/**
 * Say why in the server's refusal of a photo it never got: the upload's refusal (too large,
 * storage full) tells the person more than "not on the server".
 * @param {import('../core/api.js').PushResult['results']} results changed in place
 * @param {Mutation[]} batch
 * @param {Map<string, string>} refused why the server refused photos of the batch, by hash
 */
export function explainRefusals(results, batch, refused) {
  for (const result of results) {
    const mutation = batch.find((m) => m.id === result.id);
    const why = mutation && hashesOf(mutation).map((hash) => refused.get(hash)).find(Boolean);
    if (why && result.error?.code === 'photo_missing') result.error = { ...result.error, message: `The photo could not be uploaded: ${why}` };
  }
}

/**
 * Forget photos the device no longer needs: uploaded a while ago, or never used by any change.
 * Nothing waiting in the outbox loses its photo.
 * @param {IDBDatabase} db
 * @param {number} [now]
 */
export function prunePhotos(db, now = Date.now()) {
  return transact(db, ['photos', 'outbox'], 'readwrite', async (tx) => {
    const photos = tx.objectStore('photos');
    const kept = /** @type {StoredPhoto[]} */ (await req(photos.getAll()));
    if (!kept.length) return;
    const waiting = new Set((/** @type {Mutation[]} */ (await req(tx.objectStore('outbox').getAll()))).flatMap(hashesOf));
    for (const photo of kept) {
      if (waiting.has(photo.hash)) continue;
      const since = Date.parse(photo.uploadedAt ?? photo.addedAt);
      if (now - since > (photo.uploadedAt ? KEEP_UPLOADED_MS : KEEP_UNUSED_MS)) photos.delete(photo.hash);
    }
  });
}

/** Object URLs of the photos on this device (and of their thumbnails), made once while the page lives. */
/** @type {Map<string, string>} */
const urls = new Map();

/**
 * Where to show each photo from: this device's copy when it has one, else the server (through
 * the service worker's photo cache).
 * @param {IDBDatabase} db
 * @returns {Promise<(hash: string, variant: 'thumb' | 'full') => string>}
 */
export async function photoSources(db) {
  const photos = /** @type {StoredPhoto[]} */ (await transact(db, ['photos'], 'readonly', (tx) => req(tx.objectStore('photos').getAll())));
  const here = new Map(photos.flatMap((p) => [[`${p.hash}:full`, p.blob], [`${p.hash}:thumb`, p.thumb ?? p.blob]]));
  for (const [key, url] of urls) {
    if (here.has(key)) continue;
    URL.revokeObjectURL(url);
    urls.delete(key);
  }
  for (const [key, blob] of here) if (!urls.has(key)) urls.set(key, URL.createObjectURL(blob));
  return (hash, variant) => urls.get(`${hash}:${variant}`) ?? `/api/blobs/${hash}${variant === 'thumb' ? '/thumb' : ''}`;
}
