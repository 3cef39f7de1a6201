// @ts-check
// What the repair screens show, worked out from the local copy: the list, and one repair's steps
// with whose turn it is in each. Pure functions of the records: no DOM, no storage.
import { localDay } from '../core/local-rules.js';

/** @typedef {import('./rules.js').RepairRecord} RepairRecord */
/** @typedef {import('./rules.js').RepairEntry} RepairEntry */
/** @typedef {import('./rules.js').Step} Step */
/** @typedef {import('../promises/rules.js').PromiseRecord} PromiseRecord */
/** @typedef {import('../core/local-rules.js').Checkin} Checkin */
/** @typedef {import('../core/api.js').Me} Me */

/**
 * @typedef {object} People who is who in a repair, in the reader's words
 * @property {boolean} hurt the reader is the partner who was hurt
 * @property {string} me my id
 * @property {string} partnerName
 * @property {Record<string, string>} names user id → name ("You" for me)
 * @property {string} hurtName
 * @property {string} otherName the partner who broke trust
 */

/**
 * @typedef {object} Hear step 1: said, heard back, confirmed, as often as needed
 * @property {RepairEntry[]} shared what both can read, in order
 * @property {'acknowledge' | 'reflect' | 'confirm' | 'heard'} turn what comes next
 * @property {RepairEntry | null} acknowledgement the hurt partner's shared words
 */

/**
 * @typedef {object} Apology step 2
 * @property {RepairEntry | null} apology the shared apology
 * @property {RepairEntry[]} answers the hurt partner's shared answers, in order
 * @property {'apology' | 'answer' | 'answered'} turn
 */

/**
 * @typedef {object} TrustPoint one shared check-in's trust level
 * @property {string} day YYYY-MM-DD
 * @property {string} who user id
 * @property {number} trust 1–10
 */

/**
 * @typedef {object} Detail everything one repair's screen shows
 * @property {RepairRecord} repair
 * @property {People} people
 * @property {boolean} writable open, paired, not an archived copy
 * @property {boolean} changeable paired and not an archived copy (set aside, reopen)
 * @property {Record<string, RepairEntry>} drafts my private drafts, by step (the newest)
 * @property {Hear} hear
 * @property {Apology} apology
 * @property {PromiseRecord[]} promises linked to the repair, oldest first
 * @property {string[]} suggestions lines of "what I will change" not yet promised (for the partner who apologises)
 * @property {TrustPoint[]} trust shared check-ins of both since the repair opened
 * @property {string[]} days from the day it opened to today (or the day it moved forward)
 * @property {RepairEntry[]} rhythmNotes
 * @property {number} current the step to show first (0–4)
 */

/**
 * @typedef {object} ListItem
 * @property {RepairRecord} repair
 * @property {People} people
 */

const byCreated = (/** @type {{created_at: string}} */ a, /** @type {{created_at: string}} */ b) => a.created_at.localeCompare(b.created_at);

/**
 * Who is who in this repair, for this reader.
 * @param {RepairRecord} repair
 * @param {Me} me
 * @returns {People}
 */
export function peopleOf(repair, me) {
  const partnerName = me.partner?.display_name ?? 'Your former partner';
  const partnerId = me.partner?.id ?? '';
  const hurt = repair.hurt_id === me.user.id;
  return {
    hurt, me: me.user.id, partnerName, names: { [me.user.id]: 'You', [partnerId]: partnerName },
    hurtName: hurt ? 'You' : partnerName, otherName: hurt ? partnerName : 'You',
  };
}

/**
 * The repairs to list, open ones first, then the newest.
 * @param {RepairRecord[]} repairs
 * @param {Me} me
 * @returns {ListItem[]}
 */
export function listOf(repairs, me) {
  const rank = (/** @type {RepairRecord} */ r) => (r.archived ? 2 : r.state === 'open' ? 0 : 1);
  return repairs
    .filter((r) => !r.deleted)
    .sort((a, b) => rank(a) - rank(b) || b.opened_at.localeCompare(a.opened_at))
    .map((repair) => ({ repair, people: peopleOf(repair, me) }));
}

/**
 * Step 1's conversation and whose turn it is.
 * @param {RepairEntry[]} shared
 * @returns {Hear}
 */
