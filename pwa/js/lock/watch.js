// @ts-check
// When the app locks again: on hiding when the chosen time is "immediately" (so the task switcher shows
// the lock screen), else on coming back after the chosen time in the background.
import { isLocked, setOpen } from './gate.js';
import { readLock } from './store.js';

/**
 * Watch the page's visibility; lock() tears the space down and shows the lock screen.
 * @param {() => void} lock
 */
export function watchLock(lock) {
  let hiddenAt = 0;
  // Captured on the window: the lock comes before the app's own listeners (a sync on coming back).
  window.addEventListener('visibilitychange', () => {
    const set = readLock();
    if (!set || isLocked()) return;
    if (document.visibilityState === 'hidden') {
      hiddenAt = Date.now();
      if (set.after > 0) return;
    } else if (!hiddenAt || Date.now() - hiddenAt < set.after * 60_000) return;
    setOpen(false);
    lock();
  }, true);
}
