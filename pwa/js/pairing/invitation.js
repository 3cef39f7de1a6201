// @ts-check
// Who made the invite of a /join link: loaded only when a link brought a code.
import { ApiError, request } from '../core/api.js';
import { forgetCode, pendingCode } from './join-link.js';

/**
 * @typedef {{state: 'live', inviter: string} | {state: 'gone' | 'own' | 'unknown'}} Invitation
 * live: who invited; gone: the code can no longer be used; own: the user made it (both forgotten);
 * unknown: the server could not say
 */

/**
 * Ask who made the kept invite (signed in or not: the answer may differ for its own author).
 * @returns {Promise<Invitation>}
 */
export async function invitation() {
  const code = pendingCode();
  if (!code) return { state: 'gone' };
  try {
    const answer = await request('GET', `/pairing/invites/${encodeURIComponent(code)}`);
    return { state: 'live', inviter: answer.inviter.display_name };
  } catch (error) {
    // Unknown, used, expired, or the user's own: nothing to join with it.
    if (error instanceof ApiError && (error.status === 404 || error.code === 'own_invite')) {
      forgetCode();
      return { state: error.status === 404 ? 'gone' : 'own' };
    }
    return { state: 'unknown' }; // offline or too many tries: the code stays for joining
  }
}
