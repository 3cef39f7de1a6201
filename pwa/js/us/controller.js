// @ts-check
// The "Us & settings" controller: profile changes, devices, signing out everywhere and unpairing.
import * as api from '../core/api.js';
import { showUs } from './view.js';

/**
 * @typedef {object} UsHooks
 * @property {() => void} signedOut the session is gone (signed out here or elsewhere)
 * @property {(me: api.Me) => void} changed the account changed: a new name, time zone, or no partner any more
 * @property {() => Promise<number>} waiting changes made on this phone that the server has not confirmed
 * @property {() => Promise<void>} sync send them now, if it can
 */

/**
 * Run the section in its slot; update() follows account changes made elsewhere (pairing).
 * @param {HTMLElement} slot
 * @param {api.Me} me
 * @param {UsHooks} hooks
 * @returns {{update: (me: api.Me) => void, stop: () => void}}
 */
export function runUs(slot, me, hooks) {
  /** A 401 means the session ended (signed out on another device, revoked). */
  const rethrow = (/** @type {unknown} */ error) => {
    if (error instanceof api.ApiError && error.status === 401) hooks.signedOut();
    throw error;
  };

  const view = showUs(slot, me, {
    async saveProfile(changes) {
      hooks.changed(await api.updateMe(changes).catch(rethrow));
    },
    async devices() {
      return (await api.devices().catch(rethrow)).devices;
    },
    async endDevice(id) {
      await api.endDevice(id).catch(rethrow);
    },
    async signOutEverywhere() {
      await api.logoutAll().catch((error) => {
        // Already signed out: the goal is reached.
        if (!(error instanceof api.ApiError && error.status === 401)) throw error;
      });
      hooks.signedOut();
    },
    // Today mentions it once; here it stays for whoever looks for it.
    storageKept: async () => Boolean(await navigator.storage?.persisted?.()),
    // Loaded at start (app.js): importing it again asks the network nothing.
    findSupport: () => import('../support/controller.js').then((m) => m.openSupport(), console.error),
    async unpair() {
      const { space } = await api.unpair().catch(rethrow);
      hooks.changed({ ...me, space, partner: null });
    },
  });

  // The app lock's settings load after the first screen.
  const lockSlot = /** @type {HTMLElement} */ (slot.querySelector('#lock-slot'));
  import('../lock/settings.js').then((m) => m.showLockSettings(lockSlot), console.error);
  // Downloading my data and deleting the account (below the notification settings) load after the first screen too.
  const deleteSlot = /** @type {HTMLElement} */ (document.getElementById('delete-slot'));
  const exportSlot = /** @type {HTMLElement} */ (document.getElementById('export-slot'));
  const deleting = import('../delete/card.js')
    .then((m) => m.showDeleteAccount(deleteSlot, me, hooks))
    .catch((error) => (console.error(error), null));
  const exporting = import('../export/card.js')
    .then((m) => m.showExport(exportSlot, hooks))
    .catch((error) => (console.error(error), null));

  return {
    stop: () => exporting.then((card) => card?.stop()),
    update(next) {
      me = next;
      view.update(next);
      deleting.then((card) => card?.update(next));
    },
  };
}
