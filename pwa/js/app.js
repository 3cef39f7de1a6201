// @ts-check
// Start-up: decide which screen to show and wire the views to the server.
import * as api from './core/api.js';
import { runToday } from './checkins/controller.js';
import { cachedMe, forgetUser, getMeta, openDb, outboxSize, rememberUser, setMeta } from './core/db.js';
import { pendingCode, takeJoinLink } from './pairing/join-link.js';
import { runHome } from './pairing/controller.js';
import { lazySections } from './shell/sections.js';
import { runUs } from './us/controller.js';
import { needsIosInstallHint, registerWorker, watchInstall } from './shell/pwa.js';
import { deviceZone } from './core/time.js';
import { showAuth } from './accounts/view.js';
import { offerInstall, offerUpdate, showIosHint, tellFailedSignIns } from './shell/chrome.js';
import { showNotice } from './shell/notice.js';
import { showSyncStatus } from './shell/sync-status.js';
import { showRejections } from './shell/refusals.js';
import { REFUSALS, createSync } from './core/sync.js';
import { isLocked } from './lock/gate.js';

const view = /** @type {HTMLElement} */ (document.getElementById('view'));
const KNOWN = 'hearth.has-account';
const IOS_HINT_DONE = 'hearth.ios-hint-dismissed';

const WORKER_DELAY_MS = 5000;
let workerStarted = false;

/** Register the service worker once, after the first sync: its downloads would slow that sync. */
function startWorker() {
  if (workerStarted) return;
  workerStarted = true;
  registerWorker(offerUpdate);
}

/** Stops whatever the current screen runs (timers, polling). */
let leave = () => {};

/**
 * Ask the server who we are and show the matching screen; offline, the last answer stored here will do.
 * @param {boolean} [signedIn] just signed up or in on this browser
 */
async function start(signedIn = false) {
  leave();
  leave = () => {};
  if (isLocked()) {
    showLock();
    return;
  }
  // A mailed link /reset#TOKEN: choosing the new password comes first.
  if (location.pathname === '/reset' && location.hash) {
    import('./reset/view.js').then((m) => m.openLink(view, () => welcome('signin')), trouble);
    return;
  }
  // Asked even if this browser does not recall signing in: the session may outlive that note.
  /** @type {api.Me | null} */
  let me = null;
  try {
    me = await api.getMe();
  } catch (error) {
    if (error instanceof api.ApiError && error.status === 401) {
      welcome(pendingCode() || !recalls(KNOWN) ? 'signup' : 'signin');
      return;
    }
    // Only a server that cannot be reached falls back on the stored copy; a 4xx is a real answer.
    const unreachable = !(error instanceof api.ApiError) || error.status >= 500;
    me = unreachable ? await cachedMe().catch(() => null) : null;
    if (!me) {
      trouble(error);
      return;
    }
    window.addEventListener('online', () => recheck(/** @type {api.Me} */ (me)), { once: true });
  }
  if (isLocked()) return; // locked while asking: the lock screen stands
  remember(KNOWN);
  rememberUser(me.user.id);
  await enter(me).catch(trouble);
}

/**
 * Run the home screen, Today and syncing from this user's own database.
 * @param {api.Me} me
 */
