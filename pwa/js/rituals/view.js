// @ts-check
// Rituals: the next visit, the couple's rituals and the form to add one, date nights, and our days.
import { busy, fromTemplate, ref, showProblem } from '../shell/dom.js';
import { actionLine } from '../shell/said.js';
import { daysToGo, whenWords } from './days.js';
import { changesOf, editForm, readForm, ritualForm as blankRitualForm } from './form.js';
import { anniversaryItem, dateItem, ritualItem, titleOf, whenOf } from './items.js';

/** @typedef {import('./controller.js').RitualsState} RitualsState */
/** @typedef {import('./rules.js').DateNight} DateNight */
/** @typedef {import('./rules.js').Ritual} Ritual */

/**
 * @typedef {object} Editing the ritual being changed: its line (kept as it is while the form is open) and form
 * @property {string} id
 * @property {HTMLLIElement} item
 * @property {HTMLFormElement} form
 */

/**
 * @typedef {object} RitualsActions
 * @property {(fields: Record<string, any>) => Promise<void>} define
 * @property {(id: string, changes: Record<string, any>) => Promise<void>} update
 * @property {(id: string) => Promise<void>} done
 * @property {(markId: string) => Promise<void>} undone
 * @property {(id: string) => Promise<void>} pause
 * @property {(id: string) => Promise<void>} resume
 * @property {(id: string) => Promise<void>} remove
 * @property {(fields: {on: string, place: string}) => Promise<void>} visit
 * @property {() => Promise<void>} clearVisit
 * @property {(fields: {at: string, what: string, place: string}) => Promise<void>} plan
 * @property {(id: string) => Promise<void>} cancel
 * @property {(night: DateNight) => Promise<void>} remember
 * @property {(fields: {title: string, on: string, remind: boolean}) => Promise<void>} addDay
 * @property {(id: string, remind: boolean) => Promise<void>} remind
 * @property {(id: string) => Promise<void>} removeDay
 */

/** Bind a form's submit: read, check, act, reset. */
function onSubmit(/** @type {HTMLFormElement} */ form, /** @type {() => Promise<Record<string, string> | void>} */ act) {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(/** @type {HTMLButtonElement} */ (form.querySelector('button[type="submit"]')), async () => {
      showProblem(form, null);
      try {
        const fields = await act();
        if (fields && Object.keys(fields).length) showProblem(form, { message: '', fields });
      } catch (error) {
        showProblem(form, /** @type {any} */ (error));
      }
    });
  });
}

/** Put the items into the list in order, leaving in place those already there (the focus stays where it was). */
function placeItems(/** @type {HTMLElement} */ list, /** @type {HTMLElement[]} */ items) {
  const keep = new Set(items);
  for (const child of [...list.children]) if (!keep.has(/** @type {HTMLElement} */ (child))) child.remove();
  items.forEach((item, index) => {
    if (list.children[index] !== item) list.insertBefore(item, list.children[index] ?? null);
  });
}

/** Where the focus is in a list of items: the item's id and the button's words, to find it again in a new line. */
function focusIn(/** @type {HTMLElement} */ list) {
  const button = document.activeElement;
  const item = button?.closest('li[data-id]');
  if (!(button instanceof HTMLElement) || !(item instanceof HTMLElement) || !list.contains(item)) return null;
  return { id: item.dataset.id ?? '', action: button.dataset.action ?? button.textContent ?? '' };
}

/** Focus the same button in the item's new line, or its first button when that one is gone. */
function refocus(/** @type {HTMLElement} */ list, /** @type {{id: string, action: string} | null} */ was) {
  if (!was || list.contains(document.activeElement)) return;
  const item = [...list.querySelectorAll('li[data-id]')].find((li) => /** @type {HTMLElement} */ (li).dataset.id === was.id);
  const buttons = /** @type {HTMLButtonElement[]} */ ([...(item?.querySelectorAll('button') ?? [])]);
  (buttons.find((b) => (b.dataset.action ?? b.textContent) === was.action) ?? buttons[0])?.focus({ preventScroll: true });
}

/**
 * Render Rituals into the slot and bind its forms.
 * @param {HTMLElement} slot
 * @param {RitualsActions} actions
 * @returns {{render: (state: RitualsState) => void}}
 */
