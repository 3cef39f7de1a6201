// @ts-check
// The list of repairs and the "Open a repair" form: who was hurt, an optional title, a private draft or shared.
import { busy, fromTemplate, ref, showProblem } from '../shell/dom.js';
import { MAX_TITLE } from './rules.js';
import { STATE_WORDS, momentWords, sinceWords } from './words.js';

/** @typedef {import('./controller.js').RepairsState} RepairsState */
/** @typedef {import('./state.js').ListItem} ListItem */

/** @typedef {{hurt: 'me' | 'partner', title: string, visibility: 'private' | 'shared'}} OpenFields */

/** A repair's name on screen: its title, or a quiet stand-in. */
export const titleOf = (/** @type {{title: string}} */ repair) => repair.title || 'Our repair';

/**
 * Where a repair is, in a few words for the list: "Three weeks since you started", "Moved forward on Mar 4".
 * @param {ListItem} item
 */
function metaWords({ repair, people }) {
  const who = people.hurt ? 'You were hurt' : `${people.partnerName} was hurt`;
  if (repair.state === 'moved_forward' && repair.moved_forward_at) return `${who} · Moved forward on ${momentWords(repair.moved_forward_at)}`;
  if (repair.state === 'set_aside' && repair.set_aside_at) return `${who} · Set aside on ${momentWords(repair.set_aside_at)}`;
  return `${who} · ${sinceWords(repair.opened_at)}`;
}

/**
 * The list screen; render() follows the repairs.
 * @param {{open: (fields: OpenFields) => Promise<void>}} actions
 * @returns {{element: HTMLElement, render: (state: RepairsState) => void, focus: () => void}}
 */
export function repairList(actions) {
  const element = fromTemplate('tpl-repairs-list');
  const form = /** @type {HTMLFormElement} */ (ref(element, 'open-form'));
  const start = /** @type {HTMLButtonElement} */ (ref(element, 'new'));
  const title = /** @type {HTMLInputElement} */ (form.elements.namedItem('title'));
  title.maxLength = MAX_TITLE;

  const toggle = (/** @type {boolean} */ open) => {
    form.hidden = !open;
    start.setAttribute('aria-expanded', String(open));
  };
  start.addEventListener('click', () => {
    const opening = form.hidden;
    toggle(opening);
    if (opening) {
      form.reset();
      showProblem(form, null);
      /** @type {HTMLInputElement} */ (form.querySelector('input[name="hurt"]')).focus();
    }
  });
  ref(form, 'cancel').addEventListener('click', () => {
    toggle(false);
    start.focus();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const button = /** @type {HTMLButtonElement} */ (form.querySelector('button[type="submit"]'));
    busy(button, async () => {
      showProblem(form, null);
      const fields = /** @type {OpenFields} */ ({
        hurt: data.get('hurt') === 'partner' ? 'partner' : 'me',
        title: String(data.get('title') ?? '').trim(),
        visibility: data.get('visibility') === 'shared' ? 'shared' : 'private',
      });
      try {
        await actions.open(fields);
        toggle(false);
      } catch (problem) {
        showProblem(form, /** @type {import('../shell/dom.js').Problem} */ (problem));
      }
    });
  });

  return {
    element,
    render(state) {
      const paired = Boolean(state.me.partner);
      const name = state.me.partner?.display_name ?? 'your partner';
      ref(element, 'solo').hidden = paired;
      ref(element, 'open-box').hidden = !paired;
      if (!paired) toggle(false);
      ref(form, 'partner-hurt').textContent = `${name} was hurt`;
      ref(form, 'share-now').textContent = `Share it with ${name} now`;
      ref(element, 'empty').hidden = state.list.length > 0;
      ref(element, 'items').replaceChildren(...state.list.map((item) => {
        const { repair } = item;
        const row = fromTemplate('tpl-repair-item');
        row.dataset.id = repair.id;
        row.dataset.state = repair.state;
        const link = /** @type {HTMLAnchorElement} */ (ref(row, 'link'));
        link.href = `#repair/${repair.id}`;
        link.textContent = titleOf(repair);
        ref(row, 'state').textContent = STATE_WORDS[repair.state] ?? repair.state;
        ref(row, 'draft').hidden = repair.visibility !== 'private';
        ref(row, 'archived').hidden = !repair.archived;
        ref(row, 'meta').textContent = metaWords(item);
        return row;
      }));
    },
    focus() {
      ref(element, 'title').focus();
    },
  };
}
