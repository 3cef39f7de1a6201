// @ts-check
// The outbox and the push / pull / rebase loop of DESIGN §4: changes wait here until the server has them.
import * as api from './api.js';
import { getMeta, outboxSize, setMeta } from './db.js';
import { forgetKinds } from './record-cache.js';
import { applyPage, clientIdOf, enqueue, queued } from './sync-store.js';

/** @typedef {import('./db.js').Rejection} Rejection */

/**
 * @typedef {object} SyncStatus
 * @property {'starting' | 'offline' | 'synced' | 'problem' | 'signed-out'} state
 * @property {number} waiting mutations not yet confirmed by the server
 * @property {Date} [at] when the last sync finished
 * @property {string} [reason] what went wrong
 * @property {boolean} [live] the live channel is open: the partner's changes arrive within a second
 */

/**
 * @typedef {object} SyncEngine
 * @property {(name: string, args: Record<string, any>) => Promise<void>} mutate
 * @property {(changes: {name: string, args: Record<string, any>}[], photos?: import('../memories/photo-store.js').StoredPhoto[]) => Promise<void>} mutateAll
 *   several mutations at once, with the photos they reference
 * @property {() => Promise<void>} sync
 * @property {() => void} start
 * @property {() => Promise<void>} stop settles when a round in flight has finished with the database
 * @property {(listener: (status: SyncStatus) => void) => () => void} onStatus
 * @property {(listener: (kinds: ReadonlySet<string> | null) => void, kinds?: string[]) => () => void} onChange
 *   records of these kinds (or of any) or the refusals (REFUSALS) changed; told which, null: any may have
 * @property {() => Promise<import('./refusal-store.js').Refusal[]>} rejections refused changes, with their records as shown now
 * @property {(id?: number) => Promise<void>} dismissRejections forget one refused change (by mutation id), or all
 */

/** What onChange names for a change to the refused changes. */
export const REFUSALS = 'refusals';

const SCHEMA_VERSION = 1;
// The photo code loads only for a batch that adds photos, and once a session to tidy up: most syncs carry none.
const photoStore = () => import('../memories/photo-store.js');
const refusalStore = () => import('./refusal-store.js');
const PUSH_BATCH = 100;
const PULL_LIMIT = 500;
const TIMER_MS = 30_000;
// A long pull tells the screens of its pages at most this often: each telling redraws them.
const TELL_MS = 500;
const FIRST_RETRY_MS = 1_000;
const LAST_RETRY_MS = 300_000;

/**
 * The sync engine of one user's database.
 * @param {IDBDatabase} db
 * @param {() => import('./api.js').Me} getMe the current account, for optimistic records
 * @param {{signedOut: () => void, account?: (space: import('./api.js').Space, partner: import('./api.js').Partner | null) => void}} hooks
 *   account: the space and partner each pull names
 * @returns {Promise<SyncEngine>}
 */
