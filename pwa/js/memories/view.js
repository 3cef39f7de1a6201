// @ts-check
// Timeline: the memories by month, the forms that add and edit them, and the bin of deleted ones.
import { busy, fromTemplate, ref } from '../shell/dom.js';
import { actionLine } from '../shell/said.js';
import { bindAdd } from './add.js';
import { showBin } from './bin.js';
import { bindForm, editForm, fillMemory, memoryForm } from './card.js';

/** @typedef {import('./rules.js').Memory} Memory */
/** @typedef {import('./card.js').MemoryValues} MemoryValues */

/**
 * @typedef {object} TimelineState
 * @property {import('../core/api.js').Me} me
 * @property {{memory: Memory, day: string}[]} entries every memory I can see, newest first, with the day it sorts by
 * @property {import('./photos.js').PhotoSource} sourceOf where each photo is shown from
 */

/**
 * @typedef {object} TimelineActions
 * @property {(values: MemoryValues) => Promise<string>} add resolves with the new memory's id
 * @property {(seen: Memory, values: MemoryValues) => Promise<boolean>} edit seen: the memory as the form showed it; false when nothing changed
 * @property {(id: string) => Promise<void>} remove
 * @property {(id: string) => Promise<void>} restore
 * @property {() => string} today my local day now, YYYY-MM-DD: a new memory's date unless the user picks another
 */

/** @typedef {{item: HTMLElement, card: HTMLElement, key: string, entry: {memory: Memory, day: string}, form: HTMLFormElement | null}} Card */

/** Who is who, as a key: a new name redraws what shows it. */
const names = (/** @type {import('../core/api.js').Me} */ me) => [me.user.id, me.user.display_name, me.partner?.id, me.partner?.display_name].join('|');

const monthFormat = new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' });

/**
 * Render Timeline into the slot and bind its forms.
 * @param {HTMLElement} slot
 * @param {TimelineActions} actions
 * @returns {{render: (state: TimelineState) => void, draft: (values: Partial<Memory>) => void}}
 */
