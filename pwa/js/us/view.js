// @ts-check
// The "Us & settings" section: my profile, the devices signed in, signing out everywhere and unpairing.
import { deviceName } from './device-name.js';
import { zoneField } from '../accounts/zone-field.js';
import { busy, fromTemplate, ref, showProblem } from '../shell/dom.js';
import { actionLine } from '../shell/said.js';

/** @typedef {import('../core/api.js').Me} Me */
/** @typedef {import('../core/api.js').Device} Device */
/** @typedef {import('../shell/dom.js').Problem} Problem */

/**
 * @typedef {object} UsActions
 * @property {(changes: {display_name?: string, time_zone?: string}) => Promise<void>} saveProfile rejects with a Problem
 * @property {() => Promise<Device[]>} devices rejects with a Problem
 * @property {(id: string) => Promise<void>} endDevice rejects with a Problem
 * @property {() => Promise<void>} signOutEverywhere rejects with a Problem
 * @property {() => Promise<void>} unpair rejects with a Problem
 * @property {() => Promise<boolean>} storageKept whether this browser keeps Hearth's copy even when space runs low
 * @property {() => void} findSupport open the Find support page
 */

/**
 * @typedef {object} UsView
 * @property {(me: Me) => void} update show the current profile and whether there is a partner to unpair from
 * @property {(devices: Device[]) => void} showDevices
 */

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const day = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });

/**
 * "just now", "12 minutes ago", "yesterday" for the past week; a date beyond.
 * @param {string} iso
 */
function lastSeen(iso) {
  const at = new Date(iso);
  const minutes = Math.round((Date.now() - at.getTime()) / 60_000);
  if (minutes < 2) return 'Active just now';
  if (minutes < 60) return `Last seen ${relative.format(-minutes, 'minute')}`;
  if (minutes < 24 * 60) return `Last seen ${relative.format(-Math.round(minutes / 60), 'hour')}`;
  if (minutes < 7 * 24 * 60) return `Last seen ${relative.format(-Math.round(minutes / 1440), 'day')}`;
  return `Last seen on ${day.format(at)}`;
}

/**
 * Render the section into its slot and bind it.
 * @param {HTMLElement} slot
 * @param {Me} me
 * @param {UsActions} actions
 * @returns {UsView}
 */
