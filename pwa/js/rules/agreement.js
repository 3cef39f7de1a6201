// @ts-check
// The optimistic rules of the agreement mutations: what the server will most likely make of them.

/** @typedef {import('../db.js').StoredRecord} StoredRecord */
/** @typedef {import('../db.js').Mutation} Mutation */
/** @typedef {import('../api.js').Me} Me */

/**
 * Apply one agreement.* mutation to a record the way the server would; null means the record is gone.
 * @param {StoredRecord | undefined} record
 * @param {Mutation} mutation
 * @param {Me} me
 * @param {string} now ISO 8601
 * @returns {StoredRecord | null}
 */
export function applyAgreement(record, mutation, me, now) {
  void mutation;
  void me;
  void now;
  return record ?? null;
}