export function showTimeline(slot, actions) {
  const section = fromTemplate('tpl-timeline');
  const months = ref(section, 'months');
  const status = ref(section, 'status');
  const undo = /** @type {HTMLButtonElement} */ (ref(section, 'undo'));
  const opener = /** @type {HTMLButtonElement} */ (ref(section, 'add'));
  const addForm = memoryForm('memory');
  addForm.hidden = true;
  ref(section, 'new-slot').replaceChildren(addForm);
  /** @type {TimelineState | null} */
  let state = null;
  /** @type {Map<string, Card>} */
  const cards = new Map();
  let layout = '';
  let binKey = '';
  /** @type {string | null} */
  let undoable = null;
  const line = actionLine(status, {
    keepWhileIn: /** @type {HTMLElement} */ (status.parentElement),
    cleared: () => {
      undoable = null;
      undo.hidden = true;
    },
  });

  /** The memory with this id as the screen last showed it. */
  const shownMemory = (/** @type {string} */ id) => state?.entries.find((e) => e.memory.id === id)?.memory;
  /** Whether the memory is on the timeline (there, and not deleted). */
  const onTimeline = (/** @type {string} */ id) => shownMemory(id)?.deleted === false;

  /**
   * Say what just happened, for as long as it holds; with an id, offer to undo that deletion.
   * @param {string} text
   * @param {() => boolean} [holds]
   * @param {string | null} [deleted]
   */
  const say = (text, holds, deleted = null) => {
    undoable = deleted;
    undo.hidden = !deleted;
    line.say(text, holds);
  };

  const { draft } = bindAdd(addForm, opener, {
    add: actions.add,
    today: actions.today,
    sourceOf: () => state?.sourceOf ?? null,
    added(id, title) {
      say(`“${title}” was added.`, () => onTimeline(id));
      cards.get(id)?.card.focus();
    },
  });

  /** Replace a card's content by its edit form, prefilled with the memory as it is now. */
  const startEdit = (/** @type {Card} */ entry) => {
    const seen = entry.entry.memory;
    if (!state) return;
    const form = editForm(seen, seen.author_id === state.me.user.id, state.sourceOf);
    entry.form = form;
    const close = (/** @type {string} */ text, /** @type {boolean} */ saved) => {
      entry.form = null;
      entry.key = '';
      form.remove();
      ref(entry.card, 'view').hidden = false;
      if (state) render(state);
      if (text) say(text, saved ? () => onTimeline(seen.id) : undefined);
      (cards.get(seen.id) ? ref(entry.card, 'edit') : opener).focus();
    };
    bindForm(form, async (values) => {
      const sent = await actions.edit(seen, values);
      close(sent ? 'Your changes are saved.' : 'Nothing changed, so there was nothing to save.', sent);
    }, () => close('', false));
    ref(entry.card, 'view').hidden = true;
    entry.card.append(form);
    /** @type {HTMLInputElement} */ (form.elements.namedItem('title')).focus();
  };

  /** A new card, its buttons bound once for its whole life. */
  const makeCard = (/** @type {{memory: Memory, day: string}} */ entry) => {
    const item = fromTemplate('tpl-memory');
    const card = ref(item, 'card');
    /** @type {Card} */
    const made = { item, card, key: '', entry, form: null };
    const edit = /** @type {HTMLButtonElement} */ (ref(card, 'edit'));
    const remove = /** @type {HTMLButtonElement} */ (ref(card, 'delete'));
    edit.addEventListener('click', () => startEdit(made));
    remove.addEventListener('click', () => busy(remove, async () => {
      const { id, title } = made.entry.memory;
      await actions.remove(id);
      say(`“${title}” was deleted.`, () => Boolean(shownMemory(id)?.deleted), id);
      undo.focus();
    }));
    return made;
  };

  undo.addEventListener('click', () => busy(undo, async () => {
    const id = undoable;
    if (!id) return;
    await actions.restore(id);
    say('The memory is back.', () => onTimeline(id));
    cards.get(id)?.card.focus();
  }));

  /** The bin: deleted memories and until when each can be restored. */
  const renderBin = (/** @type {TimelineState} */ next) => {
    const deleted = next.entries.map((e) => e.memory).filter((m) => m.deleted && !cards.get(m.id)?.form);
    const key = JSON.stringify([names(next.me), deleted.map((m) => [m.id, m.title, m.restorable_until, m.deleted_by, m.pending, m.archived])]);
    if (key === binKey) return;
    binKey = key;
    showBin(ref(section, 'bin'), deleted, next.me, async (memory) => {
      await actions.restore(memory.id);
      say(`“${memory.title}” is back.`, () => onTimeline(memory.id));
      cards.get(memory.id)?.card.focus();
    });
  };

  /** @param {TimelineState} next */
  const render = (next) => {
    state = next;
    const { me } = next;
    ref(section, 'intro').textContent = me.partner
      ? `The memories you share with ${me.partner.display_name}, newest first. Either of you can add and edit them.`
      : 'Your memories, newest first. Once you pair, the ones you share are there for both of you.';
    const known = names(me);
    // A memory being edited stays on screen, even if deleted meanwhile, so no typed word is lost.
    const shown = next.entries.filter((e) => !e.memory.deleted || cards.get(e.memory.id)?.form);
    const ids = new Set(shown.map((e) => e.memory.id));
    for (const [id, card] of cards) {
      if (ids.has(id)) continue;
      if (card.form) shown.push(card.entry);
      else cards.delete(id);
    }
    for (const entry of shown) {
      const { memory } = entry;
      const card = cards.get(memory.id) ?? makeCard(entry);
      cards.set(memory.id, card);
      const changedMeanwhile = card.form && JSON.stringify(card.entry.memory.field_versions) !== JSON.stringify(memory.field_versions);
      if (card.form) {
        if (changedMeanwhile) ref(card.form, 'changed-note').hidden = false;
        continue;
      }
      card.entry = entry;
      const sources = (memory.photos ?? []).map((p) => next.sourceOf(p.hash, 'thumb'));
      const key = `${known}|${JSON.stringify(entry)}|${sources}`;
      if (key === card.key) continue;
      card.key = key;
      const editable = !memory.archived && (memory.visibility === 'shared' || memory.author_id === me.user.id);
      fillMemory(card.card, memory, { me, day: entry.day, editable, sourceOf: next.sourceOf });
    }
    ref(section, 'empty').hidden = shown.length > 0;
    placeCards(shown);
    renderBin(next);
    line.check();
  };

  /** Group the cards under month headings, moving elements only when the order changed. */
  const placeCards = (/** @type {{memory: Memory, day: string}[]} */ shown) => {
    /** @type {Map<string, HTMLElement[]>} */
    const groups = new Map();
    for (const { memory, day } of shown) {
      const month = day.slice(0, 7);
      groups.set(month, [...(groups.get(month) ?? []), /** @type {Card} */ (cards.get(memory.id)).item]);
    }
    const next = JSON.stringify([...groups].map(([month, items]) => [month, items.map((i) => ref(i, 'card').dataset.id)]));
    if (next === layout) return;
    layout = next;
    // Moving the element that has the focus would drop it, and with it the user's place.
    const active = document.activeElement;
    months.replaceChildren(...[...groups].map(([month, items]) => {
      const group = fromTemplate('tpl-timeline-month');
      ref(group, 'title').textContent = monthFormat.format(new Date(`${month}-15T12:00:00Z`));
      ref(group, 'list').replaceChildren(...items);
      return group;
    }));
    if (active instanceof HTMLElement && active !== document.activeElement && months.contains(active)) active.focus({ preventScroll: true });
  };

  slot.replaceChildren(section);
  return { render, draft };
}
