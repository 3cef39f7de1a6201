// @ts-check
// Whether the app lock must ask now; the rest of lock/ loads on demand.
let open = !has();

/** Whether this phone has a lock. */
export function has() {
  try {
    return Boolean(localStorage.getItem('hearth.lock'));
  } catch {
    return false;
  }
}

/** Whether the app must ask before showing anything of the space. */
export const isLocked = () => !open && has();

/** Opened (true) or locked again (false). */
export const setOpen = (/** @type {boolean} */ now) => void (open = now);
