// @ts-check
// A promise's dates, states and history in words for people.

/** @typedef {import('./controller.js').PromiseItem} PromiseItem */
/** @typedef {import('./rules.js').PromiseEvent} PromiseEvent */

const STATES = /** @type {Record<string, string>} */ ({ open: 'Open', done: 'Done', kept: 'Kept', missed: 'Missed', released: 'Released' });
const DAY_MS = 24 * 60 * 60 * 1000;
const noon = (/** @type {string} */ day) => new Date(`${day}T12:00:00Z`);
const weekday = new Intl.DateTimeFormat(undefined, { weekday: 'long', timeZone: 'UTC' });
const shortDay = new Intl.DateTimeFormat(undefined, { weekday: 'short', month: 'short', day: 'numeric', timeZone: 'UTC' });
const longDay = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' });
const moment = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

/** A state for people, e.g. "Kept". */
export const stateWords = (/** @type {string} */ state) => STATES[state] ?? state;

/** When something happened (ISO 8601), in the reader's time zone: "Mar 4". */
export const momentWords = (/** @type {string} */ at) => moment.format(new Date(at));

/** A YYYY-MM-DD day for people: "Tue, Mar 4", with the year when it is not this one. */
export function dayWords(/** @type {string} */ day, /** @type {string} */ today) {
  return (day.slice(0, 4) === today.slice(0, 4) ? shortDay : longDay).format(noon(day));
}

/**
 * When a promise is due, in words, counted on its promiser's clock: "Due tomorrow", "Was due Mon, Mar 3".
 * @param {string | null} due
 * @param {string} today the promiser's local day
 * @param {boolean} open still to be done
 */
export function dueWords(due, today, open) {
  if (!due) return 'No due date';
  const days = Math.round((noon(due).getTime() - noon(today).getTime()) / DAY_MS);
  if (!open) return `${days < 0 ? 'Was due' : 'Due'} ${dayWords(due, today)}`;
  if (days === 0) return 'Due today';
  if (days === 1) return 'Due tomorrow';
  if (days === -1) return 'Was due yesterday';
  if (days > 1 && days < 7) return `Due ${weekday.format(noon(due))}`;
  return `${days < 0 ? 'Was due' : 'Due'} ${dayWords(due, today)}`;
}

/**
 * A history line worth showing (date changes, rewording, a missed date), or '' for the rest.
 * @param {PromiseEvent} entry
 * @param {{names: Record<string, string>, today: string}} context who is who, and my local day
 */
export function eventWords(entry, context) {
  const who = entry.by ? context.names[entry.by] ?? 'Your former partner' : '';
  const date = (/** @type {string | null | undefined} */ day) => (day ? dayWords(day, context.today) : 'no date');
  switch (entry.event) {
    case 'renegotiated':
      return `${who} changed the date from ${date(entry.from)} to ${date(entry.to)}`;
    case 'updated':
      return `${who} reworded it`;
    case 'missed':
      return 'The due date passed';
    default:
      return '';
  }
}

/**
 * What happens next, for the reader, or '' when nothing is expected of anyone.
 * @param {PromiseItem} item
 * @param {string} promiser the promiser's name
 * @param {string} partnerName
 */
export function nextStep({ promise, mine, rights }, promiser, partnerName) {
  if (promise.archived) return '';
  if (promise.state === 'done') {
    return mine ? `Waiting for ${partnerName} to confirm it was kept.` : `${promiser} marked it done. Confirm it was kept when you agree.`;
  }
  if (promise.state === 'missed' && rights.change) return 'The date passed. You can still mark it done or set a new date.';
  return '';
}

