// @ts-check
// One promise on screen: its words, who made it, its state and date, and the buttons its reader may use.
// A card lives as long as its promise is listed, so an open form or question survives every refresh.
import { busy, fromTemplate, ref, showProblem } from '../shell/dom.js';
import { dueWords, eventWords, momentWords, nextStep, stateWords } from './words.js';

/** @typedef {import('./controller.js').PromiseItem} PromiseItem */

/**
 * @typedef {object} CardActions
 * @property {(id: string, changes: {text?: string, due_on?: string | null}) => Promise<void>} change
 * @property {(id: string) => Promise<void>} done
 * @property {(id: string) => Promise<void>} confirm
 * @property {(id: string) => Promise<void>} release
 */

/**
 * @typedef {object} CardContext what a card needs besides its promise
 * @property {Record<string, string>} names user id → name ("You" for me)
 * @property {string} partnerName
 * @property {string} today my local day
 */

/**
 * Build a card for one promise; update() follows the promise as it changes.
 * @param {string} id the promise's id
 * @param {CardActions} actions
 * @returns {{element: HTMLElement, update: (item: PromiseItem, context: CardContext) => void}}
 */
export function promiseCard(id, actions) {
  const card = fromTemplate('tpl-promise');
  card.dataset.id = id;
  const [done, confirm, change, release] = ['done', 'confirm', 'change', 'release'].map((name) => /** @type {HTMLButtonElement} */ (ref(card, name)));
  const form = /** @type {HTMLFormElement} */ (ref(card, 'change-form'));
  const question = ref(card, 'release-confirm');
  const alert = ref(card, 'card-alert');
  const dueInput = /** @type {HTMLInputElement} */ (ref(form, 'due-input'));
  const textInput = /** @type {HTMLTextAreaElement} */ (ref(form, 'text-input'));
  // Labels and descriptions need ids that are unique on the page.
  const key = `promise-${id}`;
  ref(card, 'text').id = `${key}-text`;
  form.id = `${key}-change`;
  question.id = `${key}-release`;
  dueInput.id = `${key}-due`;
  textInput.id = `${key}-wording`;
  ref(form, 'due-label').setAttribute('for', dueInput.id);
  ref(form, 'text-label').setAttribute('for', textInput.id);
  change.setAttribute('aria-controls', form.id);
  release.setAttribute('aria-controls', question.id);
  ref(question, 'question').id = `${key}-release-question`;
  question.setAttribute('aria-labelledby', `${key}-release-question`);
  for (const button of [done, confirm, change, release]) button.setAttribute('aria-describedby', `${key}-text`);
  // The badge is taken out rather than hidden, so "waiting" means exactly what is on screen.
  const pending = ref(card, 'pending');
  const badges = /** @type {HTMLElement} */ (pending.parentElement);
  pending.remove();
  /** @type {PromiseItem | null} */
  let item = null;

  /**
   * Run an action once at a time; a failure is said on the card.
   * Unlike busy(), the button is not disabled: a disabled button drops the focus, and the list
   * keeps the user's place by following the focused button when its card moves (see promises/view.js).
   */
  const act = async (/** @type {HTMLButtonElement} */ button, /** @type {() => Promise<void>} */ work) => {
    if (button.getAttribute('aria-busy')) return;
    button.setAttribute('aria-busy', 'true');
    alert.textContent = '';
    try {
      await work();
    } catch (problem) {
      alert.textContent = /** @type {Error} */ (problem).message || 'This did not work. Please try again.';
    } finally {
      button.removeAttribute('aria-busy');
    }
  };

  const toggle = (/** @type {HTMLButtonElement} */ button, /** @type {HTMLElement} */ panel, /** @type {boolean} */ open) => {
    panel.hidden = !open;
    button.setAttribute('aria-expanded', String(open));
  };

  done.addEventListener('click', () => act(done, () => actions.done(id)));
  confirm.addEventListener('click', () => act(confirm, () => actions.confirm(id)));
  change.addEventListener('click', () => {
    const opening = form.hidden;
    toggle(change, form, opening);
    if (!opening || !item) return;
    // Filled once, when opened: later refreshes leave what the user types alone.
    dueInput.value = item.promise.due_on ?? '';
    dueInput.min = item.promiserToday;
    textInput.value = item.promise.text;
    showProblem(form, null);
    dueInput.focus();
  });
  ref(form, 'cancel').addEventListener('click', () => {
    toggle(change, form, false);
    change.focus();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const current = item?.promise;
    if (!current) return;
    /** @type {{text?: string, due_on?: string | null}} */
    const changes = {};
    const text = textInput.value.trim();
    const due = dueInput.value || null;
    if (!text) {
      showProblem(form, { message: '', fields: { text: 'Say what you promise.' } });
      return;
    }
    if (text !== current.text) changes.text = text;
    if (due !== current.due_on) changes.due_on = due;
    const submit = /** @type {HTMLButtonElement} */ (form.querySelector('button[type="submit"]'));
    busy(submit, async () => {
      showProblem(form, null);
      try {
        if (Object.keys(changes).length) await actions.change(id, changes);
        toggle(change, form, false);
        change.focus();
      } catch (problem) {
        showProblem(form, /** @type {import('../shell/dom.js').Problem} */ (problem));
      }
    });
  });
  release.addEventListener('click', () => toggle(release, question, question.hidden));
  ref(question, 'cancel').addEventListener('click', () => {
    toggle(release, question, false);
    release.focus();
  });
  const yes = /** @type {HTMLButtonElement} */ (ref(question, 'yes'));
  yes.addEventListener('click', () => act(yes, () => actions.release(id)));

  /**
   * @param {PromiseItem} next
   * @param {CardContext} context
   */
  const update = (next, context) => {
    item = next;
    const { promise, mine, rights } = next;
    const partner = context.names[promise.promiser] ?? 'Your former partner';
    ref(card, 'text').textContent = promise.text;
    // An archived promise of mine was made to a former partner, whose name is gone.
    ref(card, 'who').textContent = mine ? (promise.archived ? 'Your promise' : `You promised ${context.partnerName}`) : `${partner} promised you`;
    const live = !promise.archived && (promise.state === 'open' || promise.state === 'missed');
    ref(card, 'due').textContent = dueWords(promise.due_on, next.promiserToday, live);
    ref(card, 'state').textContent = stateWords(promise.state);
    // A commitment made in a repair leads back to it.
    ref(card, 'repair').hidden = !promise.repair_id;
    if (promise.repair_id) /** @type {HTMLAnchorElement} */ (ref(card, 'repair-link')).href = `#repair/${promise.repair_id}`;
    const hint = ref(card, 'next');
    hint.textContent = nextStep(next, partner, context.partnerName);
    hint.hidden = !hint.textContent;
    card.dataset.state = promise.state;
    ref(card, 'overdue').hidden = !next.overdue;
    if (promise.pending && !pending.isConnected) badges.insertBefore(pending, ref(card, 'archived'));
    else if (!promise.pending) pending.remove();
    ref(card, 'archived').hidden = !promise.archived;
    const lines = (promise.history ?? []).map((entry) => ({ entry, words: eventWords(entry, context) })).filter((l) => l.words);
    const history = ref(card, 'history');
    history.replaceChildren(...lines.map(({ entry, words }) => {
      const li = document.createElement('li');
      const when = Object.assign(document.createElement('time'), { dateTime: entry.at, textContent: momentWords(entry.at) });
      li.append(`${words} · `, when);
      return li;
    }));
    history.hidden = !lines.length;
    done.hidden = !rights.done;
    confirm.hidden = !rights.confirm;
    change.hidden = !rights.change;
    release.hidden = !rights.release;
    ref(question, 'question').textContent = `Release ${partner} from this promise?`;
    // A panel whose action is no longer possible (the partner acted first) closes.
    if (!rights.change) toggle(change, form, false);
    if (!rights.release) toggle(release, question, false);
    ref(card, 'actions').hidden = !(rights.done || rights.confirm || rights.change || rights.release);
  };

  return { element: card, update };
}
