// @ts-check
// Today's controller: reads check-ins from the local copy and turns the user's actions into mutations.
import { askPersistence, recordsOfKind } from '../core/db.js';
import { checkinId, localDay } from '../core/local-rules.js';
import { whenChanged } from '../core/time.js';
import { showToday } from './view.js';

/** @typedef {import('../core/local-rules.js').Checkin} Checkin */

/**
 * Run Today in the slot until the returned stop is called.
 * @param {HTMLElement} slot
 * @param {import('../core/api.js').Me} me
 * @param {IDBDatabase} db
 * @param {import('../core/sync.js').SyncEngine} engine
 * @returns {{update: (me: import('../core/api.js').Me) => void, stop: () => void}}
 */
export function runToday(slot, me, db, engine) {
  const view = showToday(slot, {
    async save(fields) {
      const day = localDay(me.user.time_zone);
      const id = await checkinId(me.space.id, me.user.id, day);
      await engine.mutate('checkin.save', { id, day, ...fields });
    },
    ack: (id, answer) => engine.mutate('checkin.ack', { id, ...answer }),
    share: (id) => engine.mutate('record.share', { kind: 'checkin', id }),
  });

  const refresh = async () => {
    const checkins = /** @type {Checkin[]} */ (/** @type {unknown} */ (await recordsOfKind(db, 'checkin')));
    const today = localDay(me.user.time_zone);
    const mine = checkins.find((c) => c.author_id === me.user.id && c.day === today && !c.deleted);
    const partner = me.partner;
    let latest;
    if (partner) {
      // Their newest check-in, which is "today" only on their own clock.
      latest = checkins
        .filter((c) => c.author_id === partner.id && !c.deleted)
        .sort((a, b) => (a.day < b.day ? 1 : -1))[0];
    }
    view.render({
      today,
      mine,
      partner: partner ? { name: partner.display_name, today: localDay(partner.time_zone), checkin: latest } : null,
    });
  };

  const offChange = engine.onChange(() => {
    refresh().catch(console.error);
  });
  // Past midnight a new day begins, with a fresh check-in to write.
  const stopClock = whenChanged(() => localDay(me.user.time_zone), () => refresh().catch(console.error));
  askPersistence(db).then(view.persistence, () => view.persistence(false));

  return {
    update(next) {
      me = next;
      refresh().catch(console.error);
    },
    stop() {
      offChange();
      stopClock();
    },
  };
}
