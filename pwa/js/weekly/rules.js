// @ts-check
// The weekly state of us's optimistic rules: what the server (server/weekly/) will most likely make of each change.
import { registerRules } from '../core/local-rules.js';

/**
 * @typedef {object} WeeklyNote my notes of a week, as the server pulls them, plus pending
 * @property {string} id
 * @property {'weekly_note'} kind
 * @property {string} space_id
 * @property {string} author_id
 * @property {'shared' | 'private'} visibility private: a draft, on its author's devices only
 * @property {boolean} archived
 * @property {boolean} deleted
 * @property {string} week YYYY-MM-DD, the Monday
 * @property {string[]} appreciations
 * @property {string} went_well
 * @property {string} loved what the partner could do to make the author feel loved this week
 * @property {boolean} [pending]
 */

/**
 * @typedef {object} WeeklyTopic the one thing to talk about in a week, raised by its speaker (the author)
 * @property {string} id
 * @property {'weekly_topic'} kind
 * @property {string} space_id
 * @property {string} author_id
 * @property {'shared' | 'private'} visibility
 * @property {boolean} archived
 * @property {boolean} deleted
 * @property {string} week
 * @property {string} text
 * @property {'yes' | 'not_quite' | null} heard the speaker's word on the listener's summary
 * @property {boolean} [pending]
 */

/**
 * @typedef {object} WeeklyReply the listener's summary of what they heard, then their answer
 * @property {string} id
 * @property {'weekly_reply'} kind
 * @property {string} space_id
 * @property {string} author_id
 * @property {'shared' | 'private'} visibility
 * @property {boolean} archived
 * @property {boolean} deleted
 * @property {string} week
 * @property {string} summary
 * @property {string} answer
 * @property {boolean} [pending]
 */

/** @typedef {import('../core/db.js').StoredRecord} StoredRecord */

/**
 * Apply a weekly.* mutation the way the server would, as far as this phone can know.
 * @param {StoredRecord | undefined} record
 * @param {import('../core/db.js').Mutation} mutation
 * @param {import('../core/api.js').Me} me
 * @param {string} now
 * @returns {StoredRecord | null}
 */
export function applyWeekly(record, mutation, me, now) {
  const { name, args } = mutation;
  const mine = !record || record.author_id === me.user.id;
  /** @param {string} kind @param {string} visibility @returns {StoredRecord} */
  const fresh = (kind, visibility) => ({
    id: args.id, kind, space_id: me.space.id, author_id: me.user.id, visibility, archived: false,
    version: 0, deleted: false, deleted_at: null, created_at: now,
  });
  const trim = (/** @type {unknown} */ text) => String(text ?? '').trim();
  switch (name) {
    case 'weekly.write': {
      if (!mine || record?.archived) return record ?? null;
      const base = record ?? fresh('weekly_note', 'private');
      const visibility = base.visibility === 'shared' ? 'shared' : args.visibility ?? base.visibility;
      const appreciations = (Array.isArray(args.appreciations) ? args.appreciations : []).map(trim);
      return { ...base, week: args.week, appreciations, went_well: trim(args.went_well), loved: trim(args.loved), visibility, updated_at: now, pending: true };
    }
    case 'weekly.raise':
      if (!mine) return record ?? null;
      return { ...(record ?? { ...fresh('weekly_topic', 'shared'), heard: null }), week: args.week, text: trim(args.text), updated_at: now, pending: true };
    case 'weekly.confirm':
      if (!record || !mine) return record ?? null;
      return { ...record, heard: args.heard, updated_at: now, pending: true };
    case 'weekly.summarise':
      if (!mine) return record ?? null;
      return { ...(record ?? { ...fresh('weekly_reply', 'shared'), answer: '' }), week: args.week, summary: trim(args.summary), updated_at: now, pending: true };
    case 'weekly.answer':
      if (!record || !mine || !record.summary) return record ?? null;
      return { ...record, answer: trim(args.answer), updated_at: now, pending: true };
    default:
      return record ?? null;
  }
}

registerRules('weekly', applyWeekly);
