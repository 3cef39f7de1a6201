// @ts-check
// A form for one piece of writing in a repair: its parts, a gentle hint under a field when one applies,
// and the choice of keeping it as a private draft or sharing it. What the user types is never replaced
// by a refresh; the form is filled only when it opens.
import { busy, fromTemplate, ref, showProblem } from '../shell/dom.js';

/** @typedef {import('./hints.js').Hint} Hint */

/**
 * @typedef {object} FieldSpec one part of the entry
 * @property {string} name the part's name
 * @property {string} label
 * @property {string} [help] a line under the field
 * @property {[string, string][]} [choices] value and words, for a part that is a choice
 * @property {(text: string) => Hint | null} [hint]
 * @property {number} [rows]
 */

/**
 * @typedef {object} FormOptions
 * @property {FieldSpec[]} fields
 * @property {Record<string, string>} [fixed] parts always sent as they are (e.g. heard: not_quite)
 * @property {(parts: Record<string, string>) => Record<string, string> | null} check field messages, or null when fine
 * @property {(parts: Record<string, string>, share: boolean) => Promise<void>} save
 * @property {() => void} [cancel] shows a Cancel button
 * @property {string} [shareLabel] the share button's words when not "Share with <partner>"
 */

/**
 * @typedef {object} EntryForm
 * @property {HTMLFormElement} element
 * @property {(parts: Record<string, string>) => void} fill put words in (when the form opens)
 * @property {(partnerName: string, shared: boolean) => void} update shared: editing words already shared (one Save)
 * @property {() => void} focus
 */

let forms = 0;

/**
 * Build a form for the parts of one entry.
 * @param {FormOptions} options
 * @returns {EntryForm}
 */
export function entryForm(options) {
  const form = /** @type {HTMLFormElement} */ (fromTemplate('tpl-repair-form'));
  const key = `repair-form-${(forms += 1)}`;
  const share = /** @type {HTMLButtonElement} */ (ref(form, 'share'));
  const draft = /** @type {HTMLButtonElement} */ (ref(form, 'draft'));
  const cancel = /** @type {HTMLButtonElement} */ (ref(form, 'cancel'));
  /** @type {Map<string, () => void>} */
  const rehint = new Map();
  let shared = false;

  ref(form, 'fields').replaceChildren(...options.fields.map((spec) => {
    const field = fromTemplate(spec.choices ? 'tpl-repair-choice' : 'tpl-repair-field');
    const id = `${key}-${spec.name}`;
    const error = ref(field, 'error');
    error.dataset.field = spec.name;
    error.id = `${id}-error`;
    const help = ref(field, 'help');
    help.id = `${id}-help`;
    help.textContent = spec.help ?? '';
    help.hidden = !spec.help;
    if (spec.choices) {
      ref(field, 'legend').textContent = spec.label;
      ref(field, 'choices').replaceChildren(...spec.choices.map(([value, words], n) => {
        const label = fromTemplate('tpl-repair-radio');
        const input = /** @type {HTMLInputElement} */ (ref(label, 'input'));
        Object.assign(input, { name: spec.name, value, id: `${id}-${n}` });
        ref(label, 'words').textContent = words;
        return label;
      }));
      return field;
    }
    const input = /** @type {HTMLTextAreaElement} */ (ref(field, 'input'));
    const label = ref(field, 'label');
    Object.assign(input, { name: spec.name, id, rows: spec.rows ?? 3 });
    label.setAttribute('for', id);
    label.textContent = spec.label;
    const hint = ref(field, 'hint');
    hint.id = `${id}-hint`;
    input.setAttribute('aria-describedby', [spec.help ? help.id : '', hint.id, error.id].filter(Boolean).join(' '));
    if (spec.hint) {
      const check = /** @type {(text: string) => Hint | null} */ (spec.hint);
      const show = () => {
        const found = check(input.value);
        ref(hint, 'message').textContent = found?.message ?? '';
        ref(hint, 'example').textContent = found?.example ?? '';
        hint.hidden = !found;
        if (found) hint.dataset.rule = found.rule;
      };
      input.addEventListener('input', show);
      rehint.set(spec.name, show);
    }
    return field;
  }));

  /** The parts as typed (trimmed), with the fixed ones. */
  const parts = () => {
    /** @type {Record<string, string>} */
    const values = { ...(options.fixed ?? {}) };
    for (const spec of options.fields) {
      const value = new FormData(form).get(spec.name);
      values[spec.name] = typeof value === 'string' ? value.trim() : '';
    }
    return values;
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const submitter = /** @type {SubmitEvent} */ (event).submitter;
    const sharing = shared || submitter === share;
    const button = /** @type {HTMLButtonElement} */ (submitter instanceof HTMLButtonElement ? submitter : share);
    busy(button, async () => {
      showProblem(form, null);
      const values = parts();
      const fields = options.check(values);
      if (fields) {
        showProblem(form, { message: '', fields });
        return;
      }
      try {
        await options.save(values, sharing);
      } catch (problem) {
        showProblem(form, /** @type {import('../shell/dom.js').Problem} */ (problem));
      }
    });
  });
  cancel.hidden = !options.cancel;
  cancel.addEventListener('click', () => {
    showProblem(form, null);
    options.cancel?.();
  });

  return {
    element: form,
    fill(values) {
      showProblem(form, null);
      for (const spec of options.fields) {
        const value = values[spec.name] ?? '';
        if (spec.choices) {
          for (const radio of form.querySelectorAll(`input[name="${spec.name}"]`)) {
            /** @type {HTMLInputElement} */ (radio).checked = /** @type {HTMLInputElement} */ (radio).value === value;
          }
        } else {
          /** @type {HTMLTextAreaElement} */ (form.elements.namedItem(spec.name)).value = value;
          rehint.get(spec.name)?.();
        }
      }
    },
    update(partnerName, isShared) {
      shared = isShared;
      share.textContent = isShared ? 'Save' : options.shareLabel ?? `Share with ${partnerName}`;
      draft.hidden = isShared;
    },
    focus() {
      /** @type {HTMLElement | null} */ (form.querySelector('textarea, input'))?.focus();
    },
  };
}
