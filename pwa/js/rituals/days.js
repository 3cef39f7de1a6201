// @ts-check
// Days and moments for rituals: days to go in my own day, a shared moment in both time zones, the next
// return of an anniversary.
import { localDay } from '../core/local-rules.js';
import { offsetMinutes } from '../core/time.js';

/** The days of the week as the server counts them (0 = Monday). */
export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** Whole days from one YYYY-MM-DD to another. */
export function daysBetween(/** @type {string} */ from, /** @type {string} */ to) {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86400000);
}

/** Days until a date, counted from my own day in my time zone. */
export function daysToGo(/** @type {string} */ on, /** @type {string} */ timeZone, at = new Date()) {
  return daysBetween(localDay(timeZone, at), on);
}

/** "today", "tomorrow", "in 12 days". */
export function whenWords(/** @type {number} */ days) {
  if (days === 0) return 'today';
  if (days === 1) return 'tomorrow';
  return `in ${days} days`;
}

/** The next return (today or later) of an anniversary first on `on`, with how many years it makes. */
export function nextReturn(/** @type {string} */ on, /** @type {string} */ today) {
  const [year, month, day] = on.split('-').map(Number);
  let next = Number(today.slice(0, 4));
  const dateIn = (/** @type {number} */ y) => {
    const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    const d = month === 2 && day === 29 && !leap ? 28 : day;
    return `${y}-${String(month).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  };
  if (on > today) return { on, years: 0 };
  if (dateIn(next) < today) next += 1;
  return { on: dateIn(next), years: next - year };
}

/** The instant a wall-clock time of a day takes in a time zone. */
export function instantOf(/** @type {string} */ day, /** @type {string} */ time, /** @type {string} */ timeZone) {
  const guess = new Date(`${day}T${time}:00Z`);
  const first = new Date(guess.getTime() - offsetMinutes(timeZone, guess) * 60000);
  // Once more with the offset of the moment found: right across a change of summer time.
  return new Date(guess.getTime() - offsetMinutes(timeZone, first) * 60000);
}

/** A time of day as the person's own clock shows it, e.g. "8:00 PM" or "20:00". */
export function clockTime(/** @type {Date} */ at, /** @type {string} */ timeZone) {
  return new Intl.DateTimeFormat(undefined, { timeZone, hour: 'numeric', minute: '2-digit' }).format(at);
}

/**
 * A shared moment (time on days, in zone) as it falls in another time zone: the clock time (HH:MM) and the
 * days there, which move by one where the moment crosses midnight between the two zones.
 * @param {{time: string, days: number[], zone: string}} ritual
 * @param {string} timeZone
 * @returns {{time: string, days: number[], at: Date}}
 */
export function sharedIn({ time, days, zone }, timeZone, at = new Date()) {
  const day = localDay(zone, at);
  const moment = instantOf(day, time, zone);
  const shift = daysBetween(day, localDay(timeZone, moment));
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(moment);
  const part = (/** @type {string} */ type) => parts.find((p) => p.type === type)?.value ?? '00';
  return { time: `${part('hour')}:${part('minute')}`, days: days.map((d) => (d + shift + 7) % 7).sort(), at: moment };
}

/** The days of a rhythm in words: "every day", "weekdays", "Tuesday and Friday". */
export function rhythmWords(/** @type {number[]} */ days) {
  const sorted = [...days].sort();
  if (sorted.length === 7) return 'every day';
  if (sorted.join() === '0,1,2,3,4') return 'weekdays';
  if (sorted.join() === '5,6') return 'weekends';
  const names = sorted.map((d) => WEEKDAYS[d]);
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names[0] ?? '';
}

/** The weekday (0 = Monday) of a YYYY-MM-DD. */
export function weekdayOf(/** @type {string} */ day) {
  return (new Date(`${day}T12:00:00Z`).getUTCDay() + 6) % 7;
}
