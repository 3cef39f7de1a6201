// @ts-check
// Photos on the Timeline: the list in the memory form (pick, caption, order, remove), the grid on a card, the viewer.
import { MAX_PHOTOS } from './rules.js';
import { fromTemplate, ref } from '../shell/dom.js';

/** @typedef {import('./rules.js').Photo} Photo */
/** @typedef {import('./photo-store.js').StoredPhoto} StoredPhoto */
/** @typedef {(hash: string, variant: 'thumb' | 'full') => string} PhotoSource */

/**
 * @typedef {object} PickedPhoto a photo as the form holds it
 * @property {string} hash
 * @property {string} caption
 * @property {StoredPhoto} [added] picked in this form: to be kept on the device with the memory
 */


/**
 * The photo list of a memory form.
 * @param {HTMLElement} fieldset the form's data-ref="photos"
 * @param {() => Promise<typeof import('./photo-prep.js')>} loadPrep the resizing code, loaded when first needed
 */
export function photoPicker(fieldset, loadPrep) {
  const list = ref(fieldset, 'photo-list');
  const status = ref(fieldset, 'photo-status');
  /** @type {(PickedPhoto & {src: string})[]} */
  let photos = [];
  /** @type {Promise<void>} */
  let preparing = Promise.resolve();
  /** Previews of picked files, let go when the form starts over. */
  /** @type {string[]} */
  let previews = [];

  const render = () => {
    const rows = photos.map((photo, index) => {
      const row = fromTemplate('tpl-photo-edit');
      const img = /** @type {HTMLImageElement} */ (ref(row, 'img'));
      img.src = photo.src;
      const caption = /** @type {HTMLInputElement} */ (ref(row, 'caption'));
      caption.value = photo.caption;
      caption.setAttribute('aria-label', `Caption of photo ${index + 1}`);
      caption.placeholder = 'Caption (optional)';
      caption.addEventListener('input', () => {
        photo.caption = caption.value;
      });
      const move = (/** @type {string} */ name, /** @type {number} */ to, /** @type {string} */ label) => {
        const button = /** @type {HTMLButtonElement} */ (ref(row, name));
        button.setAttribute('aria-label', `${label} photo ${index + 1}`);
        button.disabled = to < 0 || to >= photos.length;
        button.addEventListener('click', () => {
          [photos[index], photos[to]] = [photos[to], photos[index]];
          render();
          // The focus follows the photo that moved, so a keyboard user can keep moving it.
          const again = /** @type {HTMLButtonElement | undefined} */ (list.children[to]?.querySelector(`[data-ref="${name}"]`));
          (again && !again.disabled ? again : /** @type {HTMLElement | null} */ (list.children[to]?.querySelector('[data-ref="caption"]')))?.focus();
        });
      };
      move('up', index - 1, 'Move up');
      move('down', index + 1, 'Move down');
      const remove = ref(row, 'remove');
      remove.setAttribute('aria-label', `Remove photo ${index + 1}`);
      remove.addEventListener('click', () => {
        photos.splice(index, 1);
        render();
        say(`Photo ${index + 1} removed.`);
        /** @type {HTMLElement | null} */ (list.children[Math.min(index, photos.length - 1)]?.querySelector('[data-ref="caption"]') ?? ref(fieldset, 'gallery')).focus();
      });
      return row;
    });
    list.replaceChildren(...rows);
    list.hidden = !photos.length;
  };

  const say = (/** @type {string} */ text) => {
    status.textContent = text;
  };

  /** Resize and hash the picked files, in order, adding each as it is ready. */
  const add = (/** @type {File[]} */ files) => {
    preparing = preparing.then(async () => {
      const room = MAX_PHOTOS - photos.length;
      const problems = files.length > room ? [`A memory holds at most ${MAX_PHOTOS} photos.`] : [];
      const { preparePhoto, PhotoProblem } = await loadPrep();
      let added = 0;
      for (const file of files.slice(0, Math.max(0, room))) {
        say(`Preparing photo ${added + 1} of ${Math.min(files.length, room)}…`);
        try {
          const prepared = await preparePhoto(file);
          if (photos.some((p) => p.hash === prepared.hash)) continue;
          const src = URL.createObjectURL(prepared.thumb ?? prepared.blob);
          previews.push(src);
          photos.push({ hash: prepared.hash, caption: '', added: prepared, src });
          added += 1;
          render();
        } catch (error) {
          problems.push(error instanceof PhotoProblem ? error.message : `“${file.name}” could not be read.`);
        }
      }
      say([added ? `${added} ${added === 1 ? 'photo' : 'photos'} added.` : '', ...problems].filter(Boolean).join(' '));
    }).catch((error) => {
      // The chain must go on: the next pick, and saving, wait on it.
      console.error(error);
      say('The photos could not be prepared. Try again.');
    });
    return preparing;
  };

  for (const name of ['camera', 'gallery']) {
    const input = /** @type {HTMLInputElement} */ (ref(fieldset, name));
    input.addEventListener('change', () => {
      const files = [...(input.files ?? [])];
      input.value = '';
      if (files.length) add(files);
    });
  }

  return {
    /**
     * Show a memory's photos (none for a new memory).
     * @param {Photo[]} current
     * @param {PhotoSource} sourceOf
     */
    set(current, sourceOf) {
      previews.forEach((url) => URL.revokeObjectURL(url));
      previews = [];
      photos = current.map((p) => ({ hash: p.hash, caption: p.caption ?? '', src: sourceOf(p.hash, 'thumb') }));
      say('');
      render();
    },
    /** The photos as the form shows them, once every picked file is ready. */
    async values() {
      await preparing;
      return photos.map(({ hash, caption, added }) => ({ hash, caption: caption.trim(), ...(added ? { added } : {}) }));
    },
  };
}

