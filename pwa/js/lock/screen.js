// @ts-check
// The lock screen: the passcode (or the phone's own screen lock), a warning before the last tries, the wipe.
import { askDeviceKey } from './device-key.js';
import { h, honestNote } from './dom.js';
import { setOpen } from './gate.js';
import { checkPasscode, clearWrong, readLock } from './store.js';

/** Tries left at which the warning shows. */
const WARN_AT = 3;

/**
 * Show the lock screen in the view (the app has torn the space down); opened() builds it again.
 * @param {HTMLElement} view
 * @param {() => void} opened
 */
export function showLock(view, opened) {
  // Dialogs kept by their modules (a photo, Find support) wait outside the page until unlocked.
  const parked = [...document.querySelectorAll('body > dialog')];
  for (const dialog of parked) /** @type {HTMLDialogElement} */ (dialog).close(), dialog.remove();
  document.getElementById('sync-status')?.replaceChildren();
  const hooks = {
    unlocked() {
      setOpen(true);
      document.body.append(...parked);
      opened();
    },
    // Signed out and forgotten: a fresh page, holding nothing of the space, asks to sign in.
    wipe: () => import('./wipe.js').then((w) => w.wipe()).then(() => location.replace('/')),
  };
  const input = /** @type {HTMLInputElement} */ (
    h('input', { id: 'lock-code', name: 'passcode', type: 'password', inputmode: 'numeric', autocomplete: 'off', required: true, 'aria-describedby': 'lock-alert' })
  );
  const alert = h('p', { id: 'lock-alert', class: 'alert', role: 'alert' });
  const submit = /** @type {HTMLButtonElement} */ (h('button', { class: 'button', type: 'submit' }, ['Unlock']));
  const form = h('form', { id: 'lock-form', class: 'form' }, [
    h('div', { class: 'field' }, [h('label', { for: 'lock-code' }, ['Passcode']), input]),
    alert,
    submit,
  ]);
  const screen = h('section', { id: 'lock-screen', class: 'screen', 'aria-labelledby': 'lock-title' }, [
    h('h2', { id: 'lock-title', class: 'screen-title' }, ['Hearth is locked']),
    h('p', {}, ['Enter the passcode you chose for this phone.']),
    form,
  ]);
  const lock = readLock();
  if (lock?.device) {
    const device = /** @type {HTMLButtonElement} */ (h('button', { id: 'lock-device', class: 'button quiet', type: 'button' }, ["Use this phone's screen lock"]));
    device.addEventListener('click', () => {
      askDeviceKey(/** @type {string} */ (lock.device)).then(
        () => (clearWrong(), hooks.unlocked()),
        () => (alert.textContent = 'The phone did not confirm. You can use the passcode instead.'),
      );
    });
    screen.append(device);
  }
  screen.append(honestNote());
  const warn = (/** @type {number} */ left) => {
    alert.textContent =
      left <= WARN_AT
        ? `That is not the passcode. ${left} ${left === 1 ? 'try' : 'tries'} left: after that this phone signs out and forgets its copy.`
        : 'That is not the passcode. Take your time and try again.';
  };
  if (lock && lock.wrong > 0) warn(10 - lock.wrong);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    form.setAttribute('aria-busy', 'true');
    try {
      const { ok, left } = await checkPasscode(input.value);
      if (ok) return hooks.unlocked();
      input.value = '';
      if (left > 0) return warn(left);
      alert.textContent = 'Signing out and forgetting the copy on this phone…';
      await hooks.wipe();
    } finally {
      submit.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });
  view.replaceChildren(screen);
  input.focus();
}
