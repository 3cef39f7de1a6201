// @ts-check
// The partner card: who they are and what time it is where they are.
import { clockIn, differenceFrom, everyMinute, zoneLabel } from '../core/time.js';
import { ref } from '../shell/dom.js';

/**
 * Fill the card for this partner and keep their clock current.
 * @param {HTMLElement} card the #partner-card element
 * @param {import('../core/api.js').Partner} partner
 * @param {string} myZone the signed-in user's time zone
 * @returns {() => void} stops the clock
 */
export function showPartner(card, partner, myZone) {
  const name = /** @type {HTMLElement} */ (card.querySelector('#partner-name'));
  const time = /** @type {HTMLTimeElement} */ (card.querySelector('#partner-time'));
  const offset = ref(card, 'partner-offset');
  name.textContent = partner.display_name;
  ref(card, 'partner-zone').textContent = zoneLabel(partner.time_zone);
  card.hidden = false;
  return everyMinute(() => {
    const now = new Date();
    time.textContent = clockIn(partner.time_zone, now);
    time.dateTime = now.toISOString();
    offset.textContent = differenceFrom(partner.time_zone, myZone, now);
  });
}
