// @ts-check
// The welcome screen: sign up or sign in.
import { busy, fromTemplate, mount, ref, showProblem } from '../shell/dom.js';
import { zoneField } from './zone-field.js';

/**
 * @typedef {object} AuthActions
 * @property {(data: import('../core/api.js').SignUp) => Promise<void>} signUp rejects with a Problem
 * @property {(data: {email: string, password: string}) => Promise<void>} signIn rejects with a Problem
 */

/**
 * @typedef {object} AuthOptions
 * @property {'signup' | 'signin'} mode which form to show first
 * @property {Promise<import('../pairing/invitation.js').Invitation> | null} invitation who invited, when the user came from a /join link
 * @property {string} timeZone the one to preselect: the device's
 */

/**
 * Render the auth screen into the view and bind its forms.
 * @param {HTMLElement} view
 * @param {AuthOptions} options
 * @param {AuthActions} actions
 */
export function showAuth(view, options, actions) {
  const screen = fromTemplate('tpl-auth');
  const signupPanel = ref(screen, 'signup');
  const signinPanel = ref(screen, 'signin');
  const signupForm = /** @type {HTMLFormElement} */ (screen.querySelector('#signup-form'));
  const signinForm = /** @type {HTMLFormElement} */ (screen.querySelector('#signin-form'));
  const joinNote = ref(screen, 'join-note');

  zoneField(
    /** @type {HTMLSelectElement} */ (screen.querySelector('#signup-tz')),
    /** @type {HTMLInputElement} */ (screen.querySelector('#signup-tz-find')),
    ref(screen, 'tz-status'),
    options.timeZone,
  );
  joinNote.hidden = !options.invitation;
  options.invitation?.then((invitation) => {
    if (invitation.state === 'live') joinNote.textContent = `${invitation.inviter} invited you to Hearth. Create your account (or sign in), then join them with one tap.`;
    if (invitation.state === 'gone') joinNote.textContent = 'This invite link can no longer be used: it has expired or was used already. Sign up, and ask your partner for a new one.';
  }, () => {}); // its code could not load: the note says what it said

  /** @param {'signup' | 'signin'} mode @param {boolean} focus */
  const switchTo = (mode, focus) => {
    signupPanel.hidden = mode !== 'signup';
    signinPanel.hidden = mode !== 'signin';
    if (focus) (mode === 'signup' ? signupForm : signinForm).querySelector('input')?.focus();
  };
  ref(screen, 'to-signin').addEventListener('click', () => switchTo('signin', true));
  ref(screen, 'to-signup').addEventListener('click', () => switchTo('signup', true));

  /**
   * @param {HTMLFormElement} form
   * @param {string} working what the button says while the server answers, e.g. "Signing in…"
   * @param {(values: Record<string, string>) => Promise<void>} action
   */
  const bind = (form, working, action) =>
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const button = /** @type {HTMLButtonElement} */ (form.querySelector('button[type="submit"]'));
      const idle = button.textContent;
      const values = Object.fromEntries([...new FormData(form)].map(([k, v]) => [k, String(v)]));
      /** A slow phone shows that it is working; nothing can be changed or sent twice meanwhile. */
      const waiting = (/** @type {boolean} */ on) => {
        button.textContent = on ? working : idle;
        form.setAttribute('aria-busy', String(on));
        for (const control of form.elements) if (control !== button) /** @type {HTMLInputElement} */ (control).disabled = on;
      };
      busy(button, async () => {
        showProblem(form, null);
        waiting(true);
        /** @type {unknown} */
        let problem = null;
        try {
          await action(values);
        } catch (error) {
          problem = error;
        }
        waiting(false);
        // After the fields are usable again, so the first wrong one can take focus.
        if (problem) showProblem(form, /** @type {import('../shell/dom.js').Problem} */ (problem));
      });
    });
  bind(signupForm, 'Creating your account…', (v) =>
    actions.signUp({
      email: v.email.trim(),
      password: v.password,
      display_name: v.display_name.trim(),
      time_zone: v.time_zone,
    }),
  );
  bind(signinForm, 'Signing in…', (v) => actions.signIn({ email: v.email.trim(), password: v.password }));

  switchTo(options.mode, false);
  mount(view, screen);
}
