// Measurements of the app as users meet it, each in headless Chromium
// against the real release server: bytes of a first visit, offline cold
// start under 4× CPU throttling, QR code in view → dossier form, and 10,000
// queued records delivered (time, page memory).
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { chromiumArgs, executablePath, launchOptions, withCamera } from '../tests/e2e/browser.mjs';
import { dbAt } from '../tests/e2e/helpers.mjs';
import { counting } from '../tests/e2e/proxy.mjs';
import { answers, login, pendingEntry, queueInOutbox, rulesets as ruleSets, unratedDossiers } from '../tests/e2e/records.mjs';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Every response of a fresh visit: name, bytes on the wire, raw, gzip and brotli sizes. */
async function firstVisit(baseUrl, visit, { launch = launchOptions, session = null } = {}) {
  const browser = await chromium.launch(launch);
  try {
    const context = await browser.newContext({ baseURL: baseUrl, serviceWorkers: 'block' });
    if (session) await context.addInitScript((s) => localStorage.setItem('danhgia.session', s), JSON.stringify(session));
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    const wire = new Map();
    const urls = new Map();
    cdp.on('Network.responseReceived', (e) => urls.set(e.requestId, e.response.url));
    cdp.on('Network.loadingFinished', (e) => wire.set(e.requestId, e.encodedDataLength));
    // Workers' requests come through their own targets: count their bodies by URL.
    const bodies = new Map();
    context.on('response', async (r) => {
      if (r.url().includes('/api/') || bodies.has(r.url())) return;
      try {
        bodies.set(r.url(), await r.body());
      } catch {}
    });
    await visit(page);
    await page.waitForTimeout(800);
    const onWire = new Map();
    for (const [id, url] of urls) onWire.set(url, (onWire.get(url) || 0) + (wire.get(id) || 0));
    return [...bodies].map(([url, body]) => {
      const raw = body.length;
      const brotli = brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
      return {
        asset: new URL(url).pathname,
        // Worker requests are not seen by the page's DevTools session: the server sends brotli.
        wire: onWire.get(url) ?? brotli,
        raw,
        gzip: gzipSync(body, { level: 9 }).length,
        brotli,
      };
    });
  } finally {
    await browser.close();
  }
}

export async function bytesCitizen(baseUrl, link) {
  return firstVisit(baseUrl, async (page) => {
    await page.goto(link);
    await page.locator('form.questions').waitFor();
  });
}

/**
 * A citizen's first visit as a phone makes it, the service worker allowed:
 * every answer the server sends (a counting proxy in front of it, so the
 * service worker's own downloads are counted too) until the worker is
 * installed and controls the page, and 1 s more: bytes sent, answers, and
 * the files sent more than once.
 */
export async function bytesCitizenWithWorker(baseUrl, link) {
  const proxy = await counting(baseUrl);
  const browser = await chromium.launch(launchOptions);
  try {
    const page = await (await browser.newContext({ baseURL: proxy.url })).newPage();
    await page.goto(link);
    await page.locator('form.questions').waitFor();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
    await page.waitForTimeout(1000);
    const sum = (xs) => xs.reduce((s, a) => s + a.bytes, 0);
    const twice = [...new Set(proxy.answers.map((a) => a.path))].filter((p) => proxy.answers.filter((a) => a.path === p && a.status === 200).length > 1);
    return { total: sum(proxy.answers), requests: proxy.answers.length, twice };
  } finally {
    await browser.close();
    await proxy.close();
  }
}

