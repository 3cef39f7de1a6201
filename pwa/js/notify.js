// @ts-check
// Notifications' controller: asks for permission only after a tap, keeps this device's subscription current.
import { showNotify } from './ui/notify.js';

/**
 * Run the notification settings in the slot until the returned stop is called.
 * @param {HTMLElement} slot
 * @param {import('./api.js').Me} me
 * @param {IDBDatabase} db
 * @returns {{update: (me: import('./api.js').Me) => void, stop: () => void}}
 */
export function runNotify(slot, me, db) {
  void db;
  showNotify(slot, me);
  return {
    update(next) {
      me = next;
    },
    stop() {},
  };
}
