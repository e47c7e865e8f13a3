// danhgia's service worker. scripts/precache.mjs (a Trunk post-build hook)
// fills BUILD, PRECACHE and STAFF and writes this file to dist/sw.js, so
// every build has its own cache and its own lists.
const BUILD = '__BUILD__';
// The shell and the citizens' app: installed for everyone.
const PRECACHE = __PRECACHE__;
// The officers' app and the scanner's decoder: installed on devices that run
// the officers' app (it asks with CACHE_STAFF), never on a citizen's phone.
const STAFF = __STAFF__;
const CACHE = `danhgia-shell-${BUILD}`;
const SHELL = '/index.html';
// Marks a device whose officers' app is kept offline, across builds.
const STAFF_FLAG = 'danhgia-staff-device';

// A file whose name holds its content's hash (Trunk's `name-0123456789abcdef.ext`,
// and the officers' apps named so by scripts/precache.mjs; the same rule as
// is_hashed_asset in server/src/static_files.rs, which sends these as
// immutable) is this build's file whatever cache it comes from: taken from
// the HTTP cache when the page has just downloaded it, so a citizen's first
// visit on mobile data does not download the app a second time. Any other
// file (index.html, the manifest, the decoder's unhashed files) bypasses the
// HTTP cache, so the cache holds this build's.
const HASHED = /^\/[^/]+-[0-9a-f]{10,16}(?:_bg)?\.[a-z0-9]+$/i;
const fresh = (url) => (HASHED.test(url) ? new Request(url) : new Request(url, { cache: 'reload' }));

async function isStaffDevice() {
  return (await caches.keys()).includes(STAFF_FLAG);
}

// The scanner's decoder comes in two builds, with wasm SIMD and without: a
// device keeps the one it runs (a module using two SIMD instructions validates
// where SIMD runs; the page makes the same test, src/staff/scan/worker.rs).
const SIMD = typeof WebAssembly === 'object' && WebAssembly.validate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]));
const STAFF_HERE = STAFF.filter((url) => !url.startsWith('/scan-worker') || url.startsWith('/scan-worker-scalar') === !SIMD);

async function cacheStaff() {
  await (await caches.open(STAFF_FLAG)).put('/staff-device', new Response('1'));
  const cache = await caches.open(CACHE);
  const missing = [];
  for (const url of STAFF_HERE) if (!(await cache.match(url))) missing.push(url);
  await cache.addAll(missing.map(fresh));
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      await (await caches.open(CACHE)).addAll(PRECACHE.map(fresh));
      // An officer's device updated to this build keeps working offline.
      if (await isStaffDevice()) await cacheStaff();
    })(),
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

self.addEventListener('message', (event) => {
  const type = event.data && event.data.type;
  // A waiting build takes over only when the page asks (the user accepted).
  if (type === 'SKIP_WAITING') self.skipWaiting();
  // The officers' app runs on this device: keep all of it for offline use.
  if (type === 'CACHE_STAFF') event.waitUntil(cacheStaff().catch((e) => console.warn('caching the officers\' app:', e)));
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // The API is network-only: the server's answer is the only truth.
  if (url.pathname.startsWith('/api/')) return;
  if (request.mode === 'navigate') {
    // Any client route (/, /r/…, /nhap-phieu …) is the app shell of this build.
    event.respondWith(caches.match(SHELL, { cacheName: CACHE }).then((shell) => shell || fetch(request)));
    return;
  }
  // This build's files from its cache; the officers' files not yet cached
  // are kept when first fetched.
  event.respondWith(
    caches.open(CACHE).then((cache) =>
      cache.match(url.pathname).then(
        (hit) =>
          hit ||
          fetch(request).then((response) => {
            if (response.ok && STAFF.includes(url.pathname)) cache.put(url.pathname, response.clone());
            return response;
          }),
      ),
    ),
  );
});
