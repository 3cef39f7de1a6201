// @ts-check
// Past questions: each day answered, newest first, with both answers once both were given.
import { recordsOfKind } from '../core/db.js';
import { fromTemplate, newestOnly, ref } from '../shell/dom.js';
import { add } from './card.js';
import { loadBank, questionOf, themeOf } from './pick.js';

/** @typedef {import('../core/api.js').Me} Me */
/** @typedef {import('./rules.js').Answer} Answer */

/** A day as the list shows it, e.g. "Tuesday 2 January 2024". */
function dayLabel(/** @type {string} */ day) {
  const [y, m, d] = day.split('-').map(Number);
  return new Intl.DateTimeFormat(undefined, { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(Date.UTC(y, m - 1, d)));
}

/**
 * Run the list in the #questions section until stopped.
 * @param {HTMLElement} slot
 * @param {Me} me
 * @param {IDBDatabase} db
 * @param {import('../core/sync.js').SyncEngine} engine
 */
export function runPastQuestions(slot, me, db, engine) {
  const page = fromTemplate('tpl-past-questions');
  slot.replaceChildren(page);
  const list = ref(page, 'list');
  const empty = ref(page, 'empty');
  const refresh = newestOnly(
    async () => {
      const [bank, all] = await Promise.all([loadBank(), recordsOfKind(db, 'question_answer')]);
      return { bank, all: /** @type {Answer[]} */ (/** @type {unknown} */ (all)) };
    },
    ({ bank, all }) => {
      const partnerName = me.partner?.display_name ?? 'Your partner';
      /** @type {Map<string, Answer[]>} */
      const days = new Map();
      for (const answer of all) {
        if (answer.deleted || answer.space_id !== me.space.id) continue;
        days.set(answer.day, [...(days.get(answer.day) ?? []), answer]);
      }
      list.replaceChildren();
      for (const day of [...days.keys()].sort().reverse()) {
        const answers = days.get(day) ?? [];
        const mine = answers.find((a) => a.author_id === me.user.id);
        const theirs = answers.find((a) => a.author_id !== me.user.id);
        const question = questionOf(bank, me.space.id, day);
        const item = add(list, 'li', 'card past-question');
        const time = add(item, 'time', 'eyebrow', `${dayLabel(day)} · ${themeOf(bank, question)}`);
        time.dateTime = day;
        add(item, 'h3', 'question-text', mine?.question ?? theirs?.question ?? question.text);
        if (mine) {
          add(item, 'p', 'question-who', 'You');
          add(item, 'p', 'question-answer', mine.answer);
        }
        if (theirs) {
          add(item, 'p', 'question-who', theirs.edited ? `${partnerName} (edited)` : partnerName);
          add(item, 'p', 'question-answer', theirs.answer);
        } else {
          add(item, 'p', 'hint', `${partnerName}’s answer shows here once you have both answered.`);
        }
      }
      empty.hidden = days.size > 0;
    },
  );
  const again = () => {
    refresh().catch(console.error);
  };
  const offChange = engine.onChange(again, ['question_answer']);
  again();
  return {
    update(/** @type {Me} */ next) {
      me = next;
      again();
    },
    stop: offChange,
  };
}
