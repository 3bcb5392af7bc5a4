/**
 * Registers the service worker (public/sw.js) in production builds: it keeps the app's shell (index.html and the
 * hashed files under /assets/) so that the app opens without network. Once it is active, it is told which of those
 * files this page already loaded (the lazy pages too), since the first visit's requests did not go through it.
 */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  window.addEventListener('load', () => {
    navigator.serviceWorker
      .register('/sw.js', { scope: '/' })
      .then(() => navigator.serviceWorker.ready)
      .then((registration) => {
        tellLoaded(registration.active);
        // Once it is in charge of this page (clients.claim), anything loaded before that is told again.
        navigator.serviceWorker.addEventListener('controllerchange', () => tellLoaded(navigator.serviceWorker.controller));
      })
      .catch(() => {
        // No service worker (private mode, an old browser): the app works, only not offline.
      });
  });
}

/** Tells the service worker which /assets/ files this page loaded (it keeps those it lacks). */
function tellLoaded(worker: ServiceWorker | null): void {
  const loaded = performance
    .getEntriesByType('resource')
    .map((entry) => new URL(entry.name, location.href))
    .filter((url) => url.origin === location.origin && url.pathname.startsWith('/assets/'))
    .map((url) => url.pathname);
  worker?.postMessage({ type: 'cache-assets', urls: [...new Set(loaded)] });
}
