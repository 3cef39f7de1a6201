// @ts-check
// Today's controller: reads check-ins from the local copy and turns the user's actions into mutations.
import { askPersistence, getMeta, recordsOfKind, setMeta } from '../core/db.js';
import { checkinId, localDay } from '../core/local-rules.js';
import { keepShown } from '../core/time.js';
import { newestOnly } from '../shell/dom.js';
import { showToday } from './view.js';

/** @typedef {import('../core/local-rules.js').Checkin} Checkin */

/**
 * Whether to say that the browser may clear Hearth's copy: once, on the first visit it applies to (Us keeps saying it).
 * @param {IDBDatabase} db
 */
async function tellAboutStorage(db) {
  if (await askPersistence(db).catch(() => false)) return false;
  if (await getMeta(db, 'storage-note-shown')) return false;
  await setMeta(db, 'storage-note-shown', true);
  return true;
}

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

  const refresh = newestOnly(
    async () => /** @type {Checkin[]} */ (/** @type {unknown} */ (await recordsOfKind(db, 'checkin'))),
    (checkins) => {
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
    },
  );

  // Past midnight a new day begins, with a fresh check-in to write; past the partner's, theirs is no longer "their today".
  const days = () => `${localDay(me.user.time_zone)} ${me.partner ? localDay(me.partner.time_zone) : ''}`;
  const running = keepShown(engine, refresh, { kinds: ['checkin'], setMe: (next) => { me = next; }, clock: days });
  tellAboutStorage(db).then(view.storageNote, console.error);
  return running;
}
