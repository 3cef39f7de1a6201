// @ts-check
// Looking back: the days (a month as a calendar or a list, each day readable in full) and mood and trust
// over weeks or months, one chart and table per person.
import { fillCheckin } from '../checkins/view.js';
import { fromTemplate, ref } from '../shell/dom.js';
import { dayWords, monthTable, whoWords } from './calendar.js';
import { personChart } from './chart.js';
import { addMonths, averages, monthOf, periodStarts } from './days.js';

/** @typedef {import('../core/local-rules.js').Checkin} Checkin */
/** @typedef {import('./calendar.js').Day} Day */
/** @typedef {import('./days.js').Span} Span */

/**
 * @typedef {object} HistoryState
 * @property {string} today my local day
 * @property {string | null} partnerName null while solo
 * @property {Checkin[]} mine every check-in of mine, private ones included, oldest first
 * @property {Checkin[]} theirs what my partner shared, oldest first
 */

const monthFormat = new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' });

/** The words about an answer to a check-in, as Today says them. */
const ackWords = (/** @type {Checkin} */ checkin, /** @type {string} */ who) =>
  checkin.ack ? `${who} answered ${checkin.ack.reaction}${checkin.ack.reply ? `: “${checkin.ack.reply}”` : ''}` : '';

/**
 * Render Looking back into the slot and bind its controls.
 * @param {HTMLElement} slot
 * @returns {{render: (state: HistoryState) => void, open: (day: string) => void}}
 */
