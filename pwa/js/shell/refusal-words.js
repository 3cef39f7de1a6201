// @ts-check
// A refused change in words: what it was, what happened meanwhile (read off the record as this
// device now shows it), the user's own words, and where those words can start again.
import { TITLES } from '../rituals/items.js';

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

/** A calendar day (YYYY-MM-DD) in words, e.g. "Nov 30". */
const dateOf = (/** @type {unknown} */ day) => (typeof day === 'string' && day ? dayOf(`${day}T12:00:00Z`, 'UTC') : '');

/** " for the week of Nov 30", or nothing when the change names no week. */
const weekOf = (/** @type {unknown} */ week) => (dateOf(week) ? ` for the week of ${dateOf(week)}` : '');

/** A name in quotes, or null when there is none. */
const named = (/** @type {unknown} */ text) => (typeof text === 'string' && text.trim() ? quoted(text) : null);

/** A ritual's name in quotes, as the record (or else the change that defines it) calls it. */
function ritualName(/** @type {Record<string, any> | null | undefined} */ record, /** @type {Record<string, any>} */ args) {
  const source = record?.kind === 'ritual' && record.type ? record : args;
  return named(source?.name || TITLES[source?.type] || '');
}

/**
 * What each change was, given its item's name in quotes (null when neither the record nor the
 * change names it), the partner's name, and the refusal itself. Never the partner's own words:
 * only what both see (the names of shared things) or what the user wrote.
 */
const WHAT = /** @type {Record<string, (item: string | null, partner: string, refusal: Refusal) => string>} */ ({
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
  'question.answer': (_, __, { args }) => `Answering the daily question${dateOf(args.day) ? ` of ${dateOf(args.day)}` : ''}`,
  'ritual.define': (_, __, { args, record }) => `Adding ${ritualName(record, args) ?? 'a ritual'}`,
  'ritual.update': (_, __, { args, record }) => `Changing ${ritualName(record, args) ?? 'a ritual'}`,
  'ritual.pause': (_, __, { args, record }) => `Pausing ${ritualName(record, args) ?? 'a ritual'}`,
  'ritual.resume': (_, __, { args, record }) => `Taking up ${ritualName(record, args) ?? 'a ritual'} again`,
  'ritual.remove': (_, __, { args, record }) => `Removing ${ritualName(record, args) ?? 'a ritual'}`,
  'ritual.done': (_, __, { parent }) => `Marking ${ritualName(parent, {}) ?? 'a ritual'} done`,
  'ritual.undone': (_, __, { parent }) => `Taking back your mark on ${ritualName(parent, {}) ?? 'a ritual'}`,
  'date_night.plan': (_, __, { args, record }) => `Planning ${named(record?.what ?? args.what) ?? 'a date night'}`,
  'date_night.update': (_, __, { args, record }) => `Changing the date night ${named(record?.what ?? args.what) ?? ''}`.trim(),
  'date_night.cancel': (_, __, { record }) => `Calling off ${named(record?.what) ?? 'a date night'}`,
  'date_night.remember': (_, __, { record }) => `Keeping ${named(record?.what) ?? 'a date night'} as a memory`,
  'visit.set': () => 'Saving the day you next see each other',
  'visit.clear': () => 'Clearing the day you next see each other',
  'anniversary.add': (item) => `Adding ${item ?? 'a day to remember'}`,
  'anniversary.update': (item) => `Changing ${item ?? 'a day to remember'}`,
  'anniversary.remove': (item) => `Removing ${item ?? 'a day to remember'}`,
  'weekly.write': (_, __, { args }) => `Your notes${weekOf(args.week)}`,
  'weekly.raise': (_, __, { args }) => `Raising the one thing to talk about${weekOf(args.week)}`,
  'weekly.summarise': (_, partner, { args }) => `Saying back what ${partner} said${weekOf(args.week)}`,
  'weekly.confirm': (_, partner) => `Telling ${partner} whether you felt heard`,
  'weekly.answer': (_, partner, { args }) => `Answering what ${partner} raised${weekOf(args.week)}`,
  'repair.open': (item) => `Opening ${item ? `the repair ${item}` : 'a repair'}`,
  'repair.rhythm': (item) => `Proposing how often you check in during ${item ?? 'a repair'}`,
  'repair.agree_rhythm': (item) => `Agreeing to the rhythm of ${item ?? 'a repair'}`,
  'repair.move_forward': (item) => `Moving forward from ${item ?? 'a repair'}`,
  'repair.set_aside': (item) => `Setting ${item ?? 'a repair'} aside`,
  'repair.reopen': (item) => `Reopening ${item ?? 'a repair'}`,
  'repair.write': (_, __, { parent }) => `Writing in ${named(parent?.title) ?? 'a repair'}`,
});

