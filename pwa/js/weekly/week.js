// @ts-check
// The weeks of the state of us: the couple's week (Monday first), the records' ids, and what a week holds.
import { localDay, uuid5 } from '../core/local-rules.js';
import { addDays, weekOf } from '../history/days.js';

/** @typedef {import('./rules.js').WeeklyNote} WeeklyNote */
/** @typedef {import('./rules.js').WeeklyTopic} WeeklyTopic */
/** @typedef {import('./rules.js').WeeklyReply} WeeklyReply */
/** @typedef {import('../core/local-rules.js').Checkin} Checkin */
/** @typedef {import('../core/api.js').Me} Me */

// Days and weeks as Looking back counts them (Monday first).
export { addDays, weekOf };

/** The couple's week now: the week of the newer of our local dates (as the daily question's day). */
export function coupleWeek(/** @type {Me} */ me, at = new Date()) {
  const zones = me.partner ? [me.user.time_zone, me.partner.time_zone] : [me.user.time_zone];
  return weekOf(zones.map((zone) => localDay(zone, at)).sort().at(-1) ?? '');
}

/** The ids the server derives for my note, and the couple's topic and reply, of a week. */
export async function idsOf(/** @type {Me} */ me, /** @type {string} */ week) {
  const [note, topic, reply] = await Promise.all([
    uuid5(me.space.id, `weekly-note:${me.user.id}:${week}`),
    uuid5(me.space.id, `weekly-topic:${week}`),
    uuid5(me.space.id, `weekly-reply:${week}`),
  ]);
  return { note, topic, reply };
}

/**
 * @typedef {object} Week what one week holds for me
 * @property {string} week its Monday
 * @property {WeeklyNote | undefined} mine
 * @property {WeeklyNote | undefined} theirs shared with me
 * @property {WeeklyTopic | undefined} topic
 * @property {WeeklyReply | undefined} reply
 * @property {Checkin[]} myCheckins all mine, private ones too, by day
 * @property {Checkin[]} theirCheckins my partner's shared ones, by day
 */

/**
 * Gather the weeks of this couple's space, newest first.
 * @param {Me} me
 * @param {{notes: WeeklyNote[], topics: WeeklyTopic[], replies: WeeklyReply[], checkins: Checkin[]}} all
 * @param {string[]} always weeks listed even when nothing was written in them yet
 * @returns {Week[]}
 */
export function weeksOf(me, all, always) {
  const here = (/** @type {{space_id: string, deleted: boolean}} */ r) => r.space_id === me.space.id && !r.deleted;
  /** @type {Map<string, Week>} */
  const weeks = new Map();
  const at = (/** @type {string} */ week) => {
    let found = weeks.get(week);
    if (!found) {
      found = { week, mine: undefined, theirs: undefined, topic: undefined, reply: undefined, myCheckins: [], theirCheckins: [] };
      weeks.set(week, found);
    }
    return found;
  };
  for (const week of always) at(week);
  for (const note of all.notes.filter(here)) {
    if (note.author_id === me.user.id) at(note.week).mine = note;
    else if (note.visibility === 'shared') at(note.week).theirs = note;
  }
  for (const topic of all.topics.filter(here)) if (topic.visibility === 'shared') at(topic.week).topic = topic;
  for (const reply of all.replies.filter(here)) if (reply.visibility === 'shared') at(reply.week).reply = reply;
  const byDay = (/** @type {Checkin} */ a, /** @type {Checkin} */ b) => a.day.localeCompare(b.day);
  for (const checkin of all.checkins.filter(here).sort(byDay)) {
    const week = weeks.get(weekOf(checkin.day));
    if (!week) continue;
    if (checkin.author_id === me.user.id) week.myCheckins.push(checkin);
    else if (checkin.visibility === 'shared') week.theirCheckins.push(checkin);
  }
  return [...weeks.values()].sort((a, b) => b.week.localeCompare(a.week));
}
