// @ts-check
// The ritual form: the one that adds a ritual, and its copy in a ritual's line that changes it, prefilled
// with the ritual as the person sees it (a shared moment at their own time), sending only what changed.
import { fromTemplate, ref, renameIds } from '../shell/dom.js';
import { sharedIn } from './days.js';

/** @typedef {import('./rules.js').Ritual} Ritual */
/** @typedef {import('../core/api.js').Me} Me */

/** @typedef {{type: string, name: string, days: number[], time: string, timing: string}} RitualValues */

const input = (/** @type {HTMLFormElement} */ form, /** @type {string} */ name) =>
  /** @type {HTMLInputElement} */ (form.elements.namedItem(name));

/**
 * A ritual form from its template; a prefix other than 'ritual' renames its ids, so that copies live side by side.
 * @param {string} prefix
 * @returns {HTMLFormElement}
 */
export function ritualForm(prefix) {
  const form = /** @type {HTMLFormElement} */ (fromTemplate('tpl-ritual-form'));
  const type = /** @type {HTMLSelectElement} */ (form.elements.namedItem('type'));
  type.addEventListener('change', () => {
    ref(form, 'name-field').hidden = type.value !== 'own';
  });
  if (prefix !== 'ritual') renameIds(form, 'ritual', prefix);
  return form;
}

/** A ritual's values as the person sees them: a shared moment at their own time, on their own days. */
export function valuesOf(/** @type {Ritual} */ ritual, /** @type {Me} */ me) {
  const seen = ritual.timing === 'shared' ? sharedIn(ritual, me.user.time_zone) : ritual;
  return { type: ritual.type, name: ritual.name ?? '', days: [...seen.days].sort(), time: seen.time, timing: ritual.timing };
}

/** Put the values into the form. */
function fill(/** @type {HTMLFormElement} */ form, /** @type {RitualValues} */ values) {
  /** @type {HTMLSelectElement} */ (form.elements.namedItem('type')).value = values.type;
  ref(form, 'name-field').hidden = values.type !== 'own';
  input(form, 'name').value = values.name;
  for (const box of form.querySelectorAll('input[name="days"]')) {
    const day = /** @type {HTMLInputElement} */ (box);
    day.checked = values.days.includes(Number(day.value));
  }
  input(form, 'time').value = values.time;
  for (const radio of form.querySelectorAll('input[name="timing"]')) {
    /** @type {HTMLInputElement} */ (radio).checked = /** @type {HTMLInputElement} */ (radio).value === values.timing;
  }
}

/**
 * The form that changes a ritual in its line, prefilled.
 * @param {Ritual} ritual
 * @param {string} title the ritual's name, for the form's heading
 * @param {Me} me
 */
export function editForm(ritual, title, me) {
  const form = ritualForm(`ritual-edit-${ritual.id}`);
  form.classList.remove('card');
  const heading = ref(form, 'form-title');
  const smaller = document.createElement('h5');
  smaller.id = heading.id;
  smaller.textContent = `Change “${title}”`;
  heading.replaceWith(smaller);
  ref(form, 'submit').textContent = 'Save changes';
  ref(form, 'cancel').hidden = false;
  fill(form, valuesOf(ritual, me));
  return form;
}

/**
 * The form's values, or the problems (by field) that keep them from being sent.
 * @param {HTMLFormElement} form
 * @returns {{values: RitualValues} | {problems: Record<string, string>}}
 */
export function readForm(form) {
  const type = /** @type {HTMLSelectElement} */ (form.elements.namedItem('type')).value;
  const days = [...form.querySelectorAll('input[name="days"]:checked')].map((box) => Number(/** @type {HTMLInputElement} */ (box).value));
  const name = input(form, 'name').value.trim();
  const time = input(form, 'time').value.slice(0, 5);
  const timing = /** @type {HTMLInputElement | null} */ (form.querySelector('input[name="timing"]:checked'))?.value ?? 'local';
  /** @type {Record<string, string>} */
  const problems = {};
  if (!days.length) problems.days = 'Choose at least one day.';
  if (type === 'own' && !name) problems.name = 'Give your ritual a name.';
  if (!time) problems.time = 'Choose a time.';
  if (Object.keys(problems).length) return { problems };
  return { values: { type, name: type === 'own' ? name : '', days: days.sort(), time, timing } };
}

/**
 * What ritual.update sends for the form's values (without the id), or null when nothing changed. A new day,
 * time or timing sends all three, with my time zone for a shared moment: the form showed them at my time.
 * @param {Ritual} ritual
 * @param {RitualValues} values
 * @param {Me} me
 * @returns {Record<string, any> | null}
 */
export function changesOf(ritual, values, me) {
  const before = valuesOf(ritual, me);
  /** @type {Record<string, any>} */
  const changes = {};
  if (values.type !== before.type) changes.type = values.type;
  if (values.name !== before.name) changes.name = values.name;
  const when = values.time !== before.time || values.timing !== before.timing || values.days.join() !== before.days.join();
  if (when) {
    Object.assign(changes, { days: values.days, time: values.time, timing: values.timing });
    if (values.timing === 'shared') changes.zone = me.user.time_zone;
  }
  return Object.keys(changes).length ? changes : null;
}
