// @ts-check
// The time-zone picker's list: the device's zone first, then every place by city, country and UTC offset.
import { request } from '../core/api.js';
import { offsetMinutes, zoneLabel } from '../core/time.js';

/**
 * @typedef {object} ZoneRow one place of the server's list (GET /api/time-zones)
 * @property {string} name the IANA name, e.g. Europe/Lisbon
 * @property {string | null} country_code
 * @property {string | null} country
 * @property {string} comment which part of the country
 */

/**
 * @typedef {object} Choice
 * @property {string} name the IANA name the form sends
 * @property {string} label e.g. "Lisbon, Portugal (UTC+0)"
 * @property {string} words what a search looks through, folded
 * @property {number} offset minutes ahead of UTC now
 * @property {string} [same] the browser's own name for the zone, asked only to place an old alias (Asia/Calcutta)
 */

/** @type {Promise<Choice[]> | null} */
let loading = null;

/** Lower case without accents, so "sao paulo" finds São Paulo. */
const fold = (/** @type {string} */ text) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/**
 * "UTC+0", "UTC+1", "UTC−3:30".
 * @param {number} minutes
 */
function offsetText(minutes) {
  if (!minutes) return 'UTC+0';
  const size = Math.abs(minutes);
  const rest = size % 60;
  return `UTC${minutes < 0 ? '−' : '+'}${Math.floor(size / 60)}${rest ? `:${String(rest).padStart(2, '0')}` : ''}`;
}

/**
 * The browser's canonical name for a zone, or '' when it cannot show clocks there.
 * @param {string} name
 */
function browserName(name) {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return '';
  }
}

/**
 * The place a zone is named after: "Buenos Aires"; "Center, North Dakota" where the middle part says more.
 * @param {string} name
 * @param {string} country
 */
function cityOf(name, country) {
  const parts = name.split('/').map((part) => part.replaceAll('_', ' '));
  const city = parts[parts.length - 1];
  return parts.length > 2 && parts[1] !== country ? `${city}, ${parts[1]}` : city;
}

/**
 * Turn the server's rows into labelled choices the browser can use, by label.
 * @param {ZoneRow[]} rows
 * @returns {Promise<Choice[]>}
 */
async function choicesOf(rows) {
  const regions = typeof Intl.DisplayNames === 'function' ? new Intl.DisplayNames(undefined, { type: 'region' }) : null;
  const now = new Date();
  /** @type {Choice[]} */
  const choices = [];
  for (const [n, row] of rows.entries()) {
    // A clock per zone costs a phone a few hundred milliseconds: in slices, so typing never waits.
    if (n % 50 === 49) await new Promise((resolve) => setTimeout(resolve));
    let offset;
    try {
      offset = offsetMinutes(row.name, now);
    } catch {
      continue; // a zone newer than this browser: its clocks could not be shown
    }
    let country = row.country ?? '';
    try {
      if (row.country_code) country = regions?.of(row.country_code) ?? country;
    } catch {
      // An unknown region code: the server's English name will do.
    }
    const label = row.country_code ? `${cityOf(row.name, country)}, ${country} (${offsetText(offset)})` : row.name;
    const words = fold([label, row.name, row.comment, row.country].join(' '));
    choices.push({ name: row.name, label, words, offset });
  }
  return choices.sort((a, b) => a.label.localeCompare(b.label));
}

/** The list, asked of the server once per page; a failure lets the next call try again. */
function loadChoices() {
  loading ??= request('GET', '/time-zones').then(
    (answer) => choicesOf(/** @type {{zones: ZoneRow[]}} */ (answer).zones),
    (error) => {
      loading = null;
      throw error;
    },
  );
  return loading;
}

/**
 * An offset typed as "+2", "utc-3:30", "GMT+0530": its minutes, or null when the word is not one.
 * @param {string} word folded
 */
function typedOffset(word) {
  const match = /^(?:utc|gmt)?([+\-−])(\d{1,2})(?::?(\d{2}))?$/.exec(word);
  if (!match) return null;
  const minutes = Number(match[2]) * 60 + Number(match[3] ?? 0);
  return match[1] === '+' ? minutes : -minutes;
}

/**
 * Whether a choice matches every word of the search.
 * @param {Choice} choice
 * @param {string[]} words folded
 */
function matches(choice, words) {
  return words.every((word) => {
    const offset = typedOffset(word);
    return offset === null ? choice.words.includes(word) : choice.offset === offset;
  });
}

/**
 * Fill the select with every zone, the device's first, and let the search box narrow it.
 * @param {HTMLSelectElement} select
 * @param {HTMLInputElement} filter
 * @param {HTMLElement} status
 */
export async function fillZonePicker(select, filter, status) {
  const choices = await loadChoices();
  /** @param {string} name an IANA name, maybe an old alias the browser reports (Asia/Calcutta) */
  const find = (name) => {
    const exact = choices.find((c) => c.name === name);
    const same = exact ? '' : browserName(name);
    if (!same) return exact;
    // An alias keeps its place's offset: only those zones need asking for their browser name.
    const offset = offsetMinutes(name, new Date());
    return choices.find((c) => c.offset === offset && (c.same ??= browserName(c.name)) === same);
  };
  const device = find(Intl.DateTimeFormat().resolvedOptions().timeZone);
  const option = (/** @type {Choice} */ c) => new Option(c.label, c.name);
  let chosen = select.value;

  const render = () => {
    // Chosen so far, sent by its current name: the device's zone at sign-up may be an old alias.
    if (select.value) chosen = find(select.value)?.name ?? select.value;
    const words = fold(filter.value).split(/\s+/).filter(Boolean);
    const found = words.length ? choices.filter((c) => matches(c, words)) : choices;
    status.textContent = found.length ? '' : 'No time zone matches. Try a nearby city, the country, or an offset like UTC+2.';
    if (!found.length) return;
    /** @type {(HTMLOptionElement | HTMLOptGroupElement)[]} */
    const items = [];
    if (words.length || !device) items.push(...found.map(option));
    else {
      const mine = Object.assign(document.createElement('optgroup'), { label: 'This device' });
      const all = Object.assign(document.createElement('optgroup'), { label: 'All time zones' });
      mine.append(option(device));
      all.append(...found.filter((c) => c !== device).map(option));
      items.push(mine, all);
    }
    // A saved zone the list does not hold stays selectable, or saving would change it.
    if (!words.length && !find(chosen)) items.unshift(new Option(zoneLabel(chosen), chosen));
    select.replaceChildren(...items);
    if (words.length && !found.some((c) => c.name === chosen)) chosen = found[0].name;
    select.value = chosen;
  };

  filter.addEventListener('input', render);
  filter.addEventListener('keydown', (event) => {
    // Enter picks from the narrowed list rather than sending the form.
    if (event.key !== 'Enter') return;
    event.preventDefault();
    select.focus();
  });
  render();
}
