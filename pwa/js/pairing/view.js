// @ts-check
// The home screen of this slice: the partner card, or pairing while solo, and signing out.
import { busy, fromTemplate, mount, ref, showProblem } from '../shell/dom.js';
import { bindTabs } from '../shell/nav.js';
import { showPartner } from '../checkins/partner-card.js';

/** @typedef {import('../core/api.js').Me} Me */
/** @typedef {import('../core/api.js').Invite} Invite */

/**
 * @typedef {object} HomeActions
 * @property {() => Promise<Invite>} createInvite rejects with a Problem
 * @property {(code: string) => Promise<void>} join rejects with a Problem
 * @property {() => Promise<void>} signOut rejects with a Problem
 */

/**
 * @typedef {object} HomeView
 * @property {(me: Me) => void} update show who is signed in and their partner, if any
 * @property {() => void} inviteExpired the shown invite can no longer be used
 * @property {(invitation: import('./invitation.js').Invitation) => void} invitedBy who made the invite of the /join link
 * @property {() => void} close stop the clocks before the screen goes
 */

const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });

/**
 * Render the home screen into the view and bind it.
 * @param {HTMLElement} view
 * @param {Me} me
 * @param {string} pendingCode an invite code from a /join link, or ''
 * @param {(section: string) => void} shown told whenever a section of the navigation comes into view
 * @param {HomeActions} actions
 * @returns {HomeView}
 */
export function showHome(view, me, pendingCode, shown, actions) {
  const screen = fromTemplate('tpl-home');
  const card = /** @type {HTMLElement} */ (screen.querySelector('#partner-card'));
  const pairing = ref(screen, 'pairing');
  const inviteSlot = ref(screen, 'invite-slot');
  const inviteButton = /** @type {HTMLButtonElement} */ (screen.querySelector('#create-invite'));
  const inviteAlert = ref(screen, 'invite-alert');
  const inviteStatus = ref(screen, 'invite-status');
  const joinForm = /** @type {HTMLFormElement} */ (screen.querySelector('#join-form'));
  const joinCode = /** @type {HTMLInputElement} */ (screen.querySelector('#join-code'));
  const signOut = /** @type {HTMLButtonElement} */ (screen.querySelector('#sign-out'));
  const inviteCard = ref(screen, 'invite-card');
  const ownInvite = ref(screen, 'own-invite');
  /** @type {() => void} */
  let stopClock = () => {};
  joinCode.value = pendingCode;

  /** Joining through a link: the code's card alone, unless the user would rather invite. */
  const joining = (/** @type {boolean} */ on) => {
    inviteCard.hidden = on;
    ownInvite.hidden = !on;
  };
  joining(Boolean(pendingCode));
  /** @type {HTMLButtonElement} */ (ownInvite.querySelector('button')).addEventListener('click', () => {
    joining(false);
    inviteButton.focus();
  });

  inviteButton.addEventListener('click', () =>
    busy(inviteButton, async () => {
      inviteAlert.textContent = '';
      try {
        showInvite(await actions.createInvite());
      } catch (problem) {
        inviteAlert.textContent = /** @type {Error} */ (problem).message;
      }
    }),
  );

  /**
   * Put a fresh copy of the invite block in place, so #invite-code exists only with a code in it.
   * @param {Invite} invite
   */
  const showInvite = (invite) => {
    const box = fromTemplate('tpl-invite');
    const link = /** @type {HTMLInputElement} */ (box.querySelector('#invite-link'));
    const copy = /** @type {HTMLButtonElement} */ (ref(box, 'copy'));
    const share = /** @type {HTMLButtonElement} */ (ref(box, 'share'));
    /** @type {HTMLElement} */ (box.querySelector('#invite-code')).textContent = invite.code;
    ref(box, 'invite-expiry').textContent = `Valid until ${timeOfDay.format(new Date(invite.expires_at))}.`;
    link.value = invite.url;
    /** @type {HTMLImageElement} */ (ref(box, 'qr')).src = invite.qr_code;
    copy.hidden = !navigator.clipboard?.writeText;
    share.hidden = !navigator.share;
    link.addEventListener('focus', () => link.select());
    copy.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(invite.url);
        inviteStatus.textContent = 'Link copied. Waiting for your partner to join…';
      } catch {
        // Clipboard refused (permissions): leave the link selected for a manual copy.
        link.select();
      }
    });
    share.addEventListener('click', () => {
      const text = `Join me on Hearth with the code ${invite.code}`;
      // A dismissed share sheet rejects; nothing to report.
      navigator.share({ title: 'Hearth invite', text, url: invite.url }).catch(() => {});
    });
    inviteSlot.replaceChildren(box);
    inviteStatus.textContent = `Your code is ${invite.code}. Waiting for your partner to join…`;
    inviteButton.textContent = 'Create a new invite';
  };

  joinForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const button = /** @type {HTMLButtonElement} */ (joinForm.querySelector('button[type="submit"]'));
    busy(button, async () => {
      showProblem(joinForm, null);
      try {
        await actions.join(joinCode.value.trim());
      } catch (problem) {
        showProblem(joinForm, /** @type {import('../shell/dom.js').Problem} */ (problem));
      }
    });
  });

  signOut.addEventListener('click', () =>
    busy(signOut, async () => {
      const alert = ref(screen, 'account-alert');
      alert.textContent = '';
      try {
        await actions.signOut();
      } catch (problem) {
        alert.textContent = /** @type {Error} */ (problem).message;
      }
    }),
  );

  /** @param {Me} next */
  const update = (next) => {
    ref(screen, 'me-name').textContent = next.user.display_name;
    ref(screen, 'me-email').textContent = next.user.email;
    stopClock();
    stopClock = () => {};
    card.hidden = true;
    pairing.hidden = Boolean(next.partner);
    if (!next.partner) return;
    joining(false);
    ref(screen, 'join-title').textContent = 'Have a code?';
    stopClock = showPartner(card, next.partner, next.user.time_zone);
    // The invite was used up by pairing; after an unpair the pairing card must start afresh.
    inviteSlot.replaceChildren();
    inviteStatus.textContent = '';
    inviteAlert.textContent = '';
    inviteButton.textContent = 'Create an invite';
  };

  update(me);
  mount(view, screen);
  const unbindTabs = bindTabs(screen, shown);
  if (pendingCode && !me.partner) joinForm.querySelector('button')?.focus();

  return {
    update,
    invitedBy(invitation) {
      if (pairing.hidden) return; // paired meanwhile
      if (invitation.state === 'live') {
        ref(screen, 'join-title').textContent = `${invitation.inviter} invited you to Hearth`;
        return;
      }
      if (invitation.state === 'unknown') return; // offline: the code is there to try
      // The link's code cannot be used: back to both ways of pairing.
      joining(false);
      joinCode.value = '';
      ref(joinForm, 'alert').textContent =
        invitation.state === 'own'
          ? 'That link holds your own invite: send it to your partner.'
          : 'That invite link can no longer be used: it has expired or was used already. Ask your partner for a new one.';
    },
    inviteExpired() {
      inviteSlot.replaceChildren();
      inviteStatus.textContent = '';
      inviteAlert.textContent = 'Your invite has expired. Create a new one when your partner is ready.';
    },
    close() {
      stopClock();
      unbindTabs();
    },
  };
}
