// @ts-check
// Start-up: decide which screen to show and wire the views to the server.
import * as api from './api.js';
import { pendingCode, takeJoinLink } from './join-link.js';
import { runHome } from './pairing.js';
import { needsIosInstallHint, registerWorker, watchInstall } from './pwa.js';
import { timeZoneChoices } from './time.js';
import { showAuth } from './ui/auth.js';
import { offerInstall, offerUpdate, showIosHint } from './ui/chrome.js';
import { showNotice } from './ui/notice.js';

const view = /** @type {HTMLElement} */ (document.getElementById('view'));
const KNOWN = 'hearth.has-account';
const IOS_HINT_DONE = 'hearth.ios-hint-dismissed';

/** Stops whatever the current screen runs (timers, polling). */
let leave = () => {};

/** Ask the server who we are and show the matching screen. */
async function start() {
  leave();
  leave = () => {};
  try {
    const me = await api.getMe();
    remember(KNOWN);
    leave = runHome(view, me, { signedOut: () => welcome('signin') });
  } catch (error) {
    if (error instanceof api.ApiError && error.status === 401) welcome(pendingCode() || !recalls(KNOWN) ? 'signup' : 'signin');
    else trouble(error);
  }
}

/**
 * The sign-up / sign-in screen.
 * @param {'signup' | 'signin'} mode
 */
function welcome(mode) {
  leave();
  leave = () => {};
  const { zones, current } = timeZoneChoices();
  showAuth(view, { mode, joining: Boolean(pendingCode()), timeZones: zones, timeZone: current }, {
    signUp: (data) => api.register(data).then(start),
    signIn: (data) => api.login(data).then(start),
  });
}

/**
 * The server could not be asked: say so and try again when it may work.
 * @param {unknown} error
 */
function trouble(error) {
  const offline = error instanceof api.OfflineError;
  showNotice(view, {
    title: offline ? 'You are offline' : 'Hearth cannot reach its server',
    text: offline
      ? 'Hearth will pick up where you left off when your connection is back.'
      : /** @type {Error} */ (error).message,
    retry: start,
  });
  if (offline) window.addEventListener('online', start, { once: true });
}

/** @param {string} key */
function recalls(key) {
  try {
    return localStorage.getItem(key) === '1';
  } catch {
    return false;
  }
}

/** @param {string} key */
function remember(key) {
  try {
    localStorage.setItem(key, '1');
  } catch {
    // Storage blocked: the app only forgets a preference.
  }
}

takeJoinLink();
watchInstall(offerInstall);
if (needsIosInstallHint() && !recalls(IOS_HINT_DONE)) showIosHint(() => remember(IOS_HINT_DONE));
start();
registerWorker(offerUpdate);
