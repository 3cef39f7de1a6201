// @ts-check
// Notification settings: render and bind.
import { fromTemplate, ref } from '../shell/dom.js';
import { actionLine } from '../shell/said.js';

/**
 * What this device can do about notifications, decided by the controller.
 * - solo: no partner yet, nobody to be told about
 * - install: Safari on iPhone/iPad only delivers push to apps added to the Home Screen
 * - unsupported: this browser has no Push API
 * - denied: the user blocked notifications for Hearth in the browser
 * - off / on: on means this device is subscribed
 * @typedef {'solo' | 'install' | 'unsupported' | 'denied' | 'off' | 'on'} NotifyMode
 */

/**
 * @typedef {object} NotifyState
 * @property {NotifyMode} mode
 * @property {string} partner the partner's display name ('' while solo)
 * @property {import('../core/api.js').PushSettings | null} settings null until loaded
 */

/**
 * @typedef {object} NotifyHooks
 * @property {() => Promise<void>} turnOn runs inside the click, so the browser may ask for permission
 * @property {() => Promise<void>} turnOff
 * @property {(changes: Partial<import('../core/api.js').PushSettings>) => Promise<void>} change
 */

/** @type {Record<NotifyMode, string>} */
const EXPLAIN = {
  solo: 'Once you are paired, Hearth can tell you when your partner adds something.',
  install: 'On iPhone and iPad, notifications need Hearth on your Home Screen: tap Share, then Add to Home Screen, and open Hearth from there.',
  unsupported: 'This browser cannot show notifications from Hearth. Try another browser, or add Hearth to your home screen.',
  denied: 'Notifications are blocked for Hearth. Allow them in your browser’s site settings, then come back here.',
  off: 'Your browser asks for permission when you tap below. A notification says who added what kind of thing, never what was written.',
  on: 'This device is told when {partner} adds something. The notification never shows what was written.',
};

/**
 * Render the Notifications card into the slot and bind its controls.
 * @param {HTMLElement} slot
 * @param {NotifyHooks} hooks
 * @returns {{show: (state: NotifyState) => void}}
 */
export function showNotify(slot, hooks) {
  const card = fromTemplate('tpl-notify');
  const form = /** @type {HTMLFormElement} */ (ref(card, 'settings'));
  const on = /** @type {HTMLButtonElement} */ (ref(card, 'on'));
  const off = /** @type {HTMLButtonElement} */ (ref(card, 'off'));
  const alert = ref(card, 'alert');
  const saved = actionLine(ref(card, 'saved'));
  const quiet = /** @type {HTMLInputElement} */ (form.elements.namedItem('quiet'));
  const start = /** @type {HTMLInputElement} */ (form.elements.namedItem('quiet_start'));
  const end = /** @type {HTMLInputElement} */ (form.elements.namedItem('quiet_end'));
  const quietError = ref(card, 'quiet-error');
  slot.replaceChildren(card);

  /** Run an action with its button busy; show what went wrong. */
  const act = async (/** @type {HTMLButtonElement | null} */ button, /** @type {() => Promise<void>} */ work) => {
    alert.textContent = '';
    saved.clear();
    if (button) button.disabled = true;
    try {
      await work();
      return true;
    } catch (error) {
      alert.textContent = /** @type {Error} */ (error).message || 'Something went wrong.';
      return false;
    } finally {
      if (button) button.disabled = false;
    }
  };
  // No await before turnOn: the permission prompt needs the click's user activation.
  on.addEventListener('click', () => act(on, hooks.turnOn));
  off.addEventListener('click', () => act(off, hooks.turnOff));

  const save = (/** @type {Partial<import('../core/api.js').PushSettings>} */ changes) =>
    act(null, () => hooks.change(changes)).then((ok) => {
      if (ok) saved.say('Saved.');
    });
  const quietHours = () => (quiet.checked ? { start: start.value, end: end.value } : null);
  form.addEventListener('submit', (event) => event.preventDefault());
  form.addEventListener('change', (event) => {
    const input = /** @type {HTMLInputElement} */ (event.target);
    if (input.name === 'preview') save({ preview: /** @type {'generic' | 'none'} */ (input.value) });
    else if (input.name === 'kind') save({ kinds: /** @type {any} */ ({ [input.value]: input.checked }) });
    else if (input.name === 'quiet_reminders') save({ quiet_reminders: /** @type {'hold' | 'drop'} */ (input.value) });
    else if (input.name.startsWith('quiet')) {
      ref(card, 'quiet-times').hidden = !quiet.checked;
      quietError.textContent = '';
      if (quiet.checked && (!start.value || !end.value || start.value === end.value)) {
        quietError.textContent = 'Choose a start and an end that differ.';
        return;
      }
      save({ quiet_hours: quietHours() });
    }
  });

  return {
    show(state) {
      ref(card, 'partner').textContent = state.partner;
      ref(card, 'example').textContent = state.partner || 'Your partner';
      ref(card, 'explain').textContent = EXPLAIN[state.mode].replace('{partner}', state.partner);
      on.hidden = state.mode !== 'off';
      form.hidden = state.mode !== 'on' || !state.settings;
      const settings = state.settings;
      if (!settings) return;
      for (const radio of form.querySelectorAll('input[name="preview"]')) {
        const input = /** @type {HTMLInputElement} */ (radio);
        input.checked = input.value === settings.preview;
      }
      for (const box of form.querySelectorAll('input[name="kind"]')) {
        const input = /** @type {HTMLInputElement} */ (box);
        input.checked = settings.kinds[/** @type {keyof typeof settings.kinds} */ (input.value)] !== false;
      }
      quiet.checked = Boolean(settings.quiet_hours);
      for (const radio of form.querySelectorAll('input[name="quiet_reminders"]')) {
        const input = /** @type {HTMLInputElement} */ (radio);
        input.checked = input.value === (settings.quiet_reminders ?? 'hold');
      }
      if (settings.quiet_hours) {
        start.value = settings.quiet_hours.start;
        end.value = settings.quiet_hours.end;
      }
      ref(card, 'quiet-times').hidden = !quiet.checked;
    },
  };
}
