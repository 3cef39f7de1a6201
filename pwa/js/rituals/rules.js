// @ts-check
// The optimistic rules of the ritual, date night, next visit and anniversary mutations: what the server will
// most likely make of them (server/rituals/service.py). Loaded after the first screen; registers itself with
// core/local-rules.js, which loads it before applying one of these changes.
import { registerRules } from '../core/local-rules.js';

/** @typedef {'checkin' | 'question' | 'call' | 'meal' | 'date_night' | 'state_of_us' | 'own'} RitualType */

/**
 * @typedef {object} Ritual the couple's ritual, as the server pulls it, plus pending
 * @property {string} id
 * @property {'ritual'} kind
 * @property {string} author_id
 * @property {boolean} archived
 * @property {boolean} deleted
 * @property {RitualType} type
 * @property {string} name the couple's own name (for 'own'; may be empty otherwise)
 * @property {number[]} days 0 = Monday … 6 = Sunday
 * @property {string} time HH:MM
 * @property {'local' | 'shared'} timing local: each partner's own hour; shared: one moment in `zone`
 * @property {string} zone
 * @property {'active' | 'paused'} state
 * @property {boolean} [pending]
 */

/**
 * @typedef {object} DoneMark my own mark that a ritual was done on a day (never seen by my partner)
 * @property {string} id
 * @property {'ritual_done'} kind
 * @property {string} author_id
 * @property {boolean} deleted
 * @property {string} ritual_id
 * @property {string} day YYYY-MM-DD, my own day
 */

/**
 * @typedef {object} DateNight a planned date night, kept as a memory afterwards
 * @property {string} id
 * @property {'date_night'} kind
 * @property {boolean} archived
 * @property {boolean} deleted
 * @property {string} at ISO 8601 instant
 * @property {string} what
 * @property {string} place
 * @property {string | null} memory_id
 * @property {'planned' | 'remembered'} state
 * @property {boolean} [pending]
 */

/**
 * @typedef {object} Visit the next time we see each other
 * @property {string} id
 * @property {'next_visit'} kind
 * @property {boolean} archived
 * @property {boolean} deleted
 * @property {string} on YYYY-MM-DD
 * @property {string} place
 */

/**
 * @typedef {object} Anniversary a day we chose, back every year
 * @property {string} id
 * @property {'anniversary'} kind
 * @property {boolean} archived
 * @property {boolean} deleted
 * @property {string} title
 * @property {string} on YYYY-MM-DD, the first one
 * @property {boolean} remind a reminder the day before
 */

/** @typedef {import('../core/db.js').StoredRecord} StoredRecord */
/** @typedef {import('../core/db.js').Mutation} Mutation */
/** @typedef {import('../core/api.js').Me} Me */

const KINDS = /** @type {Record<string, string>} */ ({ ritual: 'ritual', date_night: 'date_night', visit: 'next_visit', anniversary: 'anniversary' });

/** A new shared record of the couple. */
function fresh(/** @type {string} */ kind, /** @type {Record<string, any>} */ args, /** @type {Me} */ me, /** @type {string} */ now, /** @type {Record<string, any>} */ data) {
  return {
    id: args.id, kind, space_id: me.space.id, author_id: me.user.id, visibility: 'shared', archived: false,
    version: 0, deleted: false, deleted_at: null, created_at: now, updated_at: now, ...data, pending: true,
  };
}

/** The fields a mutation sends, without its id. */
const fieldsOf = (/** @type {Record<string, any>} */ args) => Object.fromEntries(Object.entries(args).filter(([key]) => key !== 'id'));

/**
 * Apply one of these mutations to its record the way the server would.
 * @param {StoredRecord | undefined} record
 * @param {Mutation} mutation
 * @param {Me} me
 * @param {string} now
 * @returns {StoredRecord | null}
 */
export function applyRitual(record, mutation, me, now) {
  const { name, args } = mutation;
  const [prefix, action] = name.split('.');
  if (!me.partner) return record ?? null;
  const changed = (/** @type {Record<string, any>} */ fields) => (record ? { ...record, ...fields, updated_at: now, pending: true } : null);
  switch (name) {
    case 'ritual.define':
      if (record) return record;
      return fresh('ritual', args, me, now, {
        name: '', zone: me.user.time_zone, timing: 'local', ...fieldsOf(args), days: [...args.days].sort(), state: 'active',
      });
    case 'ritual.done':
      if (record) return record;
      return { ...fresh('ritual_done', args, me, now, { ritual_id: args.ritual_id, day: args.day }), visibility: 'private' };
    case 'ritual.undone':
      return record && record.author_id === me.user.id ? null : record ?? null;
    case 'date_night.plan':
      if (record) return record;
      return fresh('date_night', args, me, now, { place: '', ...fieldsOf(args), memory_id: null, state: 'planned' });
    case 'date_night.remember':
      return changed({ memory_id: args.memory_id, state: 'remembered' });
    case 'visit.set':
      return record ? changed({ on: args.on, place: args.place ?? '' }) : fresh('next_visit', args, me, now, { on: args.on, place: args.place ?? '' });
    case 'anniversary.add':
      if (record) return record;
      return fresh('anniversary', args, me, now, { remind: true, ...fieldsOf(args) });
    default:
  }
  if (!record || record.kind !== KINDS[prefix] || record.archived) return record ?? null;
  if (action === 'remove' || action === 'cancel' || action === 'clear') return null;
  if (name === 'ritual.pause') return changed({ state: 'paused' });
  if (name === 'ritual.resume') return changed({ state: 'active' });
  if (name === 'ritual.update') {
    const fields = fieldsOf(args);
    if (fields.days) fields.days = [...fields.days].sort();
    // The server refuses an own ritual left without a name, and keeps a change said twice as it is.
    if ((fields.type ?? record.type) === 'own' && !(fields.name ?? record.name)) return record;
    if (Object.entries(fields).every(([key, value]) => JSON.stringify(record[key]) === JSON.stringify(value))) return record;
    const when = ['time', 'days', 'timing', 'zone'].some((key) => key in fields);
    return changed(when ? { ...fields, active_since: now } : fields);
  }
  if (action === 'update') return changed(args.days ? { ...fieldsOf(args), days: [...args.days].sort() } : fieldsOf(args));
  return record;
}

for (const prefix of Object.keys(KINDS)) registerRules(prefix, applyRitual);
