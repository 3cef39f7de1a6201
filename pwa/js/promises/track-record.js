// @ts-check
// Each partner's track record, counted from the local copy exactly as GET /api/promises/track-record
// counts it on the server (server/promises/service.py: track_record), so it works offline too.

/** @typedef {import('./rules.js').PromiseRecord} PromiseRecord */

/**
 * @typedef {object} TrackRecord one person's promises kept and missed in the window
 * @property {string} userId
 * @property {string} name
 * @property {number} kept
 * @property {number} missed
 * @property {number | null} ratio kept / (kept + missed), null when both are 0
 */

/** How far back the track record looks, as on the server. */
export const TRACK_RECORD_DAYS = 90;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * When the promise reached its current state: the last history line naming that state.
 * @param {PromiseRecord} promise
 * @returns {number | null} milliseconds since the epoch
 */
export function settledAt(promise) {
  const history = promise.history ?? [];
  for (let i = history.length - 1; i >= 0; i -= 1) {
    if (history[i].event === promise.state) {
      const at = Date.parse(history[i].at);
      return Number.isNaN(at) ? null : at;
    }
  }
  return null;
}

/**
 * Count kept and missed promises per person over the last 90 days, me first.
 * @param {PromiseRecord[]} promises every promise of the local copy
 * @param {{id: string, name: string}[]} people me, then my partner when paired
 * @param {Date} [now]
 * @returns {TrackRecord[]}
 */
export function trackRecord(promises, people, now = new Date()) {
  const since = now.getTime() - TRACK_RECORD_DAYS * DAY_MS;
  /** @type {Map<string, {kept: number, missed: number}>} */
  const counts = new Map(people.map((person) => [person.id, { kept: 0, missed: 0 }]));
  for (const promise of promises) {
    // Only shared promises count, so both partners see the same numbers.
    if (promise.deleted || promise.visibility !== 'shared') continue;
    if (promise.state !== 'kept' && promise.state !== 'missed') continue;
    if (promise.author_id !== promise.promiser) continue;
    const tally = counts.get(promise.promiser);
    const settled = settledAt(promise);
    if (tally && settled !== null && settled >= since) tally[promise.state] += 1;
  }
  return people.map((person) => {
    const { kept, missed } = /** @type {{kept: number, missed: number}} */ (counts.get(person.id));
    return { userId: person.id, name: person.name, kept, missed, ratio: kept + missed ? kept / (kept + missed) : null };
  });
}

/**
 * The track record in words, e.g. "3 of 4 kept (75%)".
 * @param {TrackRecord} record
 */
export function trackRecordWords(record) {
  const total = record.kept + record.missed;
  if (!total) return 'nothing kept or missed yet';
  return `${record.kept} of ${total} kept (${Math.round(((record.ratio ?? 0) * 100))}%)`;
}
