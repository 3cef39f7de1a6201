// @ts-check
// Agreements's controller: reads the local copy and turns the user's actions into mutations.
import { getMeta, recordsOfKind, setMeta } from '../core/db.js';
import { localDay } from '../core/local-rules.js';
import { keepShown } from '../core/time.js';
import { newestOnly } from '../shell/dom.js';
import { takeDrafts } from '../shell/drafts.js';
import { showAgreements } from './view.js';

/** @typedef {import('./rules.js').Agreement} Agreement */

// A retirement by the partner is news for two weeks, or until the user says they have read it.
const NEWS_MS = 14 * 24 * 60 * 60 * 1000;
const SEEN = 'agreements.news-seen';

/**
 * The agreements the partner retired lately that the user has not put away yet, newest first.
 * @param {Agreement[]} agreements
 * @param {string} me my user id
 * @param {string[]} seen
 * @param {number} now
 */
export function newsOf(agreements, me, seen, now = Date.now()) {
  return agreements
    .filter((a) => a.retired && a.retired.by !== me && !a.archived && !seen.includes(a.id) && now - Date.parse(a.retired.at) < NEWS_MS)
    .sort((a, b) => (b.retired?.at ?? '').localeCompare(a.retired?.at ?? ''));
}

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
    async propose(fields) {
      const id = crypto.randomUUID();
      await engine.mutate('agreement.propose', { id, ...fields });
      return id;
    },
    amend: (id, baseRevision, fields) => engine.mutate('agreement.amend', { id, base_revision: baseRevision, ...fields }),
    accept: (id, revision) => engine.mutate('agreement.accept', { id, revision }),
    withdraw: (id) => engine.mutate('agreement.withdraw', { id }),
    retire: (id, reason) => engine.mutate('agreement.retire', { id, ...(reason ? { reason } : {}) }),
    async seen(id) {
      const seen = /** @type {string[]} */ ((await getMeta(db, SEEN)) ?? []);
      // Only ids still shown are worth keeping: the list stays as short as the news.
      const shown = new Set((await agreementsNow()).map((a) => a.id));
      await setMeta(db, SEEN, [...seen.filter((s) => shown.has(s)), id]);
      await refresh();
    },
  });

  const agreementsNow = async () =>
    /** @type {Agreement[]} */ (/** @type {unknown} */ (await recordsOfKind(db, 'agreement'))).filter((a) => !a.deleted);

  // Only the newest read renders: one begun before "Got it" was saved would bring the news back.
  const refresh = newestOnly(async () => {
    const agreements = await agreementsNow();
    const seen = (await getMeta(db, SEEN)) ?? [];
    return {
      me: me.user.id,
      partner: me.partner ? { id: me.partner.id, name: me.partner.display_name } : null,
      timeZone: me.user.time_zone,
      today: localDay(me.user.time_zone),
      agreements,
      news: newsOf(agreements, me.user.id, seen),
    };
  }, (state) => view.render(state));

  let offDrafts = () => {};
  let stopped = false;
  // Review dates fall due at midnight in the user's own time zone.
  const running = keepShown(engine, refresh, {
    kinds: ['agreement'],
    setMe: (next) => { me = next; },
    clock: () => localDay(me.user.time_zone),
    stop: () => {
      stopped = true;
      offDrafts();
    },
  });
  // Words of a refused change, started again (see shell/refusals-view.js), once the cards are there to take them.
  refresh().then(() => {
    if (!stopped) offDrafts = takeDrafts('agreements', (values) => view.draft(values));
  }, console.error);
  return running;
}
