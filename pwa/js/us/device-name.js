// @ts-check
// A short, readable name for a signed-in device, guessed from its user agent.

/** Checked in order: several browsers also claim to be Chrome or Safari. */
const BROWSERS = [
  [/\bEdg(A|iOS)?\//, 'Edge'],
  [/\bOPR\/|\bOpera\b/, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\bFirefox\/|\bFxiOS\//, 'Firefox'],
  [/\b(Headless)?Chrome\/|\bCriOS\//, 'Chrome'],
  [/\bSafari\//, 'Safari'],
];

/** iPad and iPhone before Mac OS X, Android before Linux: their agents mention both. */
const SYSTEMS = [
  [/\biPhone\b/, 'iPhone'],
  [/\biPad\b/, 'iPad'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bWindows\b/, 'Windows'],
  [/\bMac OS X\b|\bMacintosh\b/, 'Mac'],
  [/\bLinux\b/, 'Linux'],
];

/**
 * "Chrome on Android", "Safari on iPhone", or a plainer guess when the agent says little.
 * @param {string} userAgent
 * @returns {string}
 */
export function deviceName(userAgent) {
  const find = (/** @type {(RegExp | string)[][]} */ list) =>
    /** @type {string | undefined} */ (list.find(([pattern]) => /** @type {RegExp} */ (pattern).test(userAgent))?.[1]);
  const browser = find(BROWSERS);
  const system = find(SYSTEMS);
  if (browser && system) return `${browser} on ${system}`;
  return browser ?? system ?? 'Unknown device';
}
