// @ts-check
// On Today, after the first screen: days to go until we next see each other (in my own day), our days coming
// soon, and the way into Rituals.
import { recordsOfKind } from '../core/db.js';
import { localDay } from '../core/local-rules.js';
import { keepShown } from '../core/time.js';
import { make, newestOnly } from '../shell/dom.js';
import { addStyles } from '../shell/sections.js';
import { daysBetween, nextReturn, whenWords } from './days.js';

/** @typedef {import('./rules.js').Visit} Visit */
/** @typedef {import('./rules.js').Anniversary} Anniversary */
/** @typedef {import('../core/api.js').Me} Me */

/** Our days shown on Today this many days ahead. */
const SOON_DAYS = 14;

/** The countdown card, or null when there is nothing to count down to. */
function countdownCard(/** @type {Visit | null} */ visit, /** @type {{title: string, days: number}[]} */ soon, /** @type {string} */ today) {
  if (!visit && !soon.length) return null;
  const card = make('section', 'card rituals-countdown-card');
  card.id = 'countdown';
  const heading = make('h4', '', visit ? 'Next time we see each other' : 'Coming soon');
  heading.id = 'countdown-title';
  card.setAttribute('aria-labelledby', heading.id);
  card.append(heading);
  if (visit) {
    const days = daysBetween(today, visit.on);
    const big = make('p', 'rituals-days-to-go');
    big.append(make('span', 'rituals-days-number', String(days)), ` ${days === 1 ? 'day' : 'days'} to go`);
    if (days === 0) big.textContent = 'Today!';
    card.append(big);
    if (visit.place) card.append(make('p', 'hint', visit.place));
  }
  for (const day of soon) card.append(make('p', 'rituals-soon', `${day.title}: ${whenWords(day.days)}`));
  return card;
}

/**
 * Run the countdown and the way into Rituals in their slot on Today.
 * @param {HTMLElement} slot
 * @param {Me} me
 * @param {IDBDatabase} db
 * @param {import('../core/sync.js').SyncEngine} engine
 * @returns {{update: (me: Me) => void, stop: () => void}}
 */
export function runCountdown(slot, me, db, engine) {
  const box = make('div', 'rituals-today');
  const cardSlot = make('div');
  const way = make('p', 'rituals-way');
  const link = /** @type {HTMLAnchorElement} */ (make('a', 'button quiet', 'Our rituals'));
  link.href = '#rituals';
  way.append(link);
  box.append(cardSlot, way);
  const styled = addStyles('rituals').catch(console.error);
  let shown = false;

  const refresh = newestOnly(
    async () => {
      const [visits, days] = await Promise.all([recordsOfKind(db, 'next_visit'), recordsOfKind(db, 'anniversary'), styled]);
      return { visits: /** @type {Visit[]} */ (/** @type {unknown} */ (visits)), days: /** @type {Anniversary[]} */ (/** @type {unknown} */ (days)) };
    },
    ({ visits, days }) => {
      const today = localDay(me.user.time_zone);
      const current = (/** @type {{deleted: boolean, archived: boolean}} */ r) => !r.deleted && !r.archived;
      const visit = visits.filter((v) => current(v) && v.on >= today).sort((a, b) => (a.on < b.on ? -1 : 1))[0] ?? null;
      const soon = days
        .filter(current)
        .map((d) => ({ title: d.title, days: daysBetween(today, nextReturn(d.on, today).on) }))
        .filter((d) => d.days <= SOON_DAYS)
        .sort((a, b) => a.days - b.days);
      const card = me.partner ? countdownCard(visit, soon, today) : null;
      cardSlot.replaceChildren(...(card ? [card] : []));
      way.hidden = !me.partner;
      if (!shown) {
        shown = true;
        slot.replaceChildren(box);
      }
    },
  );
  // A new day in my own time zone: one day fewer to go.
  return keepShown(engine, refresh, { kinds: ['next_visit', 'anniversary'], setMe: (next) => { me = next; }, clock: () => localDay(me.user.time_zone) });
}
