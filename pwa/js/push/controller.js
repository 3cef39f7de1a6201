// @ts-check
// Notifications' controller: asks for permission only after a tap, keeps this device's subscription current.
import * as api from '../core/api.js';
import { getMeta, setMeta } from '../core/db.js';
import { needsIosInstallHint } from '../shell/pwa.js';
import { showNotify } from './view.js';

/** @typedef {import('./view.js').NotifyMode} NotifyMode */

// Per user database: 'on' once they turned notifications on here, 'off' once they turned them off.
// Only 'on' re-subscribes at start, so signing in as someone else never opts them in.
const WANTED = 'push';

/** Whether this browser can receive push messages at all. */
function supported() {
  return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

/** The bytes of a base64url string (the VAPID key). */
function bytesOf(/** @type {string} */ base64url) {
  const text = atob(base64url.replaceAll('-', '+').replaceAll('_', '/'));
  return Uint8Array.from(text, (ch) => ch.charCodeAt(0));
}

/** Whether a subscription was made with this server key (a rotated key needs a new one). */
function madeWith(/** @type {PushSubscription} */ subscription, /** @type {Uint8Array} */ key) {
  const held = subscription.options?.applicationServerKey;
  if (!held) return true;
  const bytes = new Uint8Array(held);
  return bytes.length === key.length && bytes.every((b, i) => b === key[i]);
}

/** What the server needs of a subscription. */
function bodyOf(/** @type {PushSubscription} */ subscription) {
  const json = subscription.toJSON();
  return { endpoint: subscription.endpoint, keys: { p256dh: json.keys?.p256dh ?? '', auth: json.keys?.auth ?? '' } };
}

/** This device's subscription for the server's current key, made when missing; then posted. */
async function subscribeAndPost() {
  const key = bytesOf((await api.pushKey()).public_key);
  const registration = await navigator.serviceWorker.ready;
  const options = { userVisibleOnly: true, applicationServerKey: key };
  let subscription = await registration.pushManager.getSubscription();
  if (subscription && !madeWith(subscription, key)) {
    await subscription.unsubscribe();
    subscription = null;
  }
  subscription ??= await registration.pushManager.subscribe(options);
  try {
    await api.savePushSubscription(bodyOf(subscription));
  } catch (error) {
    if (!(error instanceof api.ApiError && error.code === 'endpoint_taken')) throw error;
    // Another account still holds this browser's endpoint: a new subscription brings a new one.
    await subscription.unsubscribe();
    subscription = await registration.pushManager.subscribe(options);
    await api.savePushSubscription(bodyOf(subscription));
  }
}

/**
 * Run the notification settings in the slot until the returned stop is called.
 * @param {HTMLElement} slot
 * @param {import('../core/api.js').Me} me
 * @param {IDBDatabase} db
 * @returns {{update: (me: import('../core/api.js').Me) => void, stop: () => void}}
 */
export function runNotify(slot, me, db) {
  let stopped = false;
  /** @type {import('../core/api.js').PushSettings | null} */
  let settings = null;

  /** @returns {Promise<NotifyMode>} */
  const modeNow = async () => {
    if (!me.partner) return 'solo';
    if (needsIosInstallHint()) return 'install';
    if (!supported()) return 'unsupported';
    if (Notification.permission === 'denied') return 'denied';
    if (Notification.permission !== 'granted' || (await getMeta(db, WANTED)) !== 'on') return 'off';
    const registration = await navigator.serviceWorker.ready;
    return (await registration.pushManager.getSubscription()) ? 'on' : 'off';
  };

  const render = async () => {
    const mode = await modeNow();
    if (mode === 'on' && !settings) settings = await api.pushSettings().catch(() => null);
    if (!stopped) view.show({ mode, partner: me.partner?.display_name ?? '', settings });
  };

  const view = showNotify(slot, {
    async turnOn() {
      // The only place that asks, and before any await: the prompt needs this tap.
      const permission = await Notification.requestPermission();
      if (permission !== 'granted') {
        await render();
        if (permission === 'default') throw new Error('Hearth can only notify you once you allow it.');
        return;
      }
      try {
        await subscribeAndPost();
      } catch (error) {
        // The browser's own words ("Registration failed - permission denied") explain nothing.
        if (error instanceof DOMException) {
          throw new Error('This browser could not set up notifications. Private windows cannot receive them; in a normal window, try again.');
        }
        throw error;
      }
      await setMeta(db, WANTED, 'on');
      await render();
    },
    async turnOff() {
      await setMeta(db, WANTED, 'off');
      const registration = await navigator.serviceWorker.ready;
      const subscription = await registration.pushManager.getSubscription();
      if (subscription) {
        await api.deletePushSubscription(subscription.endpoint);
        await subscription.unsubscribe();
      }
      await render();
    },
    async change(changes) {
      settings = await api.updatePushSettings(changes);
      view.show({ mode: 'on', partner: me.partner?.display_name ?? '', settings });
    },
  });

  /** Every start: re-post the subscription (re-made if lost or made with an old key) when the user wants them. */
  const refresh = async () => {
    if (me.partner && supported() && Notification.permission === 'granted' && (await getMeta(db, WANTED)) === 'on') {
      // Offline or a push service hiccup: the next start tries again.
      await subscribeAndPost().catch((error) => console.warn('Could not renew notifications:', error));
    }
    await render();
  };
  // After stop() the database is closed: a late failure then means nothing.
  const failed = (/** @type {unknown} */ error) => stopped || console.error(error);
  refresh().catch(failed);

  return {
    update(next) {
      me = next;
      refresh().catch(failed);
    },
    stop() {
      stopped = true;
    },
  };
}