/** An officer (signed in on this device) opens the desk; the camera shows a slip, so the decoder loads. */
export async function bytesOfficer(baseUrl, officer, clip) {
  const session = await (await fetch(`${baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(officer) })).json();
  return firstVisit(
    baseUrl,
    async (page) => {
      const worker = page.waitForResponse((r) => r.url().includes('scan-worker_bg.wasm'), { timeout: 20_000 }).catch(() => {});
      await page.goto('/nhap-phieu');
      await page.locator('.scanner').waitFor();
      await worker;
    },
    { launch: withCamera(clip), session },
  );
}

/** After one online visit, an offline start of the app until the home screen is interactive. */
export async function offlineColdStart(baseUrl, runs = 5) {
  const browser = await chromium.launch(launchOptions);
  try {
    const context = await browser.newContext({ baseURL: baseUrl });
    const first = await context.newPage();
    await first.goto('/');
    await first.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await first.close();
    await context.setOffline(true);
    const times = [];
    for (let i = 0; i < runs; i++) {
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
      const t0 = Date.now();
      await page.goto('/');
      await page.getByRole('link', { name: /Đánh giá hồ sơ/ }).waitFor();
      times.push(Date.now() - t0);
      await page.close();
    }
    return { median: median(times), runs: times };
  } finally {
    await browser.close();
  }
}

/** A page of a tablet where `officer` is signed in (the session stored as the app keeps it), on the home screen. */
async function signedInTablet(browser, baseUrl, officer) {
  const page = await (await browser.newContext({ baseURL: baseUrl })).newPage();
  await page.goto('/');
  const session = await (await page.request.post('/api/v1/auth/login', { data: officer })).json();
  await page.evaluate((s) => localStorage.setItem('danhgia.session', s), JSON.stringify(session));
  return page;
}

/** Opens `/nhap-phieu` (the camera showing a slip): ms until the dossier's form shows. */
async function openScanner(page) {
  const t0 = Date.now();
  await page.goto('/nhap-phieu');
  await page.locator('.slip .dossier-code').waitFor({ timeout: 30_000 });
  return Date.now() - t0;
}

/**
 * The camera's own start, with no app: a bare page whose first script asks
 * for the camera (as index.html's loader does on `/nhap-phieu`, the same
 * constraints) and takes its first frame both ways a page can: as the
 * loader does (`ImageCapture.grabFrame()`) and in a <video> (`loadeddata`,
 * the event qrToForm's timeline calls the first frame). Served from
 * loopback by this script. A fresh browser, a page already open first (as
 * signedInTablet's home screen): ms from `page.goto` until the first frame
 * either way, node-side as openScanner counts, and in the page's clock the
 * camera open and each way's frame. No page can read a slip before it has a
 * frame of it.
 */
const BARE_CAMERA_PAGE =
  '<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>camera</title><script>' +
  'var t = (window.__floor = {});' +
  'var mark = function (k) { if (!(k in t)) t[k] = performance.now(); };' +
  "navigator.permissions.query({ name: 'camera' }).then(function () {" +
  "  return navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 } }, audio: false });" +
  '}).then(function (stream) {' +
  "  mark('cameraOpen');" +
  '  new ImageCapture(stream.getVideoTracks()[0]).grabFrame().then(function (f) { f.close(); mark(\'grabbed\'); mark(\'firstFrame\'); });' +
  "  var video = document.createElement('video');" +
  '  video.muted = true; video.playsInline = true; video.srcObject = stream;' +
  "  video.addEventListener('loadeddata', function () { mark('loadeddata'); mark('firstFrame'); });" +
  '  video.play(); document.documentElement.appendChild(video);' +
  '});' +
  '</script></head><body></body></html>';

/** A loopback server of the bare camera page (`/floor`) and an empty home page. */
async function bareCameraServer() {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(req.url === '/floor' ? BARE_CAMERA_PAGE : '<!doctype html><title>home</title>');
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { base: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

/** One run of the bare camera page in a fresh browser: node-side ms and the page's marks. */
async function cameraFloorRun(base, clip) {
  const browser = await chromium.launch(withCamera(clip));
  try {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${base}/`);
    const t0 = Date.now();
    await page.goto(`${base}/floor`);
    await page.waitForFunction(() => 'firstFrame' in (window.__floor || {}), null, { timeout: 30_000 });
    const ms = Date.now() - t0;
    // Both ways' marks, for the page-clock figures.
    await page.waitForFunction(() => 'grabbed' in window.__floor && 'loadeddata' in window.__floor, null, { timeout: 30_000 });
    return { ms, steps: await page.evaluate(() => window.__floor) };
  } finally {
    await browser.close();
  }
}

const floorSummary = (runs) => {
  const step = (k) => median(runs.map((r) => r.steps[k] ?? NaN));
  return {
    median: median(runs.map((r) => r.ms)),
    runs: runs.map((r) => r.ms),
    steps: { cameraOpen: step('cameraOpen'), grabbed: step('grabbed'), loadeddata: step('loadeddata') },
  };
};

