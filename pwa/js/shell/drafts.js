// @ts-check
// Words handed from one part of the app to a section's form: a refused change started anew.
// The section may not be loaded yet; its words wait here until it takes them.

const EVENT = 'hearth-draft';
/** @type {Map<string, Record<string, any>>} */
const waiting = new Map();

/**
 * Open a section with its form prefilled with these values.
 * @param {'timeline' | 'agreements' | 'promises'} section
 * @param {Record<string, any>} values
 */
export function startDraft(section, values) {
  waiting.set(section, values);
  const tell = () => window.dispatchEvent(new CustomEvent(EVENT, { detail: section }));
  if (location.hash === `#${section}`) {
    tell();
    return;
  }
  // After the tabs have shown the section (and put the focus on it): then the form takes the focus.
  window.addEventListener('hashchange', tell, { once: true });
  location.hash = `#${section}`;
}

/**
 * Give a section the words waiting for it, now and whenever more come, until the returned stop.
 * @param {string} section
 * @param {(values: Record<string, any>) => void} use
 * @returns {() => void}
 */
export function takeDrafts(section, use) {
  const take = () => {
    const values = waiting.get(section);
    waiting.delete(section);
    if (values) use(values);
  };
  const listener = (/** @type {Event} */ event) => {
    if (/** @type {CustomEvent} */ (event).detail === section) take();
  };
  window.addEventListener(EVENT, listener);
  take();
  return () => window.removeEventListener(EVENT, listener);
}
