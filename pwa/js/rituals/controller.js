// @ts-check
// Rituals' controller: reads the local copy (rituals, my own done marks, date nights, the next visit, our days)
// and turns the user's actions into mutations.
import { recordsOfKind } from '../core/db.js';
import { localDay } from '../core/local-rules.js';
import { keepShown } from '../core/time.js';
import { newestOnly } from '../shell/dom.js';
import { daysBetween, instantOf, nextReturn } from './days.js';
import { showRituals } from './view.js';

/** @typedef {import('./rules.js').Ritual} Ritual */
/** @typedef {import('./rules.js').DoneMark} DoneMark */
/** @typedef {import('./rules.js').DateNight} DateNight */
/** @typedef {import('./rules.js').Visit} Visit */
/** @typedef {import('./rules.js').Anniversary} Anniversary */
/** @typedef {import('../core/api.js').Me} Me */

/** The kinds of records the section shows, in the order refresh reads them. */
const KINDS = ['ritual', 'ritual_done', 'date_night', 'next_visit', 'anniversary'];

/** @typedef {{record: Anniversary, next: string, days: number, years: number}} DayItem */

/**
 * @typedef {object} RitualsState what the section shows
 * @property {Me} me
 * @property {string} today my own day
 * @property {boolean} solo
 * @property {string} partnerName
 * @property {Ritual[]} rituals
 * @property {Map<string, string>} doneToday my mark of today, by ritual id
 * @property {Visit | null} visit
 * @property {DateNight[]} dates
 * @property {DayItem[]} days
 */

/** The live records of a kind, the current couple's before any kept from an earlier one. */
const live = (/** @type {any[]} */ records) => records.filter((r) => !r.deleted && !r.archived);

/** The next visit: the soonest day not yet past in my own day. */
export function nextVisit(/** @type {Visit[]} */ visits, /** @type {string} */ today) {
  return live(visits).filter((v) => v.on >= today).sort((a, b) => (a.on < b.on ? -1 : 1))[0] ?? null;
}

/** Our days, soonest first, each with when it next comes back. */
export function daysOf(/** @type {Anniversary[]} */ all, /** @type {string} */ today) {
  return live(all)
    .map((record) => {
      const { on, years } = nextReturn(record.on, today);
      return { record, next: on, days: daysBetween(today, on), years };
    })
    .sort((a, b) => a.days - b.days);
}

/**
 * Run Rituals in the slot until the returned stop is called.
 * @param {HTMLElement} slot
 * @param {Me} me
 * @param {IDBDatabase} db
 * @param {import('../core/sync.js').SyncEngine} engine
 * @returns {{update: (me: Me) => void, stop: () => void}}
 */
export function runRituals(slot, me, db, engine) {
  const all = async (/** @type {string} */ kind) => /** @type {any[]} */ (await recordsOfKind(db, kind));
  const today = () => localDay(me.user.time_zone);

  const view = showRituals(slot, {
    define: (fields) => engine.mutate('ritual.define', { id: crypto.randomUUID(), ...fields }),
    update: (id, changes) => engine.mutate('ritual.update', { id, ...changes }),
    done: (id) => engine.mutate('ritual.done', { id: crypto.randomUUID(), ritual_id: id, day: today() }),
    undone: (markId) => engine.mutate('ritual.undone', { id: markId }),
    pause: (id) => engine.mutate('ritual.pause', { id }),
    resume: (id) => engine.mutate('ritual.resume', { id }),
    remove: (id) => engine.mutate('ritual.remove', { id }),
    async visit(fields) {
      const current = nextVisit(await all('next_visit'), today());
      await engine.mutate('visit.set', { id: current?.id ?? crypto.randomUUID(), ...fields });
    },
    async clearVisit() {
      const current = nextVisit(await all('next_visit'), today());
      if (current) await engine.mutate('visit.clear', { id: current.id });
    },
    plan: ({ at, what, place }) => {
      const [day, time] = at.split('T');
      const instant = instantOf(day, time.slice(0, 5), me.user.time_zone).toISOString();
      return engine.mutate('date_night.plan', { id: crypto.randomUUID(), at: instant, what, place });
    },
    cancel: (id) => engine.mutate('date_night.cancel', { id }),
    async remember(night) {
      const memoryId = crypto.randomUUID();
      const fields = { title: night.what, place: night.place, happened_on: localDay(me.user.time_zone, new Date(night.at)), tags: ['date night'] };
      await engine.mutateAll([
        { name: 'memory.save', args: { id: memoryId, fields, base: {} } },
        { name: 'date_night.remember', args: { id: night.id, memory_id: memoryId } },
      ]);
    },
    addDay: (fields) => engine.mutate('anniversary.add', { id: crypto.randomUUID(), ...fields }),
    remind: (id, remind) => engine.mutate('anniversary.update', { id, remind }),
    removeDay: (id) => engine.mutate('anniversary.remove', { id }),
  });

  const refresh = newestOnly(async () => {
    const [rituals, marks, dates, visits, anniversaries] = await Promise.all(KINDS.map(all));
    const day = today();
    /** @type {RitualsState} */
    const state = {
      me, today: day, solo: !me.partner, partnerName: me.partner?.display_name ?? 'your partner',
      rituals: live(rituals).sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0)),
      doneToday: new Map(live(marks).filter((m) => m.day === day && m.author_id === me.user.id).map((m) => [m.ritual_id, m.id])),
      visit: nextVisit(visits, day),
      dates: live(dates).sort((a, b) => (a.at < b.at ? 1 : -1)),
      days: daysOf(anniversaries, day),
    };
    return state;
  }, (state) => view.render(state));
  // Again at midnight: "tomorrow" becomes "today", and the day's marks start afresh.
  return keepShown(engine, refresh, { kinds: KINDS, setMe: (next) => { me = next; }, clock: today });
}
