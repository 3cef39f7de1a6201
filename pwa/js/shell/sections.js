// @ts-check
// Sections beyond Today load their code when first opened, so the first screen waits only for its own.
import { recordsOfKind } from '../core/db.js';

/** @typedef {import('../core/api.js').Me} Me */
/** @typedef {import('../core/sync.js').SyncEngine} SyncEngine */
/** @typedef {{update: (me: Me) => void, stop: () => void}} SectionRun */
/** @typedef {(slot: HTMLElement, me: Me, db: IDBDatabase, engine: SyncEngine) => SectionRun} SectionStart */

/** The code behind each lazily loaded section, by tab name: the slot it fills, its templates (sections/*.html)
 * and its style sheet (/<name>.css), which come with it. */
const LAZY = /** @type {Record<string, Array<[string, string, () => Promise<SectionStart>]>>} */ ({
  timeline: [['timeline-slot', 'timeline', () => import('../memories/controller.js').then((m) => m.runTimeline)]],
  agreements: [['agreements-slot', 'agreements', () => import('../agreements/controller.js').then((m) => m.runAgreements)]],
  promises: [['promises-slot', 'promises', () => import('../promises/controller.js').then((m) => m.runPromises)]],
  repair: [['repair-slot', 'repair', () => import('../repairs/controller.js').then((m) => m.runRepairs)]],
  history: [['history-slot', 'history', () => import('../history/controller.js').then((m) => m.runHistory)]],
  questions: [['questions-slot', 'questions', () => import('../questions/past.js').then((m) => m.runPastQuestions)]],
  rituals: [['rituals-slot', 'rituals', () => import('../rituals/controller.js').then((m) => m.runRituals)]],
  weekly: [['weekly-slot', 'weekly', () => import('../weekly/controller.js').then((m) => m.runWeekly)]],
  us: [['notify-slot', 'notify', () => import('../push/controller.js').then((m) => m.runNotify)]],
});

/** @type {Map<string, Promise<void>>} */
const added = new Map();

/** Add a section's style sheet to the page; settle when it has loaded (nothing shows unstyled). */
export function addStyles(/** @type {string} */ name) {
  const href = `/${name}.css`;
  if (document.querySelector(`link[href="${href}"]`)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = href;
    link.onload = () => resolve(undefined);
    link.onerror = () => (link.remove(), reject(new Error(`The ${name} styles could not be loaded.`)));
    document.head.append(link);
  });
}

/**
 * Add a section's templates (sections/<name>.html) to the page, once (the worker has them for offline starts).
 * @param {string} name
 * @returns {Promise<void>}
 */
export function addSectionTemplates(name) {
  let adding = added.get(name);
  if (!adding) {
    adding = fetch(`/sections/${name}.html`)
      .then((response) => {
        if (!response.ok) throw new Error(`The ${name} section could not be loaded (${response.status}).`);
        return response.text();
      })
      .then((text) => document.body.insertAdjacentHTML('beforeend', text));
    adding.catch(() => added.delete(name));
    added.set(name, adding);
  }
  return adding;
}

/** Add a section's templates and styles to the page; settle when both are there. */
function addTemplates(/** @type {string} */ name) {
  return Promise.all([addSectionTemplates(name), addStyles(name)]).then(() => undefined);
}

/** Show the Repair tab while a repair is open (Today and Us link to it always); returns a stop. */
function followRepairTab(/** @type {IDBDatabase} */ db, /** @type {SyncEngine} */ engine) {
  const follow = () => recordsOfKind(db, 'repair').then((all) => {
    const tab = /** @type {HTMLElement} */ (document.querySelector('[data-tab="repair"]'));
    tab.hidden = !all.some((r) => r.state === 'open' && !r.archived && !r.deleted);
  }, console.error);
  follow();
  return engine.onChange(follow, ['repair']);
}

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
  /** @type {(() => void) | null} */
  let stopTab = null;

  return {
    /** The tab came into view: load and start what it shows, once. */
    shown(/** @type {string} */ tab) {
      stopTab ??= followRepairTab(db, engine); // the tabs are in place from the first call
      for (const [slotId, templates, load] of LAZY[tab] ?? []) {
        if (started.has(slotId)) continue;
        started.add(slotId);
        Promise.all([load(), addTemplates(templates)])
          .then(([start]) => {
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
      stopTab?.();
      for (const run of running.values()) run.stop();
    },
  };
}
