// danhgia's service worker. scripts/precache.mjs (a Trunk post-build hook)
// fills BUILD and PRECACHE and writes this file to dist/sw.js, so every
// build has its own cache and its own precache list.
const BUILD = '__BUILD__';
const PRECACHE = __PRECACHE__;
// Files of this build cached the first time they are fetched (the decoder).
const LAZY = __LAZY__;
const CACHE = `danhgia-shell-${BUILD}`;
const SHELL = '/index.html';

self.addEventListener('install', (event) => {
  // `cache: 'reload'` bypasses the HTTP cache, so the cache holds this build.
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(PRECACHE.map((url) => new Request(url, { cache: 'reload' })))),
  );
});

self.addEventListener('activate', (event) => {
  // Only caches of other builds of this app are deleted; IndexedDB (the
  // outbox) is never touched by the service worker.
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('danhgia-shell-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

// A waiting build takes over only when the page asks (the user accepted).
self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'SKIP_WAITING') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // The API is network-only: the server's answer is the only truth.
  if (url.pathname.startsWith('/api/')) return;
  if (request.mode === 'navigate') {
    // Any client route (/, /r/…, /danh-gia …) is the app shell of this build.
    event.respondWith(caches.match(SHELL, { cacheName: CACHE }).then((shell) => shell || fetch(request)));
    return;
  }
  if (LAZY.includes(url.pathname)) {
    event.respondWith(
      caches.open(CACHE).then((cache) =>
        cache.match(url.pathname).then(
          (hit) =>
            hit ||
            fetch(request).then((response) => {
              if (response.ok) cache.put(url.pathname, response.clone());
              return response;
            }),
        ),
      ),
    );
    return;
  }
  event.respondWith(caches.match(request, { cacheName: CACHE }).then((hit) => hit || fetch(request)));
});
