// @ts-check
// The state of us screen: renders a week (its check-ins' trust, both partners' notes, the one topic) and the
// past weeks, and hands what the user writes to the controller. Forms keep what is being typed across renders.
import { fromTemplate, ref } from '../shell/dom.js';

/** @typedef {import('./week.js').Week} Week */

/**
 * @typedef {object} WeeklyState
 * @property {boolean} alone not paired
 * @property {string} partnerName
 * @property {string} myId
 * @property {Week | null} week the week shown
 * @property {boolean} current whether it is this week (past weeks are read as they were left)
 * @property {(week: string) => string} label a week's name, e.g. "Week of 3 March 2025"
 * @property {Week[]} past the other weeks, newest first
 * @property {Set<string>} promised the words I have promised already
 */

/**
 * @typedef {object} WeeklyHandlers
 * @property {(fields: {appreciations: string[], went_well: string, loved: string}, visibility: string) => Promise<void>} saveNote
 * @property {(text: string) => Promise<void>} raise
 * @property {(text: string) => Promise<void>} summarise
 * @property {(text: string) => Promise<void>} answer
 * @property {(heard: string) => Promise<void>} confirm
 * @property {(text: string) => Promise<void>} promise
 */

/** Add an element with a class and text. */
function add(/** @type {HTMLElement} */ parent, /** @type {string} */ tag, className = '', text = '') {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text) element.textContent = text;
  parent.append(element);
  return element;
}

/** A day as the trust table shows it, e.g. "Tue 4". */
function dayLabel(/** @type {string} */ day) {
  const [y, m, d] = day.split('-').map(Number);
  return new Intl.DateTimeFormat(undefined, { timeZone: 'UTC', weekday: 'short', day: 'numeric' }).format(new Date(Date.UTC(y, m - 1, d)));
}

/** A form that marks itself dirty while typed in, so renders leave its words alone. */
function track(/** @type {HTMLFormElement} */ form) {
  form.addEventListener('input', () => (form.dataset.dirty = '1'));
  return form;
}

/** Fill a form's field unless the user is typing in the form. */
function fill(/** @type {HTMLFormElement} */ form, /** @type {string} */ week, /** @type {Record<string, string>} */ values) {
  if (form.dataset.dirty && form.dataset.week === week) return;
  form.dataset.week = week;
  delete form.dataset.dirty;
  for (const [name, value] of Object.entries(values)) {
    const field = /** @type {HTMLInputElement | HTMLTextAreaElement} */ (form.elements.namedItem(name));
    field.value = value;
  }
}

/**
 * Show the screen in its slot.
 * @param {HTMLElement} slot
 * @param {WeeklyHandlers} on
 */
