// @ts-check
// The optimistic rules of the memory mutations: what the server will most likely make of them.

/** @typedef {import('../core/db.js').StoredRecord} StoredRecord */
/** @typedef {import('../core/db.js').Mutation} Mutation */
/** @typedef {import('../core/api.js').Me} Me */

/**
 * @typedef {object} HistoryEntry a value that a later write replaced
 * @property {MemoryField} field
 * @property {any} value what the field held before
 * @property {string | null} by who had written that value (user id)
 * @property {string} at ISO 8601, when it was replaced
 * @property {string} replaced_by user id
 * @property {boolean} conflict the writer had not seen the value it replaced (written at the same time)
 */

/**
 * @typedef {object} Memory a memory as the server pulls it (record_value), plus pending
 * @property {string} id
 * @property {'memory'} kind
 * @property {string} space_id
 * @property {string} author_id
 * @property {'shared' | 'private'} visibility
 * @property {boolean} archived
 * @property {number} version
 * @property {boolean} deleted
 * @property {string | null} deleted_at
 * @property {string | null} [deleted_by] who deleted it (user id); null when not deleted, absent for older deletions
 * @property {string | null} restorable_until ISO 8601 while deleted
 * @property {string} created_at
 * @property {string} updated_at
 * @property {string} title
 * @property {string} story
 * @property {string | null} happened_on YYYY-MM-DD
 * @property {string} place
 * @property {string[]} tags
 * @property {Photo[]} photos
 * @property {Partial<Record<MemoryField, number>>} field_versions the version that last wrote each field (server-assigned)
 * @property {Partial<Record<MemoryField, string>>} field_authors who last wrote each field
 * @property {HistoryEntry[]} history
 * @property {boolean} [pending] changed here and not yet confirmed by the server
 */

/** @typedef {'title' | 'story' | 'happened_on' | 'place' | 'tags'} MemoryField */

/** The fields a save may write besides visibility, as the server lists them. */
export const MEMORY_FIELDS = /** @type {const} */ (['title', 'story', 'happened_on', 'place', 'tags']);

const DEFAULTS = { title: '', story: '', happened_on: null, place: '', tags: [] };
const MAX_HISTORY = 100;
/** The photos a memory holds at most, as the server counts them. */
export const MAX_PHOTOS = 50;
const RESTORABLE_MS = 30 * 24 * 60 * 60 * 1000;

/** Whether two field values are the same (tags are lists). */
export const sameValue = (/** @type {unknown} */ a, /** @type {unknown} */ b) => JSON.stringify(a) === JSON.stringify(b);

/**
 * A new memory of mine, as memory.save creates it; null when the server would refuse it (no title).
 * @param {Record<string, any>} args
 * @param {Me} me
 * @param {string} now
 * @returns {StoredRecord | null}
 */
function create(args, me, now) {
  const fields = args.fields ?? {};
  if (!fields.title) return null;
  /** @type {Record<string, any>} */
  const data = { ...DEFAULTS };
  for (const name of MEMORY_FIELDS) if (name in fields) data[name] = fields[name];
  return {
    id: args.id, kind: 'memory', space_id: me.space.id, author_id: me.user.id,
    visibility: fields.visibility ?? 'shared', archived: false, version: 0,
    deleted: false, deleted_at: null, deleted_by: null, restorable_until: null, created_at: now, updated_at: now,
    ...data, photos: [],
    // Versions come from the server: until it has the memory, no field has one.
    field_versions: {}, field_authors: Object.fromEntries(MEMORY_FIELDS.filter((n) => n in fields).map((n) => [n, me.user.id])),
    history: [], pending: true,
  };
}

/**
 * Edit the sent fields of a memory I may change; the record unchanged when the server would refuse.
 * @param {StoredRecord} record
 * @param {Record<string, any>} args
 * @param {Me} me
 * @param {string} now
 * @returns {StoredRecord}
 */
