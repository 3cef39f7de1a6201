// @ts-check
// The only way the app talks to the server: JSON in and out, one error format.

/**
 * @typedef {object} User
 * @property {string} id
 * @property {string} email
 * @property {string} display_name
 * @property {string} time_zone
 */

/**
 * @typedef {object} Partner
 * @property {string} id
 * @property {string} display_name
 * @property {string} time_zone
 */

/**
 * @typedef {object} Space
 * @property {string} id
 * @property {'solo' | 'couple'} kind
 * @property {{by: string, at: string} | null} [unpaired] a solo space made by unpairing: who ended the couple, and when
 */

/**
 * @typedef {object} Me
 * @property {User} user
 * @property {Space} space
 * @property {Partner | null} partner
 */

/**
 * @typedef {object} Invite
 * @property {string} code shown in two halves, e.g. ABCD-2345
 * @property {string} expires_at ISO 8601
 * @property {string} url the /join#CODE link
 * @property {string} qr_code the link as a QR code image (a data: URI)
 */

/**
 * @typedef {object} Paired
 * @property {Space} space
 * @property {Partner} partner
 */

/**
 * @typedef {object} SignUp
 * @property {string} email
 * @property {string} password
 * @property {string} display_name
 * @property {string} time_zone
 */

/**
 * @typedef {object} FailedAttempts failed sign-ins from unknown devices since the last sign-in
 * @property {number} count
 * @property {string} last_at ISO 8601
 */

/**
 * @typedef {object} SignedIn
 * @property {User} user
 * @property {FailedAttempts | null} failed_attempts
 */

/** An error the server answered with: `{error: {code, message, fields?}}`. */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message
   * @param {Record<string, string>} [fields]
   */
  constructor(status, code, message, fields = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fields = fields;
  }
}

/** The server could not be reached at all (offline, DNS, connection reset). */
export class OfflineError extends Error {
  constructor() {
    super('You seem to be offline. Check your connection and try again.');
    this.name = 'OfflineError';
    this.status = 0;
    this.code = 'offline';
    /** @type {Record<string, string>} */
    this.fields = {};
  }
}

/**
 * Send one API request and return its JSON body (null for 204).
 * @param {string} method
 * @param {string} path under /api, e.g. '/me'
 * @param {unknown} [body] sent as JSON; a Blob (a photo) goes as it is, with its own type
 * @returns {Promise<any>}
 */
