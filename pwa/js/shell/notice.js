// @ts-check
// A whole-screen message with a way to try again (offline, server trouble).
import { fromTemplate, mount, ref } from './dom.js';

/**
 * Show a message in the view.
 * @param {HTMLElement} view
 * @param {{title: string, text: string, retry: () => void}} notice
 */
export function showNotice(view, { title, text, retry }) {
  const screen = fromTemplate('tpl-notice');
  ref(screen, 'title').textContent = title;
  ref(screen, 'text').textContent = text;
  ref(screen, 'retry').addEventListener('click', retry);
  mount(view, screen);
}
