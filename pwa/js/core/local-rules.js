// @ts-check
// The optimistic side of the mutations: what the server will most likely make of them, shown at once.

/**
 * @typedef {object} Ack the partner's answer to a check-in
 * @property {string} reaction
 * @property {string} reply
 * @property {string} by user id
 * @property {string} at ISO 8601
 */

/**
 * @typedef {object} Checkin a check-in as the server pulls it (record_value), plus pending
 * @property {string} id
 * @property {'checkin'} kind
 * @property {string} space_id
 * @property {string} author_id
 * @property {'shared' | 'private'} visibility
 * @property {boolean} archived
 * @property {number} version
 * @property {boolean} deleted
 * @property {string | null} deleted_at
 * @property {string} created_at
 * @property {string} updated_at
 * @property {string} day YYYY-MM-DD, the author's local date
 * @property {number} mood 1–5
 * @property {number} trust 1–10
 * @property {string[]} feelings
 * @property {string} need
 * @property {string} gratitude
 * @property {string} note
 * @property {Ack | null} ack
 * @property {boolean} [pending] changed here and not yet confirmed by the server
 */

import { applyMemory } from '../memories/rules.js';

/** @typedef {import('./db.js').StoredRecord} StoredRecord */
/** @typedef {import('./db.js').Mutation} Mutation */
/** @typedef {import('./api.js').Me} Me */

/** The fields of checkin.save that the record keeps as they are. */
const CHECKIN_FIELDS = ['day', 'mood', 'trust', 'feelings', 'need', 'gratitude', 'note'];

/**
 * The user's local date (YYYY-MM-DD) in their time zone, which may differ from the device's.
 * @param {string} timeZone
 * @param {Date} [at]
 */
export function localDay(timeZone, at = new Date()) {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(at);
  /** @param {string} type */
  const get = (type) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/**
 * An RFC 4122 version 5 UUID: the server derives check-in ids the same way.
 * @param {string} namespace a UUID
 * @param {string} name
 */
export async function uuid5(namespace, name) {
  const ns = Uint8Array.from(namespace.replaceAll('-', '').match(/../g) ?? [], (h) => parseInt(h, 16));
  const text = new TextEncoder().encode(name);
  const input = new Uint8Array(ns.length + text.length);
  input.set(ns);
  input.set(text, ns.length);
  const bytes = new Uint8Array(await crypto.subtle.digest('SHA-1', input)).slice(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The one id of an author's check-in of a day, so two offline devices write the same row. */
export function checkinId(/** @type {string} */ spaceId, /** @type {string} */ authorId, /** @type {string} */ day) {
  return uuid5(spaceId, `${authorId}:${day}`);
}

/** The rules of the other kinds, by the prefix of the mutation name. */
const KIND_RULES = /** @type {Record<string, typeof applyMemory>} */ ({
  memory: applyMemory,
});
/** Rules that load after the first screen, by prefix; the module registers itself. */
const LATER = /** @type {Record<string, () => Promise<unknown>>} */ ({
  agreement: () => import('../agreements/rules.js'),
  promise: () => import('../promises/rules.js'),
  repair: () => import('../repairs/rules.js'),
  question: () => import('../questions/rules.js'),
  ritual: () => import('../rituals/rules.js'),
  weekly: () => import('../weekly/rules.js'),
  date_night: () => import('../rituals/rules.js'),
  visit: () => import('../rituals/rules.js'),
  anniversary: () => import('../rituals/rules.js'),
});

/** Add the rules of a kind loaded later. */
export const registerRules = (/** @type {string} */ prefix, /** @type {typeof applyMemory} */ rules) => {
  KIND_RULES[prefix] = rules;
};

/** Load the rules the mutations named need, before a transaction (which cannot wait for a module). */
export async function rulesFor(/** @type {() => string[] | Promise<string[]>} */ names) {
  const missing = Object.keys(LATER).filter((p) => !KIND_RULES[p]);
  const prefixes = missing.length ? (await names()).map((name) => name.split('.')[0]) : [];
  await Promise.all(missing.filter((p) => prefixes.includes(p)).map((p) => LATER[p]()));
}

/**
 * Apply one mutation to a record the way the server would; null means the record is gone.
 * A mutation the server would refuse leaves the record as it was.
 * @param {StoredRecord | undefined} record
 * @param {Mutation} mutation
 * @param {Me} me
 * @returns {StoredRecord | null}
 */
export function applyLocal(record, mutation, me) {
  const { name, args } = mutation;
  const mine = !record || record.author_id === me.user.id;
  const now = new Date().toISOString();
  switch (name) {
    case 'checkin.save': {
      if (!mine) return record ?? null;
      /** @type {StoredRecord} */
      const base = record ?? {
        id: args.id, kind: 'checkin', space_id: me.space.id, author_id: me.user.id, archived: false,
        version: 0, deleted: false, deleted_at: null, created_at: now, ack: null,
      };
      if (base.archived) return base;
      /** @type {Record<string, any>} */
      const fields = {};
      for (const field of CHECKIN_FIELDS) fields[field] = args[field];
      return { ...base, ...fields, visibility: args.visibility ?? 'shared', updated_at: now, pending: true };
    }
    case 'checkin.ack':
      if (!record || mine || record.archived) return record ?? null;
      return { ...record, ack: { reaction: args.reaction, reply: args.reply ?? '', by: me.user.id, at: now }, updated_at: now, pending: true };
    case 'checkin.delete':
      return record && mine && !record.archived ? null : record ?? null;
    case 'record.share':
      if (!record || !mine || record.archived) return record ?? null;
      return { ...record, visibility: 'shared', updated_at: now, pending: true };
    default: {
      const rules = KIND_RULES[name.slice(0, name.indexOf('.'))];
      // Mutations without local rules show once the server has them.
      return rules ? rules(record, mutation, me, now) : record ?? null;
    }
  }
}

/** The record a mutation changes. */
export function targetOf(/** @type {Mutation} */ mutation) {
  return /** @type {string} */ (mutation.args.id);
}