export async function request(method, path, body) {
  /** @type {Record<string, string>} */
  const headers = { Accept: 'application/json' };
  const raw = body instanceof Blob;
  if (method !== 'GET') {
    // The server refuses state changes without it (CSRF defence, DESIGN §2).
    headers['X-Requested-With'] = 'hearth';
    headers['Content-Type'] = raw ? body.type : 'application/json';
  }
  let response;
  try {
    response = await fetch(`/api${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      body: method === 'GET' ? undefined : raw ? body : JSON.stringify(body ?? {}),
    });
  } catch {
    throw new OfflineError();
  }
  if (response.status === 204) return null;
  if (!response.ok) throw await errorOf(response);
  return response.json().catch(() => null);
}

/**
 * The error an answer that is not a success carries.
 * @param {Response} response
 * @returns {Promise<ApiError>}
 */
export async function errorOf(response) {
  const error = (await response.json().catch(() => null))?.error;
  // A proxy or a crash may answer without our error format.
  if (!error) return new ApiError(response.status, 'http_error', `The server answered ${response.status}. Try again later.`);
  return new ApiError(response.status, error.code, error.message, error.fields ?? {});
}

/** Who is signed in, their space and partner; throws ApiError 401 when signed out. */
export const getMe = () => /** @type {Promise<Me>} */ (request('GET', '/me'));

/** Create an account; the server signs it in. */
export const register = (/** @type {SignUp} */ data) =>
  /** @type {Promise<{user: User}>} */ (request('POST', '/auth/register', data));

/** Sign in with email and password; the answer tells of others' failed attempts. */
export const login = (/** @type {{email: string, password: string}} */ data) =>
  /** @type {Promise<SignedIn>} */ (request('POST', '/auth/login', data));

/** End this device's session. */
export const logout = () => request('POST', '/auth/logout');

/** Create a single-use invite code for the partner. */
export const createInvite = () => /** @type {Promise<Invite>} */ (request('POST', '/pairing/invites'));

/** Accept the partner's invite code. */
export const acceptInvite = (/** @type {string} */ code) =>
  /** @type {Promise<Paired>} */ (request('POST', '/pairing/accept', { code }));

/**
 * @typedef {object} PushResult
 * @property {number} last_mutation_id
 * @property {{id: number, status: 'applied' | 'rejected', error?: {code: string, message: string, fields?: Record<string, string>}}[]} results
 */

/**
 * @typedef {object} PullPage
 * @property {string} cookie
 * @property {number} last_mutation_id
 * @property {boolean} reset
 * @property {{op: 'put' | 'del', kind: string, id: string, value?: Record<string, any>}[]} patch
 * @property {boolean} has_more
 * @property {Space} space the user's space now
 * @property {Partner | null} partner the partner now (name, time zone), null while solo
 */

/** Send queued mutations (at most 100) for the server to apply in order. */
export const push = (/** @type {{client_id: string, schema_version: number, mutations: unknown[]}} */ body) =>
  /** @type {Promise<PushResult>} */ (request('POST', '/sync/push', body));

/** Fetch one page of what changed since the cookie. */
export const pull = (/** @type {{client_id: string, cookie: string | null, limit: number}} */ body) =>
  /** @type {Promise<PullPage>} */ (request('POST', '/sync/pull', body));

/**
 * @typedef {object} Device
 * @property {string} id
 * @property {string} user_agent as the browser sent it when signing in
 * @property {string} created_at ISO 8601
 * @property {string} last_seen_at ISO 8601
 * @property {boolean} current this browser's own session
 */

/** Change my display name and/or time zone; answers like getMe. */
export const updateMe = (/** @type {{display_name?: string, time_zone?: string}} */ changes) =>
  /** @type {Promise<Me>} */ (request('PATCH', '/me', changes));

/** The devices signed in to this account. */
export const devices = () => /** @type {Promise<{devices: Device[]}>} */ (request('GET', '/auth/sessions'));

/** Sign out one of this account's devices. */
export const endDevice = (/** @type {string} */ id) => request('DELETE', `/auth/sessions/${encodeURIComponent(id)}`);

/** Sign out every device of this account, this one included. */
export const logoutAll = () => request('POST', '/auth/logout-all');

/** End the couple: each partner goes back to a solo space. */
export const unpair = () => /** @type {Promise<{space: Space}>} */ (request('POST', '/pairing/unpair'));

/**
 * @typedef {object} PushSettings what this user is notified of, on every device
 * @property {'generic' | 'none'} preview generic names who and what kind; none says only "Something new in Hearth"
 * @property {{start: string, end: string} | null} quiet_hours HH:MM in the user's time zone, or off
 * @property {{checkin: boolean, memory: boolean, agreement: boolean, promise: boolean}} kinds
 * @property {'hold' | 'drop'} [quiet_reminders] a ritual's reminder due in quiet hours: held until they end, or skipped
 */

/** The server's VAPID public key (base64url), the applicationServerKey to subscribe with. */
export const pushKey = () => /** @type {Promise<{public_key: string}>} */ (request('GET', '/push/key'));

/** Keep this device's push subscription on the server (sent every time the app opens). */
export const savePushSubscription = (/** @type {{endpoint: string, keys: {p256dh: string, auth: string}}} */ subscription) =>
  /** @type {Promise<{endpoint: string}>} */ (request('POST', '/push/subscriptions', subscription));

/** Stop notifications to this endpoint. */
export const deletePushSubscription = (/** @type {string} */ endpoint) =>
  request('DELETE', '/push/subscriptions', { endpoint });

/** My notification settings. */
export const pushSettings = () => /** @type {Promise<PushSettings>} */ (request('GET', '/push/settings'));

/** Change some of my notification settings; answers with all of them. */
export const updatePushSettings = (/** @type {Partial<PushSettings>} */ changes) =>
  /** @type {Promise<PushSettings>} */ (request('PATCH', '/push/settings', changes));
