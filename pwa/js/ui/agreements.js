// @ts-check
// Agreements: render and bind.

/**
 * Render Agreements into the slot.
 * @param {HTMLElement} slot
 * @param {import('../api.js').Me} me
 */
export function showAgreements(slot, me) {
  void me;
  slot.replaceChildren();
}