export function showUs(slot, me, actions) {
  const section = fromTemplate('tpl-us');
  // What the last Save did: it fades (the profile shown is the truth).
  const statusLine = ref(section, 'status');
  const status = actionLine(statusLine, { keepWhileIn: statusLine });
  const form = /** @type {HTMLFormElement} */ (section.querySelector('#profile-form'));
  const name = /** @type {HTMLInputElement} */ (section.querySelector('#profile-name'));
  const zone = /** @type {HTMLSelectElement} */ (section.querySelector('#profile-tz'));
  const list = /** @type {HTMLUListElement} */ (section.querySelector('#devices'));
  const devicesAlert = ref(section, 'devices-alert');
  const everywhere = /** @type {HTMLButtonElement} */ (section.querySelector('#sign-out-everywhere'));
  const unpairBox = ref(section, 'unpair-box');
  const unpairOpen = /** @type {HTMLButtonElement} */ (section.querySelector('#unpair'));
  const confirmBox = /** @type {HTMLElement} */ (section.querySelector('#unpair-confirmation'));
  const unpairYes = /** @type {HTMLButtonElement} */ (section.querySelector('#unpair-confirm'));
  const unpairNo = /** @type {HTMLButtonElement} */ (section.querySelector('#unpair-cancel'));
  const unpairAlert = ref(section, 'unpair-alert');
  /** @type {Me} */
  let shown = me;

  const zones = zoneField(zone, /** @type {HTMLInputElement} */ (section.querySelector('#profile-tz-find')), ref(section, 'tz-status'), me.user.time_zone);

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const button = /** @type {HTMLButtonElement} */ (form.querySelector('button[type="submit"]'));
    busy(button, async () => {
      showProblem(form, null);
      status.clear();
      /** @type {{display_name?: string, time_zone?: string}} */
      const changes = {};
      if (name.value.trim() !== shown.user.display_name) changes.display_name = name.value.trim();
      if (zone.value !== shown.user.time_zone) changes.time_zone = zone.value;
      if (!Object.keys(changes).length) {
        status.say('Nothing to save: your profile is unchanged.');
        return;
      }
      try {
        await actions.saveProfile(changes);
        status.say('Profile saved.');
      } catch (problem) {
        showProblem(form, /** @type {Problem} */ (problem));
      }
    });
  });

  /** @type {HTMLButtonElement} */ (section.querySelector('#find-support')).addEventListener('click', actions.findSupport);

  everywhere.addEventListener('click', () =>
    busy(everywhere, async () => {
      devicesAlert.textContent = '';
      try {
        await actions.signOutEverywhere();
      } catch (problem) {
        devicesAlert.textContent = /** @type {Error} */ (problem).message;
      }
    }),
  );

  /** @param {boolean} open */
  const confirming = (open) => {
    confirmBox.hidden = !open;
    unpairOpen.hidden = open;
    unpairOpen.setAttribute('aria-expanded', String(open));
    unpairAlert.textContent = '';
    // Cancel is the safe default for a keyboard user who just opened the question.
    (open ? unpairNo : unpairOpen).focus();
  };
  unpairOpen.addEventListener('click', () => confirming(true));
  unpairNo.addEventListener('click', () => confirming(false));
  confirmBox.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') confirming(false);
  });
  unpairYes.addEventListener('click', () =>
    busy(unpairYes, async () => {
      unpairAlert.textContent = '';
      try {
        await actions.unpair();
        status.say('You are no longer paired. Your own entries are still here.', () => !shown.partner);
        // The button that had focus is gone with the unpair card; keep keyboard users in this section.
        statusLine.tabIndex = -1;
        statusLine.focus();
      } catch (problem) {
        unpairAlert.textContent = /** @type {Error} */ (problem).message;
      }
    }),
  );

  /** @param {Device[]} devices */
  const showDevices = (devices) => {
    ref(section, 'devices-loading').hidden = true;
    // This device first, then the most recently used.
    const sorted = [...devices].sort((a, b) => Number(b.current) - Number(a.current) || b.last_seen_at.localeCompare(a.last_seen_at));
    list.replaceChildren(...sorted.map((device) => {
      const item = fromTemplate('tpl-device');
      const label = ref(item, 'name');
      const end = /** @type {HTMLButtonElement} */ (ref(item, 'end'));
      label.textContent = deviceName(device.user_agent);
      label.id = `device-${device.id}`;
      // Removed rather than hidden, so the item's text says only what is shown.
      if (!device.current) ref(item, 'current').remove();
      ref(item, 'seen').textContent = lastSeen(device.last_seen_at);
      end.hidden = device.current;
      end.setAttribute('aria-describedby', label.id);
      end.addEventListener('click', () =>
        busy(end, async () => {
          devicesAlert.textContent = '';
          try {
            await actions.endDevice(device.id);
            item.remove();
            status.say(`${label.textContent} is signed out.`);
          } catch (problem) {
            devicesAlert.textContent = /** @type {Error} */ (problem).message;
          }
        }),
      );
      return item;
    }));
  };

  /** @param {Me} next */
  const update = (next) => {
    // A sync (a poke, say) never writes over what the user typed and has not saved.
    if (name.value === shown.user.display_name || !name.value) name.value = next.user.display_name;
    if (zone.value === shown.user.time_zone || !zone.value) zones.set(next.user.time_zone);
    shown = next;
    unpairBox.hidden = !next.partner;
    confirmBox.hidden = true;
    unpairOpen.hidden = false;
    unpairOpen.setAttribute('aria-expanded', 'false');
    ref(section, 'partner-name').textContent = next.partner?.display_name ?? '';
    ref(section, 'partner-name-again').textContent = next.partner?.display_name ?? '';
    status.check();
  };

  update(me);
  slot.replaceChildren(section);
  actions.devices().then(showDevices, (/** @type {Error} */ problem) => {
    ref(section, 'devices-loading').hidden = true;
    devicesAlert.textContent = problem.message;
  });

  // Asked whenever the card comes into view: the browser may have granted it since.
  const storageNote = ref(section, 'storage-note');
  new IntersectionObserver((entries) => {
    if (!entries.some((entry) => entry.isIntersecting)) return;
    actions.storageKept().then((kept) => {
      storageNote.hidden = kept;
    }, () => {});
  }).observe(everywhere);

  return { update, showDevices };
}
