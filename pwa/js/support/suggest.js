// @ts-check
// When to suggest Find support, worked out on this phone from the user's own records only: nothing
// about it is stored where the partner could see it, sent, or notified. Three signs, checked in order:
//
//   low_trust        my check-ins (shared or private) have said trust 4 or lower for two weeks: every
//                    one from today back to 13 days ago or further, with no higher one in between, at
//                    least 5 of them in the last 14 days (today and the 13 days before) and at least
//                    one in each of those two weeks. A few bad days, or 13 of them, are not two weeks;
//                    a day not checked in does not break the stretch.
//   stalled_repair   a repair that is open and has seen nothing for 30 days: no entry written or edited
//                    by either partner, no change to the repair itself (rhythm, reopening…).
//   missed_promises  my last 3 promises that were settled (kept or missed; released ones aside) were all
//                    missed, the latest of them in the last 30 days.
//
// A dismissed suggestion stays hidden for 30 days; another sign may show meanwhile.

import { settledAt } from '../promises/track-record.js';

/** @typedef {import('../core/db.js').StoredRecord} StoredRecord */
/** @typedef {'low_trust' | 'stalled_repair' | 'missed_promises'} Reason */

/**
 * @typedef {object} LocalData what this phone holds, as the UI shows it
 * @property {string} me my user id
 * @property {string} today YYYY-MM-DD in my time zone
 * @property {number} now milliseconds since the epoch
 * @property {StoredRecord[]} [checkins]
 * @property {StoredRecord[]} [repairs] kind repair
 * @property {StoredRecord[]} [entries] kind repair_entry
 * @property {StoredRecord[]} [promises]
 */

/** @typedef {{reason: Reason, at: number}} Dismissal */

export const LOW_TRUST = 4;
export const TRUST_DAYS = 14;
export const MIN_LOW_CHECKINS = 5;
export const STALLED_DAYS = 30;
export const MISSED_IN_A_ROW = 3;
export const RECENT_MISS_DAYS = 30;
export const DISMISSED_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Days from a YYYY-MM-DD to today (0 today, 1 yesterday); NaN when either is not a day. */
function daysBefore(/** @type {string} */ today, /** @type {unknown} */ day) {
  return (Date.parse(`${today}T00:00:00Z`) - Date.parse(`${day}T00:00:00Z`)) / DAY_MS;
}

/** Whether my check-ins have said trust was low for the last two weeks. */
function lowTrust(/** @type {LocalData} */ data) {
  const mine = (data.checkins ?? [])
    .filter((c) => c.author_id === data.me && !c.deleted && daysBefore(data.today, c.day) >= 0)
    .map((c) => ({ ago: daysBefore(data.today, c.day), low: Number(c.trust) <= LOW_TRUST }))
    .sort((a, b) => a.ago - b.ago);
  // The low stretch: from today back to just after my last check-in with higher trust.
  const higher = mine.findIndex((c) => !c.low);
  const stretch = (higher === -1 ? mine : mine.slice(0, higher)).map((c) => c.ago);
  if (stretch.length === 0 || stretch[stretch.length - 1] < TRUST_DAYS - 1) return false;
  const recent = stretch.filter((ago) => ago < TRUST_DAYS);
  if (recent.length < MIN_LOW_CHECKINS) return false;
  return new Set(recent.map((ago) => Math.floor(ago / 7))).size === 2;
}

/** The latest moment among ISO 8601 strings (0 when none parses). */
function latest(/** @type {unknown[]} */ times) {
  return Math.max(0, ...times.map((t) => (typeof t === 'string' ? Date.parse(t) : NaN)).filter((t) => !Number.isNaN(t)));
}

/** When anything last happened in a repair or its entries; now for a change still on its way. */
function lastActivity(/** @type {StoredRecord} */ repair, /** @type {StoredRecord[]} */ entries, /** @type {number} */ now) {
  const own = entries.filter((e) => e.repair_id === repair.id);
  if (repair.pending || own.some((e) => e.pending)) return now;
  return latest([
    repair.opened_at,
    repair.created_at,
    repair.updated_at,
    ...(Array.isArray(repair.history) ? repair.history.map((/** @type {any} */ h) => h?.at) : []),
    ...own.flatMap((e) => [e.created_at, e.updated_at]),
  ]);
}

/** Whether an open repair has been quiet for a month. */
function stalledRepair(/** @type {LocalData} */ data) {
  const entries = data.entries ?? [];
  return (data.repairs ?? []).some((repair) => {
    if (repair.deleted || repair.archived || repair.state !== 'open') return false;
    const last = lastActivity(repair, entries, data.now);
    return last > 0 && data.now - last >= STALLED_DAYS * DAY_MS;
  });
}

/** Whether my last few settled promises were all missed, lately. */
function missedPromises(/** @type {LocalData} */ data) {
  const settled = (data.promises ?? [])
    .filter((p) => p.promiser === data.me && !p.deleted && !p.archived && (p.state === 'kept' || p.state === 'missed'))
    .map((p) => ({ state: p.state, at: settledAt(/** @type {any} */ (p)) }))
    .filter((p) => p.at !== null)
    .sort((a, b) => Number(b.at) - Number(a.at))
    .slice(0, MISSED_IN_A_ROW);
  if (settled.length < MISSED_IN_A_ROW || settled.some((p) => p.state !== 'missed')) return false;
  return data.now - Number(settled[0].at) <= RECENT_MISS_DAYS * DAY_MS;
}

/**
 * The reason to suggest Find support to this user now, or null.
 * @param {LocalData} data
 * @returns {Reason | null}
 */
export function suggestion(data) {
  if (lowTrust(data)) return 'low_trust';
  if (stalledRepair(data)) return 'stalled_repair';
  if (missedPromises(data)) return 'missed_promises';
  return null;
}

/**
 * Whether the user set this reason's suggestion aside recently enough to keep it hidden.
 * @param {Reason} reason
 * @param {Dismissal | null | undefined} dismissed
 * @param {number} now
 */
export function stillDismissed(reason, dismissed, now) {
  return Boolean(dismissed && dismissed.reason === reason && now - dismissed.at < DISMISSED_DAYS * DAY_MS);
}

/** The suggestion in words, by reason: gentle, never a score. */
export const SUGGESTION_WORDS = /** @type {Record<Reason, string>} */ ({
  low_trust: 'It has been a hard couple of weeks. Talking to someone can help.',
  stalled_repair: 'Your repair has been quiet for a while. That is all right; someone trained in this can help you both find a next step.',
  missed_promises: 'Promises have been hard to keep lately. That happens, and talking it through with someone can help.',
});
