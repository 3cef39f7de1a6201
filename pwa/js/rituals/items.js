// @ts-check
// One line of Rituals each: a ritual with its day's mark, a date night, a day of ours.
import { busy, make } from '../shell/dom.js';
import { clockTime, instantOf, rhythmWords, sharedIn, whenWords } from './days.js';

/** @typedef {import('./rules.js').Ritual} Ritual */
/** @typedef {import('./rules.js').DateNight} DateNight */
/** @typedef {import('./controller.js').RitualsState} RitualsState */
/** @typedef {import('./controller.js').DayItem} DayItem */

/** What each ritual is called when the couple has not named it. */
export const TITLES = /** @type {Record<string, string>} */ ({
  checkin: 'Daily check-in', question: 'The daily question', call: 'A call', meal: 'A shared meal',
  date_night: 'Date night', state_of_us: 'The weekly state of us', own: 'Our ritual',
});

/** A small button that runs its action busy. */
export function button(/** @type {string} */ text, /** @type {() => Promise<unknown>} */ action, className = 'button small quiet') {
  const b = /** @type {HTMLButtonElement} */ (make('button', className, text));
  b.type = 'button';
  b.addEventListener('click', () => busy(b, async () => { await action(); }).catch(console.error));
  return b;
}

/** A ritual's name: the couple's own, or what the app calls its kind. */
export function titleOf(/** @type {Ritual} */ ritual) {
  return ritual.type === 'own' || ritual.name ? ritual.name || TITLES.own : TITLES[ritual.type];
}

/** When a ritual comes, in words: its days (a shared moment's in my time zone), its time, and whose time. */
export function whenOf(/** @type {Ritual} */ ritual, /** @type {RitualsState} */ state) {
  if (ritual.timing !== 'shared') return `${rhythmWords(ritual.days)} at ${ritual.time}, each at your own time`;
  const { at, days: myDays } = sharedIn(ritual, state.me.user.time_zone);
  const days = rhythmWords(myDays);
  const mine = clockTime(at, state.me.user.time_zone);
  const theirs = state.me.partner ? ` (${clockTime(at, state.me.partner.time_zone)} for ${state.partnerName})` : '';
  return `${days} at ${mine} your time${theirs}, together`;
}

/**
 * A ritual's line: what and when, my own mark for today, pause or resume, change, remove.
 * @param {Ritual} ritual
 * @param {{done: string | null, state: RitualsState, actions: import('./view.js').RitualsActions, edit: () => void}} context
 */
export function ritualItem(ritual, { done, state, actions, edit }) {
  const item = make('li', 'rituals-item');
  item.dataset.id = ritual.id;
  const title = titleOf(ritual);
  item.append(make('p', 'rituals-item-title', title), make('p', 'hint', whenOf(ritual, state)));
  if (ritual.state === 'paused') item.append(make('p', 'rituals-paused', 'Paused: no reminders until you take it up again.'));
  const row = make('div', 'rituals-actions');
  if (!ritual.archived && !state.solo) {
    if (ritual.state === 'active') {
      row.append(done
        ? button('Done today ✓', () => actions.undone(done))
        : button('Mark done today', () => actions.done(ritual.id)));
      row.append(button('Pause', () => actions.pause(ritual.id)));
    } else {
      row.append(button('Take it up again', () => actions.resume(ritual.id)));
    }
    const change = /** @type {HTMLButtonElement} */ (make('button', 'button small quiet', 'Edit'));
    change.type = 'button';
    change.dataset.action = 'edit';
    change.setAttribute('aria-label', `Edit “${title}”`);
    change.addEventListener('click', edit);
    row.append(change, button('Remove', () => actions.remove(ritual.id)));
  }
  item.append(row);
  if (done) item.append(make('p', 'hint', 'Only you see your marks.'));
  return item;
}

/**
 * A date night's line: when, what, where; kept as a memory once it has happened.
 * @param {DateNight} night
 * @param {RitualsState} state
 * @param {import('./view.js').RitualsActions} actions
 */
export function dateItem(night, state, actions) {
  const item = make('li', 'rituals-item');
  item.dataset.id = night.id;
  const at = new Date(night.at);
  const when = new Intl.DateTimeFormat(undefined, {
    timeZone: state.me.user.time_zone, weekday: 'short', day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit',
  }).format(at);
  item.append(make('p', 'rituals-item-title', night.what), make('p', 'hint', [when, night.place].filter(Boolean).join(' · ')));
  const row = make('div', 'rituals-actions');
  if (night.state === 'remembered') {
    const link = /** @type {HTMLAnchorElement} */ (make('a', 'link', 'Kept in your timeline'));
    link.href = '#timeline';
    row.append(link);
  } else if (!night.archived && !state.solo) {
    if (at.getTime() <= Date.now()) row.append(button('Keep as a memory', () => actions.remember(night), 'button small'));
    else row.append(button('Call it off', () => actions.cancel(night.id)));
  }
  item.append(row);
  return item;
}

/**
 * A day of ours: its name, when it next comes back, and its reminder.
 * @param {DayItem} day
 * @param {RitualsState} state
 * @param {import('./view.js').RitualsActions} actions
 */
export function anniversaryItem(day, state, actions) {
  const item = make('li', 'rituals-item');
  item.dataset.id = day.record.id;
  const date = new Intl.DateTimeFormat(undefined, { timeZone: 'UTC', day: 'numeric', month: 'long' }).format(instantOf(day.next, '12:00', 'UTC'));
  const years = day.years > 0 ? `, ${day.years} ${day.years === 1 ? 'year' : 'years'}` : '';
  item.append(make('p', 'rituals-item-title', day.record.title), make('p', 'hint', `${date}: ${whenWords(day.days)}${years}`));
  if (!day.record.archived && !state.solo) {
    const row = make('div', 'rituals-actions');
    row.append(
      button(day.record.remind ? 'No reminder' : 'Remind us the day before', () => actions.remind(day.record.id, !day.record.remind)),
      button('Remove', () => actions.removeDay(day.record.id)),
    );
    item.append(row);
  }
  return item;
}
