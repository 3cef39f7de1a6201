// @ts-check
// Recently deleted, on the Timeline: each memory with who deleted it and when, and until when it can come back.
import { busy, fromTemplate, ref } from '../shell/dom.js';
import { nameOf, shortDate } from './card.js';

/** @typedef {import('./rules.js').Memory} Memory */
/** @typedef {import('../core/api.js').Me} Me */

/**
 * Who deleted a memory and when, e.g. "Deleted by Sam on 30 Nov" (older deletions do not say who).
 * @param {Memory} memory
 * @param {Me} me
 */
function deletedText(memory, me) {
  const by = memory.deleted_by === me.user.id ? 'you' : memory.deleted_by && nameOf(me, memory.deleted_by);
  const on = memory.deleted_at ? ` on ${shortDate(memory.deleted_at, me.user.time_zone)}` : '';
  return `Deleted${by ? ` by ${by}` : ''}${on}`;
}

/**
 * A row of Recently deleted: the memory's title, who deleted it and when, and until when it can be restored.
 * @param {Memory} memory
 * @param {Me} me
 * @returns {{row: HTMLElement, restore: HTMLButtonElement}}
 */
function deletedRow(memory, me) {
  const row = fromTemplate('tpl-timeline-deleted');
  row.dataset.id = memory.id;
  ref(row, 'title').textContent = memory.title;
  if (!memory.pending) ref(row, 'pending').remove();
  const until = memory.restorable_until;
  const open = Boolean(until && until > new Date().toISOString() && !memory.archived);
  const restorable = open && until ? `Can be restored until ${shortDate(until, me.user.time_zone)}` : 'Can no longer be restored';
  ref(row, 'until').textContent = `${deletedText(memory, me)} · ${restorable}`;
  const restore = /** @type {HTMLButtonElement} */ (ref(row, 'restore'));
  restore.hidden = !open;
  restore.setAttribute('aria-label', `Restore “${memory.title}”`);
  return { row, restore };
}

/**
 * Fill the bin (a <details> holding bin-count and bin-list) with the deleted memories.
 * @param {HTMLElement} bin
 * @param {Memory[]} deleted
 * @param {Me} me
 * @param {(memory: Memory) => Promise<void>} restore
 */
export function showBin(bin, deleted, me, restore) {
  bin.hidden = !deleted.length;
  ref(bin, 'bin-count').textContent = String(deleted.length);
  ref(bin, 'bin-list').replaceChildren(...deleted.map((memory) => {
    const { row, restore: button } = deletedRow(memory, me);
    button.addEventListener('click', () => busy(button, () => restore(memory)));
    return row;
  }));
}
