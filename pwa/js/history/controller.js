// @ts-check
// Looking back's controller: reads the check-ins from the local copy (all of it works offline) and follows
// the address (#history, or #history/<YYYY-MM-DD> to read one day).
import { recordsOfKind } from '../core/db.js';
import { localDay } from '../core/local-rules.js';
import { keepShown } from '../core/time.js';
import { newestOnly } from '../shell/dom.js';
import { shownOf } from './days.js';
import { showHistory } from './view.js';

/** @typedef {import('../core/local-rules.js').Checkin} Checkin */
/** @typedef {import('../core/api.js').Me} Me */

/** The day an address names (#history/2025-03-04), or null. */
export function dayOf(/** @type {string} */ hash) {
  const [section, day] = hash.replace(/^#\/?/, '').split('/');
  return section === 'history' && /^\d{4}-\d{2}-\d{2}$/.test(day ?? '') ? day : null;
}

/**
 * Run Looking back in the slot until the returned stop is called.
 * @param {HTMLElement} slot
 * @param {Me} me
 * @param {IDBDatabase} db
 * @param {import('../core/sync.js').SyncEngine} engine
 * @returns {{update: (me: Me) => void, stop: () => void}}
 */
export function runHistory(slot, me, db, engine) {
  const view = showHistory(slot);
  let opened = false;

  const refresh = newestOnly(
    async () => /** @type {Checkin[]} */ (/** @type {unknown} */ (await recordsOfKind(db, 'checkin'))),
    (checkins) => {
      const partner = me.partner;
      view.render({
        today: localDay(me.user.time_zone),
        partnerName: partner?.display_name ?? null,
        mine: shownOf(checkins, me.user.id, me.user.id),
        theirs: partner ? shownOf(checkins, partner.id, me.user.id) : [],
      });
      if (!opened) {
        opened = true;
        follow();
      }
    },
  );
  /** An address naming a day opens it. */
  const follow = () => {
    const day = dayOf(location.hash);
    if (day) view.open(day);
  };
  const onHash = () => {
    if (opened) follow();
  };
  window.addEventListener('hashchange', onHash);
  // A new day: the calendar marks it, and the present week or month moves on.
  return keepShown(engine, refresh, {
    kinds: ['checkin'],
    setMe: (next) => { me = next; },
    clock: () => localDay(me.user.time_zone),
    stop: () => window.removeEventListener('hashchange', onHash),
  });
}
