// @ts-check
// One memory on the Timeline: its card with history, and the form that adds or edits a memory.
import { busy, fromTemplate, ref, renameIds, showProblem } from '../shell/dom.js';
import { fillPhotos, photoPicker } from './photos.js';

/** @typedef {import('./rules.js').Memory} Memory */
/** @typedef {import('./rules.js').HistoryEntry} HistoryEntry */
/** @typedef {import('../core/api.js').Me} Me */

/**
 * @typedef {object} MemoryValues what the form gives the controller
 * @property {string} title
 * @property {string} story
 * @property {string | null} happened_on YYYY-MM-DD
 * @property {string} place
 * @property {string[]} tags
 * @property {'shared' | 'private'} visibility
 * @property {import('./photos.js').PickedPhoto[]} photos in the order shown
 */

/** @typedef {import('./photos.js').PhotoSource} PhotoSource */

/** @type {WeakMap<HTMLFormElement, ReturnType<typeof photoPicker>>} */
const pickers = new WeakMap();

const LABELS = { title: 'Title', story: 'Story', happened_on: 'Date', place: 'Place', tags: 'Tags' };
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/** A YYYY-MM-DD day for people, e.g. "Sat, 28 November 2026". */
const dayLabel = (/** @type {string} */ day) => dayFormat.format(new Date(`${day}T12:00:00Z`));

/**
 * A moment as a short date in the user's time zone, with the year only when it is not this one.
 * @param {string} iso
 * @param {string} timeZone
 */
export function shortDate(iso, timeZone) {
  const at = new Date(iso);
  const year = (/** @type {Date} */ d) => new Intl.DateTimeFormat('en', { timeZone, year: 'numeric' }).format(d);
  const options = /** @type {Intl.DateTimeFormatOptions} */ ({ timeZone, day: 'numeric', month: 'short' });
  if (year(at) !== year(new Date())) options.year = 'numeric';
  return new Intl.DateTimeFormat(undefined, options).format(at);
}

/** The name of whoever wrote something, as this user knows them. */
export function nameOf(/** @type {Me} */ me, /** @type {string | null | undefined} */ id) {
  if (!id) return 'someone';
  if (id === me.user.id) return me.user.display_name;
  if (id === me.partner?.id) return me.partner.display_name;
  return 'a former partner';
}

/** A field's value in words, quoted so that empty and spaces show. */
function valueText(/** @type {string} */ field, /** @type {any} */ value) {
  if (field === 'happened_on') return value ? dayLabel(value) : 'no date';
  if (field === 'tags') return value?.length ? `“${value.join(', ')}”` : 'no tags';
  return value ? `“${value}”` : 'empty';
}

/**
 * One history entry in words: 'Title was “Beach day” (Alex), replaced by Sam on 29 Nov.'
 * @param {HistoryEntry} entry
 * @param {Me} me
 */
function historyText(entry, me) {
  const label = LABELS[/** @type {keyof LABELS} */ (entry.field)] ?? entry.field;
  const when = shortDate(entry.at, me.user.time_zone);
  return `${label} was ${valueText(entry.field, entry.value)} (${nameOf(me, entry.by)}), replaced by ${nameOf(me, entry.replaced_by)} on ${when}.`;
}

/** A small pill, e.g. "Private". */
function badge(/** @type {string} */ text, /** @type {string} */ kind) {
  return Object.assign(document.createElement('span'), { className: `badge ${kind}`, textContent: text });
}

/**
 * Fill a memory card in place, so an open History and the focus survive a background sync.
 * @param {HTMLElement} card the .memory element of tpl-memory
 * @param {Memory} memory
 * @param {{me: Me, day: string, editable: boolean, sourceOf: PhotoSource}} context
 */
export function fillMemory(card, memory, { me, day, editable, sourceOf }) {
  card.dataset.id = memory.id;
  const time = Object.assign(document.createElement('time'), { className: 'memory-day', dateTime: day, textContent: dayLabel(day) });
  // Badges are added or left out, never hidden: "waiting" means exactly what is on screen.
  ref(card, 'badges').replaceChildren(
    time,
    ...(memory.pending ? [badge('Waiting to sync', 'pending')] : []),
    ...(memory.visibility === 'private' ? [badge('Private', 'private-marker')] : []),
  );
  ref(card, 'title').textContent = memory.title;
  const by = memory.author_id === me.user.id ? '' : `Added by ${nameOf(me, memory.author_id)}`;
  ref(card, 'meta').textContent = [memory.place, by].filter(Boolean).join(' · ');
  ref(card, 'meta').hidden = !memory.place && !by;
  ref(card, 'story').textContent = memory.story;
  ref(card, 'story').hidden = !memory.story;
  fillPhotos(ref(card, 'photos'), memory.photos ?? [], sourceOf, memory.title);
  const tags = ref(card, 'tags');
  tags.replaceChildren(...(memory.tags ?? []).map((tag) => Object.assign(document.createElement('li'), { textContent: tag })));
  tags.hidden = !tags.childElementCount;

  const history = [...(memory.history ?? [])].reverse();
  ref(card, 'history').hidden = !history.length;
  ref(card, 'history-count').textContent = String(history.length);
  ref(card, 'history-list').replaceChildren(...history.map((entry) => {
    const item = document.createElement('li');
    item.textContent = historyText(entry, me);
    if (entry.conflict) item.append(' ', badge('Written at the same time', 'conflict'));
    return item;
  }));

  ref(card, 'actions').hidden = !editable;
  const what = `“${memory.title}”`;
  ref(card, 'edit').setAttribute('aria-label', `Edit ${what}`);
  ref(card, 'delete').setAttribute('aria-label', `Delete ${what}`);
}

