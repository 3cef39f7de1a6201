// @ts-check
// Agreements's controller: reads the local copy and turns the user's actions into mutations.
import { recordsOfKind } from '../core/db.js';
import { localDay } from '../core/local-rules.js';
import { whenChanged } from '../core/time.js';
import { showAgreements } from './view.js';

/** @typedef {import('./rules.js').Agreement} Agreement */

/**
 * Run Agreements in the slot until the returned stop is called.
 * @param {HTMLElement} slot
 * @param {import('../core/api.js').Me} me
 * @param {IDBDatabase} db
 * @param {import('../core/sync.js').SyncEngine} engine
 * @returns {{update: (me: import('../core/api.js').Me) => void, stop: () => void}}
 */
export function runAgreements(slot, me, db, engine) {
  const view = showAgreements(slot, {
    propose: (fields) => engine.mutate('agreement.propose', { id: crypto.randomUUID(), ...fields }),
    amend: (id, baseRevision, fields) => engine.mutate('agreement.amend', { id, base_revision: baseRevision, ...fields }),
    accept: (id, revision) => engine.mutate('agreement.accept', { id, revision }),
    withdraw: (id) => engine.mutate('agreement.withdraw', { id }),
    retire: (id) => engine.mutate('agreement.retire', { id }),
  });

  const refresh = async () => {
    const records = /** @type {Agreement[]} */ (/** @type {unknown} */ (await recordsOfKind(db, 'agreement')));
    view.render({
      me: me.user.id,
      partner: me.partner ? { id: me.partner.id, name: me.partner.display_name } : null,
      timeZone: me.user.time_zone,
      today: localDay(me.user.time_zone),
      agreements: records.filter((a) => !a.deleted),
    });
  };

  const offChange = engine.onChange(() => {
    refresh().catch(console.error);
  });
  // Review dates fall due at midnight in the user's own time zone.
  const stopClock = whenChanged(() => localDay(me.user.time_zone), () => refresh().catch(console.error));

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
