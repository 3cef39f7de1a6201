// @ts-check
// Caching rules of the service worker: a versioned copy of the app shell, photos (js/sw-photos.js), no other API.
import { isPhotoUrl, photoResponse } from './sw-photos.js';

/** Every file the app needs to start offline; '/' stands for index.html. */
export const SHELL_FILES = [
  '/',
  '/app.css',
  '/timeline.css',
  '/agreements.css',
  '/promises.css',
  '/sections/agreements.html',
  '/sections/notify.html',
  '/sections/promises.html',
  '/sections/timeline.html',
  '/notify.css',
  '/manifest.webmanifest',
  '/js/app.js',
  '/js/agreements.js',
  '/js/api.js',
  '/js/checkins.js',
  '/js/db.js',
  '/js/device-name.js',
  '/js/diff.js',
  '/js/join-link.js',
  '/js/local-rules.js',
  '/js/memories.js',
  '/js/notify.js',
  '/js/pairing.js',
  '/js/photo-prep.js',
  '/js/photo-store.js',
  '/js/promises.js',
  '/js/pwa.js',
  '/js/rules/agreement.js',
  '/js/rules/memory.js',
  '/js/rules/promise.js',
  '/js/sections.js',
  '/js/settings.js',
  '/js/sync-store.js',
  '/js/sync.js',
  '/js/sw-pull.js',
  '/js/sw-photos.js',
  '/js/sw-push.js',
  '/js/time.js',
  '/js/track-record.js',
  '/js/ui/agreement-amend.js',
  '/js/ui/agreement-card.js',
  '/js/ui/agreement-parts.js',
  '/js/ui/agreements.js',
  '/js/ui/auth.js',
  '/js/ui/chrome.js',
  '/js/ui/dom.js',
  '/js/ui/home.js',
  '/js/ui/memory-card.js',
  '/js/ui/nav.js',
  '/js/ui/notify.js',
  '/js/ui/notice.js',
  '/js/ui/partner-card.js',
  '/js/ui/photos.js',
  '/js/ui/promise-card.js',
  '/js/ui/promise-words.js',
  '/js/ui/promises.js',
  '/js/ui/sync-status.js',
  '/js/ui/timeline.js',
  '/js/ui/today.js',
  '/js/ui/us.js',
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