export async function createSync(db, getMe, hooks) {
  const clientId = await clientIdOf(db);
  /** @type {Set<(status: SyncStatus) => void>} */
  const statusListeners = new Set();
  /** @type {Map<(kinds: ReadonlySet<string> | null) => void, string[] | undefined>} */
  const changeListeners = new Map();
  /** @type {SyncStatus} */
  let status = { state: 'starting', waiting: await outboxSize(db) };
  /** @type {Promise<void> | null} */
  let running = null;
  let again = false;
  let stopped = true;
  let failures = 0;
  let pruned = false;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let retry;
  /** @type {ReturnType<typeof setInterval> | undefined} */
  let timer;

  /** @param {Partial<SyncStatus>} change */
  const emit = async (change) => {
    status = { ...status, ...change, waiting: await outboxSize(db) };
    for (const listener of statusListeners) listener(status);
  };
  const tellListeners = (/** @type {ReadonlySet<string> | null} */ changes) => changeListeners.forEach((kinds, listener) => {
    if (!changes || !kinds || kinds.some((kind) => changes.has(kind))) listener(changes);
  });
  // Other tabs of this account (the installed app beside a browser tab) show a change at once.
  /** @type {BroadcastChannel | null} */
  let tabs = null;
  const changed = (/** @type {ReadonlySet<string> | null} */ kinds) => {
    if (kinds?.size === 0) return;
    tellListeners(kinds);
    tabs?.postMessage(kinds && [...kinds]);
  };

  const pushAll = async () => {
    let acked = 0;
    for (;;) {
      const batch = await queued(db, acked, PUSH_BATCH);
      if (!batch.length) return;
      // The server has every photo before the change that shows it (DESIGN §6).
      const photos = batch.some((m) => m.name === 'memory.add_photo') ? await photoStore() : null;
      const refused = await photos?.uploadPhotos(db, batch);
      const answer = await api.push({
        client_id: clientId, schema_version: SCHEMA_VERSION, mutations: batch.map(({ id, name, args }) => ({ id, name, args })),
      });
      if (refused?.size) photos?.explainRefusals(answer.results, batch, refused);
      if (answer.results.some((r) => r.status === 'rejected')) {
        await (await refusalStore()).keepRejections(db, answer.results, batch);
        changed(new Set([REFUSALS]));
      }
      // Nothing taken (a gap): the pull that follows settles what the server has. A part taken
      // (the server keeps each push short): send the rest at once.
      if (answer.last_mutation_id < batch[0].id) return;
      acked = answer.last_mutation_id;
    }
  };

  const pullAll = async () => {
    const pull = (/** @type {string | null} */ cookie) => api.pull({ client_id: clientId, cookie, limit: PULL_LIMIT });
    let next = pull((await getMeta(db, 'cookie')) ?? null);
    /** @type {Set<string> | null} kinds stored, not yet told */
    let untold = new Set();
    let toldAt = -TELL_MS;
    const tell = () => {
      changed(untold);
      untold = new Set();
      toldAt = performance.now();
    };
    try {
      for (;;) {
        const page = await next;
        // The next page travels while this one is stored: each page's cookie is all the server needs.
        if (page.has_more) {
          next = pull(page.cookie);
          next.catch(() => {}); // awaited below, unless storing this page fails first
        }
        const kinds = await applyPage(db, page, getMe());
        untold = kinds && untold && new Set([...untold, ...kinds]);
        // The account first: what the records show depends on who the partner is.
        if (page.space) hooks.account?.(page.space, page.partner ?? null);
        if (!page.has_more) return;
        // The first page shows at once, the others every TELL_MS and after the last.
        if (performance.now() - toldAt >= TELL_MS) tell();
      }
    } finally {
      tell(); // a failed page too: what was stored shows
    }
  };

  /** @param {unknown} error */
  const failed = async (error) => {
    const problem = /** @type {api.ApiError | api.OfflineError} */ (error);
    if (problem.status === 401) {
      // The outbox stays: it goes out when this person signs in again.
      engine.stop();
      await emit({ state: 'signed-out' });
      hooks.signedOut();
      return;
    }
    const delay = Math.min(LAST_RETRY_MS, FIRST_RETRY_MS * 2 ** failures);
    failures += 1;
    // Jitter keeps many phones from retrying in step after an outage.
    retry = setTimeout(sync, delay / 2 + Math.random() * (delay / 2));
    if (problem.status === 0 || !navigator.onLine) await emit({ state: 'offline' });
    else await emit({ state: 'problem', reason: problem.message || 'Something went wrong.' });
  };

  const once = async () => {
    clearTimeout(retry);
    // No request while the browser knows it is offline; the online event brings us back.
    if (!navigator.onLine) return emit({ state: 'offline' });
    try {
      await pushAll();
      await pullAll();
      failures = 0;
      if (!pruned) {
        pruned = true;
        photoStore().then((photos) => photos.prunePhotos(db)).catch(() => {});
      }
      const at = new Date();
      await setMeta(db, 'lastSyncedAt', at.toISOString());
      await emit({ state: 'synced', at, reason: undefined });
    } catch (error) {
      await failed(error);
    }
  };

  /** Sync now; a request during a sync runs one more round after it. */
  const sync = () => {
    if (stopped) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    const locked = (/** @type {() => Promise<void>} */ work) =>
      navigator.locks ? navigator.locks.request('hearth-sync', work) : work();
    running = (async () => {
      do {
        again = false;
        await locked(once);
      } while (again && !stopped);
    })().finally(() => {
      running = null;
    });
    return running;
  };

  const onOnline = () => {
    failures = 0;
    sync();
  };
  const onOffline = () => emit({ state: 'offline' });
  const onVisible = () => {
    if (document.visibilityState === 'visible') sync();
  };
  const onMessage = (/** @type {MessageEvent} */ event) => {
    if (event.data?.type === 'sync') sync();
  };

  /** @type {SyncEngine} */
  const engine = {
    mutate(name, args) {
      return engine.mutateAll([{ name, args }]);
    },
    async mutateAll(changes, photos = []) {
      changed(await enqueue(db, changes, getMe(), photos));
      await emit({});
      // Where the browser has it, Background Sync sends the change even if the app is closed first.
      navigator.serviceWorker?.getRegistration().then((registration) =>
        /** @type {any} */ (registration)?.sync?.register('hearth-sync')).catch(() => {});
      sync();
    },
    sync,
    start() {
      if (!stopped) return;
      stopped = false;
      window.addEventListener('online', onOnline);
      window.addEventListener('offline', onOffline);
      document.addEventListener('visibilitychange', onVisible);
      navigator.serviceWorker?.addEventListener('message', onMessage);
      if (typeof BroadcastChannel !== 'undefined') {
        tabs = new BroadcastChannel(`hearth-${getMe().user.id}`);
        tabs.onmessage = ({ data }) => {
          // Another tab names the kinds it wrote; the service worker does not ('changed').
          const kinds = Array.isArray(data) ? new Set(data) : null;
          forgetKinds(db, kinds);
          tellListeners(kinds);
          emit({});
        };
      }
      // Messages from the worker wait in a queue until this is called (or onmessage is set).
      navigator.serviceWorker?.startMessages();
      timer = setInterval(() => document.hidden || sync(), TIMER_MS);
      sync();
    },
    stop() {
      stopped = true;
      clearTimeout(retry);
      clearInterval(timer);
      window.removeEventListener('online', onOnline);
      window.removeEventListener('offline', onOffline);
      document.removeEventListener('visibilitychange', onVisible);
      navigator.serviceWorker?.removeEventListener('message', onMessage);
      tabs?.close();
      tabs = null;
      // A round in flight still reads and writes the database: whoever closes it waits for this.
      return (running ?? Promise.resolve()).catch(() => {});
    },
    onStatus(listener) {
      statusListeners.add(listener);
      listener(status);
      return () => statusListeners.delete(listener);
    },
    onChange(listener, kinds) {
      changeListeners.set(listener, kinds);
      return () => changeListeners.delete(listener);
    },
    // The code that reads refusals with their records loads only when there are some.
    rejections: async () => ((await getMeta(db, 'rejections'))?.length ? (await refusalStore()).refusals(db) : []),
    async dismissRejections(id) {
      await (await refusalStore()).dropRejections(db, id);
      changed(new Set([REFUSALS]));
    },
  };
  return engine;
}
