// @ts-check
// What the user sees of syncing: the status line under the bar (refused changes: shell/refusals.js).

/** @typedef {import('../core/sync.js').SyncStatus} SyncStatus */

const clock = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });

const waitingText = (/** @type {number} */ n) => `${n} ${n === 1 ? 'change' : 'changes'} waiting`;

/**
 * The status line's words for a status.
 * @param {SyncStatus} status
 */
export function statusText(status) {
  const waiting = status.waiting ? waitingText(status.waiting) : '';
  const join = (/** @type {string[]} */ ...parts) => parts.filter(Boolean).join(' · ');
  switch (status.state) {
    case 'offline':
      return join('Offline', waiting || 'everything is saved on this phone');
    case 'synced':
      // Live: the partner's changes show within a second, so a time would only go stale.
      return join(status.live ? 'Live' : `Synced at ${clock.format(status.at)}`, waiting);
    case 'problem':
      return join(`Problem: ${status.reason ?? 'the server did not answer'}`, waiting);
    case 'signed-out':
      return join('Signed out', status.waiting ? `${waitingText(status.waiting)} for you to sign in` : '');
    default:
      return join('Syncing…', waiting);
  }
}

/**
 * Show a status in the always-visible #sync-status line; null hides it (signed out).
 * @param {SyncStatus | null} status
 */
export function showSyncStatus(status) {
  const line = /** @type {HTMLElement} */ (document.getElementById('sync-status'));
  line.hidden = !status;
  if (!status) return;
  const text = statusText(status);
  // Rewriting the same words would make screen readers repeat them every 30 s.
  if (line.textContent !== text) line.textContent = text;
  line.dataset.state = status.state;
}
