// @ts-check
// "Your data" in Us: the whole account as one ZIP (GET /api/export), with its progress while it comes.
import * as api from '../core/api.js';
import { fromTemplate, ref } from '../shell/dom.js';
import { addSectionTemplates } from '../shell/sections.js';

/**
 * @typedef {object} ExportHooks
 * @property {() => void} signedOut the session is gone
 * @property {() => Promise<number>} waiting changes made here that the server has not confirmed yet
 * @property {() => Promise<void>} sync sends them, if it can
 */

// The server's guess at the archive's length (it is written as it is sent: no Content-Length).
const ESTIMATE = 'Hearth-Export-Estimate';

/** Bytes as people say them: 950 KB, 3.4 MB, 2.1 GB. */
export function sizeText(/** @type {number} */ bytes) {
  if (bytes < 1e6) return `${Math.max(1, Math.round(bytes / 1e3))} KB`;
  if (bytes < 1e9) return `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;
  return `${(bytes / 1e9).toFixed(1)} GB`;
}

/** The file name the server gave, or a dated one. */
function fileName(/** @type {Response} */ response) {
  const given = /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') ?? '')?.[1];
  return given ?? `hearth-export-${new Date().toISOString().slice(0, 10)}.zip`;
}

/** Hand the finished file to the browser's downloads. */
function save(/** @type {Blob} */ file, /** @type {string} */ name) {
  const url = URL.createObjectURL(file);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has its own copy once it started.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * Show the card in its slot.
 * @param {HTMLElement} slot
 * @param {ExportHooks} hooks
 */
export async function showExport(slot, hooks) {
  await addSectionTemplates('export');
  const card = fromTemplate('tpl-export');
  const start = /** @type {HTMLButtonElement} */ (card.querySelector('#export-start'));
  const cancel = /** @type {HTMLButtonElement} */ (card.querySelector('#export-cancel'));
  const box = ref(card, 'progress-box');
  const bar = /** @type {HTMLProgressElement} */ (ref(card, 'bar'));
  const status = ref(card, 'status');
  const alert = ref(card, 'alert');
  /** @type {AbortController | null} */
  let running = null;

  const finish = (/** @type {string} */ said, /** @type {string} */ problem = '') => {
    running = null;
    box.hidden = true;
    start.hidden = false;
    start.disabled = false;
    status.textContent = said;
    alert.textContent = problem;
    if (card.contains(document.activeElement) || document.activeElement === document.body) start.focus();
  };

  const download = async () => {
    const controller = new AbortController();
    running = controller;
    start.disabled = true;
    alert.textContent = '';
    status.textContent = 'Getting ready…';
    // What this phone holds and the server does not yet: sent first, so the file has it too.
    let unsent = await hooks.waiting().catch(() => 0);
    if (unsent) {
      await hooks.sync().catch(() => {});
      unsent = await hooks.waiting().catch(() => 0);
    }
    /** @type {Response} */
    let response;
    try {
      response = await fetch('/api/export', { credentials: 'same-origin', cache: 'no-store', signal: controller.signal });
    } catch {
      return finish('', controller.signal.aborted ? '' : 'You seem to be offline: downloading your data needs a connection.');
    }
    if (!response.ok) {
      const error = await api.errorOf(response);
      if (error.status === 401) return (finish(''), hooks.signedOut());
      return finish('', error.message);
    }
    const estimate = Number(response.headers.get(ESTIMATE)) || 0;
    const name = fileName(response);
    start.hidden = true;
    box.hidden = false;
    if (estimate) bar.max = estimate;
    else bar.removeAttribute('value');
    /** @type {Blob[]} */
    const parts = [];
    /** @type {Uint8Array[]} */
    let pending = [];
    let received = 0;
    let pendingBytes = 0;
    let said = 0;
    const reader = /** @type {ReadableStream<Uint8Array>} */ (response.body).getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        pending.push(value);
        received += value.length;
        pendingBytes += value.length;
        // Pieces become blobs as they come, which the browser may keep on disk rather than in memory.
        if (pendingBytes > 8e6) (parts.push(new Blob(pending)), (pending = []), (pendingBytes = 0));
        if (estimate) bar.value = Math.min(received, estimate * 0.99);
        // The words change every second or two at most: a screen reader reads each change.
        if (Date.now() - said >= 1500) {
          said = Date.now();
          status.textContent = estimate ? `Downloading… ${sizeText(received)} of about ${sizeText(Math.max(estimate, received))}` : `Downloading… ${sizeText(received)}`;
        }
      }
    } catch {
      if (controller.signal.aborted) return finish('Stopped. Nothing was saved.');
      return finish('', 'The download was cut off before the end. Nothing was saved: try again when the connection is steady.');
    }
    parts.push(new Blob(pending));
    const file = new Blob(parts, { type: 'application/zip' });
    save(file, name);
    const note = unsent ? ` ${unsent === 1 ? 'One change' : `${unsent} changes`} made on this phone had not reached the server yet, so ${unsent === 1 ? 'it is' : 'they are'} not in it.` : '';
    finish(`Your data is in ${name} (${sizeText(file.size)}), in your downloads.${note}`);
  };

  start.addEventListener('click', () => {
    if (!running) download().catch((error) => finish('', String(error?.message ?? error)));
  });
  cancel.addEventListener('click', () => running?.abort());

  slot.replaceChildren(card);
  return {
    /** Stop a download in progress (leaving the space). */
    stop: () => running?.abort(),
  };
}
