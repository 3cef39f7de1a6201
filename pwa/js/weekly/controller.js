// @ts-check
// The state of us's controller: reads the week's records from the local copy (all of it works offline), follows
// the address (#weekly for this week, #weekly/<Monday> for a past one) and turns what is written into mutations.
import { recordsOfKind } from '../core/db.js';
import { keepShown } from '../core/time.js';
import { newestOnly } from '../shell/dom.js';
import './rules.js';
import { showWeekly } from './view.js';
import { coupleWeek, idsOf, weeksOf } from './week.js';

/** @typedef {import('../core/api.js').Me} Me */
/** @typedef {import('./rules.js').WeeklyNote} WeeklyNote */
/** @typedef {import('./rules.js').WeeklyTopic} WeeklyTopic */
/** @typedef {import('./rules.js').WeeklyReply} WeeklyReply */
/** @typedef {import('../core/local-rules.js').Checkin} Checkin */

/** The kinds of records the section shows, in the order refresh reads them. */
const KINDS = ['weekly_note', 'weekly_topic', 'weekly_reply', 'checkin', 'promise'];

/** The past week an address names (#weekly/2025-03-03), or null for this week. */
export function weekOfHash(/** @type {string} */ hash) {
  const [section, week] = hash.replace(/^#\/?/, '').split('/');
  return section === 'weekly' && /^\d{4}-\d{2}-\d{2}$/.test(week ?? '') ? week : null;
}

/** A week as the screen names it, e.g. "Week of 3 March 2025". */
function label(/** @type {string} */ week) {
  const [y, m, d] = week.split('-').map(Number);
  const day = new Intl.DateTimeFormat(undefined, { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(Date.UTC(y, m - 1, d)));
  return `Week of ${day}`;
}

/**
 * Run the state of us in the slot until stopped.
 * @param {HTMLElement} slot
 * @param {Me} me
 * @param {IDBDatabase} db
 * @param {import('../core/sync.js').SyncEngine} engine
 * @returns {{update: (me: Me) => void, stop: () => void}}
 */
export function runWeekly(slot, me, db, engine) {
  /** The week written in: the one shown when it is this week. */
  let shown = coupleWeek(me);
  const ids = async () => idsOf(me, shown);
  const view = showWeekly(slot, {
    async saveNote(fields, visibility) {
      await engine.mutate('weekly.write', { id: (await ids()).note, week: shown, ...fields, visibility });
    },
    async raise(text) {
      await engine.mutate('weekly.raise', { id: (await ids()).topic, week: shown, text });
    },
    async summarise(summary) {
      await engine.mutate('weekly.summarise', { id: (await ids()).reply, week: shown, summary });
    },
    async answer(answer) {
      await engine.mutate('weekly.answer', { id: (await ids()).reply, week: shown, answer });
    },
    async confirm(heard) {
      await engine.mutate('weekly.confirm', { id: (await ids()).topic, week: shown, heard });
    },
    // My partner's wish becomes my promise to them: I am the promiser.
    async promise(text) {
      await engine.mutate('promise.make', { id: crypto.randomUUID(), text, due_on: null });
    },
  });
  let lastShown = '';

  const refresh = newestOnly(
    async () => {
      const [notes, topics, replies, checkins, promises] = await Promise.all(
        KINDS.map((kind) => recordsOfKind(db, kind)),
      );
      return /** @type {{notes: WeeklyNote[], topics: WeeklyTopic[], replies: WeeklyReply[], checkins: Checkin[], promises: any[]}} */ (
        /** @type {unknown} */ ({ notes, topics, replies, checkins, promises })
      );
    },
    (all) => {
      const current = coupleWeek(me);
      const asked = weekOfHash(location.hash);
      shown = asked && asked < current ? asked : current;
      const paired = !!me.partner;
      const weeks = weeksOf(me, all, paired ? [current, shown] : [shown]);
      const week = weeks.find((w) => w.week === shown) ?? null;
      const promised = new Set(
        all.promises.filter((p) => !p.deleted && p.promiser === me.user.id && p.space_id === me.space.id).map((p) => String(p.text)),
      );
      view.render({
        alone: !paired,
        partnerName: me.partner?.display_name ?? 'Your partner',
        myId: me.user.id,
        week: paired || week?.mine ? week : null,
        current: shown === current && paired,
        label,
        past: weeks.filter((w) => w.week !== current && w.week !== shown),
        promised,
      });
      if (lastShown && lastShown !== shown) view.focusWeek();
      lastShown = shown;
    },
  );
  const again = () => {
    refresh().catch(console.error);
  };
  const onHash = () => {
    if (location.hash.startsWith('#weekly')) again();
  };
  window.addEventListener('hashchange', onHash);
  // Shown now, and again when a new week begins: this week's talk moves on, and the last one is kept among the past weeks.
  return keepShown(engine, refresh, {
    kinds: KINDS,
    setMe: (next) => { me = next; },
    clock: () => coupleWeek(me),
    stop: () => window.removeEventListener('hashchange', onHash),
  });
}