/**
 * Opening `/nhap-phieu` with the slip in view (qrToForm's method, without
 * its timeline script; a fresh browser each run) for several builds, each
 * with its own server and clip, taking turns one run each (never one build
 * twice in a row) so that they meet the same moments of a busy machine:
 * `{ [name]: { median, runs } }`. An odd number of runs gives a median
 * that is one of them.
 */
export async function openSideBySide(builds, officer, runs = 9) {
  const times = Object.fromEntries(builds.map((b) => [b.name, []]));
  for (let i = 0; i < runs; i++) {
    for (const b of builds) {
      const browser = await chromium.launch(withCamera(b.clip));
      try {
        times[b.name].push(await openScanner(await signedInTablet(browser, b.baseUrl, officer)));
      } finally {
        await browser.close();
      }
    }
  }
  return Object.fromEntries(Object.entries(times).map(([name, t]) => [name, { median: median(t), runs: t }]));
}

/**
 * Where the time goes on the way to the form, in the page's clock (ms from
 * navigation start): the camera open (getUserMedia resolved), its first
 * frame in the scanner's <video> (loadeddata), the decoder worker ready,
 * the first read and its decode time, the form. Recorded by wrapping the page's Worker and
 * getUserMedia before any script runs; measurement only.
 */
function timeline() {
  const t = (window.__benchTimeline = {});
  const mark = (k) => {
    if (!(k in t)) t[k] = performance.now();
  };
  const Native = window.Worker;
  window.Worker = function (...args) {
    const w = new Native(...args);
    w.addEventListener('message', (e) => {
      if (e.data?.ready) mark('workerReady');
      else if (e.data?.text && !('firstRead' in t)) {
        mark('firstRead');
        t.firstReadMs = e.data.ms;
      }
    });
    return w;
  };
  window.Worker.prototype = Native.prototype;
  const gum = navigator.mediaDevices?.getUserMedia?.bind(navigator.mediaDevices);
  if (gum) navigator.mediaDevices.getUserMedia = (c) => gum(c).then((s) => (mark('cameraOpen'), s));
  document.addEventListener('loadeddata', () => mark('firstFrame'), true);
  new MutationObserver(() => document.querySelector('.slip .dossier-code') && mark('form')).observe(document, { subtree: true, childList: true });
}

/**
 * From `page.goto('/nhap-phieu')` to the form, in a fresh browser each run;
 * with `again`, in one browser that has opened the screen once before (its
 * caches warm, the service worker in control, the camera allowed): a
 * desk's tablet on its next working day.
 */
export async function qrToForm(baseUrl, clip, officer, runs = 3, { again = false, floor = false } = {}) {
  const times = [];
  const steps = [];
  const floors = [];
  const bare = floor ? await bareCameraServer() : null;
  const open = openScanner;
  let browser = null;
  try {
    for (let i = 0; i < runs; i++) {
      if (!again || !browser) {
        await browser?.close();
        browser = await chromium.launch(withCamera(clip));
      }
      const page = again && i > 0 ? browser.contexts()[0].pages()[0] : await signedInTablet(browser, baseUrl, officer);
      if (!again || i === 0) await page.context().addInitScript(timeline);
      if (again && i === 0) {
        await open(page);
        // The worker's and the app's code settle in the caches.
        await page.waitForTimeout(2500);
      }
      times.push(await open(page));
      steps.push(await page.evaluate(() => window.__benchTimeline));
      if (again) await page.waitForTimeout(1000);
      // The camera's own start on a bare page, run for run with the app's.
      if (bare) floors.push(await cameraFloorRun(bare.base, clip));
    }
  } finally {
    await browser?.close();
    bare?.close();
  }
  const keys = ['cameraOpen', 'firstFrame', 'workerReady', 'firstRead', 'firstReadMs', 'form'];
  const medians = Object.fromEntries(keys.map((k) => [k, median(steps.map((s) => s[k] ?? NaN))]));
  return { median: median(times), runs: times, steps: medians, floor: bare ? floorSummary(floors) : null };
}

/**
 * The scanner already open, the next slip comes into view: the fake camera
 * plays a slip without a code, then the slip with the QR code (`clip`, see
 * makeClips' `lead`). From the first video frame with the QR code on screen
 * (the scanner's own <video>, seen through requestVideoFrameCallback: the
 * middle of the frame turns dark) to the dossier's form. A run whose
 * scanner opened after the QR code was already in view is run again.
 */