export function showRituals(slot, actions) {
  const section = fromTemplate('tpl-rituals');
  const visitForm = /** @type {HTMLFormElement} */ (section.querySelector('#visit-form'));
  const ritualForm = blankRitualForm('ritual');
  ref(section, 'ritual-form-slot').replaceWith(ritualForm);
  const dateForm = /** @type {HTMLFormElement} */ (section.querySelector('#date-form'));
  const dayForm = /** @type {HTMLFormElement} */ (section.querySelector('#anniversary-form'));
  const field = (/** @type {HTMLFormElement} */ form, /** @type {string} */ name) => /** @type {HTMLInputElement} */ (form.elements.namedItem(name));
  const added = actionLine(ref(ritualForm, 'status'));
  const list = ref(section, 'list');
  const changed = actionLine(ref(section, 'list-status'));
  /** @type {RitualsState | null} */
  let state = null;
  /** @type {Editing | null} */
  let editing = null;
  slot.replaceChildren(section);

  onSubmit(ritualForm, async () => {
    const read = readForm(ritualForm);
    if ('problems' in read) return read.problems;
    const { type, name, days, time, timing } = read.values;
    await actions.define({ type, ...(type === 'own' ? { name } : {}), days, time, timing });
    added.say('Added. You will each be reminded on its days.');
  });

  /** Close the open change form; the ritual's line comes back with the focus on its Edit. */
  const closeEdit = (/** @type {string} */ text) => {
    const id = editing?.id ?? '';
    editing = null;
    if (state) render(state);
    if (text) changed.say(text);
    const line = [...list.children].find((li) => /** @type {HTMLElement} */ (li).dataset.id === id);
    /** @type {HTMLElement | null | undefined} */ (line?.querySelector('[data-action="edit"]'))?.focus({ preventScroll: true });
  };
  /** Open the form that changes a ritual in its line, prefilled with the ritual as I see it now. */
  const startEdit = (/** @type {Ritual} */ ritual) => {
    if (!state) return;
    if (editing) closeEdit('');
    const title = titleOf(ritual);
    const form = editForm(ritual, title, state.me);
    const item = /** @type {HTMLLIElement} */ (document.createElement('li'));
    item.className = 'rituals-item';
    item.dataset.id = ritual.id;
    const name = Object.assign(document.createElement('p'), { className: 'rituals-item-title', textContent: title });
    const when = Object.assign(document.createElement('p'), { className: 'hint', textContent: whenOf(ritual, state) });
    item.append(name, when, form);
    editing = { id: ritual.id, item, form };
    ref(form, 'cancel').addEventListener('click', () => closeEdit(''));
    onSubmit(form, async () => {
      const read = readForm(form);
      if ('problems' in read) return read.problems;
      // The ritual as it is now: the partner may have changed it while the form was open.
      const now = state?.rituals.find((r) => r.id === ritual.id) ?? ritual;
      const changes = changesOf(now, read.values, /** @type {RitualsState} */ (state).me);
      if (changes) await actions.update(ritual.id, changes);
      closeEdit(changes ? 'Your changes are saved.' : 'Nothing changed, so there was nothing to save.');
    });
    if (state) render(state);
    /** @type {HTMLElement} */ (form.elements.namedItem('type')).focus();
  };
  onSubmit(visitForm, async () => {
    const on = field(visitForm, 'on').value;
    if (!on) return { on: 'Choose the day.' };
    if (state && on < state.today) return { on: 'Choose today or a day to come.' };
    await actions.visit({ on, place: field(visitForm, 'place').value.trim() });
  });
  ref(visitForm, 'clear').addEventListener('click', () => actions.clearVisit().catch(console.error));
  onSubmit(dateForm, async () => {
    const at = field(dateForm, 'at').value;
    const what = field(dateForm, 'what').value.trim();
    if (!at) return { at: 'Choose when.' };
    if (!what) return { what: 'Say what you will do.' };
    await actions.plan({ at, what, place: field(dateForm, 'place').value.trim() });
    dateForm.reset();
  });
  onSubmit(dayForm, async () => {
    const title = field(dayForm, 'title').value.trim();
    const on = field(dayForm, 'on').value;
    if (!title) return { title: 'Give the day a name.' };
    if (!on) return { on: 'Choose the day.' };
    await actions.addDay({ title, on, remind: field(dayForm, 'remind').checked });
    dayForm.reset();
  });

  /** Show the state; a line being changed keeps its form as typed. */
  function render(/** @type {RitualsState} */ next) {
    state = next;
    ref(section, 'solo-note').hidden = !next.solo;
    for (const form of [visitForm, ritualForm, dateForm, dayForm]) form.hidden = next.solo;
    const visit = next.visit;
    const visitNow = ref(visitForm, 'visit-now');
    if (visit) {
      const days = daysToGo(visit.on, next.me.user.time_zone);
      visitNow.textContent = `${days === 0 ? 'Today' : `${whenWords(days)[0].toUpperCase()}${whenWords(days).slice(1)}`}${visit.place ? `, in ${visit.place}` : ''}.`;
      if (document.activeElement?.closest('#visit-form') == null) {
        field(visitForm, 'on').value = visit.on;
        field(visitForm, 'place').value = visit.place;
      }
    } else visitNow.textContent = '';
    ref(visitForm, 'clear').hidden = !visit;

    const open = editing;
    if (open && (next.solo || !next.rituals.some((r) => r.id === open.id && !r.archived))) {
      if (!next.solo) changed.say('The ritual you were changing has been removed.');
      editing = null;
    }
    const was = focusIn(list);
    placeItems(list, next.rituals.map((ritual) => {
      if (ritual.id === editing?.id) {
        const [name, when] = editing.item.children;
        name.textContent = titleOf(ritual);
        when.textContent = whenOf(ritual, next);
        return editing.item;
      }
      return ritualItem(ritual, { done: next.doneToday.get(ritual.id) ?? null, state: next, actions, edit: () => startEdit(ritual) });
    }));
    refocus(list, was);
    ref(section, 'empty').hidden = next.rituals.length > 0;
    ref(section, 'dates').replaceChildren(...next.dates.map((night) => dateItem(night, next, actions)));
    ref(section, 'anniversaries').replaceChildren(...next.days.map((day) => anniversaryItem(day, next, actions)));
    added.check();
    changed.check();
  }

  return { render };
}
