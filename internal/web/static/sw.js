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

// Feedback on an instruction ("done", "I can do this", helped or not)
// given without a network waits in an outbox on the phone and is sent
// when the network is back. The form's CSRF token binds it to the session
// it was given in: replayed after someone else signed in, the server
// refuses it, so it can never count for the wrong person.
const queueable = (u) => /^\/learn\/[0-9a-f-]{36}\/use$/.test(u.pathname);

function request(r) {
  return new Promise((ok, ko) => { r.onsuccess = () => ok(r.result); r.onerror = () => ko(r.error); });
}

function outbox(mode) {
  const open = indexedDB.open('baken', 1);
  open.onupgradeneeded = () => open.result.createObjectStore('outbox', { autoIncrement: true });
  return request(open).then((db) => db.transaction('outbox', mode).objectStore('outbox'));
}

let flushing = null;

// flush sends what waits in the outbox, oldest first, one at a time; it
// stops at the first network failure and keeps the rest for later.
function flush() {
  if (flushing) return flushing;
  flushing = (async () => {
    try {
      const store = await outbox('readonly');
      const [keys, entries] = await Promise.all([request(store.getAllKeys()), request(store.getAll())]);
      for (let i = 0; i < keys.length; i++) {
        const res = await fetch(entries[i].url, {
          method: 'POST', body: entries[i].body, credentials: 'same-origin', redirect: 'manual',
          headers: { 'Content-Type': entries[i].type },
        });
        // Sent (a redirect back to the page), or refused for good (a stale
        // form, an item no longer published): either way it leaves the outbox.
        if (res.type !== 'opaqueredirect' && res.status >= 500) break;
        await request((await outbox('readwrite')).delete(keys[i]));
      }
    } catch (err) {
      // Still no network: try again at the next chance.
    } finally {
      flushing = null;
    }
  })();
  return flushing;
}

self.addEventListener('sync', (e) => { if (e.tag === 'baken-outbox') e.waitUntil(flush()); });

self.addEventListener('fetch', (e) => {
  const req = e.request;
  const u = new URL(req.url);
  if (u.origin !== location.origin) return;
  // Signing out forgets the cached pages and the outbox: a shared phone
  // must not show the previous person's pages offline.
  if (req.method === 'POST' && u.pathname === '/signout') {
    e.waitUntil(Promise.all([caches.delete(CACHE), outbox('readwrite').then((s) => request(s.clear())).catch(() => null)]));
    return;
  }
  if (req.method === 'POST' && queueable(u)) {
    e.respondWith((async () => {
      const body = await req.clone().text();
      try {
        const res = await fetch(req);
        e.waitUntil(flush());
        return res;
      } catch (err) {
        await request((await outbox('readwrite')).add({ url: u.pathname, body, type: req.headers.get('Content-Type'), at: Date.now() }));
        if (self.registration.sync) self.registration.sync.register('baken-outbox').catch(() => null);
        // Back to the page the form was on, kept for offline use, which
        // then says the feedback waits on the phone.
        const back = new URL(req.referrer || u.pathname.replace(/\/use$/, ''), location.origin);
        back.searchParams.set('queued', '1');
        back.hash = 'feedback';
        return Response.redirect(back.href, 303);
      }
    })());
    return;
  }
  if (req.method !== 'GET' || !cacheable(u)) return;
  e.respondWith(fetch(req).then((res) => {
    e.waitUntil(Promise.all([put(req, res.clone()), flush()]));
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
  if (e.data && e.data.flush) {
    e.waitUntil(flush());
    return;
  }
  const urls = (e.data && e.data.cache) || [];
  e.waitUntil(caches.open(CACHE).then((c) => Promise.all(urls.map((s) => {
    const u = new URL(s, location.origin);
    if (u.origin !== location.origin || !cacheable(u)) return null;
    // Marked as a prefetch, so that keeping a page is not counted as
    // someone reading it.
    return fetch(u, { credentials: 'same-origin', headers: { 'X-Baken-Prefetch': '1' } }).then((res) => put(u, res)).catch(() => null);
  }))).then(() => e.source && e.source.postMessage({ cached: urls.length })));
});
