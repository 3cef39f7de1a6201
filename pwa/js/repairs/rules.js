// @ts-check
// The optimistic rules of the repair mutations: what the server will most likely make of them.
// They mirror server/repairs/ step by step. This module loads after the first screen and registers
// itself with core/local-rules.js (which loads it before applying a repair change).
import { registerRules } from '../core/local-rules.js';

/** @typedef {'open' | 'moved_forward' | 'set_aside'} RepairState */
/** @typedef {'acknowledge' | 'reflect' | 'confirm' | 'apology' | 'answer' | 'rhythm_note'} Step */

/**
 * @typedef {object} Rhythm the check-in rhythm of a repair, agreed when both ids are in agreed_by
 * @property {number} daily_days
 * @property {'weekly' | 'none'} then
 * @property {string} proposed_by
 * @property {string[]} agreed_by
 */

/**
 * @typedef {object} RepairEvent
 * @property {'opened' | 'shared' | 'rhythm_proposed' | 'rhythm_agreed' | 'moved_forward' | 'set_aside' | 'reopened'} event
 * @property {string} by
 * @property {string} at ISO 8601
 */

/**
 * @typedef {object} RepairRecord a repair as the server pulls it, plus pending
 * @property {string} id
 * @property {'repair'} kind
 * @property {string} space_id
 * @property {string} author_id who opened it
 * @property {'shared' | 'private'} visibility
 * @property {boolean} archived
 * @property {boolean} deleted
 * @property {string} created_at
 * @property {string} updated_at
 * @property {string} title
 * @property {string} hurt_id the partner who was hurt
 * @property {RepairState} state
 * @property {string} opened_at
 * @property {string | null} moved_forward_at
 * @property {string | null} set_aside_at
 * @property {Rhythm | null} rhythm
 * @property {string} closing_note
 * @property {'repair' | 'memory' | null} kept_as
 * @property {RepairEvent[]} history
 * @property {boolean} [pending]
 */

/**
 * @typedef {object} RepairEntry one piece of writing in a repair, plus pending
 * @property {string} id
 * @property {'repair_entry'} kind
 * @property {string} space_id
 * @property {string} author_id
 * @property {'shared' | 'private'} visibility private: a draft, on its author's devices only
 * @property {boolean} archived
 * @property {boolean} deleted
 * @property {string} created_at
 * @property {string} updated_at
 * @property {string} repair_id
 * @property {Step} step
 * @property {Record<string, string>} parts
 * @property {{parts: Record<string, string>, at: string}[]} revisions earlier parts of a shared entry
 * @property {boolean} [pending]
 */

/** @typedef {import('../core/db.js').StoredRecord} StoredRecord */
/** @typedef {import('../core/db.js').Mutation} Mutation */
/** @typedef {import('../core/api.js').Me} Me */

/** The parts each step is written in, in the order the app asks for them (server/repairs/schemas.py). */
export const PARTS = /** @type {Record<Step, string[]>} */ ({
  acknowledge: ['saw', 'felt', 'need', 'ask'],
  reflect: ['heard'],
  confirm: ['heard', 'missed'],
  apology: ['did', 'responsibility', 'impact', 'learned', 'change'],
  answer: ['text', 'ready'],
  rhythm_note: ['text'],
});
const REQUIRED = /** @type {Record<string, string[]>} */ ({
  reflect: ['heard'], confirm: ['heard'], apology: ['did', 'responsibility'], answer: ['ready'], rhythm_note: ['text'],
});
const CHOICES = /** @type {Record<string, string[]>} */ ({ 'confirm.heard': ['yes', 'not_quite'], 'answer.ready': ['forgive', 'not_yet', 'unsure'] });
export const MAX_PART = 4000;
export const MAX_TITLE = 120;
export const MAX_NOTE = 2000;
export const MAX_DAILY_DAYS = 60;
const MAX_HISTORY = 300;
const MAX_REVISIONS = 50;

