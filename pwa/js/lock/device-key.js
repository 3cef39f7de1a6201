// @ts-check
// The phone's own screen lock or biometrics (a platform authenticator, WebAuthn) as a gate on this phone.
import { b64, unb64 } from './store.js';

/** Whether this browser offers a platform authenticator that verifies the user. */
export async function deviceKeyAvailable() {
  try {
    return Boolean(await window.PublicKeyCredential?.isUserVerifyingPlatformAuthenticatorAvailable());
  } catch {
    return false;
  }
}

/** Make a local credential; returns its id (base64). It only gates this app on this phone. */
export async function makeDeviceKey() {
  const credential = /** @type {PublicKeyCredential | null} */ (
    await navigator.credentials.create({
      publicKey: {
        challenge: crypto.getRandomValues(new Uint8Array(32)),
        rp: { name: 'Hearth' },
        user: { id: crypto.getRandomValues(new Uint8Array(16)), name: 'Hearth on this phone', displayName: 'Hearth on this phone' },
        pubKeyCredParams: [
          { type: 'public-key', alg: -7 },
          { type: 'public-key', alg: -257 },
        ],
        authenticatorSelection: { authenticatorAttachment: 'platform', userVerification: 'required' },
        timeout: 60_000,
      },
    })
  );
  if (!credential) throw new Error('The phone did not make a key.');
  return b64(credential.rawId);
}

/**
 * Ask the phone's screen lock or biometrics; resolves when the user passed it.
 * @param {string} id base64 credential id
 */
export async function askDeviceKey(id) {
  const answer = await navigator.credentials.get({
    publicKey: {
      challenge: crypto.getRandomValues(new Uint8Array(32)),
      allowCredentials: [{ type: 'public-key', id: unb64(id) }],
      userVerification: 'required',
      timeout: 60_000,
    },
  });
  if (!answer) throw new Error('The phone did not confirm.');
}
