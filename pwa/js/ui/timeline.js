// @ts-check
// Timeline: render and bind.

/**
 * Render Timeline into the slot.
 * @param {HTMLElement} slot
 * @param {import('../api.js').Me} me
 */
export function showTimeline(slot, me) {
  void me;
  slot.replaceChildren();
}