/** How a record of the couple's rhythm went (it keeps no name once gone). */
const GONE = /** @type {Record<string, string>} */ ({
  ritual: 'removed', date_night: 'called off', anniversary: 'removed', next_visit: 'cleared',
});

/** The parts of a repair's steps that are a choice rather than words. */
const CHOICES = new Set(['confirm.heard', 'answer.ready']);

/** The changes that make a record (or write into one that may not be here yet) rather than change one held. */
const MAKES = new Set([
  'agreement.propose', 'promise.make', 'checkin.save', 'question.answer', 'ritual.define', 'ritual.done',
  'date_night.plan', 'visit.set', 'anniversary.add', 'repair.open', 'repair.write',
  'weekly.write', 'weekly.raise', 'weekly.summarise', 'weekly.confirm', 'weekly.answer',
]);

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
    case 'question.answer':
    case 'weekly.answer':
      return join([args.answer]);
    case 'weekly.write':
      return join([...(args.appreciations ?? []), args.went_well, args.loved]);
    case 'weekly.raise':
      return join([args.text]);
    case 'weekly.summarise':
      return join([args.summary]);
    case 'repair.open':
      return join([args.title]);
    case 'repair.write':
      // A choice (heard: yes, ready: not yet) is no words to keep.
      return join(Object.entries(args.parts ?? {}).filter(([part]) => !CHOICES.has(`${args.step}.${part}`)).map(([, text]) => text));
    case 'repair.move_forward':
      return join([args.note]);
    case 'ritual.define':
    case 'ritual.update':
      return join([args.name && args.name !== record?.name ? args.name : '']);
    case 'date_night.plan':
    case 'date_night.update':
      return join([args.what && args.what !== record?.what ? args.what : '', args.place]);
    case 'anniversary.add':
    case 'anniversary.update':
      return join([args.title && args.title !== record?.title ? args.title : '']);
    case 'visit.set':
      return join([args.place]);
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
function happenedOf({ name, args, record, parent, error }, me) {
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
  if (record?.deleted && GONE[record.kind]) return `It was ${GONE[record.kind]}${record.deleted_at ? on(record.deleted_at) : ''}.`;
  if (error.code === 'stale_revision' && record?.revisions?.length) {
    const current = record.revisions[record.revisions.length - 1];
    return `${who(current.author)} changed it meanwhile: revision ${current.n} is the current one.`;
  }
  if (error.code === 'needs_partner') return 'It needs a partner, and you are not paired now.';
  if (error.code === 'archived') return 'It is a read-only copy from an earlier pairing now.';
  // An edit of what this device no longer holds, or words for a repair or ritual no longer here (a new
  // record's refusal is about its own words).
  const edit = name === 'memory.save' ? Object.keys(args.base ?? {}).length > 0 : !MAKES.has(name);
  const gone = edit ? !record : Boolean(args.repair_id ?? args.ritual_id) && !parent;
  if (gone && ['not_found', 'invalid'].includes(error.code)) return 'It is no longer there for you: it was deleted, or is no longer shared.';
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
  const what = WHAT[refusal.name]?.(itemName(refusal), partner, refusal) ?? 'A change';
  return { what, happened: happenedOf(refusal, me), words: wordsOf(refusal), again: againOf(refusal, me) };
}
