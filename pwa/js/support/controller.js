// @ts-check
// Find support and the gentle suggestion. app.js loads this module, and with it the page's words and
// style, right after every start, for everyone, whether or not anyone opens the page: a request that
// every app makes at every start tells nothing, and opening the page later makes no request at all
// (not even one the service worker would answer).
import { addStyles } from '../shell/sections.js';
import { closePage, preparePage, showPage } from './page.js';
import { runSuggestion } from './suggestion.js';

/** @typedef {import('../core/api.js').Me} Me */

/** Open the Find support page: it is already here, so this asks nothing of the network. */
export function openSupport() {
  showPage();
}

/**
 * Run the suggestion in its slot on Today, and have the page ready to open.
 * @param {HTMLElement} slot
 * @param {Me} me
 * @param {IDBDatabase} db
 * @param {import('../core/sync.js').SyncEngine} engine
 * @returns {{update: (me: Me) => void, stop: () => void}}
 */
export function runSupport(slot, me, db, engine) {
  const run = runSuggestion(slot, me, db, engine, openSupport);
  // Built once the suggestion has had its first look and the style is in: the start's work is then done.
  Promise.all([run.first, addStyles('support').catch(console.error)]).then(preparePage, console.error);
  return {
    update: run.update,
    stop() {
      run.stop();
      closePage();
    },
  };
}
