// @ts-check
// The refused changes, one item each: what it was, what happened, the user's words with a way to
// copy them or start again from them, and its own Dismiss. Loaded only when there is a refusal.
import { startDraft } from './drafts.js';
import { describeRefusal } from './refusal-words.js';
import { actionLine } from './said.js';

/** @typedef {import('../core/refusal-store.js').Refusal} Refusal */
/** @typedef {import('../core/api.js').Me} Me */

/**
 * @typedef {object} Item one refusal's element and the parts that change
 * @property {HTMLLIElement} element
 * @property {(words: import('./refusal-words.js').RefusalWords) => void} fill
 */

/** An element with a class and text. */
function make(/** @type {string} */ tag, /** @type {string} */ className, text = '') {
  return Object.assign(document.createElement(tag), { className, textContent: text });
}

/**
 * Build the item of one refusal; fill follows what the records say as they change.
 * @param {Refusal} refusal
 * @param {(id: number) => Promise<void>} dismiss
 * @returns {Item}
 */
function makeItem(refusal, dismiss) {
  const element = /** @type {HTMLLIElement} */ (make('li', 'refusal'));
  element.dataset.id = String(refusal.id);
  const head = make('p', 'refusal-head');
  const what = make('strong', '');
  const happened = document.createTextNode('');
  head.append(what, ' did not go through. ', happened);
  const quote = make('blockquote', 'refusal-words');
  const buttons = make('div', 'row');
  const button = (/** @type {string} */ text) => /** @type {HTMLButtonElement} */ (make('button', 'button small quiet', text));
  const copy = button('Copy the words');
  const again = button('');
  const done = button('Dismiss');
  buttons.append(copy, again, done);
  const status = make('p', 'hint');
  status.setAttribute('role', 'status');
  const copied = actionLine(status);
  element.append(head, quote, buttons, status);
  /** @type {import('./refusal-words.js').RefusalWords | null} */
  let shown = null;

  copy.addEventListener('click', () => {
    const words = shown?.words ?? '';
    navigator.clipboard.writeText(words).then(
      () => copied.say('Copied.'),
      () => {
        // No clipboard (permission, an old browser): select the words for a manual copy.
        getSelection()?.selectAllChildren(quote);
        copied.say('Select the words above and copy them.');
      },
    );
  });
  again.addEventListener('click', () => {
    if (shown?.again) startDraft(shown.again.section, shown.again.values);
  });
  done.addEventListener('click', () => {
    // The next refusal takes the focus, so a keyboard user keeps their place in the list.
    const next = element.nextElementSibling ?? element.previousElementSibling;
    dismiss(refusal.id).then(() => {
      const target = next?.querySelector('button') ?? document.getElementById('view');
      target?.focus({ preventScroll: true });
    }, console.error);
  });

  return {
    element,
    fill(words) {
      shown = words;
      what.textContent = words.what;
      happened.textContent = words.happened;
      quote.textContent = words.words;
      quote.hidden = copy.hidden = !words.words;
      again.hidden = !words.again;
      again.textContent = words.again?.label ?? '';
      done.setAttribute('aria-label', `Dismiss: ${words.what}`);
    },
  };
}

/** @type {Map<number, Item>} */
const items = new Map();

/**
 * Show the refused changes in the box (#rejections-box, list #rejections), oldest first.
 * @param {HTMLElement} box
 * @param {Refusal[]} refusals
 * @param {(id: number) => Promise<void>} dismiss
 * @param {Me} me
 */
export function fillRefusals(box, refusals, dismiss, me) {
  const list = /** @type {HTMLElement} */ (box.querySelector('#rejections'));
  const wanted = refusals.map((refusal) => {
    let item = items.get(refusal.id);
    // An item of an earlier screen (signed out and in again) is made anew in this one.
    if (!item || !list.contains(item.element)) {
      item = makeItem(refusal, dismiss);
      items.set(refusal.id, item);
    }
    item.fill(describeRefusal(refusal, me));
    return item.element;
  });
  const keep = new Set(refusals.map((r) => r.id));
  for (const [id, item] of items) {
    if (keep.has(id)) continue;
    item.element.remove();
    items.delete(id);
  }
  // Moved only when out of place: moving the element that has the focus would drop it.
  wanted.forEach((element, index) => {
    if (list.children[index] !== element) list.insertBefore(element, list.children[index] ?? null);
  });
  box.hidden = !wanted.length;
}