/** @type {{dialog: HTMLDialogElement, show: (photos: Photo[], index: number, sourceOf: PhotoSource, title: string) => void} | null} */
let viewer = null;

/** The one full-size viewer, made on first use. */
function theViewer() {
  if (viewer) return viewer;
  const dialog = /** @type {HTMLDialogElement} */ (fromTemplate('tpl-photo-viewer'));
  document.body.append(dialog);
  const img = /** @type {HTMLImageElement} */ (ref(dialog, 'img'));
  const missing = ref(dialog, 'missing');
  const previous = /** @type {HTMLButtonElement} */ (ref(dialog, 'previous'));
  const next = /** @type {HTMLButtonElement} */ (ref(dialog, 'next'));
  /** @type {{photos: Photo[], index: number, sourceOf: PhotoSource, title: string}} */
  let shown = { photos: [], index: 0, sourceOf: (h) => h, title: '' };
  img.addEventListener('error', () => {
    img.hidden = true;
    missing.hidden = false;
  });
  const show = () => {
    const { photos, index, sourceOf, title } = shown;
    const photo = photos[index];
    ref(dialog, 'title').textContent = `${title}: photo ${index + 1} of ${photos.length}`;
    img.hidden = false;
    missing.hidden = true;
    img.alt = photo.caption || `Photo ${index + 1} of “${title}”`;
    img.src = sourceOf(photo.hash, 'full');
    ref(dialog, 'caption').textContent = photo.caption;
    previous.disabled = index === 0;
    next.disabled = index === photos.length - 1;
    previous.parentElement?.toggleAttribute('hidden', photos.length < 2);
  };
  previous.addEventListener('click', () => {
    shown.index = Math.max(0, shown.index - 1);
    show();
  });
  next.addEventListener('click', () => {
    shown.index = Math.min(shown.photos.length - 1, shown.index + 1);
    show();
  });
  ref(dialog, 'close').addEventListener('click', () => dialog.close());
  // A tap on the dark backdrop closes it, as on every phone gallery.
  dialog.addEventListener('click', (event) => {
    if (event.target === dialog) dialog.close();
  });
  viewer = {
    dialog,
    show(photos, index, sourceOf, title) {
      shown = { photos, index, sourceOf, title };
      show();
      if (!dialog.open) dialog.showModal();
    },
  };
  return viewer;
}

/**
 * Fill a card's photo grid: square thumbnails, loaded when they come near the screen, that
 * keep their place while loading; a tap opens the full photo.
 * @param {HTMLElement} grid the card's data-ref="photos"
 * @param {Photo[]} photos
 * @param {PhotoSource} sourceOf
 * @param {string} title the memory's title
 */
export function fillPhotos(grid, photos, sourceOf, title) {
  grid.hidden = !photos.length;
  grid.replaceChildren(...photos.map((photo, index) => {
    const cell = fromTemplate('tpl-photo-thumb');
    const img = /** @type {HTMLImageElement} */ (ref(cell, 'img'));
    img.addEventListener('error', () => {
      img.hidden = true;
      ref(cell, 'missing').hidden = false;
    });
    img.src = sourceOf(photo.hash, 'thumb');
    ref(cell, 'caption').textContent = photo.caption;
    ref(cell, 'caption').hidden = !photo.caption;
    const open = ref(cell, 'open');
    open.setAttribute('aria-label', `Open photo ${index + 1} of ${photos.length}${photo.caption ? `: ${photo.caption}` : ''}`);
    open.addEventListener('click', () => theViewer().show(photos, index, sourceOf, title));
    cell.dataset.hash = photo.hash;
    return cell;
  }));
}
