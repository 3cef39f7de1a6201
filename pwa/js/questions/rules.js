// @ts-check
// The daily question's optimistic rule: my answer shows at once, still mine alone until the server pairs it.
import { registerRules } from '../core/local-rules.js';

/**
 * @typedef {object} Answer an answer as the server pulls it (record_value), plus pending
 * @property {string} id
 * @property {'question_answer'} kind
 * @property {string} space_id
 * @property {string} author_id
 * @property {'shared' | 'private'} visibility private until both partners answered that day
 * @property {boolean} archived
 * @property {number} version
 * @property {boolean} deleted
 * @property {string} created_at
 * @property {string} updated_at
 * @property {string} day YYYY-MM-DD, the couple's day
 * @property {string} [question_id]
 * @property {string} [question]
 * @property {string} answer
 * @property {boolean} edited rewritten after both answered
 * @property {boolean} [pending] changed here and not yet confirmed by the server
 */

/** @typedef {import('../core/db.js').StoredRecord} StoredRecord */

/**
 * Apply question.answer the way the server would, as far as this phone can know.
 * @param {StoredRecord | undefined} record
 * @param {import('../core/db.js').Mutation} mutation
 * @param {import('../core/api.js').Me} me
 * @param {string} now
 * @returns {StoredRecord | null}
 */
export function applyQuestion(record, mutation, me, now) {
  const { name, args } = mutation;
  if (name !== 'question.answer' || (record && record.author_id !== me.user.id) || record?.archived) return record ?? null;
  /** @type {StoredRecord} */
  const base = record ?? {
    id: args.id, kind: 'question_answer', space_id: me.space.id, author_id: me.user.id, visibility: 'private',
    archived: false, version: 0, deleted: false, deleted_at: null, created_at: now, edited: false,
  };
  return { ...base, day: args.day, answer: String(args.answer).trim(), updated_at: now, pending: true };
}

registerRules('question', applyQuestion);
