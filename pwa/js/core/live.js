// @ts-check
// The live channel (DESIGN §10): one event stream per browser, held by one tab in sight; a poke asks for a pull.

/**
 * @typedef {object} LiveHooks
 * @property {() => void} poke the space changed: pull
 * @property {(reason: string) => void} bye the server ended the stream: 'signed_out' or 'unpaired'
 * @property {(live: boolean) => void} state whether this browser holds an open stream, in this tab or another
 */

const HIDDEN_MS = 60_000; // out of sight this long, a tab lets the stream go
const LAST_RETRY_MS = 120_000;

/**
 * Keep this browser's stream open while a tab of the account is in sight; other tabs hear of it by BroadcastChannel.
 * @param {string} userId
 * @param {LiveHooks} hooks
 * @returns {() => void} stop
 */
export function startLive(userId, hooks) {
  if (typeof EventSource === 'undefined') return () => {};
  const name = `hearth-live-${userId}`;
  // Not the sync engine's channel: its tabs re-read the database at every message.
  const tabs = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(name);
  const tell = (/** @type {any} */ message) => tabs?.postMessage(message);
  let live = false;
  let failures = 0;
  /** @type {EventSource | null} */
  let source = null;
  /** @type {{abort: AbortController, release: () => void} | null} */
  let lead = null;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let hideTimer;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let retryTimer;

  const setLive = (/** @type {boolean} */ value) => {
    if (value !== live) hooks.state((live = value));
  };
  const announce = (/** @type {boolean} */ value) => {
    setLive(value);
    tell({ type: 'state', live: value });
  };
  const close = () => {
    clearTimeout(retryTimer);
    source?.close();
    source = null;
    announce(false);
  };

  function connect() {
    if (!lead || source || !navigator.onLine) return; // the online event brings us back
    const stream = new EventSource('/api/sync/events');
    source = stream;
    let errors = 0;
    stream.onopen = () => {
      failures = errors = 0;
      announce(true);
    };
    stream.addEventListener('poke', () => {
      hooks.poke();
      tell({ type: 'poke' });
    });
    stream.addEventListener('bye', (event) => {
      const { reason } = JSON.parse(/** @type {MessageEvent} */ (event).data);
      close();
      tell({ type: 'bye', reason });
      hooks.bye(reason);
      // Unpaired, the session goes on in a new space: a new stream hears it.
      if (reason !== 'signed_out') connect();
    });
    stream.onerror = () => {
      announce(false);
      // A dropped stream is retried by the browser with its last event id; one refused (401, 503)
      // or failing again and again waits longer each time, with jitter so phones do not come in step.
      if (stream.readyState !== EventSource.CLOSED && ++errors < 3) return;
      close();
      const delay = Math.min(LAST_RETRY_MS, 1000 * 2 ** failures++);
      retryTimer = setTimeout(connect, delay / 2 + Math.random() * (delay / 2));
    };
  }

  /** Ask for the browser's lock; whoever holds it holds the stream until letting go. */
  const takeLead = () => {
    if (lead) return;
    /** @type {() => void} */
    let release = () => {};
    const released = new Promise((resolve) => (release = () => resolve(null)));
    const abort = new AbortController();
    lead = { abort, release };
    const hold = () => (connect(), released);
    // Rejected (AbortError) only when withdrawn before the lock came: nothing was opened.
    (navigator.locks ? navigator.locks.request(name, { signal: abort.signal }, hold) : hold()).catch(() => {});
  };
  const letGo = () => {
    lead?.abort.abort();
    lead?.release();
    lead = null;
    failures = 0;
    if (source) close();
    clearTimeout(retryTimer);
  };

  const onVisibility = () => {
    clearTimeout(hideTimer);
    if (document.hidden) hideTimer = setTimeout(letGo, HIDDEN_MS);
    else takeLead();
  };
  const onOnline = () => {
    failures = 0;
    connect();
  };
  const onOffline = () => source && close();
  const onHide = () => source && tell({ type: 'state', live: false }); // the tab is going: the next one takes over

  if (tabs) {
    tabs.onmessage = ({ data }) => {
      if (data.type === 'poke') hooks.poke();
      else if (data.type === 'bye') hooks.bye(data.reason);
      else if (data.type === 'state' && !source) setLive(data.live);
      else if (data.type === 'ask' && source) tell({ type: 'state', live });
    };
    tell({ type: 'ask' });
  }
  const listeners = /** @type {const} */ ([
    [document, 'visibilitychange', onVisibility],
    [window, 'online', onOnline],
    [window, 'offline', onOffline],
    [window, 'pagehide', onHide],
  ]);
  for (const [target, type, listener] of listeners) target.addEventListener(type, listener);
  onVisibility();

  return () => {
    letGo();
    clearTimeout(hideTimer);
    for (const [target, type, listener] of listeners) target.removeEventListener(type, listener);
    tabs?.close();
  };
}