export async function qrInView(baseUrl, clip, officer, runs = 5) {
  const times = [];
  const decodeMs = [];
  for (let tries = 0; times.length < runs && tries < runs * 3; tries++) {
    const browser = await chromium.launch(withCamera(clip));
    try {
      const page = await signedInTablet(browser, baseUrl, officer);
      await page.context().addInitScript(timeline);
      await page.goto('/nhap-phieu');
      await page.locator('.scanner video').waitFor({ timeout: 30_000 });
      const run = await page.evaluate(
        () =>
          new Promise((resolve) => {
            const video = document.querySelector('.scanner video');
            const canvas = Object.assign(document.createElement('canvas'), { width: 64, height: 48 });
            const ctx = canvas.getContext('2d', { willReadFrequently: true });
            const dark = () => {
              ctx.drawImage(video, 0, 0, 64, 48);
              const d = ctx.getImageData(24, 18, 16, 12).data;
              let sum = 0;
              for (let i = 0; i < d.length; i += 4) sum += d[i + 1];
              return sum / (d.length / 4) < 170;
            };
            let blankSeen = false;
            let inView = null;
            const onFrame = (now) => {
              if (inView !== null) return;
              if (!dark()) blankSeen = true;
              else if (blankSeen) inView = now;
              video.requestVideoFrameCallback(onFrame);
            };
            video.requestVideoFrameCallback(onFrame);
            const observer = new MutationObserver(() => {
              if (!document.querySelector('.slip .dossier-code')) return;
              observer.disconnect();
              resolve({ inView, form: performance.now() });
            });
            observer.observe(document.body, { childList: true, subtree: true });
            setTimeout(() => {
              observer.disconnect();
              resolve({ inView: null });
            }, 20_000);
          }),
      );
      if (run.inView !== null) {
        times.push(Math.round(run.form - run.inView));
        decodeMs.push(await page.evaluate(() => window.__benchTimeline.firstReadMs));
      }
    } finally {
      await browser.close();
    }
  }
  // The decode of the frame that was read (the first with the code in view).
  return { median: median(times), runs: times, decodeMs: median(decodeMs) };
}

/** 10,000 records queued in the outbox, delivered to the server: time and page memory. */
export async function deliverTenThousand(server, officer, count = 10_000) {
  const { baseUrl, dataDir } = server;
  const token = await login(baseUrl, officer);
  const dossiers = await unratedDossiers(baseUrl, token, count);
  const rulesets = await ruleSets(baseUrl);
  const now = Date.now();
  const entries = dossiers.map((d, n) => {
    const id = `b3c00000-0000-4000-8000-${n.toString().padStart(12, '0')}`;
    const record = { id, dossier_code: d.code, citizen_token: d.token, channel: 'online', ruleset_version: d.ruleset_version, answers: answers(rulesets[d.ruleset_version], d), client_time: new Date(now).toISOString() };
    return pendingEntry(record, now + n);
  });
  const browser = await chromium.launch(launchOptions);
  try {
    const context = await browser.newContext({ baseURL: baseUrl });
    const page = await context.newPage();
    await page.goto('/hop-thu');
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await context.setOffline(true);
    await queueInOutbox(page, entries);
    await page.reload();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    // What the page holds on to: measured after a garbage collection.
    const heap = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      return (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'JSHeapUsedSize').value;
    };
    const before = await heap();
    const stored = () => dbAt(dataDir, "SELECT count(*) AS n FROM ratings WHERE id LIKE 'b3c00000%'")[0].n;
    await context.setOffline(false);
    const t0 = Date.now();
    await page.getByRole('button', { name: 'Gửi ngay' }).click();
    while (stored() < entries.length) {
      if (Date.now() - t0 > 600_000) throw new Error('10,000 records not delivered in 10 minutes');
      await new Promise((r) => setTimeout(r, 250));
    }
    const seconds = (Date.now() - t0) / 1000;
    await page.locator('.all-sent').waitFor({ timeout: 120_000 });
    const after = await heap();
    return { records: entries.length, seconds, heapBeforeMb: before / 2 ** 20, heapAfterMb: after / 2 ** 20 };
  } finally {
    await browser.close();
  }
}

