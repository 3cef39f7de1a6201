// @ts-check
// The service worker only dispatches events; caching lives in js/sw/cache.js (photos in js/sw/photos.js), push in js/sw/push.js.
/// <reference lib="webworker" />
import { precacheShell, dropOtherShells, respond } from './js/sw/cache.js';
import { onNotificationClick, onPush } from './js/sw/push.js';

// The server writes a hash of every shell file here, so any change makes a new worker.
const VERSION = '__SHELL_VERSION__';
const CACHE = `hearth-shell-${VERSION}`;

const worker = /** @type {ServiceWorkerGlobalScope} */ (/** @type {unknown} */ (self));

// No skipWaiting here: the page asks the user first (see SKIP_WAITING below).
worker.addEventListener('install', (event) => event.waitUntil(precacheShell(CACHE)));

worker.addEventListener('activate', (event) =>
  event.waitUntil(dropOtherShells(CACHE).then(() => worker.clients.claim())),
);

worker.addEventListener('fetch', (event) => {
  const response = respond(CACHE, event.request, (promise) => event.waitUntil(promise));
  if (response) event.respondWith(response);
});

worker.addEventListener('message', (event) => {
  if (event.data?.type === 'SKIP_WAITING') worker.skipWaiting();
});

// Background Sync: the pages own the outbox and the sync lock, so wake them to send it.
worker.addEventListener('sync', (event) => {
  const syncEvent = /** @type {ExtendableEvent & {tag: string}} */ (event);
  if (syncEvent.tag !== 'hearth-sync') return;
  syncEvent.waitUntil(
    worker.clients.matchAll({ type: 'window' }).then((pages) => pages.forEach((page) => page.postMessage({ type: 'sync' }))),
  );
});

// A partner's news: show it, and store it before the app is opened (js/sw/push.js).
worker.addEventListener('push', (event) => event.waitUntil(onPush(worker, event)));

worker.addEventListener('notificationclick', (event) => event.waitUntil(onNotificationClick(worker, event)));
