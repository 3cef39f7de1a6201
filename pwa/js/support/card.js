// @ts-check
// The gentle suggestion on Today: a few words, a way to Find support, and "Not now".

/**
 * @typedef {object} CardActions
 * @property {() => void} open show the Find support page
 * @property {() => void} dismiss set the suggestion aside on this phone
 */

/** A button of the card. */
function button(/** @type {string} */ label, /** @type {string} */ className, /** @type {() => void} */ onClick) {
  const node = document.createElement('button');
  node.type = 'button';
  node.className = className;
  node.textContent = label;
  node.addEventListener('click', onClick);
  return node;
}

/**
 * Show the suggestion's words in the slot, or empty it.
 * @param {HTMLElement} slot
 * @param {string | null} words
 * @param {CardActions} actions
 */
export function showSuggestion(slot, words, actions) {
  const text = slot.querySelector('.support-nudge p');
  if (!words) {
    // Its own "Not now" had the focus: keep keyboard users on Today rather than at the top of the page.
    const hadFocus = slot.contains(document.activeElement);
    slot.replaceChildren();
    if (hadFocus) {
      slot.tabIndex = -1;
      slot.focus();
    }
    return;
  }
  // The same words already shown: leave the card (and the focus in it) alone.
  if (text?.textContent === words) return;
  const card = document.createElement('aside');
  card.className = 'card support-nudge';
  card.setAttribute('aria-label', 'A suggestion for you');
  const said = document.createElement('p');
  said.textContent = words;
  const row = document.createElement('div');
  row.className = 'row';
  row.append(button('Find support', 'button small', actions.open), button('Not now', 'button small quiet', actions.dismiss));
  card.append(said, row);
  slot.replaceChildren(card);
}
