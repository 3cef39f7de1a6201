// @ts-check
// Looking back by the calendar: days, weeks (Monday first) and months of YYYY-MM-DD days, whose check-ins
// each person sees, and the averages of mood and trust by week or by month.

/** @typedef {import('../core/local-rules.js').Checkin} Checkin */

/**
 * @typedef {object} Period one week or month of a person's check-ins
 * @property {string} start its first day, YYYY-MM-DD
 * @property {number} count how many check-ins it holds
 * @property {number | null} mood the average, to one decimal; null without check-ins
 * @property {number | null} trust the average, to one decimal; null without check-ins
 */

/** @typedef {'weeks' | 'months'} Span */

/** How many weeks or months the chart goes back, the present one included. */
export const SPAN_LENGTH = 12;

const asDate = (/** @type {string} */ day) => new Date(`${day}T00:00:00Z`);
const asDay = (/** @type {Date} */ date) => date.toISOString().slice(0, 10);

/** The day n days after day (before, when n is negative). */
export function addDays(/** @type {string} */ day, /** @type {number} */ n) {
  const date = asDate(day);
  date.setUTCDate(date.getUTCDate() + n);
  return asDay(date);
}

/** The Monday of the week holding day. */
export function weekOf(/** @type {string} */ day) {
  return addDays(day, -((asDate(day).getUTCDay() + 6) % 7));
}

/** The first day of the month holding day. */
export const monthOf = (/** @type {string} */ day) => `${day.slice(0, 7)}-01`;

/** The first day of the month n months after the month of day. */
export function addMonths(/** @type {string} */ day, /** @type {number} */ n) {
  const date = asDate(monthOf(day));
  date.setUTCMonth(date.getUTCMonth() + n);
  return asDay(date);
}

/** The same day a year before; February 29 falls back to February 28. */
export function yearBefore(/** @type {string} */ day) {
  const [year, month, date] = day.split('-').map(Number);
  const before = new Date(Date.UTC(year - 1, month - 1, date));
  // Rolled over into March: there was no February 29 that year.
  if (before.getUTCMonth() !== month - 1) before.setUTCDate(0);
  return asDay(before);
}

/**
 * The days a year before today: one, or two on a February 28 after a leap year's February 29.
 * @param {string} today
 * @returns {string[]}
 */
export function yearAgoDays(today) {
  const days = [yearBefore(today)];
  const leapDay = addDays(days[0], 1);
  if (today.slice(5) === '02-28' && leapDay.endsWith('-02-29')) days.push(leapDay);
  return days;
}

/**
 * The check-ins a person's history shows of one author: all of mine, private ones included; only what
 * the partner shared of theirs (a partner's private check-in never reaches this phone: this holds anyway).
 * @param {Checkin[]} checkins
 * @param {string} authorId
 * @param {string} meId
 * @returns {Checkin[]} oldest day first
 */
export function shownOf(checkins, authorId, meId) {
  return checkins
    .filter((c) => c.author_id === authorId && !c.deleted && (authorId === meId || c.visibility === 'shared'))
    .sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
}

/** An average to one decimal, halves rounded up. */
const average = (/** @type {number} */ sum, /** @type {number} */ count) => (count ? Math.round((sum * 10) / count) / 10 : null);

/**
 * The starts of the weeks or months shown, oldest first, ending with the one holding last.
 * @param {Span} span
 * @param {string} last
 * @param {string | undefined} first the earliest day with a check-in: no empty periods before it
 */
export function periodStarts(span, last, first) {
  const step = span === 'weeks' ? (/** @type {string} */ d, /** @type {number} */ n) => addDays(weekOf(d), 7 * n) : addMonths;
  const starts = [];
  for (let n = SPAN_LENGTH - 1; n >= 0; n -= 1) starts.push(step(last, -n));
  const from = first ? (span === 'weeks' ? weekOf(first) : monthOf(first)) : starts[starts.length - 1];
  const kept = starts.filter((start) => start >= from);
  return kept.length ? kept : [starts[starts.length - 1]];
}

/**
 * Average mood and trust by week or month.
 * @param {Checkin[]} checkins one person's
 * @param {Span} span
 * @param {string[]} starts from periodStarts
 * @returns {Period[]}
 */
export function averages(checkins, span, starts) {
  const periodOf = span === 'weeks' ? weekOf : monthOf;
  return starts.map((start) => {
    const inside = checkins.filter((c) => periodOf(c.day) === start);
    const sum = (/** @type {'mood' | 'trust'} */ key) => inside.reduce((total, c) => total + c[key], 0);
    return { start, count: inside.length, mood: average(sum('mood'), inside.length), trust: average(sum('trust'), inside.length) };
  });
}
