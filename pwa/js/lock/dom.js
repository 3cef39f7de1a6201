// @ts-check
// A small element builder for the lock's screens (they need no template on the first screen).

/**
 * An element with attributes and children.
 * @param {string} tag
 * @param {Record<string, string | boolean>} [attributes]
 * @param {Array<Node | string>} [children]
 */
export function h(tag, attributes = {}, children = []) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === true) element.setAttribute(name, '');
    else if (value !== false) element.setAttribute(name, value);
  }
  element.append(...children);
  return element;
}

/** What a lock protects against and what it does not, said the same way everywhere. */
export function honestNote() {
  return h('p', { class: 'hint' }, [
    'The lock keeps Hearth closed to someone who picks up this phone. It does not protect against a phone that is already compromised, and it does not change what is kept on the server.',
  ]);
}