/** Text as the server keeps it (trimmed), or null when it would refuse it. */
function clean(/** @type {unknown} */ text, /** @type {number} */ max) {
  if (text === undefined) return '';
  if (typeof text !== 'string' || text.length > max) return null;
  return text.trim();
}

/**
 * The parts as the server keeps them for this step (every part, '' where nothing was written),
 * or null when it would refuse them.
 * @param {Step} step
 * @param {unknown} parts
 * @returns {Record<string, string> | null}
 */
export function cleanParts(step, parts) {
  const allowed = PARTS[step];
  if (!allowed || !parts || typeof parts !== 'object') return null;
  /** @type {Record<string, string>} */
  const kept = Object.fromEntries(allowed.map((name) => [name, '']));
  for (const [name, value] of Object.entries(parts)) {
    const text = clean(value, MAX_PART);
    if (!allowed.includes(name) || text === null) return null;
    kept[name] = text;
  }
  if ((REQUIRED[step] ?? []).some((name) => !kept[name])) return null;
  for (const [key, values] of Object.entries(CHOICES)) {
    const [of, name] = key.split('.');
    if (of === step && kept[name] && !values.includes(kept[name])) return null;
  }
  if (step === 'acknowledge' && !allowed.some((name) => kept[name])) return null;
  if (step === 'confirm' && kept.heard === 'not_quite' && !kept.missed) return null;
  return kept;
}

/** Whether two sets of parts say the same. */
const sameParts = (/** @type {Record<string, string>} */ a, /** @type {Record<string, string>} */ b) =>
  Object.keys({ ...a, ...b }).every((name) => (a[name] ?? '') === (b[name] ?? ''));

/**
 * A copy of the repair with one more history line, marked as waiting for the server.
 * @param {RepairRecord} repair
 * @param {Partial<RepairRecord>} changes
 * @param {RepairEvent['event']} event
 * @param {string} by
 * @param {string} now
 * @returns {RepairRecord}
 */
function withEvent(repair, changes, event, by, now) {
  const history = [...(repair.history ?? []), { event, by, at: now }].slice(-MAX_HISTORY);
  return { ...repair, ...changes, history, updated_at: now, pending: true };
}

/**
 * A new repair, as repair.open makes it; null when the server would refuse it.
 * @param {Record<string, any>} args
 * @param {Me} me
 * @param {string} now
 * @returns {RepairRecord | null}
 */
function open(args, me, now) {
  const title = clean(args.title, MAX_TITLE);
  const visibility = args.visibility ?? 'private';
  if (!me.partner || title === null || !['me', 'partner'].includes(args.hurt) || !['private', 'shared'].includes(visibility)) return null;
  return {
    id: args.id, kind: 'repair', space_id: me.space.id, author_id: me.user.id, visibility, archived: false,
    deleted: false, created_at: now, updated_at: now, title,
    hurt_id: args.hurt === 'me' ? me.user.id : me.partner.id,
    state: 'open', opened_at: now, moved_forward_at: null, set_aside_at: null, rhythm: null, closing_note: '', kept_as: null,
    history: [{ event: 'opened', by: me.user.id, at: now }], pending: true,
  };
}

/**
 * My entry written or rewritten, as repair.write makes it; the record unchanged when the server would refuse.
 * The repair's own rules (its state, who writes which step) are checked by the server: this record alone cannot tell.
 * @param {StoredRecord | undefined} record
 * @param {Record<string, any>} args
 * @param {Me} me
 * @param {string} now
 * @returns {StoredRecord | null}
 */
