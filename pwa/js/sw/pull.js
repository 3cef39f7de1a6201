// @ts-check
// One pull run by the service worker after a push, so the partner's news is stored before the app opens.
import * as api from '../core/api.js';
import { getMeta, openDb } from '../core/db.js';
import { applyPage, clientIdOf } from '../core/sync-store.js';
// A worker cannot import() a module later: the rules that pages load after their first screen come now.
import '../agreements/rules.js';
import '../promises/rules.js';
import '../questions/rules.js';
import '../repairs/rules.js';
import '../rituals/rules.js';
import '../weekly/rules.js';

const PULL_LIMIT = 500;

/**
 * Pull everything new into the signed-in user's database, under the pages' sync lock.
 * The session cookie says whose database it is: /api/me rather than a remembered id,
 * so a browser signed in as someone else never fills another person's copy.
 * @returns {Promise<boolean>} whether anything changed
 */
export async function pullOnce() {
  const me = await api.getMe();
  const db = await openDb(me.user.id);
  try {
    const clientId = await clientIdOf(db);
    const run = async () => {
      let changed = false;
      for (;;) {
        const cookie = (await getMeta(db, 'cookie')) ?? null;
        const page = await api.pull({ client_id: clientId, cookie, limit: PULL_LIMIT });
        // The network is awaited between transactions, never inside one.
        const kinds = await applyPage(db, page, me);
        changed ||= !kinds || kinds.size > 0;
        if (!page.has_more) return changed;
      }
    };
    const locks = /** @type {LockManager | undefined} */ (navigator.locks);
    const changed = locks ? await locks.request('hearth-sync', run) : await run();
    // A page of the app opened meanwhile keeps what it read in memory: it reads again (core/sync.js).
    if (changed) {
      const pages = new BroadcastChannel(`hearth-${me.user.id}`);
      pages.postMessage('changed');
      pages.close();
    }
    return changed;
  } finally {
    db.close();
  }
}
