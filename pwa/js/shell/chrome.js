// @ts-check
// The parts of the page outside the screens: update prompt, install button, iOS install hint,
// failed sign-in attempts.

const byId = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

/**
 * Show the update prompt; accept runs once when the user agrees.
 * @param {() => void} accept
 */
export function offerUpdate(accept) {
  const prompt = byId('update-prompt');
  const button = /** @type {HTMLButtonElement} */ (byId('update-accept'));
  prompt.hidden = false;
  button.addEventListener(
    'click',
    () => {
      button.disabled = true;
      button.textContent = 'Updating…';
      accept();
    },
    { once: true },
  );
}

/**
 * Show the install button while the browser offers installing; null hides it.
 * @param {(() => void) | null} install
 */
export function offerInstall(install) {
  const button = byId('install');
  button.hidden = !install;
  button.onclick = install;
}

/**
 * Tell iOS Safari users how to add Hearth to the home screen.
 * @param {() => void} dismissed called when the user closes the hint
 */
export function showIosHint(dismissed) {
  const hint = byId('ios-install');
  hint.hidden = false;
  byId('ios-install-dismiss').addEventListener(
    'click',
    () => {
      hint.hidden = true;
      dismissed();
    },
    { once: true },
  );
}

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * Tell of others' failed sign-ins since the last visit until dismissed; null takes the notice away.
 * @param {import('../core/api.js').FailedAttempts | null} attempts
 */
export function tellFailedSignIns(attempts) {
  const notice = byId('sign-in-attempts');
  notice.hidden = !attempts;
  if (!attempts) return;
  const times = attempts.count === 1 ? 'once' : `${attempts.count} times`;
  byId('sign-in-attempts-text').textContent =
    `Someone tried to sign in to your account ${times} since your last visit, ` +
    `the last on ${when.format(new Date(attempts.last_at))}. ` +
    "If it wasn't you, consider changing your password.";
  byId('sign-in-attempts-dismiss').onclick = () => {
    notice.hidden = true;
  };
}
