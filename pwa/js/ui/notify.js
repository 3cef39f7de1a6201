// @ts-check
// Notification settings: render and bind.

/**
 * Render the notification settings into the slot.
 * @param {HTMLElement} slot
 * @param {import('../api.js').Me} me
 */
export function showNotify(slot, me) {
  void me;
  slot.replaceChildren();
}
