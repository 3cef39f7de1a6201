// @ts-check
// The app lock's settings in Us: a passcode, when to ask again, the phone's own screen lock, turning it off.
import { deviceKeyAvailable, makeDeviceKey } from './device-key.js';
import { h, honestNote } from './dom.js';
import { matches, readLock, removeLock, setPasscode, validPasscode, writeLock } from './store.js';

const TIMES = [
  ['0', 'Immediately'],
  ['1', 'After 1 minute'],
  ['5', 'After 5 minutes'],
  ['15', 'After 15 minutes'],
];

/** A select of the background times. */
function timeField(/** @type {string} */ id, /** @type {number} */ chosen) {
  const select = /** @type {HTMLSelectElement} */ (
    h('select', { id, name: 'after' }, TIMES.map(([value, label]) => h('option', { value, selected: Number(value) === chosen }, [label])))
  );
  const field = h('div', { class: 'field' }, [h('label', { for: id }, ['Ask again when Hearth comes back from the background']), select]);
  return { select, field };
}

/** A passcode input with its label. */
function codeField(/** @type {string} */ id, /** @type {string} */ label) {
  const input = /** @type {HTMLInputElement} */ (h('input', { id, type: 'password', inputmode: 'numeric', autocomplete: 'off', required: true }));
  return { input, field: h('div', { class: 'field' }, [h('label', { for: id }, [label]), input]) };
}

/**
 * Render the lock settings into their slot.
 * @param {HTMLElement} slot
 */
export function showLockSettings(slot) {
  const status = h('p', { class: 'hint', role: 'status' });
  const card = h('section', { id: 'lock-settings', class: 'card', 'aria-labelledby': 'lock-settings-title' });
  const render = (/** @type {string} */ said = '') => {
    const lock = readLock();
    status.textContent = said;
    card.replaceChildren(h('h4', { id: 'lock-settings-title' }, ['App lock on this phone']), honestNote());
    lock ? renderOn(card, lock, render) : renderOff(card, render);
    card.append(status);
  };
  render();
  slot.replaceChildren(card);
}

/**
 * No lock yet: choose a passcode.
 * @param {HTMLElement} card
 * @param {(said?: string) => void} render
 */
function renderOff(card, render) {
  const first = codeField('lock-new', 'A passcode of at least 6 digits');
  const again = codeField('lock-again', 'The same passcode again');
  const time = timeField('lock-after-new', 0);
  const alert = h('p', { class: 'alert', role: 'alert' });
  const form = h('form', { id: 'lock-set-form', class: 'form' }, [first.field, again.field, time.field, alert, h('button', { class: 'button', type: 'submit' }, ['Turn on the lock'])]);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!validPasscode(first.input.value)) return void (alert.textContent = 'Use at least 6 digits, and digits only.');
    if (first.input.value !== again.input.value) return void (alert.textContent = 'The two passcodes differ. Try once more.');
    try {
      await setPasscode(first.input.value, Number(time.select.value));
      render('The lock is on. Hearth will ask for your passcode on this phone.');
    } catch {
      alert.textContent = 'This browser would not keep the lock. Nothing was changed.';
    }
  });
  card.append(h('p', {}, ['Hearth opens without asking on this phone.']), form);
}

/**
 * A lock is set: when to ask again, the phone's screen lock, turning it off.
 * @param {HTMLElement} card
 * @param {import('./store.js').LockSettings} lock
 * @param {(said?: string) => void} render
 */
function renderOn(card, lock, render) {
  const time = timeField('lock-after', lock.after);
  time.select.addEventListener('change', () => {
    writeLock({ .../** @type {import('./store.js').LockSettings} */ (readLock()), after: Number(time.select.value) });
    render('Saved.');
  });
  card.append(h('p', {}, ['Hearth asks for your passcode when it opens on this phone.']), time.field);

  const device = h('div');
  card.append(device);
  deviceKeyAvailable().then((available) => {
    if (!available && !lock.device) return;
    const button = h('button', { id: 'lock-device-toggle', class: 'button quiet', type: 'button' }, [
      lock.device ? "Stop using this phone's screen lock" : "Also unlock with this phone's screen lock",
    ]);
    button.addEventListener('click', async () => {
      const now = /** @type {import('./store.js').LockSettings} */ (readLock());
      if (now.device) {
        delete now.device;
        writeLock(now);
        return render('Only the passcode opens Hearth now.');
      }
      try {
        writeLock({ ...now, device: await makeDeviceKey() });
        render("This phone's screen lock opens Hearth too.");
      } catch {
        render('The phone did not set it up. The passcode still works.');
      }
    });
    device.replaceChildren(
      h('p', { class: 'hint' }, ["The phone's screen lock or fingerprint is a gate on this phone only: it does not encrypt anything."]),
      button,
    );
  });

  const code = codeField('lock-off-code', 'Your passcode, to turn the lock off');
  const alert = h('p', { class: 'alert', role: 'alert' });
  const off = h('form', { id: 'lock-off-form', class: 'form' }, [code.field, alert, h('button', { class: 'button quiet', type: 'submit' }, ['Turn off the lock'])]);
  off.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!(await matches(code.input.value))) return void (alert.textContent = 'That is not the passcode.');
    removeLock();
    render('The lock is off. Hearth opens without asking on this phone.');
  });
  card.append(off);
}
