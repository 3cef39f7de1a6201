// @ts-check
// Today: my check-in (form and saved copy) and my partner's latest one with a way to answer it.
import { busy, fromTemplate, ref, showProblem } from '../shell/dom.js';

/** @typedef {import('../core/local-rules.js').Checkin} Checkin */

/**
 * @typedef {object} CheckinFields what the form gives the controller
 * @property {number} mood
 * @property {number} trust
 * @property {string[]} feelings
 * @property {string} need
 * @property {string} gratitude
 * @property {string} note
 * @property {'shared' | 'private'} visibility
 */

/**
 * @typedef {object} TodayState
 * @property {string} today my local day, YYYY-MM-DD
 * @property {Checkin | undefined} mine my check-in of today
 * @property {{name: string, today: string, checkin: Checkin | undefined} | null} partner null while solo
 */

/**
 * @typedef {object} TodayActions
 * @property {(fields: CheckinFields) => Promise<void>} save
 * @property {(id: string, answer: {reaction: string, reply: string}) => Promise<void>} ack
 * @property {(id: string) => Promise<void>} share
 */

const MOODS = ['', 'very low', 'low', 'okay', 'good', 'great'];
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', month: 'long', day: 'numeric', timeZone: 'UTC' });

const weekdayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', timeZone: 'UTC' });

/** A YYYY-MM-DD day for people, e.g. "Tuesday, March 4". */
const dayLabel = (/** @type {string} */ day) => dayFormat.format(new Date(`${day}T12:00:00Z`));

/**
 * The partner's check-in day on their own clock: "Today" only when it is today for both of us.
 * @param {string} day the check-in's day
 * @param {string} theirToday the partner's local day
 * @param {string} myToday
 */
function partnerDay(day, theirToday, myToday) {
  if (day !== theirToday) return dayLabel(day);
  // Across the date line their today is my yesterday or tomorrow: name it by their calendar.
  return day === myToday ? 'Today' : `${weekdayFormat.format(new Date(`${day}T12:00:00Z`))}, their today`;
}

/**
 * Fill a check-in card's body (Today's cards, and the days of looking back).
 * @param {HTMLElement} slot
 * @param {Checkin} checkin
 * @param {string} dayText
 * @param {string} ackText the line about the partner's answer, or ''
 */
export function fillCheckin(slot, checkin, dayText, ackText) {
  const body = fromTemplate('tpl-checkin');
  ref(body, 'day').textContent = dayText;
  // Removed rather than hidden, so "waiting" means exactly what is on screen.
  if (!checkin.pending) ref(body, 'pending').remove();
  if (checkin.visibility !== 'private') ref(body, 'private').remove();
  ref(body, 'mood').textContent = `${checkin.mood} · ${MOODS[checkin.mood] ?? ''}`;
  ref(body, 'trust').textContent = String(checkin.trust);
  const tags = ref(body, 'feelings');
  tags.replaceChildren(...(checkin.feelings ?? []).map((tag) => Object.assign(document.createElement('li'), { textContent: tag })));
  tags.hidden = !tags.childElementCount;
  ref(body, 'need-text').textContent = checkin.need;
  ref(body, 'need').hidden = !checkin.need;
  ref(body, 'gratitude-text').textContent = checkin.gratitude;
  ref(body, 'gratitude').hidden = !checkin.gratitude;
  ref(body, 'note').textContent = checkin.note;
  ref(body, 'note').hidden = !checkin.note;
  ref(body, 'ack').textContent = ackText;
  ref(body, 'ack').hidden = !ackText;
  slot.replaceChildren(body);
}

/**
 * Render Today into the slot and bind its forms.
 * @param {HTMLElement} slot
 * @param {TodayActions} actions
 * @returns {{render: (state: TodayState) => void, storageNote: (shown: boolean) => void}}
 */