export function showWeekly(slot, on) {
  const page = fromTemplate('tpl-weekly');
  slot.replaceChildren(page);
  const noteForm = track(/** @type {HTMLFormElement} */ (ref(page, 'note-form')));
  const raiseForm = track(/** @type {HTMLFormElement} */ (ref(page, 'raise-form')));
  const summaryForm = track(/** @type {HTMLFormElement} */ (ref(page, 'summary-form')));
  const answerForm = track(/** @type {HTMLFormElement} */ (ref(page, 'answer-form')));

  /** Send a form's words; on success it is clean again, on failure the reason shows in its alert. */
  const send = (/** @type {HTMLFormElement} */ form, /** @type {string} */ alert, /** @type {() => Promise<void>} */ action) => {
    const line = ref(page, alert);
    line.textContent = '';
    action().then(() => delete form.dataset.dirty, (/** @type {Error} */ error) => {
      line.textContent = error.message || 'That could not be saved: try again.';
    });
  };
  const text = (/** @type {HTMLFormElement} */ form, /** @type {string} */ name) => String(new FormData(form).get(name) ?? '').trim();
  const required = (/** @type {HTMLFormElement} */ form, /** @type {string} */ name, /** @type {string} */ alert) => {
    const value = text(form, name);
    if (!value) ref(page, alert).textContent = 'Write a few words first.';
    return value;
  };

  noteForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const visibility = /** @type {HTMLButtonElement | null} */ (event.submitter)?.value ?? 'private';
    const data = new FormData(noteForm);
    const fields = {
      appreciations: data.getAll('appreciation').map((v) => String(v).trim()).filter(Boolean),
      went_well: text(noteForm, 'went_well'),
      loved: text(noteForm, 'loved'),
    };
    if (!fields.appreciations.length && !fields.went_well && !fields.loved) {
      ref(page, 'note-alert').textContent = 'Write at least one thing first.';
      return;
    }
    send(noteForm, 'note-alert', () => on.saveNote(fields, visibility));
  });
  raiseForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = required(raiseForm, 'text', 'raise-alert');
    if (value) send(raiseForm, 'raise-alert', () => on.raise(value));
  });
  summaryForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = required(summaryForm, 'summary', 'summary-alert');
    if (value) send(summaryForm, 'summary-alert', () => on.summarise(value));
  });
  answerForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = required(answerForm, 'answer', 'answer-alert');
    if (value) send(answerForm, 'answer-alert', () => on.answer(value));
  });
  for (const button of /** @type {NodeListOf<HTMLButtonElement>} */ (ref(page, 'confirm').querySelectorAll('button'))) {
    button.addEventListener('click', () => on.confirm(button.dataset.heard ?? 'yes').catch(console.error));
  }

  /** Render the trust of the week's check-ins: all of mine (private ones marked), my partner's shared ones. */
  const renderTrust = (/** @type {Week} */ week, /** @type {string} */ partnerName) => {
    const box = ref(page, 'trust');
    box.replaceChildren();
    const days = [...new Set([...week.myCheckins, ...week.theirCheckins].map((c) => c.day))].sort();
    if (!days.length) {
      add(box, 'p', 'hint', 'No check-ins this week.');
      return;
    }
    const table = add(box, 'table');
    const head = add(add(table, 'thead'), 'tr');
    for (const title of ['Day', 'You', partnerName]) add(head, 'th', '', title).setAttribute('scope', 'col');
    const body = add(table, 'tbody');
    for (const day of days) {
      const row = add(body, 'tr');
      add(row, 'th', '', dayLabel(day)).setAttribute('scope', 'row');
      const mine = week.myCheckins.find((c) => c.day === day);
      const theirs = week.theirCheckins.find((c) => c.day === day);
      add(row, 'td', '', mine ? `${mine.trust} of 10${mine.visibility === 'private' ? ' (only you see this)' : ''}` : '–');
      add(row, 'td', '', theirs ? `${theirs.trust} of 10` : '–');
    }
  };

  /** Render a note's words into a box, read only. */
  const renderNote = (/** @type {HTMLElement} */ box, /** @type {import('./rules.js').WeeklyNote} */ note, /** @type {string} */ lovedTitle) => {
    if (note.appreciations.length) {
      add(box, 'p', 'weekly-who', 'Appreciations');
      const list = add(box, 'ul', 'weekly-list');
      for (const words of note.appreciations) add(list, 'li', '', words);
    }
    if (note.went_well) {
      add(box, 'p', 'weekly-who', 'What went well');
      add(box, 'p', 'weekly-words', note.went_well);
    }
    if (note.loved) {
      add(box, 'p', 'weekly-who', lovedTitle);
      add(box, 'p', 'weekly-words', note.loved);
    }
  };

  /** Render my partner's shared notes, with their wish ready to become my promise. */
  const renderTheirs = (/** @type {WeeklyState} */ state, /** @type {Week} */ week) => {
    ref(page, 'theirs-title').textContent = `From ${state.partnerName}`;
    const box = ref(page, 'theirs');
    box.replaceChildren();
    const note = week.theirs;
    if (!note) {
      add(box, 'p', 'hint', `${state.partnerName}’s notes show here once they share them.`);
      return;
    }
    renderNote(box, note, 'What would make them feel loved this week');
    if (!note.loved) return;
    if (state.promised.has(note.loved)) {
      add(box, 'p', 'hint', 'You made this a promise: it is in Promises.');
    } else if (state.current) {
      const button = /** @type {HTMLButtonElement} */ (add(box, 'button', 'button small', 'Make this a promise'));
      button.type = 'button';
      button.addEventListener('click', () => {
        button.disabled = true;
        on.promise(note.loved).catch((/** @type {Error} */ error) => {
          button.disabled = false;
          console.error(error);
        });
      });
    }
  };

  /** Render my notes: the form this week, the words as left in a past week. */
  const renderMine = (/** @type {WeeklyState} */ state, /** @type {Week} */ week) => {
    const note = week.mine;
    const read = ref(page, 'mine-read');
    noteForm.hidden = !state.current;
    read.hidden = state.current;
    read.replaceChildren();
    const shared = note?.visibility === 'shared';
    ref(page, 'note-state').textContent = !note
      ? state.current ? `Only you see what you write until you share it with ${state.partnerName}.` : 'You wrote nothing this week.'
      : shared ? `Shared with ${state.partnerName}.` : 'A draft: only you can read it.';
    ref(page, 'draft').hidden = shared;
    ref(page, 'share').textContent = shared ? 'Save' : `Share with ${state.partnerName}`;
    if (!state.current && note) renderNote(read, note, 'What would make me feel loved this week');
    const appreciations = note?.appreciations ?? [];
    const inputs = /** @type {NodeListOf<HTMLInputElement>} */ (noteForm.querySelectorAll('input[name="appreciation"]'));
    if (!noteForm.dataset.dirty || noteForm.dataset.week !== week.week) inputs.forEach((input, i) => (input.value = appreciations[i] ?? ''));
    fill(noteForm, week.week, { went_well: note?.went_well ?? '', loved: note?.loved ?? '' });
  };

  /** Render the one thing to talk about: who speaks, what was heard, the answer. */
  const renderTopic = (/** @type {WeeklyState} */ state, /** @type {Week} */ week) => {
    const { topic, reply } = week;
    const name = state.partnerName;
    const speaking = topic?.author_id === state.myId;
    raiseForm.hidden = !!topic || !state.current;
    ref(page, 'talk').hidden = !topic;
    ref(page, 'topic-hint').textContent = topic ? '' : state.current
      ? 'At most one a week, and none is fine. Whoever raises it speaks first; the other says back what they heard, then answers.'
      : 'Nothing was raised this week.';
    if (!topic) return;
    ref(page, 'topic-who').textContent = speaking ? 'You said' : `${name} said`;
    ref(page, 'topic-text').textContent = topic.text;
    const summary = reply?.summary ?? '';
    ref(page, 'summary-who').hidden = !summary;
    ref(page, 'summary-text').hidden = !summary;
    ref(page, 'summary-who').textContent = speaking ? `What ${name} heard` : 'What you heard';
    ref(page, 'summary-text').textContent = summary;
    const heard = ref(page, 'heard');
    heard.textContent = !summary
      ? (speaking ? `${name} will say back what they heard before answering.` : '')
      : topic.heard === 'yes' ? (speaking ? `You said ${name} heard you.` : `${name} says you heard them.`)
      : topic.heard === 'not_quite' ? (speaking ? `You said not quite: ${name} can say it back again.` : `${name} says not quite: say it back again?`)
      : (speaking ? `Did ${name} hear you?` : '');
    ref(page, 'confirm').hidden = !(speaking && summary && !topic.heard && state.current);
    summaryForm.hidden = speaking || !state.current || (!!summary && topic.heard !== 'not_quite');
    fill(summaryForm, week.week, { summary });
    const answer = reply?.answer ?? '';
    ref(page, 'answer-who').hidden = !answer;
    ref(page, 'answer-text').hidden = !answer;
    ref(page, 'answer-who').textContent = speaking ? `${name} answered` : 'You answered';
    ref(page, 'answer-text').textContent = answer;
    answerForm.hidden = speaking || !state.current || !summary || !!answer;
  };

  return {
    /** Render the state given. */
    render(/** @type {WeeklyState} */ state) {
      ref(page, 'alone').hidden = !state.alone;
      const box = ref(page, 'week');
      box.hidden = !state.week;
      ref(page, 'back').hidden = state.current;
      if (state.week) {
        ref(page, 'week-title').textContent = state.current ? `This week · ${state.label(state.week.week)}` : state.label(state.week.week);
        renderTrust(state.week, state.partnerName);
        renderTheirs(state, state.week);
        renderMine(state, state.week);
        renderTopic(state, state.week);
      }
      const past = ref(page, 'past');
      past.replaceChildren();
      for (const week of state.past) {
        const link = /** @type {HTMLAnchorElement} */ (add(add(past, 'li'), 'a', 'link', state.label(week.week)));
        link.href = `#weekly/${week.week}`;
      }
      ref(page, 'past-empty').textContent = state.past.length ? '' : 'Each week’s notes are kept here, newest first.';
      ref(page, 'past-empty').hidden = state.past.length > 0;
    },
    /** Move the focus to the week's title (a past week just opened). */
    focusWeek() {
      ref(page, 'week-title').focus();
    },
  };
}
