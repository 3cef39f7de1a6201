// @ts-check
// The gentle suggestion's controller: reads this user's own records on this phone, and keeps a
// dismissal in this phone's meta store, which nothing syncs. No request, no record, no notification.
import { getMeta, recordsOfKind, setMeta } from '../core/db.js';
import { localDay } from '../core/local-rules.js';
import { everyMinute } from '../core/time.js';
import { showSuggestion } from './card.js';
import { SUGGESTION_WORDS, stillDismissed, suggestion } from './suggest.js';

/** @typedef {import('../core/api.js').Me} Me */

// Meta, not the outbox: the dismissal stays on this device.
const DISMISSED = 'support-suggestion-dismissed';
/** The kinds of records the suggestion weighs. */
const KINDS = ['checkin', 'repair', 'repair_entry', 'promise'];

/**
 * Show the suggestion in the slot whenever this user's own data points to it, until stopped.
 * @param {HTMLElement} slot
 * @param {Me} me
 * @param {IDBDatabase} db
 * @param {import('../core/sync.js').SyncEngine} engine
 * @param {() => void} open shows the Find support page
 * @returns {{first: Promise<void>, update: (me: Me) => void, stop: () => void}}
 */
export function runSuggestion(slot, me, db, engine, open) {
  let stopped = false;
  let asked = 0;

  const refresh = async () => {
    const turn = ++asked;
    const [[checkins, repairs, entries, promises], dismissed] = await Promise.all([
      Promise.all(KINDS.map((kind) => recordsOfKind(db, kind))),
      getMeta(db, DISMISSED),
    ]);
    // A later refresh has newer data; a stopped one has no screen.
    if (stopped || turn !== asked) return;
    const now = Date.now();
    const reason = suggestion({ me: me.user.id, today: localDay(me.user.time_zone), now, checkins, repairs, entries, promises });
    const shown = reason && !stillDismissed(reason, dismissed, now) ? reason : null;
    showSuggestion(slot, shown && SUGGESTION_WORDS[shown], {
      open,
      dismiss: () => {
        setMeta(db, DISMISSED, { reason: shown, at: Date.now() }).then(refresh).catch(console.error);
      },
    });
  };

  const again = () => {
    refresh().catch(console.error);
  };
  const offChange = engine.onChange(again, KINDS);
  // Past midnight the two weeks move on by a day.
  let today = localDay(me.user.time_zone);
  const stopClock = everyMinute(() => {
    if (localDay(me.user.time_zone) === today) return;
    today = localDay(me.user.time_zone);
    again();
  });

  return {
    first: refresh(),
    update(next) {
      me = next;
      again();
    },
    stop() {
      stopped = true;
      offChange();
      stopClock();
      // Whoever signs in next starts from an empty slot, not this user's card.
      slot.replaceChildren();
    },
  };
}
