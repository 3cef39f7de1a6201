// @ts-check
// Installability and updates: the service worker's life cycle and the browser's install offer.

/**
 * Register the service worker; when a new version waits, hand onWaiting a function that activates it.
 * @param {(activate: () => void) => void} onWaiting
 */
export async function registerWorker(onWaiting) {
  if (!('serviceWorker' in navigator)) return;
  const container = navigator.serviceWorker;
  let accepted = false;
  // Reload only for an update the user asked for, never on the first install's claim().
  container.addEventListener('controllerchange', () => {
    if (accepted) {
      accepted = false;
      location.reload();
    }
  });
  /** @param {ServiceWorker} worker */
  const offer = (worker) =>
    onWaiting(() => {
      accepted = true;
      worker.postMessage({ type: 'SKIP_WAITING' });
    });

  let registration;
  try {
    registration = await container.register('/sw.js', { type: 'module', scope: '/' });
  } catch (error) {
    // Browsers without module workers still run the app, online only.
    console.warn('Hearth works online only here:', error);
    return;
  }
  if (registration.waiting && container.controller) offer(registration.waiting);
  registration.addEventListener('updatefound', () => {
    const worker = registration.installing;
    worker?.addEventListener('statechange', () => {
      // With no controller this is the first install, not an update.
      if (worker.state === 'installed' && container.controller) offer(worker);
    });
  });
  // An installed app can stay open for days: look for a new version when it comes back.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') registration.update().catch(() => {});
  });
}

/**
 * @typedef {Event & {prompt: () => Promise<void>, userChoice: Promise<{outcome: string}>}} InstallPromptEvent
 */

/**
 * Follow the browser's install offer: onOffer gets an install function, or null when gone.
 * @param {(install: (() => void) | null) => void} onOffer
 */
export function watchInstall(onOffer) {
  window.addEventListener('beforeinstallprompt', (event) => {
    const offer = /** @type {InstallPromptEvent} */ (event);
    // Keep the offer for our own button instead of the browser's mini bar.
    offer.preventDefault();
    onOffer(() => {
      onOffer(null);
      offer.prompt().catch(() => {});
    });
  });
  window.addEventListener('appinstalled', () => onOffer(null));
}

/** True in Safari on iPhone or iPad when Hearth is not yet on the home screen. */
export function needsIosInstallHint() {
  const ios = /iPad|iPhone|iPod/.test(navigator.userAgent) || (navigator.platform === 'MacIntel' && navigator.maxTouchPoints > 1);
  const standalone = /** @type {{standalone?: boolean}} */ (navigator).standalone === true || matchMedia('(display-mode: standalone)').matches;
  // Other iOS browsers (CriOS, FxiOS, EdgiOS) could not add to the home screen before iOS 16.4.
  const safari = !/CriOS|FxiOS|EdgiOS/.test(navigator.userAgent);
  return ios && safari && !standalone;
}
