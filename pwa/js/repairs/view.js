// @ts-check
// Repair's view: the list of repairs, or the one repair the address names (#repair/<id>).
import { fromTemplate } from '../shell/dom.js';
import { repairList } from './list.js';
import { repairScreen } from './screen.js';

/** @typedef {import('./controller.js').RepairsState} RepairsState */
/** @typedef {import('./rules.js').RepairEntry} RepairEntry */
/** @typedef {import('./rules.js').RepairRecord} RepairRecord */
/** @typedef {import('./rules.js').Step} Step */
/** @typedef {import('./list.js').OpenFields} OpenFields */

/**
 * @typedef {object} RepairsActions
 * @property {(fields: OpenFields) => Promise<void>} open opens it and goes to it
 * @property {(id: string) => Promise<void>} shareRepair
 * @property {(repairId: string, step: Step, parts: Record<string, string>, share: boolean, entry?: RepairEntry) => Promise<void>} write
 * @property {(entry: RepairEntry) => Promise<string>} shareEntry resolves with words to say when sharing has to wait
 * @property {(repairId: string, text: string) => Promise<void>} promise
 * @property {(repairId: string, rhythm: {daily_days: number, then: 'weekly' | 'none'}, note: string) => Promise<void>} propose
 * @property {(repairId: string, rhythm: {daily_days: number, then: string}) => Promise<void>} agree
 * @property {(repair: RepairRecord, note: string, keepAs: 'repair' | 'memory') => Promise<void>} moveForward
 * @property {(id: string) => Promise<void>} setAside
 * @property {(id: string) => Promise<void>} reopen
 */

/**
 * Render Repair into the slot; one repair's screen lives while its address is shown, so what is typed survives refreshes.
 * @param {HTMLElement} slot
 * @param {RepairsActions} actions
 * @returns {{render: (state: RepairsState) => void}}
 */
export function showRepairs(slot, actions) {
  const root = document.createElement('div');
  root.className = 'repairs';
  const list = repairList({ open: actions.open });
  const missing = fromTemplate('tpl-repair-missing');
  /** @type {{id: string, screen: ReturnType<typeof repairScreen>} | null} */
  let open = null;
  /** @type {string | null | undefined} */
  let lastId;
  let waiting = false;
  slot.replaceChildren(root);

  const screenFor = (/** @type {string} */ id) => {
    if (open?.id !== id) {
      const screen = repairScreen({
        shareRepair: () => actions.shareRepair(id),
        write: (step, parts, share, entry) => actions.write(id, step, parts, share, entry),
        shareEntry: actions.shareEntry,
        promise: (text) => actions.promise(id, text),
        propose: (rhythm, note) => actions.propose(id, rhythm, note),
        agree: (rhythm) => actions.agree(id, rhythm),
        moveForward: actions.moveForward,
        setAside: () => actions.setAside(id),
        reopen: () => actions.reopen(id),
      });
      open = { id, screen };
    }
    return open.screen;
  };

  /** Show one screen; on arriving at it, start at its top with the focus on its heading. */
  const show = (/** @type {HTMLElement} */ screen, /** @type {boolean} */ arrived, /** @type {() => void} */ focus) => {
    if (root.firstElementChild !== screen) root.replaceChildren(screen);
    if (!arrived || slot.closest('[hidden]')) return;
    window.scrollTo(0, 0);
    focus();
  };

  return {
    render(state) {
      // A repair that arrives while its address waits counts as arriving at it.
      const arrived = state.id !== lastId || (waiting && Boolean(state.detail));
      const first = lastId === undefined;
      lastId = state.id;
      waiting = Boolean(state.id && !state.detail);
      if (!state.id) {
        open = null;
        list.render(state);
        show(list.element, arrived && !first, list.focus);
        return;
      }
      if (!state.detail) {
        // Not here (yet): a repair shared by the partner arrives with the next sync.
        open = null;
        show(missing, arrived, () => /** @type {HTMLElement} */ (missing.querySelector('h3')).focus());
        return;
      }
      const screen = screenFor(state.id);
      screen.render(state.detail, state.promises);
      show(screen.element, arrived, screen.focus);
    },
  };
}