export function showToday(slot, actions) {
  const section = fromTemplate('tpl-today');
  const form = /** @type {HTMLFormElement} */ (section.querySelector('#checkin-form'));
  const mine = /** @type {HTMLElement} */ (section.querySelector('#my-checkin'));
  const theirs = /** @type {HTMLElement} */ (section.querySelector('#partner-checkin'));
  const ackForm = /** @type {HTMLFormElement} */ (section.querySelector('#ack-form'));
  const edit = /** @type {HTMLButtonElement} */ (ref(mine, 'edit'));
  const cancel = /** @type {HTMLButtonElement} */ (ref(form, 'cancel'));
  const field = (/** @type {string} */ name) => /** @type {HTMLInputElement} */ (form.elements.namedItem(name));
  /** @type {TodayState | null} */
  let state = null;
  // The form follows the saved check-in only until the user starts typing.
  let dirty = false;
  // Once saved, my check-in shows as its summary; Edit opens the form again.
  let editing = false;
  // Saved: focus moves to the summary as soon as it shows.
  let focusSaved = false;
  form.addEventListener('input', () => {
    dirty = true;
  });

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const button = /** @type {HTMLButtonElement} */ (form.querySelector('button[type="submit"]'));
    busy(button, async () => {
      showProblem(form, null);
      const feelings = field('feelings').value.split(',').map((t) => t.trim()).filter(Boolean);
      if (feelings.some((t) => t.length > 40) || feelings.length > 20) {
        showProblem(form, { message: '', fields: { feelings: 'Up to 20 words of at most 40 letters each.' } });
        return;
      }
      try {
        await actions.save({
          mood: Number(field('mood').value),
          trust: Number(field('trust').value),
          feelings,
          need: field('need').value.trim(),
          gratitude: field('gratitude').value.trim(),
          note: field('note').value.trim(),
          visibility: field('private').checked ? 'private' : 'shared',
        });
        dirty = false;
        editing = false;
        focusSaved = true;
        if (state) render(state);
      } catch (problem) {
        showProblem(form, /** @type {import('../shell/dom.js').Problem} */ (problem));
      }
    });
  });

  ackForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const id = state?.partner?.checkin?.id;
    const button = /** @type {HTMLButtonElement} */ (ackForm.querySelector('button[type="submit"]'));
    if (!id) return;
    busy(button, async () => {
      showProblem(ackForm, null);
      const reply = /** @type {HTMLInputElement} */ (ackForm.elements.namedItem('reply'));
      const reaction = /** @type {HTMLSelectElement} */ (ackForm.elements.namedItem('reaction'));
      try {
        await actions.ack(id, { reaction: reaction.value, reply: reply.value.trim() });
        reply.value = '';
      } catch (problem) {
        showProblem(ackForm, /** @type {import('../shell/dom.js').Problem} */ (problem));
      }
    });
  });

  edit.addEventListener('click', () => {
    editing = true;
    dirty = false;
    if (state) render(state);
    field('mood').focus();
  });
  cancel.addEventListener('click', () => {
    editing = false;
    dirty = false;
    showProblem(form, null);
    if (state) render(state);
    edit.focus();
  });

  const share = /** @type {HTMLButtonElement} */ (ref(mine, 'share'));
  share.addEventListener('click', () => busy(share, async () => {
    if (state?.mine) await actions.share(state.mine.id);
  }));

  /** Put a saved check-in's values into the form, for editing. */
  const prefill = (/** @type {Checkin | undefined} */ checkin) => {
    if (dirty) return;
    field('mood').value = checkin ? String(checkin.mood) : '';
    field('trust').value = checkin ? String(checkin.trust) : '';
    field('feelings').value = checkin?.feelings?.join(', ') ?? '';
    for (const name of ['need', 'gratitude', 'note']) field(name).value = checkin?.[/** @type {'need'} */ (name)] ?? '';
    field('private').checked = checkin?.visibility === 'private';
  };

  /** @param {TodayState} next */
  const render = (next) => {
    state = next;
    ref(section, 'day').textContent = dayLabel(next.today);
    const partnerName = next.partner?.name ?? 'Your partner';
    // Open while there is nothing saved today, while editing, or while typing (a copy may arrive meanwhile).
    const writing = !next.mine || editing || dirty;
    form.hidden = !writing;
    mine.hidden = writing;
    cancel.hidden = !next.mine;
    ref(form, 'form-title').textContent = next.mine ? 'Change your check-in' : 'How are you today?';
    if (focusSaved && !mine.hidden) {
      focusSaved = false;
      mine.focus();
    }
    if (next.mine) {
      const ack = next.mine.ack;
      fillCheckin(ref(mine, 'view'), next.mine, 'Today', ack ? `${partnerName} answered ${ack.reaction}${ack.reply ? `: “${ack.reply}”` : ''}` : '');
      share.hidden = next.mine.visibility !== 'private' || !next.partner;
    }
    prefill(next.mine);
    // A repair is walked through by two: the way in shows once paired.
    ref(section, 'repair-entry').hidden = !next.partner;
    ref(section, 'weekly-entry').hidden = !next.partner;
    theirs.hidden = !next.partner;
    if (!next.partner) return;
    const checkin = next.partner.checkin;
    ref(theirs, 'title').textContent = checkin ? `${partnerName}’s check-in` : `${partnerName} has not checked in yet today`;
    const view = ref(theirs, 'view');
    if (checkin) {
      const ack = checkin.ack;
      fillCheckin(view, checkin, partnerDay(checkin.day, next.partner.today, next.today), ack ? `You answered ${ack.reaction}${ack.reply ? `: “${ack.reply}”` : ''}` : '');
    } else view.replaceChildren();
    ackForm.hidden = !checkin;
    ref(ackForm, 'alert').textContent = '';
  };

  mine.tabIndex = -1;
  slot.replaceChildren(section);
  return {
    render,
    storageNote: (shown) => {
      ref(section, 'persist-note').hidden = !shown;
    },
  };
}
