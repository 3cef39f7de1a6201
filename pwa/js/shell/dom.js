// @ts-check
// Small DOM helpers shared by the views.

/**
 * @typedef {object} Problem what a view needs from a failed action
 * @property {string} message
 * @property {Record<string, string>} [fields] messages per field name
 */

/**
 * Clone a <template> of index.html.
 * @param {string} id
 * @returns {HTMLElement} the template's first element
 */
export function fromTemplate(id) {
  const template = /** @type {HTMLTemplateElement} */ (document.getElementById(id));
  return /** @type {HTMLElement} */ (template.content.firstElementChild?.cloneNode(true));
}

/**
 * A new element with a class and text (either may be empty).
 * @param {string} tag
 * @returns {HTMLElement}
 */
export function make(tag, className = '', text = '') {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text) element.textContent = text;
  return element;
}

/**
 * A new SVG element with its attributes and text, for the small inline charts.
 * @param {string} name
 * @param {Record<string, string | number>} [attributes]
 * @returns {SVGElement}
 */
export function draw(name, attributes = {}, text = '') {
  const element = /** @type {SVGElement} */ (document.createElementNS('http://www.w3.org/2000/svg', name));
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (text) element.textContent = text;
  return element;
}

/**
 * Give a second copy of a form its own ids: each id, and each label or ARIA reference to one, that starts
 * "<from>-" starts "<to>-" instead.
 * @param {Element} root
 * @param {string} from
 * @param {string} to
 */
export function renameIds(root, from, to) {
  const rename = (/** @type {string} */ id) => id.replace(new RegExp(`^${from}-`), `${to}-`);
  for (const element of [root, ...root.querySelectorAll('*')]) {
    if (element.id) element.id = rename(element.id);
    for (const name of ['for', 'aria-describedby', 'aria-labelledby']) {
      const value = element.getAttribute(name);
      if (value) element.setAttribute(name, value.split(' ').map(rename).join(' '));
    }
  }
}

/**
 * The element marked data-ref="name" inside root.
 * @template {HTMLElement} [T=HTMLElement]
 * @param {ParentNode} root
 * @param {string} name
 * @returns {T}
 */
export function ref(root, name) {
  const element = root.querySelector(`[data-ref="${name}"]`);
  if (!element) throw new Error(`Missing data-ref="${name}"`);
  return /** @type {T} */ (element);
}

/**
 * Put the screen into the view and move focus there, so screen readers follow.
 * @param {HTMLElement} view
 * @param {HTMLElement} screen
 */
export function mount(view, screen) {
  view.replaceChildren(screen);
  view.focus({ preventScroll: true });
  window.scrollTo(0, 0);
}

/**
 * Show a failed action's messages in a form: per field where a field matches, the rest in its alert.
 * @param {HTMLFormElement} form
 * @param {Problem | null} problem null clears every message
 */
export function showProblem(form, problem) {
  const fields = { ...(problem?.fields ?? {}) };
  for (const slot of form.querySelectorAll('[data-field]')) {
    const name = /** @type {HTMLElement} */ (slot).dataset.field ?? '';
    const input = form.elements.namedItem(name);
    const message = fields[name] ?? '';
    delete fields[name];
    slot.textContent = message;
    if (!(input instanceof HTMLElement)) continue;
    if (message) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  }
  const alert = ref(form, 'alert');
  // Field messages already explain themselves; the alert says what has no field of its own.
  const rest = Object.values(fields);
  const hasFieldMessage = Boolean(problem?.fields && Object.keys(problem.fields).length > rest.length);
  alert.textContent = problem ? [hasFieldMessage ? 'Please check the fields marked above.' : problem.message, ...rest].join(' ') : '';
  if (problem) {
    const invalid = form.querySelector('[aria-invalid]');
    if (invalid instanceof HTMLElement) invalid.focus();
  }
}

/**
 * Run an action while its button is busy, so a double tap sends one request.
 * @param {HTMLButtonElement} button
 * @param {() => Promise<void>} action
 */
export async function busy(button, action) {
  if (button.disabled) return;
  // Disabling the focused button drops keyboard focus to <body>; it comes back afterwards.
  const hadFocus = document.activeElement === button;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    await action();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
    if (hadFocus && button.isConnected && (document.activeElement === document.body || !document.activeElement)) button.focus();
  }
}

/**
 * Make a refresh that loads and then renders, where only the newest load renders: a
 * slow read started before a change never paints over what a later read found.
 * @template T
 * @param {() => Promise<T>} load
 * @param {(state: T) => void} render
 * @returns {() => Promise<void>}
 */
export function newestOnly(load, render) {
  let latest = 0;
  return async () => {
    const mine = ++latest;
    const state = await load();
    if (mine === latest) render(state);
  };
}
