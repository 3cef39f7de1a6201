// @ts-check
// The service worker's push handling: show the notification, store the news, open the right place.
/// <reference lib="webworker" />
import { SHELL_FILES } from './cache.js';
import { pullOnce } from './pull.js';

/**
 * @typedef {object} PushNotification the declarative web push "notification" member (DESIGN §5)
 * @property {string} [title]
 * @property {string} [body]
 * @property {string} [navigate] an absolute URL of the app, e.g. https://hearth.example/#promises
 * @property {string} [tag]
 * @property {string} [lang]
 */

const ICON = '/icons/icon-192.png';
const FALLBACK = { title: 'Hearth', body: 'Something new in Hearth' };

/**
 * The notification a push message asks for; anything unreadable still gives the generic one.
 * @param {PushMessageData | null} data
 * @returns {PushNotification}
 */
export function notificationOf(data) {
  try {
    const parsed = data?.json();
    if (parsed && typeof parsed.notification === 'object') return { ...FALLBACK, ...parsed.notification };
  } catch {
    // Not JSON: fall through to the generic notification.
  }
  return { ...FALLBACK };
}

/** Only our own pages are ever opened from a notification. */
function sameOrigin(/** @type {string | undefined} */ url) {
  try {
    const target = new URL(url ?? '/', location.origin);
    return target.origin === location.origin ? target.href : new URL('/', location.origin).href;
  } catch {
    return new URL('/', location.origin).href;
  }
}

/**
 * Handle a push: always show a notification (browsers revoke silent pushes), then pull and wake the pages.
 * @param {ServiceWorkerGlobalScope} worker
 * @param {PushEvent} event
 * @returns {Promise<void>}
 */
export async function onPush(worker, event) {
  // With the app lock on, a notification says nothing of what happened (lock/store.js).
  const locked = await caches.has('hearth-lock').catch(() => false);
  const note = locked ? { ...notificationOf(event.data), ...FALLBACK } : notificationOf(event.data);
  const shown = worker.registration.showNotification(note.title ?? FALLBACK.title, {
    body: note.body,
    tag: note.tag,
    lang: note.lang,
    icon: ICON,
    data: { navigate: sameOrigin(note.navigate) },
  });
  const refresh = async () => {
    const pages = (await worker.clients.matchAll({ type: 'window' })).filter(runsTheApp);
    // An open app syncs itself, so its screen follows; a pull here would leave it nothing new to show.
    for (const page of pages) page.postMessage({ type: 'sync' });
    // Signed out or offline: the notification still stands and the app syncs when it opens.
    if (!pages.length) await pullOnce().catch(() => false);
  };
  await Promise.all([shown, refresh()]);
}

/** Whether a window runs the app, rather than showing one of its files (an icon, the manifest). */
function runsTheApp(/** @type {Client} */ client) {
  const path = new URL(client.url).pathname;
  return path === '/' || !SHELL_FILES.includes(path);
}

/**
 * Handle a tap on a notification: focus an open page on the item, or open one there.
 * @param {ServiceWorkerGlobalScope} worker
 * @param {NotificationEvent} event
 * @returns {Promise<void>}
 */
export async function onNotificationClick(worker, event) {
  event.notification.close();
  const url = sameOrigin(event.notification.data?.navigate);
  const windows = await worker.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const pages = /** @type {WindowClient[]} */ (windows.filter(runsTheApp));
  const page = pages.find((p) => p.focused) ?? pages[0];
  if (!page) {
    await worker.clients.openWindow(url);
    return;
  }
  const focused = await page.focus();
  // Only a page this worker controls can be navigated; a hash change keeps the app running.
  if (focused.url !== url) await focused.navigate(url).catch(() => worker.clients.openWindow(url));
}
