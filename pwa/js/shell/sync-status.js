// @ts-check
// What the user sees of syncing: the status line under the bar, and changes the server refused.
import { busy, ref } from './dom.js';

/** @typedef {import('../core/sync.js').SyncStatus} SyncStatus */
/** @typedef {import('../core/db.js').Rejection} Rejection */

const clock = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });

/** Names of the mutations for people. */
const ACTIONS = /** @type {Record<string, string>} */ ({
  'checkin.save': 'Saving your check-in',
  'checkin.ack': 'Answering a check-in',
  'checkin.delete': 'Deleting a check-in',
  'record.share': 'Sharing with your partner',
  'memory.save': 'Saving a memory',
  'memory.add_photo': 'Adding a photo',
  'memory.remove_photo': 'Removing a photo',
  'memory.order_photos': 'Ordering photos',
  'memory.delete': 'Deleting a memory',
  'memory.restore': 'Restoring a memory',
  'agreement.propose': 'Proposing an agreement',
  'agreement.amend': 'Amending an agreement',
  'agreement.accept': 'Accepting an agreement',
  'agreement.withdraw': 'Withdrawing consent',
  'agreement.retire': 'Retiring an agreement',
  'promise.make': 'Making a promise',
  'promise.update': 'Changing a promise',
  'promise.done': 'Marking a promise done',
  'promise.confirm': 'Confirming a promise kept',
  'promise.release': 'Releasing a promise',
});

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
      return join(`Synced at ${clock.format(status.at)}`, waiting);
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

/**
 * List the refused changes with their reasons in #rejections; dismiss clears the list.
 * @param {HTMLElement} root an element holding #rejections-box
 * @param {Rejection[]} rejections
 * @param {() => Promise<void>} dismiss
 */
export function showRejections(root, rejections, dismiss) {
  const box = /** @type {HTMLElement} */ (root.querySelector('#rejections-box'));
  const list = /** @type {HTMLElement} */ (box.querySelector('#rejections'));
  const button = /** @type {HTMLButtonElement} */ (ref(box, 'dismiss'));
  box.hidden = !rejections.length;
  list.replaceChildren(
    ...rejections.map((rejection) => {
      const item = document.createElement('li');
      const fields = Object.entries(rejection.error.fields ?? {}).map(([name, text]) => `${name}: ${text}`);
      item.textContent = `${ACTIONS[rejection.name] ?? rejection.name} failed: ${[rejection.error.message, ...fields].join(' ')}`;
      return item;
    }),
  );
  button.onclick = () => busy(button, dismiss);
}
