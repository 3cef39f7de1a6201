// @ts-check
// The app lock's settings on this phone: a salted slow hash of the passcode, never the digits.
const KEY = 'hearth.lock';
const ITERATIONS = 310_000;
/** Wrong passcodes before this phone signs out and forgets its copy. */
export const MAX_TRIES = 10;

/**
 * @typedef {object} LockSettings
 * @property {string} salt base64
 * @property {string} hash base64 PBKDF2-SHA-256 of the passcode
 * @property {number} iterations
 * @property {number} after minutes in the background before it locks again (0: at once)
 * @property {number} wrong wrong passcodes in a row
 * @property {string} [device] base64 id of the platform credential used as a gate on this phone
 */

const b64 = (/** @type {ArrayBuffer | Uint8Array} */ bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes)));
const unb64 = (/** @type {string} */ text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

/** The lock settings of this phone, or null. */
export function readLock() {
  try {
    return /** @type {LockSettings | null} */ (JSON.parse(localStorage.getItem(KEY) ?? 'null'));
  } catch {
    return null;
  }
}

// The service worker cannot read localStorage: a cache of this name tells it a lock is set, and
// its notifications then say nothing of what happened (sw/push.js).
export const LOCK_FLAG = 'hearth-lock';

/** Tell the service worker whether this phone has a lock. */
function flagLock(/** @type {boolean} */ on) {
  if (!('caches' in self)) return;
  const done = on ? caches.open(LOCK_FLAG).then((cache) => cache.put('/lock-on', new Response('1'))) : caches.delete(LOCK_FLAG);
  done.catch(console.error);
}

/** Store the settings (throws when storage is blocked: no lock is then claimed). */
export function writeLock(/** @type {LockSettings} */ settings) {
  localStorage.setItem(KEY, JSON.stringify(settings));
  flagLock(true);
}

/** Remove the lock from this phone. */
export function removeLock() {
  try {
    localStorage.removeItem(KEY);
  } catch {
    // Storage blocked: there was no lock stored either.
  }
  flagLock(false);
}

/** Whether the text is an acceptable passcode: at least 6 digits. */
export const validPasscode = (/** @type {string} */ code) => /^[0-9]{6,64}$/.test(code);

/**
 * PBKDF2 of the passcode with the salt.
 * @param {string} code
 * @param {Uint8Array} salt
 * @param {number} iterations
 */
async function derive(code, salt, iterations) {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(code), 'PBKDF2', false, ['deriveBits']);
  return crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, 256);
}

/**
 * Set a new passcode, keeping the other settings.
 * @param {string} code
 * @param {number} after
 */
export async function setPasscode(code, after) {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hash = b64(await derive(code, salt, ITERATIONS));
  writeLock({ salt: b64(salt), hash, iterations: ITERATIONS, after, wrong: 0 });
}

/** Whether the passcode is this phone's, without counting a wrong one (the app is open already). */
export async function matches(/** @type {string} */ code) {
  const lock = readLock();
  return Boolean(lock) && b64(await derive(code, unb64(lock.salt), lock.iterations)) === lock.hash;
}

/**
 * Check a passcode; counts the wrong ones in a row.
 * @param {string} code
 * @returns {Promise<{ok: boolean, left: number}>} left: wrong tries left before the wipe
 */
export async function checkPasscode(code) {
  const lock = readLock();
  if (!lock) return { ok: true, left: MAX_TRIES };
  const hash = b64(await derive(code, unb64(lock.salt), lock.iterations));
  const ok = hash === lock.hash;
  const wrong = ok ? 0 : lock.wrong + 1;
  writeLock({ ...lock, wrong });
  return { ok, left: MAX_TRIES - wrong };
}

/** A successful unlock another way (the phone's screen lock): the count starts again. */
export function clearWrong() {
  const lock = readLock();
  if (lock) writeLock({ ...lock, wrong: 0 });
}

export { b64, unb64 };
