// @ts-check
// The question of the couple's day, worked out on the phone exactly as the server does (server/questions/bank.py).
import { localDay, uuid5 } from '../core/local-rules.js';

/**
 * @typedef {object} Question
 * @property {string} id
 * @property {string} theme
 * @property {string} text
 */
/** @typedef {{themes: {id: string, name: string}[], questions: Question[]}} Bank */

const EPOCH = Date.UTC(2000, 0, 1);
const DAY_MS = 86_400_000;

/** @type {Promise<Bank> | null} */
let loading = null;

/** Load the bank once (the service worker keeps it for offline starts). */
export function loadBank() {
  loading ??= fetch('/js/questions/bank.json').then((response) => {
    if (!response.ok) throw new Error(`The questions could not be loaded (${response.status}).`);
    return response.json();
  });
  loading.catch(() => (loading = null));
  return loading;
}

/** FNV-1a of the space id's text: the couple's 32-bit seed. */
function seed(/** @type {string} */ spaceId) {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(spaceId)) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  return h || 1;
}

/** @type {Map<string, number[]>} */
const orders = new Map();

/** The couple's own order of the bank: a shuffle by xorshift32 from the seed, as the server makes it. */
function order(/** @type {string} */ spaceId, /** @type {number} */ size) {
  const key = `${spaceId}:${size}`;
  let indexes = orders.get(key);
  if (indexes) return indexes;
  indexes = Array.from({ length: size }, (_, i) => i);
  let x = seed(spaceId);
  for (let i = size - 1; i > 0; i--) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    const j = x % (i + 1);
    [indexes[i], indexes[j]] = [indexes[j], indexes[i]];
  }
  orders.set(key, indexes);
  return indexes;
}

/**
 * The couple's question of a day: one a day round the couple's order, so none comes twice within a year.
 * @param {Bank} bank
 * @param {string} spaceId
 * @param {string} day YYYY-MM-DD
 */
export function questionOf(bank, spaceId, day) {
  const [y, m, d] = day.split('-').map(Number);
  const n = Math.round((Date.UTC(y, m - 1, d) - EPOCH) / DAY_MS);
  const ordered = order(spaceId, bank.questions.length);
  return bank.questions[ordered[n % ordered.length]];
}

/** The theme's name of a question. */
export function themeOf(/** @type {Bank} */ bank, /** @type {Question} */ question) {
  return bank.themes.find((t) => t.id === question.theme)?.name ?? '';
}

/**
 * The couple's day: the newer of the partners' local dates, the day that began first for one of them.
 * @param {string[]} zones
 * @param {Date} [at]
 */
export function coupleDay(zones, at = new Date()) {
  return zones.map((zone) => localDay(zone, at)).sort().at(-1) ?? '';
}

/**
 * When the next question comes, to the quarter hour (time zones move by quarter hours at least).
 * @param {string[]} zones
 * @param {Date} [at]
 */
export function nextQuestionAt(zones, at = new Date()) {
  const today = coupleDay(zones, at);
  const step = 15 * 60_000;
  let t = Math.ceil(at.getTime() / step) * step;
  for (let n = 0; n < 4 * 26 && coupleDay(zones, new Date(t)) === today; n++) t += step;
  return new Date(t);
}

/** The one id of an author's answer of a day, as the server derives it. */
export function answerId(/** @type {string} */ spaceId, /** @type {string} */ authorId, /** @type {string} */ day) {
  return uuid5(spaceId, `answer:${authorId}:${day}`);
}