function write(record, args, me, now) {
  if (!record) {
    const parts = cleanParts(args.step, args.parts);
    const visibility = args.visibility ?? 'private';
    if (!me.partner || !parts || !['private', 'shared'].includes(visibility)) return null;
    /** @type {RepairEntry} */
    const made = {
      id: args.id, kind: 'repair_entry', space_id: me.space.id, author_id: me.user.id, visibility, archived: false,
      deleted: false, created_at: now, updated_at: now, repair_id: args.repair_id, step: args.step, parts, revisions: [], pending: true,
    };
    return made;
  }
  const entry = /** @type {RepairEntry} */ (/** @type {unknown} */ (record));
  if (entry.kind !== 'repair_entry' || entry.author_id !== me.user.id || entry.archived) return record;
  if (entry.repair_id !== args.repair_id || entry.step !== args.step) return record;
  const parts = cleanParts(entry.step, args.parts);
  const visibility = args.visibility ?? entry.visibility;
  const shared = entry.visibility === 'shared';
  // Words the partner has read stay shared.
  if (!parts || (shared && visibility === 'private')) return record;
  if (sameParts(parts, entry.parts) && visibility === entry.visibility) return record;
  // Only words the partner could read are kept: a draft's earlier wordings are its own.
  const revisions = shared && !sameParts(parts, entry.parts)
    ? [...(entry.revisions ?? []), { parts: entry.parts, at: now }].slice(-MAX_REVISIONS)
    : entry.revisions ?? [];
  return { ...entry, parts, revisions, visibility, updated_at: now, pending: true };
}

/**
 * Apply one repair.* mutation to a record the way the server would; null means the record is gone.
 * A mutation the server would refuse leaves the record as it was.
 * @param {StoredRecord | undefined} record
 * @param {Mutation} mutation
 * @param {Me} me
 * @param {string} now ISO 8601
 * @returns {StoredRecord | null}
 */
export function applyRepair(record, mutation, me, now) {
  const { name, args } = mutation;
  if (name === 'repair.open') return record ?? open(args, me, now);
  if (name === 'repair.write') return write(record, args, me, now);
  if (!record || record.kind !== 'repair' || record.archived || !me.partner) return record ?? null;
  const repair = /** @type {RepairRecord} */ (/** @type {unknown} */ (record));
  const by = me.user.id;
  switch (name) {
    case 'repair.rhythm': {
      const days = args.daily_days;
      if (repair.state !== 'open' || !Number.isInteger(days) || days < 0 || days > MAX_DAILY_DAYS || !['weekly', 'none'].includes(args.then)) return record;
      const current = repair.rhythm;
      if (current && current.daily_days === days && current.then === args.then && current.agreed_by.includes(by)) return record;
      return withEvent(repair, { rhythm: { daily_days: days, then: args.then, proposed_by: by, agreed_by: [by] } }, 'rhythm_proposed', by, now);
    }
    case 'repair.agree_rhythm': {
      const rhythm = repair.rhythm;
      if (repair.state !== 'open' || !rhythm || rhythm.agreed_by.includes(by)) return record;
      // Agreed to as seen: a newer proposal is refused.
      if (('daily_days' in args && args.daily_days !== rhythm.daily_days) || ('then' in args && args.then !== rhythm.then)) return record;
      return withEvent(repair, { rhythm: { ...rhythm, agreed_by: [...rhythm.agreed_by, by] } }, 'rhythm_agreed', by, now);
    }
    case 'repair.move_forward': {
      const note = 'note' in args ? clean(args.note, MAX_NOTE) : repair.closing_note;
      if (repair.hurt_id !== by || repair.state === 'moved_forward' || note === null || !['repair', 'memory'].includes(args.keep_as)) return record;
      return withEvent(repair, { state: 'moved_forward', moved_forward_at: now, closing_note: note, kept_as: args.keep_as }, 'moved_forward', by, now);
    }
    case 'repair.set_aside':
      if (repair.state !== 'open') return record;
      return withEvent(repair, { state: 'set_aside', set_aside_at: now }, 'set_aside', by, now);
    case 'repair.reopen':
      if (repair.state === 'open') return record;
      return withEvent(repair, { state: 'open', moved_forward_at: null, set_aside_at: null, kept_as: null }, 'reopened', by, now);
    default:
      return record;
  }
}

registerRules('repair', applyRepair);
