// @ts-check
// A word-level diff (longest common subsequence), to show what an amendment changed.

/**
 * @typedef {object} DiffPart a run of text that both versions share, or that one of them has alone
 * @property {'same' | 'del' | 'ins'} op del: only in the older text, ins: only in the newer one
 * @property {string} text
 */

// Beyond this many table cells (about 3000 × 3000 words) the texts count as rewritten: the
// table would cost too much memory on a phone, and such a diff reads no better than two texts.
const MAX_CELLS = 9_000_000;

/** Split a text into words, punctuation marks and the white space between them: "table." is "table" and ".". */
const tokens = (/** @type {string} */ text) => text.match(/\s+|[\p{L}\p{M}\p{N}'’_-]+|[^\s\p{L}\p{M}\p{N}]/gu) ?? [];

/**
 * Append a token to the parts, joining it to the last part when that has the same op.
 * @param {DiffPart[]} parts
 * @param {DiffPart['op']} op
 * @param {string} text
 */
function push(parts, op, text) {
  const last = parts[parts.length - 1];
  if (last && last.op === op) last.text += text;
  else parts.push({ op, text });
}

/**
 * The words of the middle parts of the two texts, compared with an LCS table.
 * @param {string[]} a
 * @param {string[]} b
 * @param {DiffPart[]} parts appended to
 */
function middle(a, b, parts) {
  const n = a.length;
  const m = b.length;
  if (!n || !m || (n + 1) * (m + 1) > MAX_CELLS) {
    for (const t of a) push(parts, 'del', t);
    for (const t of b) push(parts, 'ins', t);
    return;
  }
  // lengths[i][j]: the LCS length of a[i..] and b[j..], in one flat array.
  const width = m + 1;
  const lengths = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i -= 1) {
    for (let j = m - 1; j >= 0; j -= 1) {
      lengths[i * width + j] = a[i] === b[j]
        ? lengths[(i + 1) * width + j + 1] + 1
        : Math.max(lengths[(i + 1) * width + j], lengths[i * width + j + 1]);
    }
  }
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      push(parts, 'same', a[i]);
      i += 1;
      j += 1;
    } else if (lengths[(i + 1) * width + j] >= lengths[i * width + j + 1]) {
      push(parts, 'del', a[i]);
      i += 1;
    } else {
      push(parts, 'ins', b[j]);
      j += 1;
    }
  }
  for (; i < n; i += 1) push(parts, 'del', a[i]);
  for (; j < m; j += 1) push(parts, 'ins', b[j]);
}

/**
 * The word diff from an older text to a newer one, as runs of shared, removed and added text.
 * @param {string} older
 * @param {string} newer
 * @returns {DiffPart[]}
 */
export function diffWords(older, newer) {
  const a = tokens(older);
  const b = tokens(newer);
  // Amendments usually touch a few words: trimming the common ends keeps the table small.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start += 1;
  let end = 0;
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end += 1;
  /** @type {DiffPart[]} */
  const parts = [];
  for (const t of a.slice(0, start)) push(parts, 'same', t);
  middle(a.slice(start, a.length - end), b.slice(start, b.length - end), parts);
  for (const t of a.slice(a.length - end)) push(parts, 'same', t);
  return parts;
}
