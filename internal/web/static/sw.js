// Baken's service worker: place and instruction pages, their photos and
// the static assets stay readable without a network once visited
// (shop-floor Wi-Fi is poor). Network first, so that people always see the
// current instruction when there is a network; the cache only answers when
// the network does not. Nothing else is cached.
const CACHE = 'baken-pages-v1';
const cacheable = (u) =>
  /^\/p\/[A-Za-z0-9._-]+$/.test(u.pathname) ||
  /^\/learn\/[0-9a-f-]{36}$/.test(u.pathname) ||
  /^\/media\/[0-9a-f-]{36}$/.test(u.pathname) ||
  u.pathname.startsWith('/static/');

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (e) => e.waitUntil(
  caches.keys().then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim())));

async function put(req, res) {
  if (res && res.ok && !res.redirected && res.type === 'basic') {
    const c = await caches.open(CACHE);
    await c.put(req, res);
  }
}

self.addEventListener('fetch', (e) => {
  const req = e.request;
  const u = new URL(req.url);
  if (u.origin !== location.origin) return;
  // Signing out forgets the cached pages: a shared phone must not show
  // the previous person's pages offline.
  if (req.method === 'POST' && u.pathname === '/signout') {
    e.waitUntil(caches.delete(CACHE));
    return;
  }
  if (req.method !== 'GET' || !cacheable(u)) return;
  e.respondWith(fetch(req).then((res) => {
    e.waitUntil(put(req, res.clone()));
    return res;
  }).catch(async () => {
    const hit = (await caches.match(req)) || (await caches.match(req, { ignoreSearch: true }));
    if (hit) return hit;
    return new Response('<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
      '<title>Offline</title><main style="font:1.1rem system-ui;padding:16px"><h1>Offline</h1>' +
      '<p lang="nl">Geen netwerk, en deze pagina is op deze telefoon nog niet geopend.</p>' +
      '<p lang="en">No network, and this page has not been opened on this phone before.</p></main>',
      { status: 503, headers: { 'Content-Type': 'text/html; charset=utf-8' } });
  }));
});

// A page asks to keep itself and what it loaded: on the first visit the
// worker was not yet there to see those requests.
self.addEventListener('message', (e) => {
  const urls = (e.data && e.data.cache) || [];
  e.waitUntil(caches.open(CACHE).then((c) => Promise.all(urls.map((s) => {
    const u = new URL(s, location.origin);
    if (u.origin !== location.origin || !cacheable(u)) return null;
    // Marked as a prefetch, so that keeping a page is not counted as
    // someone reading it.
    return fetch(u, { credentials: 'same-origin', headers: { 'X-Baken-Prefetch': '1' } }).then((res) => put(u, res)).catch(() => null);
  }))).then(() => e.source && e.source.postMessage({ cached: urls.length })));
});
