// @ts-check
// Telling once, gently, that the partner ended the pairing: who, when, and what each kept (DESIGN §2).
// Loaded only when there is such news (app.js), so the first screen does not carry it.
import { getMeta, setMeta } from '../core/db.js';

/** @typedef {import('../core/api.js').Me} Me */
/** @typedef {{name: string, at: string}} Ending who ended it and when (ISO 8601) */

/** Where the news waits in the account's meta store until it is read: a reload or an offline start still tells it. */
export const ENDING = 'pairingEnded';

const KEPT =
  'You are in your own space again. You each keep your own check-ins and private entries, every memory you shared, ' +
  'and read-only copies of your agreements and promises; neither of you keeps the other’s check-ins or private entries.';

/**
 * Remember the news when the account went from a couple to a solo space that the partner made; forget it once paired again.
 * @param {IDBDatabase} db
 * @param {Me | null | undefined} before what this app knew
 * @param {Me} after what the server says now
 */
export async function noteEnding(db, before, after) {
  if (after.partner) {
    if (await getMeta(db, ENDING)) await setMeta(db, ENDING, null);
    return;
  }
  const partner = before?.partner;
  if (!partner || after.space.id === before.space.id) return;
  const unpaired = after.space.unpaired;
  // Whoever ended it, here or on another of their devices, knows.
  if (unpaired?.by === after.user.id) return;
  /** @type {Ending} */
  const ending = { name: partner.display_name, at: unpaired?.at ?? new Date().toISOString() };
  await setMeta(db, ENDING, ending);
}

/**
 * Show the remembered news at the top of the home screen, or nothing; OK forgets it for good.
 * @param {HTMLElement} home the #home screen
 * @param {IDBDatabase} db
 * @param {string} timeZone the user's, for the date
 */
export async function showEnding(home, db, timeZone) {
  /** @type {Ending | null | undefined} */
  const ending = await getMeta(db, ENDING);
  home.querySelector('#pairing-ended')?.remove();
  if (!ending) return;
  const day = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long', timeZone });
  const box = Object.assign(document.createElement('section'), { id: 'pairing-ended', className: 'card note' });
  box.setAttribute('role', 'status');
  box.setAttribute('aria-labelledby', 'pairing-ended-title');
  const title = Object.assign(document.createElement('h3'), {
    id: 'pairing-ended-title',
    textContent: `${ending.name} ended the pairing on ${day.format(new Date(ending.at))}.`,
  });
  const ok = Object.assign(document.createElement('button'), { type: 'button', className: 'button small quiet', textContent: 'OK' });
  // Gone once forgotten on the phone: a reload at once cannot bring it back.
  ok.addEventListener('click', () => {
    ok.disabled = true;
    setMeta(db, ENDING, null).then(
      () => box.remove(),
      (error) => {
        ok.disabled = false;
        console.error(error);
      },
    );
  });
  box.append(title, Object.assign(document.createElement('p'), { textContent: KEPT }), ok);
  home.prepend(box);
}
