// @ts-check
// One repair's screen: where it stands, the five steps as a calm guided flow (the current one open first,
// each readable later), Find support, and where the repair rests (moved forward, set aside, reopened).
import { busy, fromTemplate, ref } from '../shell/dom.js';
import { actionLine } from '../shell/said.js';
import { apologyStatus, apologyStep } from './step-apology.js';
import { hearStatus, hearStep } from './step-hear.js';
import { promisesStatus, promisesStep } from './step-promises.js';
import { rhythmStatus, rhythmStep } from './step-rhythm.js';
import { closingBox } from './close.js';
import { titleOf } from './list.js';
import { STATE_WORDS, STEP_TITLES, sinceWords } from './words.js';

/** @typedef {import('./state.js').Detail} Detail */
/** @typedef {import('./rules.js').RepairEntry} RepairEntry */
/** @typedef {import('./rules.js').RepairRecord} RepairRecord */
/** @typedef {import('./rules.js').Step} Step */
/** @typedef {import('../promises/rules.js').PromiseRecord} PromiseRecord */

/**
 * @typedef {object} ScreenActions what the screen asks of the controller, for this repair
 * @property {() => Promise<void>} shareRepair
 * @property {(step: Step, parts: Record<string, string>, share: boolean, entry?: RepairEntry) => Promise<void>} write
 * @property {(entry: RepairEntry) => Promise<string>} shareEntry resolves with words to say when it has to wait
 * @property {(text: string) => Promise<void>} promise
 * @property {(rhythm: {daily_days: number, then: 'weekly' | 'none'}, note: string) => Promise<void>} propose
 * @property {(rhythm: {daily_days: number, then: string}) => Promise<void>} agree
 * @property {(repair: RepairRecord, note: string, keepAs: 'repair' | 'memory') => Promise<void>} moveForward
 * @property {() => Promise<void>} setAside
 * @property {() => Promise<void>} reopen
 */

/**
 * Who was hurt, in the reader's words.
 * @param {Detail} detail
 */
function whoWords({ people, repair }) {
  const opener = repair.author_id === people.me ? 'You' : people.partnerName;
  const hurt = people.hurt ? 'you were hurt' : `${people.partnerName} was hurt`;
  return `${opener} opened it: ${hurt}.`;
}

/**
 * The screen of one repair; render() follows it.
 * @param {ScreenActions} actions
 * @returns {{element: HTMLElement, render: (detail: Detail, promises: PromiseRecord[]) => void, focus: () => void}}
 */
export function repairScreen(actions) {
  const element = fromTemplate('tpl-repair-screen');
  const line = actionLine(ref(element, 'status'));
  const writes = {
    write: actions.write,
    async share(/** @type {RepairEntry} */ entry) {
      const waiting = await actions.shareEntry(entry);
      if (waiting) line.say(waiting);
    },
  };
  const hear = hearStep(writes);
  const apology = apologyStep(writes);
  const promises = promisesStep({ promise: actions.promise });
  const rhythm = rhythmStep({ ...writes, propose: actions.propose, agree: actions.agree });
  /** @type {Detail | null} */
  let shown = null;
  const closing = closingBox({
    moveForward: (note, keepAs) => (shown ? actions.moveForward(shown.repair, note, keepAs) : Promise.resolve()),
    setAside: actions.setAside,
    reopen: actions.reopen,
  });
  const bodies = [hear, apology, promises, rhythm];
  const statuses = [hearStatus, apologyStatus, promisesStatus, rhythmStatus];
  const steps = bodies.map((body, index) => {
    const step = fromTemplate('tpl-repair-step');
    step.dataset.step = String(index + 1);
    ref(step, 'number').textContent = String(index + 1);
    ref(step, 'title').textContent = STEP_TITLES[index];
    ref(step, 'body').replaceChildren(body.element);
    return step;
  });
  ref(element, 'steps').replaceChildren(...steps);
  ref(element, 'close').replaceChildren(closing.element);
  const shareButton = /** @type {HTMLButtonElement} */ (ref(element, 'share'));
  shareButton.addEventListener('click', () => busy(shareButton, async () => {
    await actions.shareRepair();
    line.say('Shared. You can share what you wrote in it whenever you are ready.');
  }));
  ref(element, 'support').addEventListener('click', () => {
    // Loaded at every start (app.js): opening it asks the network nothing, and nothing is recorded.
    import('../support/controller.js').then((m) => m.openSupport()).catch(console.error);
  });
  /** The step last shown as the current one: a step that becomes current opens, none closes by itself. */
  let current = -1;

  return {
    element,
    render(detail, all) {
      shown = detail;
      const { repair, people } = detail;
      ref(element, 'title').textContent = titleOf(repair);
      ref(element, 'state').textContent = STATE_WORDS[repair.state] ?? repair.state;
      ref(element, 'pending').hidden = !repair.pending;
      ref(element, 'draft').hidden = repair.visibility !== 'private';
      ref(element, 'archived').hidden = !repair.archived;
      ref(element, 'since').textContent = repair.state === 'open' ? sinceWords(repair.opened_at) : '';
      ref(element, 'who').textContent = whoWords(detail);
      ref(element, 'private-box').hidden = !(repair.visibility === 'private' && detail.changeable);
      shareButton.textContent = `Share the repair with ${people.partnerName}`;
      hear.render(detail);
      apology.render(detail);
      promises.render(detail, all);
      rhythm.render(detail);
      steps.forEach((step, index) => {
        ref(step, 'summary-status').textContent = statuses[index](detail);
        const now = index === detail.current && repair.state === 'open';
        ref(step, 'now').hidden = !now;
        step.classList.toggle('current', now);
      });
      if (detail.current !== current) {
        current = detail.current;
        /** @type {HTMLDetailsElement} */ (ref(steps[current], 'details')).open = true;
      }
      closing.render(detail);
      line.check();
    },
    focus() {
      ref(element, 'title').focus();
    },
  };
}
