// @ts-check
// The home screen's controller: pairing with the partner and waiting for them to join.
import * as api from '../core/api.js';
import { forgetCode, pendingCode } from './join-link.js';
import { showHome } from './view.js';

const POLL_MS = 5000;

/**
 * @typedef {object} HomeHooks
 * @property {() => void} signedOut the session is gone (signed out here or elsewhere)
 * @property {(me: api.Me) => void} changed the account changed (paired): a new space and partner
 * @property {(section: string) => void} shown a section of the bottom navigation came into view
 */

/**
 * @typedef {object} HomeRun
 * @property {(me: api.Me) => void} update follow an account change (paired, unpaired, renamed)
 * @property {() => void} stop
 */

/**
 * Run the home screen for this user until the returned stop is called.
 * @param {HTMLElement} view
 * @param {api.Me} me
 * @param {HomeHooks} hooks
 * @returns {HomeRun}
 */
export function runHome(view, me, hooks) {
  /** @type {ReturnType<typeof setInterval> | undefined} */
  let poll;
  let expiresAt = 0;
  if (me.partner) forgetCode();

  const stopPolling = () => {
    clearInterval(poll);
    poll = undefined;
  };

  /** @param {api.Me} next */
  const update = (next) => {
    me = next;
    if (next.partner) {
      stopPolling();
      forgetCode();
    }
    home.update(next);
  };

  /** The app passes the change on to every part of the screen, this one included (update). */
  const paired = (/** @type {api.Me} */ next) => hooks.changed(next);

  /** A 401 means the session ended (signed out on another device, revoked). */
  const rethrow = (/** @type {unknown} */ error) => {
    if (error instanceof api.ApiError && error.status === 401) hooks.signedOut();
    throw error;
  };

  const check = async () => {
    if (Date.now() >= expiresAt) {
      stopPolling();
      home.inviteExpired();
      return;
    }
    // A hidden tab need not poll; it checks again as soon as it is visible.
    if (document.hidden) return;
    try {
      const next = await api.getMe();
      if (next.partner) paired(next);
    } catch (error) {
      if (error instanceof api.ApiError && error.status === 401) hooks.signedOut();
      // Offline or a hiccup: the next round tries again.
    }
  };
  const onVisible = () => {
    if (!document.hidden && poll !== undefined) check();
  };
  document.addEventListener('visibilitychange', onVisible);

  const home = showHome(view, me, me.partner ? '' : pendingCode(), hooks.shown, {
    async createInvite() {
      const invite = await api.createInvite().catch(rethrow);
      expiresAt = Date.parse(invite.expires_at);
      stopPolling();
      poll = setInterval(check, POLL_MS);
      return invite;
    },
    async join(code) {
      const { space, partner } = await api.acceptInvite(code).catch(rethrow);
      paired({ ...me, space, partner });
    },
    async signOut() {
      await api.logout().catch((error) => {
        // Already signed out elsewhere: the goal is reached.
        if (!(error instanceof api.ApiError && error.status === 401)) throw error;
      });
      hooks.signedOut();
    },
  });

  // Who invited, said once known (a link's code is rare: its code loads only then).
  if (!me.partner && pendingCode()) import('./invitation.js').then((m) => m.invitation()).then(home.invitedBy, console.error);

  return {
    update,
    stop() {
      stopPolling();
      document.removeEventListener('visibilitychange', onVisible);
      home.close();
    },
  };
}