function edit(record, args, me, now) {
  const fields = args.fields ?? {};
  const base = args.base ?? {};
  const mine = record.author_id === me.user.id;
  // Only the author chooses who sees a memory: the server refuses the whole save otherwise.
  if ('visibility' in fields && !mine) return record;
  if ('title' in fields && !fields.title) return record;
  /** @type {StoredRecord} */
  const next = { ...record, history: [...(record.history ?? [])], field_authors: { ...(record.field_authors ?? {}) } };
  let changed = false;
  if ('visibility' in fields && fields.visibility !== record.visibility) {
    next.visibility = fields.visibility;
    changed = true;
  }
  const versions = record.field_versions ?? {};
  for (const name of MEMORY_FIELDS) {
    if (!(name in fields) || sameValue(fields[name], record[name])) continue;
    const current = versions[name] ?? 0;
    // Kept here at once so the user sees what was replaced; the server's history replaces it at the next pull.
    if (current) {
      next.history.push({
        field: name, value: record[name], by: record.field_authors?.[name] ?? null,
        at: now, replaced_by: me.user.id, conflict: (base[name] ?? 0) !== current,
      });
    }
    next[name] = fields[name];
    next.field_authors[name] = me.user.id;
    changed = true;
  }
  if (!changed) return record;
  next.history = next.history.slice(-MAX_HISTORY);
  return { ...next, updated_at: now, pending: true };
}

/**
 * Apply one memory.* mutation to a record the way the server would; null means the record is gone.
 * @param {StoredRecord | undefined} record
 * @param {Mutation} mutation
 * @param {Me} me
 * @param {string} now ISO 8601
 * @returns {StoredRecord | null}
 */
export function applyMemory(record, mutation, me, now) {
  const { name, args } = mutation;
  if (name === 'memory.save' && !record) return create(args, me, now);
  // What I cannot see or may not change stays as the server has it.
  if (!record || record.kind !== 'memory' || record.archived) return record ?? null;
  if (record.visibility === 'private' && record.author_id !== me.user.id) return record;
  switch (name) {
    case 'memory.save':
      return edit(record, args, me, now);
    case 'memory.delete':
      if (record.deleted) return record;
      return {
        ...record, deleted: true, deleted_at: now, deleted_by: me.user.id,
        restorable_until: new Date(Date.parse(now) + RESTORABLE_MS).toISOString(), updated_at: now, pending: true,
      };
    case 'memory.restore':
      if (!record.deleted) return record;
      if (record.deleted_at && Date.parse(now) - Date.parse(record.deleted_at) > RESTORABLE_MS) return record;
      return { ...record, deleted: false, deleted_at: null, deleted_by: null, restorable_until: null, updated_at: now, pending: true };
    case 'memory.add_photo':
    case 'memory.remove_photo':
    case 'memory.order_photos': {
      const photos = PHOTO_RULES[name](record.photos ?? [], args, me);
      if (sameValue(photos, record.photos ?? [])) return record;
      return { ...record, photos, updated_at: now, pending: true };
    }
    default:
      return record;
  }
}

/**
 * @typedef {object} Photo a photo of a memory
 * @property {string} hash
 * @property {string} caption
 * @property {string} [added_by] user id
 * @property {number | null} [added_version] the version that added it; null until the server has it
 */

/** @type {Record<string, (photos: Photo[], args: Record<string, any>, me: Me) => Photo[]>} */
const PHOTO_RULES = {
  // Adding what is there already changes its caption; a memory holds at most MAX_PHOTOS.
  'memory.add_photo'(photos, { photo }, me) {
    if (photos.some((p) => p.hash === photo.hash)) {
      return photos.map((p) => (p.hash === photo.hash && 'caption' in photo ? { ...p, caption: photo.caption } : p));
    }
    if (photos.length >= MAX_PHOTOS) return photos;
    return [...photos, { hash: photo.hash, caption: photo.caption ?? '', added_by: me.user.id, added_version: null }];
  },
  // Add wins: a photo added after the version the remover saw stays.
  'memory.remove_photo'(photos, { hash, seen_version: seen }) {
    return photos.filter((p) => p.hash !== hash || (seen != null && p.added_version != null && p.added_version > seen));
  },
  // The listed photos first, in that order; the others (added meanwhile) after them as they were.
  'memory.order_photos'(photos, { hashes }) {
    const rank = new Map((/** @type {string[]} */ (hashes)).map((hash, i) => [hash, i]));
    const listed = photos.filter((p) => rank.has(p.hash)).sort((a, b) => (rank.get(a.hash) ?? 0) - (rank.get(b.hash) ?? 0));
    return [...listed, ...photos.filter((p) => !rank.has(p.hash))];
  },
};
