// @ts-check
// After too many wrong passcodes: a last sync of the outbox, then sign out and forget this phone's copy.
import * as api from '../core/api.js';
import { cachedMe, openDb } from '../core/db.js';
import { createSync } from '../core/sync.js';
import { removeLock } from './store.js';

const LAST_SYNC_MS = 8000;

/** Send what waits in the outbox if the server can be reached; never longer than a few seconds. */
async function lastSync() {
  const me = await cachedMe().catch(() => null);
  if (!me || !navigator.onLine) return;
  const db = await openDb(me.user.id);
  try {
    const engine = await createSync(db, () => me, { signedOut() {} });
    engine.start();
    await Promise.race([engine.sync(), new Promise((resolve) => setTimeout(resolve, LAST_SYNC_MS))]);
    engine.stop();
  } finally {
    db.close();
  }
}

/** Delete one IndexedDB database; resolves when it is gone. */
function deleteDb(/** @type {string} */ name) {
  return new Promise((resolve) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = request.onerror = () => resolve(undefined);
  });
}

/** Sign out and erase Hearth's local copy on this phone: every database, the photo cache and the lock. */
export async function wipe() {
  await lastSync().catch(() => {});
  await api.logout().catch(() => {});
  removeLock();
  const { clearPhotos } = await import('../sw/photos.js');
  await clearPhotos().catch(() => {});
  const all = (await indexedDB.databases?.().catch(() => [])) ?? [];
  await Promise.all(all.map((db) => db.name).filter((name) => name?.startsWith('hearth')).map((name) => deleteDb(/** @type {string} */ (name))));
}
