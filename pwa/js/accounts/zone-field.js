// @ts-check
// The time-zone field of sign-up and the profile: one choice at first, the whole list once it is in view.
import { zoneLabel } from '../core/time.js';

/**
 * @typedef {object} ZoneField
 * @property {(name: string) => void} set choose this zone, adding it if the list lacks it
 */

/**
 * Show the chosen zone at once; load the searchable list when the field comes into view or is touched.
 * @param {HTMLSelectElement} select named time_zone: its value is what the form sends
 * @param {HTMLInputElement} filter the search box over the list
 * @param {HTMLElement} status says how many zones match the search
 * @param {string} chosen the zone to show first (the device's at sign-up, the saved one in the profile)
 * @returns {ZoneField}
 */
export function zoneField(select, filter, status, chosen) {
  /** @param {string} name */
  const set = (name) => {
    if (![...select.options].some((option) => option.value === name)) select.add(new Option(zoneLabel(name), name), 0);
    select.value = name;
  };
  set(chosen);

  let started = false;
  const load = () => {
    if (started) return;
    started = true;
    seen.disconnect();
    import('./zones.js')
      .then((zones) => zones.fillZonePicker(select, filter, status))
      .catch(() => {
        // Offline or the list could not be read: the shown zone still works; try again on the next touch.
        started = false;
      });
  };
  // Four hundred zones with their offsets are built only when someone may look at them.
  const seen = new IntersectionObserver((entries) => {
    if (entries.some((entry) => entry.isIntersecting)) load();
  });
  seen.observe(select);
  for (const control of [select, filter]) {
    control.addEventListener('focus', load);
    control.addEventListener('pointerdown', load);
  }
  return { set };
}
