// @ts-check
// A photo picked on the phone, made ready on the device: turned upright, at most 2048 px, metadata gone.

/** @typedef {import('./photo-store.js').StoredPhoto} StoredPhoto */

/** The longest side of what is sent: plenty for a phone screen, a fraction of a camera's bytes. */
export const MAX_SIDE = 2048;
// The Timeline's thumbnail of a photo of this device, as the server makes its own.
const THUMB_SIDE = 400;
const QUALITY = 0.85;
// HEIC, which most browsers cannot draw, goes as it is: the server decodes it and drops its metadata.
const AS_IT_IS = /\.(heic|heif)$/i;
const AS_IT_IS_TYPES = ['image/heic', 'image/heif'];
const MAX_BYTES = 20 * 1024 * 1024;

/** A problem with one picked file, in words for the person who picked it. */
export class PhotoProblem extends Error {}

/** The SHA-256 of a blob's bytes, lowercase hex: the photo's name everywhere. */
export async function hashOf(/** @type {Blob} */ blob) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer()));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Draw the picture at most maxSide on its longest side and encode it as JPEG. Drawing it
 * again leaves every EXIF tag (GPS included) behind, before anything leaves the phone.
 * @param {ImageBitmap} bitmap
 * @param {number} maxSide
 * @returns {Promise<Blob>}
 */
async function reencode(bitmap, maxSide) {
  const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = canvasOf(width, height);
  const context = /** @type {CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D} */ (canvas.getContext('2d'));
  // JPEG has no transparency: a see-through PNG gets a white background, not a black one.
  context.fillStyle = '#fff';
  context.fillRect(0, 0, width, height);
  context.imageSmoothingQuality = 'high';
  context.drawImage(bitmap, 0, 0, width, height);
  if (canvas instanceof HTMLCanvasElement) {
    return new Promise((resolve, reject) =>
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new PhotoProblem('The photo could not be prepared.'))), 'image/jpeg', QUALITY));
  }
  return canvas.convertToBlob({ type: 'image/jpeg', quality: QUALITY });
}

/** A canvas off the page where the browser has one (older Safari has not). */
function canvasOf(/** @type {number} */ width, /** @type {number} */ height) {
  if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(width, height);
  return Object.assign(document.createElement('canvas'), { width, height });
}

/**
 * Make a picked file ready to keep and send.
 * @param {File} file
 * @returns {Promise<StoredPhoto>}
 */
export async function preparePhoto(file) {
  /** @type {ImageBitmap | null} */
  let bitmap = null;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    // Not drawable here; the server may still read it (HEIC).
  }
  const addedAt = new Date().toISOString();
  if (!bitmap) {
    // Anything else the browser cannot draw is broken or no photo: better said now than after the upload.
    const heic = AS_IT_IS_TYPES.includes(file.type) || AS_IT_IS.test(file.name);
    if (!heic) throw new PhotoProblem(`“${file.name}” is not a photo Hearth can read.`);
    if (file.size > MAX_BYTES) throw new PhotoProblem(`“${file.name}” is larger than 20 MB.`);
    const blob = file.type ? file : new Blob([file], { type: 'image/heic' });
    return { hash: await hashOf(blob), blob, width: 0, height: 0, addedAt, uploadedAt: null, problem: null };
  }
  try {
    const blob = await reencode(bitmap, MAX_SIDE);
    const thumb = await reencode(bitmap, THUMB_SIDE);
    const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    return {
      hash: await hashOf(blob), blob, thumb, addedAt, uploadedAt: null, problem: null,
      width: Math.round(bitmap.width * scale), height: Math.round(bitmap.height * scale),
    };
  } finally {
    bitmap.close();
  }
}
