// @ts-check
// Caching rules of the service worker: a versioned copy of the app shell, photos (js/sw/photos.js), no other API.
import { isPhotoUrl, photoResponse } from './photos.js';

/** Every file the app needs to start offline; '/' stands for index.html. */
export const SHELL_FILES = [
  '/',
  '/app.css',
  '/timeline.css',
  '/agreements.css',
  '/promises.css',
  '/repair.css',
  '/questions.css',
  '/history.css',
  '/rituals.css',
  '/weekly.css',
  '/sections/agreements.html',
  '/sections/delete.html',
  '/sections/export.html',
  '/sections/history.html',
  '/sections/notify.html',
  '/sections/promises.html',
  '/sections/questions.html',
  '/sections/repair.html',
  '/sections/rituals.html',
  '/sections/timeline.html',
  '/sections/weekly.html',
  '/notify.css',
  '/support.css',
  '/manifest.webmanifest',
  '/js/app.js',
  '/js/accounts/view.js',
  '/js/reset/view.js',
  '/js/accounts/zone-field.js',
  '/js/accounts/zones.js',
  '/js/agreements/amend.js',
  '/js/agreements/card.js',
  '/js/agreements/controller.js',
  '/js/agreements/parts.js',
  '/js/agreements/propose.js',
  '/js/agreements/rules.js',
  '/js/agreements/view.js',
  '/js/checkins/controller.js',
  '/js/checkins/partner-card.js',
  '/js/checkins/view.js',
  '/js/core/api.js',
  '/js/core/db.js',
  '/js/core/diff.js',
  '/js/core/live.js',
  '/js/core/local-rules.js',
  '/js/core/record-cache.js',
  '/js/core/refusal-store.js',
  '/js/core/sync-store.js',
  '/js/core/sync.js',
  '/js/core/time.js',
  '/js/history/calendar.js',
  '/js/history/chart.js',
  '/js/history/controller.js',
  '/js/history/days.js',
  '/js/history/today.js',
  '/js/history/view.js',
  '/js/delete/card.js',
  '/js/export/card.js',
  '/js/lock/device-key.js',
  '/js/lock/dom.js',
  '/js/lock/gate.js',
  '/js/lock/screen.js',
  '/js/lock/settings.js',
  '/js/lock/store.js',
  '/js/lock/watch.js',
  '/js/lock/wipe.js',
  '/js/memories/add.js',
  '/js/memories/bin.js',
  '/js/memories/card.js',
  '/js/memories/controller.js',
  '/js/memories/photo-prep.js',
  '/js/memories/photo-store.js',
  '/js/memories/photos.js',
  '/js/memories/rules.js',
  '/js/memories/view.js',
  '/js/pairing/controller.js',
  '/js/pairing/invitation.js',
  '/js/pairing/ended.js',
  '/js/pairing/join-link.js',
  '/js/pairing/view.js',
  '/js/promises/card.js',
  '/js/promises/controller.js',
  '/js/promises/rules.js',
  '/js/promises/track-record.js',
  '/js/promises/view.js',
  '/js/promises/words.js',
  '/js/push/controller.js',
  '/js/push/view.js',
  '/js/questions/bank.json',
  '/js/questions/card.js',
  '/js/questions/controller.js',
  '/js/questions/past.js',
  '/js/questions/pick.js',
  '/js/questions/rules.js',
  '/js/repairs/close.js',
  '/js/repairs/controller.js',
  '/js/repairs/entry-card.js',
  '/js/repairs/entry-form.js',
  '/js/repairs/hints.js',
  '/js/repairs/list.js',
  '/js/repairs/parts.js',
  '/js/repairs/rules.js',
  '/js/repairs/screen.js',
  '/js/repairs/state.js',
  '/js/repairs/step-apology.js',
  '/js/repairs/step-hear.js',
  '/js/repairs/step-promises.js',
  '/js/repairs/step-rhythm.js',
  '/js/repairs/thread.js',
  '/js/repairs/trend.js',
  '/js/repairs/view.js',
  '/js/repairs/words.js',
  '/js/rituals/controller.js',
  '/js/rituals/days.js',
  '/js/rituals/form.js',
  '/js/rituals/items.js',
  '/js/rituals/rules.js',
  '/js/rituals/today.js',
  '/js/rituals/view.js',
  '/js/shell/chrome.js',
  '/js/shell/dom.js',
  '/js/shell/drafts.js',
  '/js/shell/nav.js',
  '/js/shell/notice.js',
  '/js/shell/pwa.js',
  '/js/shell/refusal-words.js',
  '/js/shell/refusals-view.js',
  '/js/shell/refusals.js',
  '/js/shell/said.js',
  '/js/shell/sections.js',
  '/js/shell/sync-status.js',
  '/js/support/card.js',
  '/js/support/controller.js',
  '/js/support/page.js',
  '/js/support/suggest.js',
  '/js/support/suggestion.js',
  '/js/sw/photos.js',
  '/js/sw/pull.js',
  '/js/sw/push.js',
  '/js/us/controller.js',
  '/js/us/device-name.js',
  '/js/us/view.js',
  '/js/weekly/controller.js',
  '/js/weekly/rules.js',
  '/js/weekly/view.js',
  '/js/weekly/week.js',
  '/icons/icon-192.png',
  '/icons/icon-512.png',
  '/icons/maskable-192.png',
  '/icons/maskable-512.png',
  '/icons/apple-touch-icon.png',
];

const SHELL_PREFIX = 'hearth-shell-';

/** Fill the named cache with the shell, bypassing the HTTP cache so versions never mix. */
export async function precacheShell(/** @type {string} */ name) {
  const cache = await caches.open(name);
  await cache.addAll(SHELL_FILES.map((path) => new Request(path, { cache: 'reload' })));
}

/** Delete every shell cache but the named one. */
export async function dropOtherShells(/** @type {string} */ name) {
  const names = await caches.keys();
  await Promise.all(
    names.filter((n) => n.startsWith(SHELL_PREFIX) && n !== name).map((n) => caches.delete(n)),
  );
}

/**
 * The response for a request, or null to let the browser fetch it untouched.
 * @param {string} name the current shell cache
 * @param {Request} request
 * @param {(promise: Promise<unknown>) => void} waitUntil the event's, for work after the answer
 * @returns {Promise<Response> | null}
 */
export function respond(name, request, waitUntil) {
  if (request.method !== 'GET') return null;
  const url = new URL(request.url);
  if (url.origin !== location.origin) return null;
  // Photos never change under their address, so they may come from the photo cache.
  if (isPhotoUrl(url)) return photoResponse(request, waitUntil);
  // Other API answers are per user and change all the time: never from a cache.
  if (url.pathname === '/api' || url.pathname.startsWith('/api/')) return null;
  if (request.mode === 'navigate') return networkFirst(name, request);
  if (SHELL_FILES.includes(url.pathname) && url.pathname !== '/') return cacheFirst(name, request);
  return null;
}

/** Pages come fresh from the server; offline, every in-app route gets the cached shell. */
async function networkFirst(/** @type {string} */ name, /** @type {Request} */ request) {
  try {
    return await fetch(request);
  } catch (error) {
    const cached = await caches.match('/', { cacheName: name });
    if (cached) return cached;
    throw error;
  }
}

/** Shell files of this version never change, so the cached copy is the right one. */
async function cacheFirst(/** @type {string} */ name, /** @type {Request} */ request) {
  const cached = await caches.match(request, { cacheName: name, ignoreSearch: true });
  return cached ?? fetch(request);
}