/**
 * A memory form from tpl-memory-form, its ids made unique with the prefix (the add form keeps 'memory').
 * @param {string} prefix
 * @returns {HTMLFormElement}
 */
export function memoryForm(prefix) {
  const form = /** @type {HTMLFormElement} */ (fromTemplate('tpl-memory-form'));
  pickers.set(form, photoPicker(ref(form, 'photos'), () => import('./photo-prep.js')));
  if (prefix !== 'memory') renameIds(form, 'memory', prefix);
  return form;
}

/**
 * The form that edits a memory in its card, prefilled with the memory as it is now.
 * @param {Memory} memory
 * @param {boolean} mine only the author chooses who sees a memory
 * @param {PhotoSource} sourceOf
 */
export function editForm(memory, mine, sourceOf) {
  const form = memoryForm(`memory-edit-${memory.id}`);
  ref(form, 'form-title').textContent = 'Edit memory';
  ref(form, 'submit').textContent = 'Save changes';
  ref(form, 'private-box').hidden = !mine;
  prefillForm(form, memory, '', sourceOf);
  return form;
}

/**
 * Bind a memory form: its values go to save when valid; problems show in the form.
 * @param {HTMLFormElement} form
 * @param {(values: MemoryValues) => Promise<void>} save
 * @param {() => void} cancel
 */
export function bindForm(form, save, cancel) {
  ref(form, 'cancel').addEventListener('click', () => {
    showProblem(form, null);
    cancel();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(ref(form, 'submit'), async () => {
      showProblem(form, null);
      const read = await readForm(form);
      if ('problem' in read) return showProblem(form, read.problem);
      try {
        await save(read.values);
      } catch (problem) {
        showProblem(form, /** @type {import('../shell/dom.js').Problem} */ (problem));
      }
    });
  });
}

const input = (/** @type {HTMLFormElement} */ form, /** @type {string} */ name) =>
  /** @type {HTMLInputElement} */ (form.elements.namedItem(name));

/**
 * Put a memory's values into the form; without one, an empty form dated today.
 * @param {HTMLFormElement} form
 * @param {Memory | null} memory
 * @param {string} today YYYY-MM-DD
 * @param {PhotoSource} sourceOf
 */
export function prefillForm(form, memory, today, sourceOf) {
  input(form, 'title').value = memory?.title ?? '';
  input(form, 'story').value = memory?.story ?? '';
  input(form, 'happened_on').value = memory ? memory.happened_on ?? '' : today;
  input(form, 'place').value = memory?.place ?? '';
  input(form, 'tags').value = memory?.tags?.join(', ') ?? '';
  input(form, 'private').checked = memory?.visibility === 'private';
  pickers.get(form)?.set(memory?.photos ?? [], sourceOf);
}

/**
 * The form's values, or the problem that keeps them from being saved.
 * @param {HTMLFormElement} form
 * @returns {Promise<{values: MemoryValues} | {problem: import('../shell/dom.js').Problem}>}
 */
async function readForm(form) {
  const title = input(form, 'title').value.trim();
  const tags = [...new Set(input(form, 'tags').value.split(',').map((t) => t.trim()).filter(Boolean))];
  /** @type {Record<string, string>} */
  const fields = {};
  if (!title) fields.title = 'Give the memory a title.';
  if (tags.length > 20 || tags.some((t) => t.length > 40)) fields.tags = 'Up to 20 words of at most 40 letters each.';
  if (Object.keys(fields).length) return { problem: { message: '', fields } };
  return {
    values: {
      title,
      story: input(form, 'story').value.trim(),
      happened_on: input(form, 'happened_on').value || null,
      place: input(form, 'place').value.trim(),
      tags,
      visibility: input(form, 'private').checked ? 'private' : 'shared',
      // Waits for photos still being resized.
      photos: (await pickers.get(form)?.values()) ?? [],
    },
  };
}
