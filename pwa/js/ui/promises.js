// @ts-check
// Promises: render and bind.

/**
 * Render Promises into the slot.
 * @param {HTMLElement} slot
 * @param {import('../api.js').Me} me
 */
export function showPromises(slot, me) {
  void me;
  slot.replaceChildren();
}
