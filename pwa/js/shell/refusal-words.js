// @ts-check
// A refused change in words: what it was, what happened meanwhile (read off the record as this
// device now shows it), the user's own words, and where those words can start again.

/** @typedef {import('../core/refusal-store.js').Refusal} Refusal */
/** @typedef {import('../core/api.js').Me} Me */

/**
 * @typedef {object} Again a form that takes the words back, prefilled
 * @property {'timeline' | 'agreements' | 'promises'} section
 * @property {string} label the button's words
 * @property {Record<string, any>} values
 */

/**
 * @typedef {object} RefusalWords
 * @property {string} what e.g. 'Amending “Phones away at dinner”'
 * @property {string} happened e.g. 'Alex retired it on Nov 30.'
 * @property {string} words what the user wrote, as they wrote it ('' when the change held none)
 * @property {Again | null} again
 */

const LONGEST = 60;
/** @type {Map<string, Intl.DateTimeFormat>} */
const formats = new Map();

/** Short text in quotes, cut at LONGEST characters: the item's name in a sentence. */
function quoted(/** @type {string} */ text) {
  const flat = text.trim().replace(/\s+/g, ' ');
  return `“${flat.length > LONGEST ? `${flat.slice(0, LONGEST - 1)}…` : flat}”`;
}

/** A moment as a day in the user's time zone, e.g. "Nov 30" (with the year when it is not this one). */
function dayOf(/** @type {string} */ at, /** @type {string} */ timeZone) {
  const sameYear = new Date(at).getFullYear() === new Date().getFullYear();
  const key = `${timeZone}|${sameYear}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', ...(sameYear ? {} : { year: 'numeric' }), timeZone });
    formats.set(key, format);
  }
  return format.format(new Date(at));
}

/**
 * What each change was, given its item's name in quotes (null when neither the record nor the
 * change names it) and the partner's name.
 */
const WHAT = /** @type {Record<string, (item: string | null, partner: string) => string>} */ ({
  'checkin.save': () => 'Saving your check-in',
  'checkin.ack': (_, partner) => `Answering ${partner}’s check-in`,
  'checkin.delete': () => 'Deleting your check-in',
  'record.share': (item) => (item ? `Sharing ${item}` : 'Sharing with your partner'),
  'memory.save': (item) => `Saving ${item ? `the memory ${item}` : 'a memory'}`,
  'memory.add_photo': (item) => `Adding a photo to ${item ?? 'a memory'}`,
  'memory.remove_photo': (item) => `Removing a photo from ${item ?? 'a memory'}`,
  'memory.order_photos': (item) => `Ordering the photos of ${item ?? 'a memory'}`,
  'memory.delete': (item) => `Deleting ${item ?? 'a memory'}`,
  'memory.restore': (item) => `Restoring ${item ?? 'a memory'}`,
  'agreement.propose': (item) => `Proposing ${item ?? 'an agreement'}`,
  'agreement.amend': (item) => `Amending ${item ?? 'an agreement'}`,
  'agreement.accept': (item) => `Accepting ${item ?? 'an agreement'}`,
  'agreement.withdraw': (item) => `Withdrawing your consent to ${item ?? 'an agreement'}`,
  'agreement.retire': (item) => `Retiring ${item ?? 'an agreement'}`,
  'promise.make': (item) => `Making ${item ? `the promise ${item}` : 'a promise'}`,
  'promise.update': (item) => `Changing ${item ? `the promise ${item}` : 'a promise'}`,
  'promise.done': (item) => `Marking ${item ?? 'a promise'} done`,
  'promise.confirm': (item) => `Confirming ${item ?? 'a promise'} kept`,
  'promise.release': (item, partner) => `Releasing ${partner} from ${item ?? 'a promise'}`,
});

/** What a promise's state says happened, from its history's latest entry of that state. */
const SETTLED = /** @type {Record<string, (who: string) => string>} */ ({
  released: (who) => `${who} released you from it`,
  kept: (who) => `${who} confirmed it kept`,
  done: (who) => `${who} marked it done`,
  missed: () => 'Its due date passed',
});

/**
 * The name of the item a change was about, in quotes, as the record (or else the change) names it.
 * @param {Refusal} refusal
 * @returns {string | null}
 */
function itemName({ args, record }) {
  const title = record?.title ?? record?.text ?? args.title ?? args.fields?.title ?? args.text;
  return typeof title === 'string' && title.trim() ? quoted(title) : null;
}

/**
 * The words the change carried, that the refusal would otherwise lose.
 * @param {Refusal} refusal
 */
function wordsOf({ name, args, record }) {
  const join = (/** @type {unknown[]} */ parts) => parts.filter((p) => typeof p === 'string' && p.trim()).join('\n\n');
  switch (name) {
    case 'agreement.propose':
    case 'agreement.amend': {
      // A new title is words too; an unchanged one is already the item's name.
      const title = args.title && args.title !== record?.title ? args.title : '';
      return join([title, args.text]);
    }
    case 'memory.save': {
      const fields = args.fields ?? {};
      return join([fields.title, fields.story, fields.place, (fields.tags ?? []).join(', ')]);
    }
    case 'memory.add_photo':
      return join([args.photo?.caption]);
    case 'promise.make':
    case 'promise.update':
      return join([args.text]);
    case 'checkin.save':
      return join([args.need, args.gratitude, args.note]);
    case 'checkin.ack':
      return join([args.reply]);
    default:
      return '';
  }
}

/**
 * Where the words can start again, prefilled; null when no form fits (or the words are in no danger).
 * @param {Refusal} refusal
 * @param {Me} me
 */
function againOf({ name, args, record }, me) {
  if (!me.partner) return null;
  if ((name === 'agreement.propose' || name === 'agreement.amend') && args.text) {
    const title = args.title ?? record?.title ?? '';
    // Still open to change (refused for another reason, e.g. an amendment racing the partner's): amend it again.
    if (name === 'agreement.amend' && record && !record.retired && !record.archived && !record.deleted) {
      return { section: 'agreements', label: 'Amend it again', values: { id: record.id, title, text: args.text } };
    }
    const category = args.category ?? record?.category ?? 'other';
    return { section: 'agreements', label: 'Propose it anew', values: { category, title, text: args.text } };
  }
  if (name === 'memory.save' && (!record || record.deleted)) {
    const fields = args.fields ?? {};
    const values = { title: record?.title ?? '', story: record?.story ?? '', place: record?.place ?? '', tags: record?.tags ?? [], happened_on: record?.happened_on ?? null, ...fields };
    return { section: 'timeline', label: 'Add it as a new memory', values };
  }
  if ((name === 'promise.make' || name === 'promise.update') && args.text) {
    return { section: 'promises', label: 'Make it again', values: { text: args.text, due_on: args.due_on ?? record?.due_on ?? null } };
  }
  return null;
}

/**
 * What happened meanwhile, read off the record as it is now, or else the server's reason.
 * @param {Refusal} refusal
 * @param {Me} me
 */
function happenedOf({ name, args, record, error }, me) {
  const who = (/** @type {string | null | undefined} */ id) => {
    if (id === me.user.id) return 'You';
    if (id && id === me.partner?.id) return me.partner.display_name;
    return 'Your former partner';
  };
  const on = (/** @type {string} */ at) => ` on ${dayOf(at, me.user.time_zone)}`;
  if (record?.retired) {
    const { by, at, reason } = record.retired;
    return `${who(by)} retired it${on(at)}${reason ? `: “${reason}”` : '.'}`;
  }
  if (record?.kind === 'memory' && record.deleted && record.deleted_at) {
    return `${record.deleted_by ? `${who(record.deleted_by)} deleted it` : 'It was deleted'}${on(record.deleted_at)}.`;
  }
  if (record?.kind === 'promise' && SETTLED[record.state] && name !== 'promise.make') {
    const entry = [...(record.history ?? [])].reverse().find((e) => e.event === record.state);
    return `${SETTLED[record.state](who(entry?.by))}${entry ? on(entry.at) : ''}.`;
  }
  if (error.code === 'stale_revision' && record?.revisions?.length) {
    const current = record.revisions[record.revisions.length - 1];
    return `${who(current.author)} changed it meanwhile: revision ${current.n} is the current one.`;
  }
  if (error.code === 'needs_partner') return 'It needs a partner, and you are not paired now.';
  if (error.code === 'archived') return 'It is a read-only copy from an earlier pairing now.';
  // An edit of what this device no longer holds (a new record's refusal is about its own words).
  const edit = name === 'memory.save' ? Object.keys(args.base ?? {}).length > 0 : !['agreement.propose', 'promise.make', 'checkin.save'].includes(name);
  if (!record && edit && ['not_found', 'invalid'].includes(error.code)) return 'It is no longer there for you: it was deleted, or is no longer shared.';
  const fields = Object.entries(error.fields ?? {}).map(([field, text]) => `${field}: ${text}`);
  return [error.message, ...fields].join(' ');
}

/**
 * A refused change in words, for the box that lists them.
 * @param {Refusal} refusal
 * @param {Me} me
 * @returns {RefusalWords}
 */
export function describeRefusal(refusal, me) {
  const partner = me.partner?.display_name ?? 'your partner';
  const what = WHAT[refusal.name]?.(itemName(refusal), partner) ?? 'A change';
  return { what, happened: happenedOf(refusal, me), words: wordsOf(refusal), again: againOf(refusal, me) };
}
