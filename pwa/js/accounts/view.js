// @ts-check
// The welcome screen: sign up or sign in.
import { busy, fromTemplate, mount, ref, showProblem } from '../shell/dom.js';
import { zoneLabel } from '../core/time.js';

/**
 * @typedef {object} AuthActions
 * @property {(data: import('../core/api.js').SignUp) => Promise<void>} signUp rejects with a Problem
 * @property {(data: {email: string, password: string}) => Promise<void>} signIn rejects with a Problem
 */

/**
 * @typedef {object} AuthOptions
 * @property {'signup' | 'signin'} mode which form to show first
 * @property {boolean} joining the user came from a partner's /join link
 * @property {string[]} timeZones IANA names to choose from
 * @property {string} timeZone the one to preselect
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
  const zone = /** @type {HTMLSelectElement} */ (screen.querySelector('#signup-tz'));

  ref(screen, 'join-note').hidden = !options.joining;
  zone.append(
    ...options.timeZones.map((name) => new Option(zoneLabel(name), name, false, name === options.timeZone)),
  );

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
   * @param {(values: Record<string, string>) => Promise<void>} action
   */
  const bind = (form, action) =>
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const button = /** @type {HTMLButtonElement} */ (form.querySelector('button[type="submit"]'));
      const values = Object.fromEntries([...new FormData(form)].map(([k, v]) => [k, String(v)]));
      busy(button, async () => {
        showProblem(form, null);
        try {
          await action(values);
        } catch (problem) {
          showProblem(form, /** @type {import('../shell/dom.js').Problem} */ (problem));
        }
      });
    });
  bind(signupForm, (v) =>
    actions.signUp({
      email: v.email.trim(),
      password: v.password,
      display_name: v.display_name.trim(),
      time_zone: v.time_zone,
    }),
  );
  bind(signinForm, (v) => actions.signIn({ email: v.email.trim(), password: v.password }));

  switchTo(options.mode, false);
  mount(view, screen);
}