function hearOf(shared) {
  const said = shared.filter((e) => ['acknowledge', 'reflect', 'confirm'].includes(e.step));
  const acknowledgement = said.find((e) => e.step === 'acknowledge') ?? null;
  const last = said.filter((e) => e.step !== 'acknowledge').at(-1);
  /** @type {Hear['turn']} */
  let turn = 'reflect';
  if (!acknowledgement) turn = 'acknowledge';
  else if (last?.step === 'reflect') turn = 'confirm';
  else if (last?.step === 'confirm' && last.parts.heard === 'yes') turn = 'heard';
  return { shared: said, turn, acknowledgement };
}

/**
 * The lines of "what I will change", each a promise to make in a tap.
 * @param {string} change
 */
export function changeLines(change) {
  const lines = change.split('\n').map((line) => line.replace(/^\s*(?:[-*•·]|\d+[.)])\s*/, '').trim()).filter(Boolean);
  // One paragraph: its sentences.
  const parts = lines.length === 1 ? lines[0].split(/(?<=[.!?])\s+/).map((s) => s.trim()).filter(Boolean) : lines;
  return parts.map((line) => line.replace(/[.]$/, '')).filter((line) => line.length <= 500);
}

/**
 * One repair's screen.
 * @param {RepairRecord} repair
 * @param {{entries: RepairEntry[], promises: PromiseRecord[], checkins: Checkin[]}} records of every kind it links
 * @param {Me} me
 * @param {Date} [now]
 * @returns {Detail}
 */
export function detailOf(repair, records, me, now = new Date()) {
  const people = peopleOf(repair, me);
  const entries = records.entries.filter((e) => e.repair_id === repair.id && !e.deleted).sort(byCreated);
  const shared = entries.filter((e) => e.visibility === 'shared');
  /** @type {Record<string, RepairEntry>} */
  const drafts = {};
  for (const entry of entries) if (entry.visibility === 'private' && entry.author_id === me.user.id) drafts[entry.step] = entry;
  const hear = hearOf(shared);
  const apologyEntry = shared.filter((e) => e.step === 'apology').at(-1) ?? null;
  const answers = shared.filter((e) => e.step === 'answer');
  /** @type {Apology} */
  const apology = { apology: apologyEntry, answers, turn: !apologyEntry ? 'apology' : answers.length ? 'answered' : 'answer' };
  const promises = records.promises.filter((p) => p.repair_id === repair.id && !p.deleted).sort(byCreated);
  // Suggestions come from my own apology, shared or a draft.
  const mine = people.hurt ? null : drafts.apology ?? apologyEntry;
  const promised = new Set(promises.map((p) => p.text.trim().toLowerCase()));
  const suggestions = mine ? changeLines(mine.parts.change ?? '').filter((line) => !promised.has(line.toLowerCase())) : [];
  const zone = me.user.time_zone;
  const first = localDay(zone, new Date(repair.opened_at));
  const last = repair.state === 'moved_forward' && repair.moved_forward_at ? localDay(zone, new Date(repair.moved_forward_at)) : localDay(zone, now);
  const ids = [me.user.id, me.partner?.id];
  const trust = records.checkins
    .filter((c) => !c.deleted && c.visibility === 'shared' && ids.includes(c.author_id) && c.day >= first && c.day <= last)
    .map((c) => ({ day: c.day, who: c.author_id, trust: c.trust }))
    .sort((a, b) => a.day.localeCompare(b.day));
  const paired = Boolean(me.partner) && !repair.archived;
  return {
    repair, people, writable: paired && repair.state === 'open', changeable: paired, drafts, hear, apology, promises, suggestions,
    trust, days: daysBetween(first, last), rhythmNotes: shared.filter((e) => e.step === 'rhythm_note'),
    current: hear.turn !== 'heard' ? 0 : apology.turn !== 'answered' ? 1 : !promises.length ? 2 : 3,
  };
}

/**
 * Every day from first to last, YYYY-MM-DD; the last year of them for a repair longer than that.
 * @param {string} first
 * @param {string} last
 */
function daysBetween(first, last) {
  const DAY_MS = 24 * 60 * 60 * 1000;
  const end = Date.parse(`${last}T12:00:00Z`);
  const days = [];
  for (let at = Math.max(Date.parse(`${first}T12:00:00Z`), end - 365 * DAY_MS); at <= end; at += DAY_MS) {
    days.push(new Date(at).toISOString().slice(0, 10));
  }
  return days;
}
