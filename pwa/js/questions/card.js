// @ts-check
// The daily question's card on Today: the question, my answer, and the partner's once both answered.

/** @typedef {import('./rules.js').Answer} Answer */

/**
 * @typedef {object} CardState
 * @property {string} question
 * @property {string} theme
 * @property {string} partnerName
 * @property {Answer | undefined} mine
 * @property {Answer | undefined} theirs shown only when the server has paired both
 * @property {string} whenNext a sentence on when the next question comes
 */

/**
 * Add an element with a class and text.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {HTMLElement} parent
 * @param {K} tag
 * @param {string} [className]
 * @param {string} [text]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function add(parent, tag, className = '', text = '') {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text) element.textContent = text;
  parent.append(element);
  return element;
}

/**
 * Build the card in the slot; render() fills it from the state.
 * @param {HTMLElement} slot
 * @param {{answer: (text: string) => Promise<void>}} actions
 */
export function showQuestionCard(slot, actions) {
  const card = add(slot, 'section', 'card question-card');
  card.setAttribute('aria-labelledby', 'question-title');
  card.hidden = true;
  const eyebrow = add(card, 'p', 'eyebrow');
  const title = add(card, 'h3', 'question-text');
  title.id = 'question-title';
  const answers = add(card, 'div', 'question-answers');

  const form = add(card, 'form', 'form question-form');
  const field = add(form, 'div', 'field');
  const label = add(field, 'label', '', 'Your answer');
  label.htmlFor = 'question-answer';
  const input = add(field, 'textarea');
  input.id = 'question-answer';
  input.name = 'answer';
  input.rows = 3;
  input.maxLength = 2000;
  input.required = true;
  input.setAttribute('aria-describedby', 'question-gate');
  const gate = add(field, 'p', 'hint');
  gate.id = 'question-gate';
  const save = add(form, 'button', 'button', 'Save my answer');
  save.type = 'submit';

  const status = add(card, 'p', 'hint question-status');
  status.setAttribute('role', 'status');
  const change = add(card, 'button', 'link', 'Change my answer');
  change.type = 'button';
  const next = add(card, 'p', 'hint question-next');
  const past = add(card, 'a', 'link question-past', 'Past questions and answers');
  past.href = '#questions';

  /** @type {CardState | null} */
  let state = null;
  let editing = false;

  const paint = () => {
    if (!state) return;
    const { mine, theirs, partnerName } = state;
    eyebrow.textContent = `Today’s question · ${state.theme}`;
    title.textContent = state.question;
    answers.replaceChildren();
    if (mine) {
      add(answers, 'p', 'question-who', 'You');
      add(answers, 'p', 'question-answer', mine.answer);
    }
    if (mine && theirs) {
      add(answers, 'p', 'question-who', theirs.edited ? `${partnerName} (edited)` : partnerName);
      add(answers, 'p', 'question-answer', theirs.answer);
    }
    form.hidden = Boolean(mine) && !editing;
    change.hidden = !mine || editing;
    gate.textContent = `${partnerName}’s answer shows here once you have both answered. Until then, yours stays yours alone.`;
    if (!mine) status.textContent = '';
    else if (mine.pending) status.textContent = `Saved on this phone. It goes to ${partnerName} when you are back online.`;
    else if (!theirs) status.textContent = `${partnerName}’s answer shows here once you have both answered.`;
    else status.textContent = 'You have both answered.';
    next.textContent = state.whenNext;
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    save.disabled = true;
    actions.answer(text).then(
      () => {
        editing = false;
        paint();
        change.focus();
      },
      console.error,
    ).finally(() => (save.disabled = false));
  });
  change.addEventListener('click', () => {
    editing = true;
    input.value = state?.mine?.answer ?? '';
    paint();
    input.focus();
  });

  return {
    /** Show the question of the day, or hide the card (no partner). */
    render(/** @type {CardState | null} */ next) {
      if (next && state && next.question !== state.question) editing = false;
      state = next;
      card.hidden = !next;
      paint();
    },
    /** Take the card away. */
    remove() {
      card.remove();
    },
  };
}
