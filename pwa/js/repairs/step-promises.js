// @ts-check
// Step 3, rebuild through consistent actions: "what I will change" becomes small promises in a tap,
// linked to the repair, and the repair shows how they are going (the promises' own states and track record).
import { busy, fromTemplate, ref, showProblem } from '../shell/dom.js';
import { trackRecord, trackRecordWords } from '../promises/track-record.js';

/** @typedef {import('./state.js').Detail} Detail */
/** @typedef {import('../promises/rules.js').PromiseRecord} PromiseRecord */

const STATES = /** @type {Record<string, string>} */ ({
  open: 'Open', done: 'Done, waiting to be confirmed', kept: 'Kept', missed: 'Missed', released: 'Released',
});

/**
 * What step 3 says about where things stand, for its summary.
 * @param {Detail} detail
 */
export function promisesStatus({ promises, people, suggestions }) {
  if (!promises.length) {
    if (people.hurt) return `${people.partnerName}’s small promises will show here.`;
    return suggestions.length ? 'Turn what you will change into small promises.' : 'Small, doable promises rebuild trust over time.';
  }
  const kept = promises.filter((p) => p.state === 'kept').length;
  const count = promises.length === 1 ? 'One promise' : `${promises.length} promises`;
  return kept ? `${count}, ${kept} kept so far.` : `${count} made.`;
}

/**
 * Step 3's body; render() follows the repair.
 * @param {{promise: (text: string) => Promise<void>}} actions
 * @returns {{element: HTMLElement, render: (detail: Detail, all: PromiseRecord[]) => void}} all: every promise, for the track record
 */
export function promisesStep(actions) {
  const body = fromTemplate('tpl-repair-promises');
  const form = /** @type {HTMLFormElement} */ (ref(body, 'form'));
  const text = /** @type {HTMLTextAreaElement} */ (form.elements.namedItem('text'));
  text.id = 'repair-promise-text';
  ref(form, 'label').setAttribute('for', text.id);

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const button = /** @type {HTMLButtonElement} */ (form.querySelector('button[type="submit"]'));
    busy(button, async () => {
      showProblem(form, null);
      const words = text.value.trim();
      if (!words) {
        showProblem(form, { message: '', fields: { text: 'Say what you promise.' } });
        return;
      }
      try {
        await actions.promise(words);
        text.value = '';
      } catch (problem) {
        showProblem(form, /** @type {import('../shell/dom.js').Problem} */ (problem));
      }
    });
  });

  return {
    element: body,
    render(detail, all) {
      const { promises, people, suggestions, writable, repair } = detail;
      // Promises are always shared: they wait until the repair is.
      const making = writable && !people.hurt && repair.visibility === 'shared';
      ref(body, 'suggestions-box').hidden = !(making && suggestions.length);
      ref(body, 'suggestions').replaceChildren(...suggestions.map((line) => {
        const item = fromTemplate('tpl-repair-suggestion');
        ref(item, 'text').textContent = line;
        const make = /** @type {HTMLButtonElement} */ (ref(item, 'make'));
        make.setAttribute('aria-label', `Make it a promise: ${line}`);
        make.addEventListener('click', () => busy(make, () => actions.promise(line)));
        return item;
      }));
      form.hidden = !making;
      ref(body, 'private-note').hidden = !(writable && !people.hurt && repair.visibility !== 'shared');
      ref(body, 'list').replaceChildren(...promises.map((promise) => {
        const item = fromTemplate('tpl-repair-promise');
        item.dataset.state = promise.state;
        ref(item, 'text').textContent = promise.text;
        ref(item, 'state').textContent = STATES[promise.state] ?? promise.state;
        ref(item, 'who').textContent = promise.promiser === people.me ? 'Your promise' : `${people.partnerName}’s promise`;
        if (!promise.pending) ref(item, 'pending').remove();
        return item;
      }));
      ref(body, 'list-box').hidden = !promises.length;
      // The track record of whoever made these promises, counted as the Promises section counts it.
      const promisers = [...new Set(promises.map((p) => p.promiser))];
      const whose = promisers.map((id) => ({ id, name: people.names[id] ?? people.partnerName }));
      ref(body, 'track').replaceChildren(...trackRecord(all, whose).map((person) => {
        const line = document.createElement('li');
        line.textContent = `${person.name === 'You' ? 'Your' : `${person.name}’s`} promises over the last 90 days: ${trackRecordWords(person)}`;
        return line;
      }));
    },
  };
}
