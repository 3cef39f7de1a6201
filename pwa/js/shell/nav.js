// @ts-check
// The bottom navigation: one section shown at a time, remembered in the address (#timeline) across reloads.

/** The sections, in the order of the tabs; Repair's tab shows only while a repair is open (shell/sections.js); History has none (reached from Today). */
export const SECTIONS = /** @type {const} */ (['today', 'timeline', 'agreements', 'promises', 'repair', 'us', 'history', 'questions', 'rituals', 'weekly']);

/** @typedef {typeof SECTIONS[number]} Section */

/**
 * The section an address names, or today.
 * @param {string} hash e.g. '#promises', or '#repair/<id>' for a place inside a section
 * @returns {Section}
 */
export function sectionOf(hash) {
  const name = hash.replace(/^#\/?/, '').split('/')[0];
  return /** @type {Section} */ (SECTIONS.find((s) => s === name) ?? 'today');
}

/**
 * Bind the tabs of the home screen; returns a function that unbinds them.
 * @param {HTMLElement} screen the home screen holding nav.tabs and the [data-panel] sections
 * @param {(section: Section) => void} [shown] told whenever a section comes into view
 * @returns {() => void}
 */
export function bindTabs(screen, shown = () => {}) {
  const panels = /** @type {NodeListOf<HTMLElement>} */ (screen.querySelectorAll('[data-panel]'));
  const tabs = /** @type {NodeListOf<HTMLAnchorElement>} */ (screen.querySelectorAll('[data-tab]'));
  let current = '';

  const show = (/** @type {Section} */ section, /** @type {boolean} */ moved) => {
    if (section === current) return;
    current = section;
    for (const panel of panels) panel.hidden = panel.dataset.panel !== section;
    for (const tab of tabs) {
      if (tab.dataset.tab === section) tab.setAttribute('aria-current', 'page');
      else tab.removeAttribute('aria-current');
    }
    if (moved) {
      // A tap on a tab starts the new section at its top, with the focus there for screen readers.
      window.scrollTo(0, 0);
      const panel = [...panels].find((p) => p.dataset.panel === section);
      panel?.setAttribute('tabindex', '-1');
      panel?.focus({ preventScroll: true });
    }
    shown(section);
  };

  const onHash = () => show(sectionOf(location.hash), true);
  window.addEventListener('hashchange', onHash);
  show(sectionOf(location.hash), false);
  return () => window.removeEventListener('hashchange', onHash);
}
