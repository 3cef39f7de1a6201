// @ts-check
// A status line that reports what the user just did. Its words go after a few seconds, and at once
// when what they say no longer holds (the partner changed the record, the server refused the change):
// no line outlives the state it describes.

/** How long an action line stays up on its own. */
export const FADE_MS = 6000;

/**
 * @typedef {object} ActionLine
 * @property {(text: string, holds?: () => boolean) => void} say show the words until they fade, or until holds
 *   turns false once it has been true (the screen may not show the action yet when it is said)
 * @property {() => void} check call after every render: words that no longer hold go
 * @property {() => void} clear
 */

/**
 * Bind an action line to a role="status" element.
 * @param {HTMLElement} line
 * @param {{keepWhileIn?: HTMLElement, cleared?: () => void}} [options] keepWhileIn: the line waits while
 *   the focus is inside (an Undo button beside it must not vanish under the user's finger); cleared: told when it goes
 * @returns {ActionLine}
 */
export function actionLine(line, { keepWhileIn, cleared } = {}) {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  let shown = false;
  /** @type {() => boolean} */
  let holds = () => true;
  let held = false;
  // Counts what was said, so that a wait for the focus to move on ends with the words it waited for.
  let said = 0;

  const clear = () => {
    clearTimeout(timer);
    said += 1;
    line.textContent = '';
    if (shown) {
      shown = false;
      cleared?.();
    }
  };
  const fade = () => {
    if (keepWhileIn?.contains(document.activeElement)) {
      // Try again once the focus has moved on.
      const waited = said;
      keepWhileIn.addEventListener('focusout', () => {
        if (waited === said) timer = setTimeout(fade, FADE_MS);
      }, { once: true });
      return;
    }
    clear();
  };

  return {
    say(text, stillHolds = () => true) {
      clearTimeout(timer);
      said += 1;
      shown = true;
      holds = stillHolds;
      held = false;
      line.textContent = text;
      timer = setTimeout(fade, FADE_MS);
    },
    check() {
      if (!shown) return;
      if (holds()) held = true;
      else if (held) clear();
    },
    clear,
  };
}
