// @ts-check
// A month as a calendar, Monday first: each day says who checked in, and a day with check-ins opens with a tap.
import { addDays, addMonths, weekOf } from './days.js';

/** @typedef {import('../core/local-rules.js').Checkin} Checkin */

/**
 * @typedef {object} Day the check-ins of one day that this phone shows
 * @property {Checkin} [mine]
 * @property {Checkin} [theirs]
 */

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7].map((n) => {
  const date = new Date(Date.UTC(2024, 0, n, 12)); // January 1, 2024 was a Monday
  return {
    short: new Intl.DateTimeFormat(undefined, { weekday: 'narrow', timeZone: 'UTC' }).format(date),
    long: new Intl.DateTimeFormat(undefined, { weekday: 'long', timeZone: 'UTC' }).format(date),
  };
});
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', month: 'long', day: 'numeric', timeZone: 'UTC' });

/** A day for people: "Tuesday, March 4". */
export const dayWords = (/** @type {string} */ day) => dayFormat.format(new Date(`${day}T12:00:00Z`));

/** Who checked in on a day, in words: "you and Sam", "Sam". */
export function whoWords(/** @type {Day} */ entry, /** @type {string} */ partnerName) {
  return [entry.mine && 'you', entry.theirs && partnerName].filter(Boolean).join(' and ');
}

/**
 * The calendar table of the month starting monthStart.
 * @param {object} options
 * @param {string} options.month its first day, YYYY-MM-DD
 * @param {Map<string, Day>} options.days the days with check-ins
 * @param {string} options.today
 * @param {string | null} options.picked the day being read
 * @param {string} options.partnerName
 * @param {(day: string) => void} options.pick
 * @returns {HTMLTableElement}
 */
export function monthTable({ month, days, today, picked, partnerName, pick }) {
  const table = document.createElement('table');
  table.className = 'history-calendar';
  const head = document.createElement('tr');
  for (const weekday of WEEKDAYS) {
    const th = Object.assign(document.createElement('th'), { scope: 'col', textContent: weekday.short });
    th.setAttribute('abbr', weekday.long);
    head.append(th);
  }
  const thead = document.createElement('thead');
  thead.append(head);
  const tbody = document.createElement('tbody');
  const next = addMonths(month, 1);
  for (let week = weekOf(month); week < next; week = addDays(week, 7)) {
    const row = document.createElement('tr');
    for (let n = 0; n < 7; n += 1) {
      const day = addDays(week, n);
      const cell = document.createElement('td');
      row.append(cell);
      if (day < month || day >= next) continue;
      const entry = days.get(day);
      const number = String(Number(day.slice(8)));
      if (!entry) {
        cell.append(Object.assign(document.createElement('span'), { className: 'history-date', textContent: number }));
        if (day === today) cell.className = 'today';
        continue;
      }
      const button = Object.assign(document.createElement('button'), { type: 'button', className: 'history-day' });
      button.dataset.day = day;
      button.setAttribute('aria-label', `${dayWords(day)}: ${whoWords(entry, partnerName)}`);
      button.setAttribute('aria-pressed', String(day === picked));
      const marks = Object.assign(document.createElement('span'), { className: 'history-marks' });
      marks.setAttribute('aria-hidden', 'true');
      if (entry.mine) marks.append(Object.assign(document.createElement('span'), { className: 'mark mine' }));
      if (entry.theirs) marks.append(Object.assign(document.createElement('span'), { className: 'mark theirs' }));
      button.append(Object.assign(document.createElement('span'), { className: 'history-date', textContent: number }), marks);
      button.addEventListener('click', () => pick(day));
      if (day === today) cell.className = 'today';
      cell.append(button);
    }
    tbody.append(row);
  }
  table.append(thead, tbody);
  return table;
}
