// @ts-check
// The box of refused changes, above every section; what fills it loads once there is one (refusals-view.js).

let asked = 0;

/**
 * Show the refused changes in #rejections-box inside root, or hide it when there are none.
 * @param {HTMLElement} root
 * @param {import('../core/refusal-store.js').Refusal[]} refusals
 * @param {(id: number) => Promise<void>} dismiss
 * @param {import('../core/api.js').Me} me
 */
export function showRejections(root, refusals, dismiss, me) {
  const box = root.querySelector('#rejections-box');
  if (!(box instanceof HTMLElement)) return;
  const call = ++asked;
  if (!refusals.length) {
    box.hidden = true;
    return;
  }
  // A newer list wins over one whose code is still loading.
  import('./refusals-view.js').then((view) => call === asked && view.fillRefusals(box, refusals, dismiss, me)).catch(console.error);
}