async function enter(me) {
  const db = await openDb(me.user.id);
  // The news of an ending is kept first: should storing 'me' fail, the next start tells it again.
  const ended = await ending(db, await getMeta(db, 'me'), me);
  await setMeta(db, 'me', me);
  const signedOut = () => welcome('signin');
  const engine = await createSync(db, () => me, {
    signedOut,
    // Every pull says which space and partner this account has now (DESIGN §10).
    account(space, partner) {
      if (JSON.stringify([space, partner]) !== JSON.stringify([me.space, me.partner])) changed({ ...me, space, partner }, true);
    },
  });
  /** @type {import('./core/sync.js').SyncStatus | null} */
  let status = null;
  let live = false;
  const showStatus = () => status && showSyncStatus({ ...status, live });
  const stopStatus = engine.onStatus((next) => {
    status = next;
    showStatus();
    if (next.state !== 'starting') startWorker();
  });
  const homeScreen = () => /** @type {HTMLElement} */ (view.querySelector('#home'));
  /**
   * Paired, unpaired or renamed: every part of the screen follows, and a new space makes the next pull a reset.
   * @param {api.Me} next
   * @param {boolean} [pulled] it came with a pull: nothing more to fetch
   */
  const changed = (next, pulled = false) => {
    const before = me;
    me = next;
    ending(db, before, next)
      .then((found) => found?.showEnding(homeScreen(), db, next.user.time_zone))
      .then(() => setMeta(db, 'me', next))
      .catch(console.error);
    home.update(next);
    for (const section of sections) section.update(next);
    if (!pulled) engine.sync();
  };
  const lazy = lazySections(me, db, engine);
  const home = runHome(view, me, { signedOut, changed, shown: lazy.shown });
  const slot = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
  // Left (signed out) before a part loads: it does not start.
  let left = false;
  // Find support loads at every start, opened or not: opening it then asks the network nothing.
  const support = import('./support/controller.js').then((m) => (left ? null : m.runSupport(slot('support-slot'), me, db, engine)), console.error);
  // Looking back's way in and the memories of a year ago come after the first screen.
  const lookback = import('./history/today.js').then((m) => (left ? null : m.runLookback(slot('lookback-slot'), me, db, engine)), console.error);
  // The countdown to the next visit and the way into Rituals come after the first screen too.
  const countdown = import('./rituals/today.js').then((m) => (left ? null : m.runCountdown(slot('countdown-slot'), me, db, engine)), console.error);
  // The daily question comes after the first screen, with its bank of questions.
  const question = import('./questions/controller.js').then((m) => (left ? null : m.runQuestion(slot('question-slot'), me, db, engine))).catch(console.error);
  const sections = [
    runToday(slot('today-slot'), me, db, engine),
    runUs(slot('us-slot'), me, { signedOut, changed, waiting: () => outboxSize(db), sync: () => engine.sync() }),
    lazy,
    { update: (/** @type {api.Me} */ next) => support.then((s) => s?.update(next)), stop: () => support.then((s) => s?.stop()) },
    { update: (/** @type {api.Me} */ next) => question.then((s) => s?.update(next)), stop: () => question.then((s) => s?.stop()) },
    { update: (/** @type {api.Me} */ next) => lookback.then((s) => s?.update(next)), stop: () => lookback.then((s) => s?.stop()) },
    { update: (/** @type {api.Me} */ next) => countdown.then((s) => s?.update(next)), stop: () => countdown.then((s) => s?.stop()) },
  ];
  // Refused changes stay in view whichever section is open, until the user dismisses them.
  let refused = false;
  const rejections = async () => {
    const list = await engine.rejections();
    refused = list.length > 0;
    showRejections(view, list, engine.dismissRejections, me);
  };
  // Shown, they follow their records too: the pull after a refusal says what became of each.
  const stopRejections = engine.onChange((kinds) => {
    if (refused || !kinds || kinds.has(REFUSALS)) rejections().catch(console.error);
  });
  rejections().catch(console.error);
  ended?.showEnding(homeScreen(), db, me.user.time_zone).catch(console.error);
  engine.start();
  let stopLive = () => {};
  // The live channel loads beside the first sync: the first screen does not wait for it.
  import('./core/live.js')
    .then(({ startLive }) => {
      if (left) return;
      stopLive = startLive(me.user.id, {
        poke: () => engine.sync(),
        // Signed out: the sign-in screen at once, as after signing out here. Unpaired: the pull resets to the new space.
        bye: (reason) => (reason === 'signed_out' ? signedOut() : engine.sync()),
        state(open) {
          live = open;
          showStatus();
        },
      });
    })
    .catch(console.error);
  leave = () => {
    left = true;
    stopLive();
    const syncing = engine.stop();
    stopStatus();
    stopRejections();
    const stopping = sections.map((section) => section.stop?.());
    home.stop();
    showSyncStatus(null);
    // The database closes once every part has stopped and a sync round in flight has finished.
    Promise.allSettled([syncing, ...stopping]).then(() => db.close());
  };
}

/**
 * Note the partner's ending of the pairing, loading its code only when there is news or an unread notice.
 * @param {IDBDatabase} db
 * @param {api.Me | undefined} before what this app knew
 * @param {api.Me} after
 */
async function ending(db, before, after) {
  // 'pairingEnded': ended.js's ENDING, an unread notice.
  if (!(before?.partner && !after.partner) && !(await getMeta(db, 'pairingEnded'))) return null;
  const ended = await import('./pairing/ended.js');
  await ended.noteEnding(db, before, after);
  return ended;
}

/**
 * Back online after starting from the stored copy: catch up on what changed meanwhile (pairing, signing out).
 * @param {api.Me} shown
 */
async function recheck(shown) {
  try {
    const me = await api.getMe();
    if (me.user.id !== shown.user.id || me.space.id !== shown.space.id || me.partner?.id !== shown.partner?.id) start();
  } catch (error) {
    if (error instanceof api.ApiError && error.status === 401) welcome('signin');
  }
}

/**
 * The sign-up / sign-in screen.
 * @param {'signup' | 'signin'} mode
 */
function welcome(mode) {
  startWorker();
  leave();
  leave = () => {};
  tellFailedSignIns(null); // it was told to whoever signed out
  // Signed out, this browser keeps no copy of the couple's photos; a first visit has none to clear.
  if (forgetUser()) import('./sw/photos.js').then((photos) => photos.clearPhotos()).catch(() => {});
  const invitation = pendingCode() ? import('./pairing/invitation.js').then((m) => m.invitation()) : null;
  showAuth(view, { mode, invitation, timeZone: deviceZone() }, {
    signUp: (data) => api.register(data).then(() => start(true)),
    signIn: (data) =>
      api.login(data).then((answer) => {
        tellFailedSignIns(answer.failed_attempts);
        return start(true);
      }),
  });
  view.querySelector('#forgot-password')?.addEventListener('click', () =>
    import('./reset/view.js').then((m) => m.showForgot(view, () => welcome('signin')), trouble),
  );
}

/** Tear the space down and show the lock screen; the space is built again on unlock. */
function showLock() {
  leave();
  leave = () => {};
  view.replaceChildren();
  import('./lock/screen.js').then((m) => m.showLock(view, () => start()), trouble);
}

/**
 * The server could not be asked: say so and try again when it may work.
 * @param {unknown} error
 */
function trouble(error) {
  startWorker();
  const offline = error instanceof api.OfflineError;
  showNotice(view, {
    title: offline ? 'You are offline' : 'Hearth cannot reach its server',
    text: offline
      ? 'Hearth will pick up where you left off when your connection is back.'
      : /** @type {Error} */ (error).message,
    retry: () => start(true),
  });
  if (offline) window.addEventListener('online', () => start(true), { once: true });
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

import('./lock/watch.js').then((m) => m.watchLock(showLock), console.error);
takeJoinLink();
watchInstall(offerInstall);
if (needsIosInstallHint() && !recalls(IOS_HINT_DONE)) showIosHint(() => remember(IOS_HINT_DONE));
start();
// Soon in any case, even if the first sync takes long.
setTimeout(startWorker, WORKER_DELAY_MS);
