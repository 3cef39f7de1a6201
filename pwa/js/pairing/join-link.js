// @ts-check
// An invite code that came in through a /join#CODE link, kept until the user can use it.

const KEY = 'hearth.join-code';

/** Keep the code of a /join#CODE address for this tab and tidy the address to '/'. */
export function takeJoinLink() {
  if (location.pathname.replace(/\/+$/, '') !== '/join') return;
  const code = decodeURIComponent(location.hash.slice(1)).trim();
  // The code lives in the fragment, so it never reached the server or its logs.
  if (code) remember(code);
  history.replaceState(null, '', '/');
}

/** The kept invite code, or ''. */
export function pendingCode() {
  try {
    return sessionStorage.getItem(KEY) ?? '';
  } catch {
    return '';
  }
}

/** Drop the kept code once it has been used or cannot be used. */
export function forgetCode() {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // Storage blocked: nothing was kept either.
  }
}

/** @param {string} code */
function remember(code) {
  try {
    sessionStorage.setItem(KEY, code);
  } catch {
    // Storage blocked (some private modes): the link then works only as a hint.
  }
}
