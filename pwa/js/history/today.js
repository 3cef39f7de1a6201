// @ts-check
// On Today, after the first screen: the way into Looking back, and "One year ago today" when a memory or a
// check-in of that day is here (a year before my own day, in my time zone).
import { recordsOfKind } from '../core/db.js';
import { localDay } from '../core/local-rules.js';
import { keepShown } from '../core/time.js';
import { addStyles } from '../shell/sections.js';
import { make, newestOnly } from '../shell/dom.js';
import { shownOf, yearAgoDays } from './days.js';

/** @typedef {import('../core/local-rules.js').Checkin} Checkin */
/** @typedef {import('../memories/rules.js').Memory} Memory */
/** @typedef {import('../core/api.js').Me} Me */

const MOODS = ['', 'very low', 'low', 'okay', 'good', 'great'];
const STORY_LENGTH = 160;

/**
 * The card of a year ago, or null when that day holds nothing.
 * @param {Memory[]} memories of that day
 * @param {Checkin[]} checkins of that day, mine and what my partner shared
 * @param {string} meId
 * @param {string} partnerName
 */
function yearAgoCard(memories, checkins, meId, partnerName) {
  if (!memories.length && !checkins.length) return null;
  const card = make('section', 'card lookback-year');
  card.id = 'year-ago';
  const heading = make('h4', '', 'One year ago today');
  heading.id = 'year-ago-title';
  card.setAttribute('aria-labelledby', heading.id);
  card.append(heading);
  if (memories.length) {
    const list = make('ul', 'lookback-memories');
    for (const memory of memories) {
      const item = make('li', 'lookback-memory');
      item.append(make('p', 'lookback-memory-title', memory.title));
      if (memory.place) item.append(make('p', 'hint', memory.place));
      const story = memory.story.length > STORY_LENGTH ? `${memory.story.slice(0, STORY_LENGTH).trimEnd()}…` : memory.story;
      if (story) item.append(make('p', 'lookback-story', story));
      list.append(item);
    }
    const more = make('a', 'link', memories.length > 1 ? 'These memories in your timeline' : 'This memory in your timeline');
    /** @type {HTMLAnchorElement} */ (more).href = '#timeline';
    card.append(list, more);
  }
  if (checkins.length) {
    const list = make('ul', 'lookback-checkins');
    for (const c of checkins) {
      const who = c.author_id === meId ? 'You' : partnerName;
      list.append(make('li', '', `${who}: mood ${c.mood} · ${MOODS[c.mood] ?? ''}, trust ${c.trust}/10${c.note ? `. “${c.note.length > STORY_LENGTH ? `${c.note.slice(0, STORY_LENGTH).trimEnd()}…` : c.note}”` : ''}`));
    }
    const read = make('a', 'link', 'Read that day');
    /** @type {HTMLAnchorElement} */ (read).href = `#history/${checkins[0].day}`;
    card.append(list, read);
  }
  return card;
}

/**
 * Run the way into Looking back and the memories of a year ago in their slot on Today.
 * @param {HTMLElement} slot
 * @param {Me} me
 * @param {IDBDatabase} db
 * @param {import('../core/sync.js').SyncEngine} engine
 * @returns {{update: (me: Me) => void, stop: () => void}}
 */
export function runLookback(slot, me, db, engine) {
  const box = make('div', 'lookback');
  const yearAgo = make('div');
  const way = make('p', 'lookback-way');
  const link = /** @type {HTMLAnchorElement} */ (make('a', 'button quiet', 'Look back'));
  link.href = '#history';
  way.append(link);
  box.append(yearAgo, way);
  let shown = false;
  // The style comes before anything shows: nothing appears unstyled.
  const styled = addStyles('history').catch(console.error);

  const refresh = newestOnly(
    async () => {
      const [checkins, memories] = await Promise.all([recordsOfKind(db, 'checkin'), recordsOfKind(db, 'memory'), styled]);
      return { checkins: /** @type {Checkin[]} */ (/** @type {unknown} */ (checkins)), memories: /** @type {Memory[]} */ (/** @type {unknown} */ (memories)) };
    },
    ({ checkins, memories }) => {
      const days = yearAgoDays(localDay(me.user.time_zone));
      const partner = me.partner;
      const ofDay = (/** @type {Checkin[]} */ list) => list.filter((c) => days.includes(c.day));
      const card = yearAgoCard(
        memories.filter((m) => !m.deleted && m.happened_on !== null && days.includes(m.happened_on)),
        [...ofDay(shownOf(checkins, me.user.id, me.user.id)), ...(partner ? ofDay(shownOf(checkins, partner.id, me.user.id)) : [])],
        me.user.id,
        partner?.display_name ?? 'Your partner',
      );
      yearAgo.replaceChildren(...(card ? [card] : []));
      if (!shown) {
        shown = true;
        slot.replaceChildren(box);
      }
    },
  );

  return keepShown(engine, refresh, { kinds: ['checkin', 'memory'], setMe: (next) => { me = next; }, clock: () => localDay(me.user.time_zone) });
}