/**
 * Lighthouse 12, its default mobile preset (simulated slow 4G and 4× CPU
 * slowdown, a mid-range phone's screen), on a citizen's link: `runs` runs
 * against Debian's Chromium, each in a fresh profile; the median run by
 * performance score and every run's figures.
 */
export async function lighthouseCitizen(baseUrl, link, runs = 3) {
  const { default: lighthouse } = await import('lighthouse');
  const chromeLauncher = await import('chrome-launcher');
  const results = [];
  const failed = [];
  for (let i = 0; i < runs; i++) {
    const chrome = await chromeLauncher.launch({
      chromePath: executablePath,
      chromeFlags: ['--headless=new', ...chromiumArgs],
    });
    try {
      const { lhr } = await lighthouse(`${baseUrl}${link}`, { port: chrome.port, onlyCategories: ['performance'], logLevel: 'error' });
      if (lhr.runtimeError || lhr.categories.performance.score === null) {
        // A run Lighthouse itself could not complete (it says why): reported, not scored.
        failed.push(lhr.runtimeError?.code ?? 'no score');
        continue;
      }
      const audit = (id) => lhr.audits[id]?.numericValue ?? NaN;
      results.push({
        score: Math.round((lhr.categories.performance.score ?? 0) * 100),
        fcpMs: audit('first-contentful-paint'),
        lcpMs: audit('largest-contentful-paint'),
        cls: audit('cumulative-layout-shift'),
        tbtMs: audit('total-blocking-time'),
        siMs: audit('speed-index'),
        kb: audit('total-byte-weight') / 1024,
        version: lhr.lighthouseVersion,
        formFactor: lhr.configSettings.formFactor,
        throttling: lhr.configSettings.throttlingMethod,
        longTasks: (lhr.audits['long-tasks']?.details?.items ?? []).slice(0, 5).map((t) => `${t.url ?? ''} ${Math.round(t.duration)} ms`),
        lcpElement: lhr.audits['largest-contentful-paint-element']?.details?.items?.[0]?.items?.[0]?.node?.snippet ?? '',
        mainThread: (lhr.audits['mainthread-work-breakdown']?.details?.items ?? []).map((i) => `${i.groupLabel} ${Math.round(i.duration)} ms`),
        shifts: (lhr.audits['layout-shifts']?.details?.items ?? []).map((s) => `${s.node?.snippet ?? ''} ${s.score?.toFixed?.(3) ?? s.score}`),
      });
    } finally {
      await chrome.kill();
    }
  }
  const sorted = [...results].sort((a, b) => a.score - b.score);
  return { median: sorted[Math.floor(sorted.length / 2)], runs: results, failed };
}

/**
 * twiggy's view of an app's wasm as the compiler wrote it (before
 * wasm-bindgen and wasm-opt, names kept): bytes by crate, largest first.
 */
export function twiggyByCrate(wasmPath, top = 12) {
  const csv = execFileSync('twiggy', ['top', '-n', '1000000', '-f', 'csv', wasmPath], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const lines = csv.trim().split('\n').slice(1);
  const bytes = new Map();
  let total = 0;
  for (const line of lines) {
    // Name,ShallowSize,ShallowSizePercent,RetainedSize,RetainedSizePercent
    // (a name holding commas or quotes is quoted, its quotes doubled).
    const m = line.match(/^(.*),(\d+),[\d.]+,[^,]*,[^,]*$/);
    if (!m) continue;
    const name = m[1].replace(/^"(.*)"$/, '$1').replaceAll('""', '"');
    const size = Number(m[2]);
    // Names, debug sections and wasm-bindgen's descriptors are not shipped.
    if (/^("|custom section|export |import )/.test(name) || name.includes('__wbindgen_describe')) continue;
    const crate = name.startsWith('data segment') ? '(static data)' : (name.match(/([a-z_][a-z0-9_]*)(\[[0-9a-f]+\])?::/)?.[1] ?? '(other)');
    bytes.set(crate, (bytes.get(crate) ?? 0) + size);
    total += size;
  }
  return { total, crates: [...bytes].sort((a, b) => b[1] - a[1]).slice(0, top) };
}
