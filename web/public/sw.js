/* Volant's service worker: the app's shell, kept so that the instructor's phone opens the app without network.
 *
 * What it keeps: index.html (the shell every route of the app answers with) and the files under /assets/ (their
 * names carry a hash of their content, so a kept copy is never stale). What it never touches: /api/ (per-person,
 * private answers: the app keeps the instructor's day itself, in the browser, and only for them), and anything that
 * is not a GET of this site.
 *
 *   - navigations (any page of the app): the network first (the newest shell), the kept index.html without network;
 *   - /assets/…: the kept copy first, else the network (and the copy is kept);
 *   - the page tells us which assets it loaded before we were in charge (message `cache-assets`).
 *
 * A new build has a new index.html naming new assets: the shell is fetched again at each install and each online
 * navigation; old assets are dropped when a new version of this file activates (CACHE below).
 */
const CACHE = 'volant-shell-v1';
const SHELL = '/index.html';
/** The few files of public/ the shell names (the icon, the manifest). */
const STATIC = ['/favicon.svg', '/icon.svg', '/manifest.webmanifest'];

/** The /assets/ files index.html names (its entry script, styles and preloads). */
function assetsOf(html) {
  return [...new Set([...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]))];
}

/** Fetches index.html again, keeps it and the assets it names. */
async function keepShell() {
  const cache = await caches.open(CACHE);
  const response = await fetch(SHELL, { cache: 'no-cache', credentials: 'same-origin' });
  if (!response.ok) return;
  const html = await response.clone().text();
  await cache.put(SHELL, response);
  await cache.addAll([...assetsOf(html), ...STATIC]);
}

self.addEventListener('install', (event) => {
  event.waitUntil(keepShell().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name.startsWith('volant-') && name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('message', (event) => {
  const data = event.data;
  if (!data || data.type !== 'cache-assets' || !Array.isArray(data.urls)) return;
  const urls = data.urls.filter((url) => typeof url === 'string' && url.startsWith('/assets/'));
  event.waitUntil(
    caches.open(CACHE).then(async (cache) => {
      for (const url of urls) {
        if (!(await cache.match(url))) await cache.add(url).catch(() => {});
      }
    }),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // Never the API (private answers), nor the calendar feeds, health or metrics.
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/ics/') || url.pathname === '/healthz' || url.pathname === '/readyz') return;

  if (request.mode === 'navigate') {
    event.respondWith(
      fetch(request)
        .then((response) => {
          // A fresh shell for next time (every route of the app answers with index.html; anything else is left).
          if (response.ok && (response.headers.get('content-type') ?? '').startsWith('text/html')) {
            const copy = response.clone();
            void copy.text().then(async (html) => {
              if (!html.includes('<div id="root">')) return;
              const cache = await caches.open(CACHE);
              await cache.put(SHELL, new Response(html, { headers: { 'Content-Type': 'text/html; charset=utf-8' } }));
            });
          }
          return response;
        })
        .catch(async () => (await caches.match(SHELL)) ?? Response.error()),
    );
    return;
  }

  if (url.pathname.startsWith('/assets/') || STATIC.includes(url.pathname)) {
    event.respondWith(
      // By address only: a copy kept without an `Origin` header serves the page's CORS-mode module requests too.
      caches.match(url.pathname, { ignoreVary: true, ignoreSearch: true }).then(
        (kept) =>
          kept ??
          fetch(request).then((response) => {
            if (response.ok) {
              const copy = response.clone();
              void caches.open(CACHE).then((cache) => cache.put(url.pathname, copy));
            }
            return response;
          }),
      ),
    );
  }
});