export function showHistory(slot) {
  const section = fromTemplate('tpl-history');
  const asCalendar = /** @type {HTMLButtonElement} */ (ref(section, 'as-calendar'));
  const asList = /** @type {HTMLButtonElement} */ (ref(section, 'as-list'));
  const earlier = /** @type {HTMLButtonElement} */ (ref(section, 'earlier'));
  const later = /** @type {HTMLButtonElement} */ (ref(section, 'later'));
  const reading = ref(section, 'reading');
  const spans = /** @type {HTMLButtonElement[]} */ ([...section.querySelectorAll('[data-span]')]);
  const charts = [personChart('me'), personChart('partner')];
  ref(section, 'charts').append(...charts.map((c) => c.element));

  /** @type {HistoryState | null} */
  let state = null;
  /** @type {string | null} the month shown, its first day; null: the present one */
  let month = null;
  /** @type {string | null} */
  let picked = null;
  let listed = false;
  /** @type {Span} */
  let span = 'weeks';
  /** The month on screen, as last rendered. */
  let shown = '';

  /** The days with check-ins, by day. */
  const daysOf = (/** @type {HistoryState} */ s) => {
    /** @type {Map<string, Day>} */
    const days = new Map();
    for (const c of s.mine) days.set(c.day, { ...days.get(c.day), mine: c });
    for (const c of s.theirs) days.set(c.day, { ...days.get(c.day), theirs: c });
    return days;
  };

  /** The full check-ins of one day, as cards. */
  const entries = (/** @type {Day} */ entry, /** @type {string} */ partnerName) => {
    const cards = [];
    if (entry.mine) cards.push(card('Your check-in', entry.mine, ackWords(entry.mine, partnerName)));
    if (entry.theirs) cards.push(card(`${partnerName}’s check-in`, entry.theirs, ackWords(entry.theirs, 'You')));
    return cards;
  };
  const card = (/** @type {string} */ title, /** @type {Checkin} */ checkin, /** @type {string} */ ack) => {
    const article = fromTemplate('tpl-history-entry');
    ref(article, 'title').textContent = title;
    fillCheckin(ref(article, 'view'), checkin, '', ack);
    ref(article, 'view').querySelector('[data-ref="day"]')?.remove();
    return article;
  };

  const render = (/** @type {HistoryState} */ next) => {
    state = next;
    const partnerName = next.partnerName ?? 'your partner';
    const days = daysOf(next);
    const all = [...days.keys()].sort();
    const last = [next.today, all[all.length - 1] ?? next.today].sort()[1];
    const latest = monthOf(last);
    const earliest = monthOf(all[0] ?? next.today);
    shown = [earliest, [month ?? latest, latest].sort()[0]].sort()[1];

    ref(section, 'intro').textContent = next.partnerName
      ? `Your check-ins, private ones too, and the ones ${next.partnerName} shared with you. What you kept private stays yours.`
      : 'Your check-ins, private ones too. What you kept private stays yours.';
    ref(section, 'empty').hidden = all.length > 0;
    ref(section, 'days').hidden = !all.length;
    ref(section, 'trends').hidden = !all.length;

    // The month: the calendar or the list.
    ref(section, 'month').textContent = monthFormat.format(new Date(`${shown}T12:00:00Z`));
    earlier.disabled = shown <= earliest;
    later.disabled = shown >= latest;
    asCalendar.setAttribute('aria-pressed', String(!listed));
    asList.setAttribute('aria-pressed', String(listed));
    ref(section, 'calendar-box').hidden = listed;
    const list = ref(section, 'list');
    list.hidden = !listed;
    const inMonth = all.filter((day) => monthOf(day) === shown).reverse();
    ref(section, 'list-empty').hidden = !listed || inMonth.length > 0;
    if (listed) {
      list.replaceChildren(...inMonth.map((day) => {
        const item = document.createElement('li');
        item.className = 'history-list-day';
        const heading = Object.assign(document.createElement('h4'), { textContent: dayWords(day) });
        const body = Object.assign(document.createElement('div'), { className: 'history-entries' });
        body.append(...entries(/** @type {Day} */ (days.get(day)), partnerName));
        item.append(heading, body);
        return item;
      }));
    } else {
      ref(section, 'calendar').replaceChildren(monthTable({ month: shown, days, today: next.today, picked, partnerName, pick }));
      ref(section, 'key').replaceChildren(...[['mine', 'You'], ...(next.partnerName ? [['theirs', next.partnerName]] : [])].map(([mark, name]) => {
        const item = document.createElement('span');
        item.append(Object.assign(document.createElement('span'), { className: `mark ${mark}` }), name);
        return item;
      }));
      ref(section, 'key').setAttribute('aria-hidden', 'true');
      const entry = picked ? days.get(picked) : undefined;
      reading.hidden = !entry;
      ref(section, 'pick-hint').hidden = Boolean(entry);
      if (entry && picked) {
        ref(reading, 'reading-title').textContent = `${dayWords(picked)}: ${whoWords(entry, partnerName)}`;
        ref(reading, 'reading-body').replaceChildren(...entries(entry, partnerName));
      }
    }

    // Mood and trust by week or month.
    for (const button of spans) button.setAttribute('aria-pressed', String(button.dataset.span === span));
    const starts = periodStarts(span, last, all[0]);
    charts[0].render('You', averages(next.mine, span, starts), span);
    charts[1].element.hidden = !next.partnerName;
    if (next.partnerName) charts[1].render(next.partnerName, averages(next.theirs, span, starts), span);
  };

  const again = () => state && render(state);

  /** Read a day: its month in the calendar, the day open below it. */
  const pick = (/** @type {string} */ day) => {
    picked = day;
    month = monthOf(day);
    listed = false;
    again();
    if (!reading.hidden) reading.focus();
  };

  const move = (/** @type {number} */ by, /** @type {HTMLButtonElement} */ button) => {
    month = addMonths(shown, by);
    again();
    // At the first or last month the button turns off: the other one keeps the focus.
    if (button.disabled) (button === earlier ? later : earlier).focus();
  };
  earlier.addEventListener('click', () => move(-1, earlier));
  later.addEventListener('click', () => move(1, later));
  asCalendar.addEventListener('click', () => {
    listed = false;
    again();
  });
  asList.addEventListener('click', () => {
    listed = true;
    again();
  });
  for (const button of spans) {
    button.addEventListener('click', () => {
      span = /** @type {Span} */ (button.dataset.span);
      again();
    });
  }

  slot.replaceChildren(section);
  return { render, open: pick };
}
