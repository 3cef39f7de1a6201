// @ts-check
// Promises's controller: reads the local copy and turns the user's actions into mutations.
import { showPromises } from './ui/promises.js';

/**
 * Run Promises in the slot until the returned stop is called.
 * @param {HTMLElement} slot
 * @param {import('./api.js').Me} me
 * @param {IDBDatabase} db
 * @param {import('./sync.js').SyncEngine} engine
 * @returns {{update: (me: import('./api.js').Me) => void, stop: () => void}}
 */
export function runPromises(slot, me, db, engine) {
  void db;
  void engine;
  showPromises(slot, me);
  return {
    update(next) {
      me = next;
    },
    stop() {},
  };
}
