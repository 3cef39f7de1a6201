// @ts-check
// The daily question on Today. app.js loads it after the first screen, with the bank and its style.
import { recordsOfKind } from '../core/db.js';
import { keepShown, offsetMinutes } from '../core/time.js';
import { newestOnly } from '../shell/dom.js';
import { addStyles } from '../shell/sections.js';
import { showQuestionCard } from './card.js';
import { answerId, coupleDay, loadBank, nextQuestionAt, questionOf, themeOf } from './pick.js';

/** @typedef {import('../core/api.js').Me} Me */
/** @typedef {import('./rules.js').Answer} Answer */

/**
 * Say when the next question comes, and why then: the couple's day is the one that began first.
 * @param {Me} me
 * @param {Date} at
 */
export function whenNext(me, at = new Date()) {
  const partner = me.partner;
  if (!partner) return '';
  const mineFirst = offsetMinutes(me.user.time_zone, at) - offsetMinutes(partner.time_zone, at);
  if (mineFirst === 0) return 'A new question comes at midnight, for you both at once.';
  if (mineFirst > 0) return `A new question comes at your midnight: your day begins first, and ${partner.display_name} has the same question until then.`;
  const time = new Intl.DateTimeFormat(undefined, { timeZone: me.user.time_zone, hour: 'numeric', minute: '2-digit' }).format(nextQuestionAt([me.user.time_zone, partner.time_zone], at));
  return `A new question comes at ${time} your time, when ${partner.display_name}’s day begins: theirs begins first, and you both have the same question.`;
}

/**
 * Run the card in its slot until stopped.
 * @param {HTMLElement} slot
 * @param {Me} me
 * @param {IDBDatabase} db
 * @param {import('../core/sync.js').SyncEngine} engine
 * @returns {Promise<{update: (me: Me) => void, stop: () => void}>}
 */
export async function runQuestion(slot, me, db, engine) {
  const [bank] = await Promise.all([loadBank(), addStyles('questions')]);
  await import('./rules.js'); // my answer shows at once, even before the first sync
  const zones = () => (me.partner ? [me.user.time_zone, me.partner.time_zone] : [me.user.time_zone]);
  const card = showQuestionCard(slot, {
    async answer(text) {
      const day = coupleDay(zones());
      await engine.mutate('question.answer', { id: await answerId(me.space.id, me.user.id, day), day, answer: text });
    },
  });
  const refresh = newestOnly(
    async () => /** @type {Answer[]} */ (/** @type {unknown} */ (await recordsOfKind(db, 'question_answer'))),
    (all) => {
      const partner = me.partner;
      if (!partner) return card.render(null);
      const day = coupleDay(zones());
      const question = questionOf(bank, me.space.id, day);
      const ofDay = all.filter((a) => a.day === day && !a.deleted && a.space_id === me.space.id);
      card.render({
        question: question.text,
        theme: themeOf(bank, question),
        partnerName: partner.display_name,
        mine: ofDay.find((a) => a.author_id === me.user.id),
        theirs: ofDay.find((a) => a.author_id === partner.id),
        whenNext: whenNext(me),
      });
    },
  );
  // A new couple's day brings a new question; the sentence on when follows the clocks (checked every minute).
  return keepShown(engine, refresh, { kinds: ['question_answer'], setMe: (next) => { me = next; }, stop: () => card.remove() });
}
