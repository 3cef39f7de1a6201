// @ts-check
// Sections beyond Today load their code when first opened, so the first screen waits only for its own.

/** @typedef {import('./api.js').Me} Me */
/** @typedef {import('./sync.js').SyncEngine} SyncEngine */
/** @typedef {{update: (me: Me) => void, stop: () => void}} SectionRun */
/** @typedef {(slot: HTMLElement, me: Me, db: IDBDatabase, engine: SyncEngine) => SectionRun} SectionStart */

/** The code behind each lazily loaded section, by tab name, with the slot it fills. */
const LAZY = /** @type {Record<string, Array<[string, () => Promise<SectionStart>]>>} */ ({
  timeline: [['timeline-slot', () => import('./memories.js').then((m) => m.runTimeline)]],
  agreements: [['agreements-slot', () => import('./agreements.js').then((m) => m.runAgreements)]],
  promises: [['promises-slot', () => import('./promises.js').then((m) => m.runPromises)]],
  us: [['notify-slot', () => import('./notify.js').then((m) => m.runNotify)]],
});

/**
 * Start the sections of a tab the first time it is shown; update and stop them with the rest.
 * @param {Me} me
 * @param {IDBDatabase} db
 * @param {SyncEngine} engine
 */
export function lazySections(me, db, engine) {
  /** @type {Map<string, SectionRun>} */
  const running = new Map();
  /** @type {Set<string>} */
  const started = new Set();
  let stopped = false;

  return {
    /** The tab came into view: load and start what it shows, once. */
    shown(/** @type {string} */ tab) {
      for (const [slotId, load] of LAZY[tab] ?? []) {
        if (started.has(slotId)) continue;
        started.add(slotId);
        load()
          .then((start) => {
            const slot = document.getElementById(slotId);
            if (stopped || !slot) return;
            running.set(slotId, start(slot, me, db, engine));
          })
          .catch((error) => {
            // Retried the next time the tab is shown (a flaky network on a first visit).
            started.delete(slotId);
            console.error(error);
          });
      }
    },
    /** Follow an account change. */
    update(/** @type {Me} */ next) {
      me = next;
      for (const run of running.values()) run.update(next);
    },
    /** Stop every started section. */
    stop() {
      stopped = true;
      for (const run of running.values()) run.stop();
    },
  };
}
