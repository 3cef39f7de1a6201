// @ts-check
// The Find support page: first, help for anyone afraid of their partner; then couples counselling.
// Built once when the app starts (see controller.js) and only shown when opened, so opening it asks
// nothing of the network. Plain text and tel: links only: no address here can track a visit.

/** @typedef {string | Node} Child */

/**
 * An element with its class and children.
 * @param {string} tag
 * @param {string} className
 * @param {...Child} children
 */
function el(tag, className, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  node.append(...children);
  return node;
}

/** A phone number to call, as a link the phone can dial. */
function call(/** @type {string} */ shown, /** @type {string} */ number) {
  const link = /** @type {HTMLAnchorElement} */ (el('a', 'support-tel', shown));
  link.href = `tel:${number}`;
  return link;
}

/** A section of the page with its heading. */
function part(/** @type {string} */ id, /** @type {string} */ title, /** @type {string} */ className, /** @type {Child[]} */ body) {
  const heading = el('h3', '', title);
  heading.id = id;
  const section = el('section', `card ${className}`.trim(), heading, ...body);
  section.setAttribute('aria-labelledby', id);
  return section;
}

const list = (/** @type {Child[][]} */ items) => el('ul', 'support-list', ...items.map((item) => el('li', '', ...item)));
const strong = (/** @type {string} */ text) => el('strong', '', text);

/** The page's sections, in the order they are read. */
function sections() {
  return [
    part('support-danger-title', 'If you feel afraid of your partner', 'support-danger', [
      el('p', '', 'If your partner hurts you, threatens you, or controls where you go, who you see or your money, that is abuse, and it is not your fault. Helplines are free and confidential, day and night.'),
      el('p', '', strong('If you are in danger now, call your local emergency number'), ' (911 in the US, 999 in the UK, 112 in most of Europe).'),
      list([
        ['US, National Domestic Violence Hotline: call ', call('1-800-799-7233', '+18007997233'), ', text START to 88788, or chat at thehotline.org.'],
        ['UK, National Domestic Abuse Helpline: call ', call('0808 2000 247', '+448082000247'), ', or visit nationaldahelpline.org.uk.'],
        ['Elsewhere: hotpeachpages.net lists abuse helplines country by country.'],
      ]),
      el('p', '', 'Couples counselling is not advised where there is abuse: it can make things less safe. A helpline can talk through what is safe for you.'),
      el('p', 'hint', 'Calls and visited sites may show in your phone’s history. If someone checks your phone, a friend’s phone may be safer.'),
    ]),
    part('support-couples-title', 'Couples counselling', '', [
      el('p', '', 'A couples counsellor meets you both and helps you say what hurt, hear each other and agree how to rebuild. It is not about deciding who is right.'),
      el('p', '', 'It helps most when you go together, as a team facing the problem rather than each other. If one of you is not ready, going alone is still a start.'),
    ]),
    part('support-find-title', 'Finding a therapist who works with trust', '', [
      el('p', '', 'Look for a registered couples or relationship therapist who lists trust, infidelity or affair recovery among their work. Worth asking at the start:'),
      list([
        ['How do you work with a couple after trust has been broken?'],
        ['What training do you have with couples?'],
        ['How often would we meet, for how long, and what does it cost?'],
        ['Can we meet by video?'],
      ]),
      el('p', '', 'Most countries have a professional body with a searchable register of therapists, such as the AAMFT in the US, Relate or the BACP in the UK, and Relationships Australia. Your doctor can also suggest someone.'),
      el('p', '', 'If the first therapist does not feel right, it is fine to try another.'),
    ]),
  ];
}

/** @type {HTMLDialogElement | null} */
let dialog = null;
/** @type {Element | null} */
let opener = null;

/** Build the page, closed, once: its text is then on the page before anyone opens it. */
export function preparePage() {
  if (dialog) return;
  const close = el('button', 'button small quiet', 'Close');
  const closeAgain = el('button', 'button quiet', 'Close');
  dialog = /** @type {HTMLDialogElement} */ (el(
    'dialog',
    'support',
    el('div', 'support-head', el('h2', 'screen-title', 'Find support'), close),
    el('p', 'hint', 'Opening this page stays on this phone: it is not recorded, and your partner is not told.'),
    ...sections(),
    closeAgain,
  ));
  dialog.id = 'support';
  /** @type {HTMLHeadingElement} */ (dialog.querySelector('h2')).id = 'support-title';
  dialog.setAttribute('aria-labelledby', 'support-title');
  for (const button of [close, closeAgain]) {
    button.setAttribute('type', 'button');
    button.addEventListener('click', () => dialog?.close());
  }
  // Back where the reader was: the button that opened the page.
  dialog.addEventListener('close', () => {
    if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
    opener = null;
  });
  document.body.append(dialog);
}

/** Show the page over whatever is on screen. */
export function showPage() {
  preparePage();
  const page = /** @type {HTMLDialogElement} */ (dialog);
  if (page.open) return;
  opener = document.activeElement;
  page.showModal(); // focus goes to its first button, Close
  page.scrollTop = 0;
}

/** Close the page if it is open (signing out, say). */
export function closePage() {
  if (dialog?.open) dialog.close();
}
