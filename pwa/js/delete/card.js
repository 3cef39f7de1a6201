// @ts-check
// "Delete my account" at the bottom of Us: what happens, the password again, a last confirmation;
// then this phone's copy is erased and the welcome screen shows.
import * as api from '../core/api.js';
import { forgetUser } from '../core/db.js';
import { busy, fromTemplate, ref, showProblem } from '../shell/dom.js';
import { addSectionTemplates } from '../shell/sections.js';

/** @typedef {import('../core/api.js').Me} Me */

const KNOWN = 'hearth.has-account';

/** Delete one IndexedDB database; settles when it is gone (the app's connections close on versionchange). */
function deleteDb(/** @type {string} */ name) {
  return new Promise((resolve) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = request.onerror = () => resolve(undefined);
  });
}

/** Erase what this browser holds of the account: its database (with the outbox), the photo cache, the notes. */
async function eraseLocalCopy(/** @type {string} */ userId) {
  forgetUser();
  try {
    localStorage.removeItem(KNOWN);
  } catch {
    // Storage blocked: nothing was kept there either.
  }
  const { clearPhotos } = await import('../sw/photos.js');
  await Promise.all([deleteDb(`hearth-${userId}`), clearPhotos().catch(() => {})]);
}

/**
 * Show the card in its slot.
 * @param {HTMLElement} slot
 * @param {Me} me
 * @param {{signedOut: () => void}} hooks signedOut leaves the space (its database closes)
 * @returns {Promise<{update: (me: Me) => void}>}
 */
export async function showDeleteAccount(slot, me, hooks) {
  await addSectionTemplates('delete');
  const card = fromTemplate('tpl-delete-account');
  const open = /** @type {HTMLButtonElement} */ (card.querySelector('#delete-account-open'));
  const form = /** @type {HTMLFormElement} */ (card.querySelector('#delete-account-form'));
  const password = /** @type {HTMLInputElement} */ (card.querySelector('#delete-account-password'));
  const confirmBox = /** @type {HTMLElement} */ (card.querySelector('#delete-account-confirmation'));
  const yes = /** @type {HTMLButtonElement} */ (card.querySelector('#delete-account-confirm'));
  const no = /** @type {HTMLButtonElement} */ (card.querySelector('#delete-account-cancel'));
  const back = /** @type {HTMLButtonElement} */ (card.querySelector('#delete-account-back'));
  const firstStep = ref(card, 'first-step');

  const update = (/** @type {Me} */ next) => {
    ref(card, 'partner-line').hidden = !next.partner;
    ref(card, 'partner-name').textContent = next.partner?.display_name ?? '';
  };
  update(me);

  const step = (/** @type {'closed' | 'password' | 'confirm'} */ at) => {
    form.hidden = at === 'closed';
    open.hidden = at !== 'closed';
    open.setAttribute('aria-expanded', String(at !== 'closed'));
    confirmBox.hidden = at !== 'confirm';
    firstStep.hidden = at !== 'password';
    password.readOnly = at === 'confirm';
    if (at === 'closed') (password.value = ''), showProblem(form, null), open.focus();
    else if (at === 'password') password.focus();
    else no.focus();
  };

  open.addEventListener('click', () => step('password'));
  back.addEventListener('click', () => step('closed'));
  no.addEventListener('click', () => step('closed'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    showProblem(form, null);
    step('confirm');
  });
  yes.addEventListener('click', () =>
    busy(yes, async () => {
      showProblem(form, null);
      try {
        await api.request('DELETE', '/me', { password: password.value });
      } catch (problem) {
        if (problem instanceof api.ApiError && problem.status === 401) return hooks.signedOut();
        step('password');
        showProblem(form, /** @type {import('../shell/dom.js').Problem} */ (problem));
        return;
      }
      // The account is gone: leave the space (its database closes), erase this copy, start afresh.
      hooks.signedOut();
      await eraseLocalCopy(me.user.id);
      location.replace('/');
    }),
  );

  slot.replaceChildren(card);
  return { update };
}
