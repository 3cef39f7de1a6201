// @ts-check
// Forgot my password: ask for a link by email, then choose a new password with it (DESIGN §11).
import { request } from '../core/api.js';
import { busy, mount, showProblem } from '../shell/dom.js';

/**
 * A screen with one form, built here: it loads only when someone needs it.
 * @param {string} title
 * @param {string} lede
 * @param {string} fields the form's fields (static markup)
 * @param {string} submit what the button says
 */
function screen(title, lede, fields, submit) {
  const section = document.createElement('section');
  section.className = 'screen auth';
  section.setAttribute('aria-labelledby', 'reset-title');
  section.innerHTML = `
    <div class="card">
      <h2 id="reset-title" class="screen-title"></h2>
      <p class="lede" data-ref="lede"></p>
      <form id="reset-form" class="form">
        ${fields}
        <p class="alert" role="alert" data-ref="alert"></p>
        <button class="button" type="submit"></button>
      </form>
      <p class="note" role="status" data-ref="sent" hidden></p>
      <p class="switch"><button class="link" type="button" id="reset-back">Back to sign in</button></p>
    </div>`;
  /** @type {HTMLElement} */ (section.querySelector('#reset-title')).textContent = title;
  /** @type {HTMLElement} */ (section.querySelector('[data-ref="lede"]')).textContent = lede;
  /** @type {HTMLElement} */ (section.querySelector('button[type="submit"]')).textContent = submit;
  return section;
}

/**
 * Bind a form's submit to an action, showing problems and keeping the button busy.
 * @param {HTMLFormElement} form
 * @param {(values: Record<string, string>) => Promise<void>} action
 */
function bind(form, action) {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const button = /** @type {HTMLButtonElement} */ (form.querySelector('button[type="submit"]'));
    const values = Object.fromEntries([...new FormData(form)].map(([k, v]) => [k, String(v)]));
    busy(button, async () => {
      showProblem(form, null);
      try {
        await action(values);
      } catch (error) {
        showProblem(form, /** @type {import('../shell/dom.js').Problem} */ (error));
      }
    });
  });
}

/**
 * "Forgot your password?": the email form (with what the sign-in form held), then the same words
 * whether or not an account uses it.
 * @param {HTMLElement} view
 * @param {() => void} back shows the sign-in screen again
 */
export function showForgot(view, back) {
  const typed = /** @type {HTMLInputElement | null} */ (view.querySelector('#signin-email'))?.value.trim();
  const section = screen(
    'Forgot your password?',
    'Tell us the email you signed up with and we will send you a link to choose a new password.',
    `<div class="field">
      <label for="reset-email">Email</label>
      <input id="reset-email" name="email" type="email" autocomplete="username" required aria-describedby="reset-email-error">
      <p id="reset-email-error" class="field-error" data-field="email"></p>
    </div>`,
    'Send me a link',
  );
  const form = /** @type {HTMLFormElement} */ (section.querySelector('#reset-form'));
  const email = /** @type {HTMLInputElement} */ (section.querySelector('#reset-email'));
  email.value = typed ?? '';
  const sent = /** @type {HTMLElement} */ (section.querySelector('[data-ref="sent"]'));
  bind(form, async (values) => {
    const answer = await request('POST', '/auth/password-reset', { email: values.email.trim() });
    form.hidden = true;
    sent.textContent = `${answer?.message ?? 'If an account uses that address, a link is on its way.'} It works for one hour. Nothing there? Check your spam folder.`;
    sent.hidden = false;
    sent.tabIndex = -1;
    sent.focus();
  });
  /** @type {HTMLElement} */ (section.querySelector('#reset-back')).addEventListener('click', back);
  mount(view, section);
  email.focus();
}

/**
 * "Choose a new password" from a mailed link's token.
 * @param {HTMLElement} view
 * @param {string} token
 * @param {{done: () => void, back: () => void}} actions
 */
export function showChoose(view, token, actions) {
  const section = screen(
    'Choose a new password',
    'Once it is set, you are signed out everywhere and sign in again with the new one.',
    `<div class="field">
      <label for="reset-password">New password</label>
      <input id="reset-password" name="password" type="password" autocomplete="new-password" minlength="10" maxlength="1024" required aria-describedby="reset-password-hint reset-password-error">
      <p id="reset-password-hint" class="hint">At least 10 characters.</p>
      <p id="reset-password-error" class="field-error" data-field="password"></p>
    </div>`,
    'Set my new password',
  );
  const form = /** @type {HTMLFormElement} */ (section.querySelector('#reset-form'));
  bind(form, async (values) => {
    await request('POST', '/auth/password-reset/confirm', { token, password: values.password });
    actions.done();
  });
  /** @type {HTMLElement} */ (section.querySelector('#reset-back')).addEventListener('click', actions.back);
  mount(view, section);
  /** @type {HTMLElement} */ (section.querySelector('#reset-password')).focus();
}

/**
 * A mailed link /reset#TOKEN: the token leaves the address bar (and so the history) at once; then
 * "Choose a new password", and the sign-in screen saying it worked.
 * @param {HTMLElement} view
 * @param {() => void} signIn shows the sign-in screen
 */
export function openLink(view, signIn) {
  if (location.pathname !== '/reset') return; // opened already
  const token = location.hash.slice(1);
  history.replaceState(null, '', '/');
  showChoose(view, token, {
    back: signIn,
    done() {
      signIn();
      const note = document.createElement('p');
      note.id = 'signin-note';
      note.className = 'note';
      note.setAttribute('role', 'status');
      view.querySelector('#signin-form')?.before(note);
      note.textContent = 'Your new password is set. Sign in with it.';
    },
  });
}
