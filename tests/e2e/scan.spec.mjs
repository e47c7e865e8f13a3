// The officer's scanner, fed by Chromium's fake camera with video of real
// demo slips: each good clip opens its dossier, a foreign QR code gets one
// clear message, a slip without a code does nothing.
import { test, expect, chromium } from './fixtures.mjs';
import { join } from 'node:path';
import { withCamera } from './browser.mjs';
import { signIn, slips } from './officer.mjs';
import { createRequire } from 'node:module';

const QRCode = createRequire(import.meta.url)('qrcode');

const clip = (name) => join(import.meta.dirname, '.output', 'clips', `${name}.y4m`);

/** A tablet whose camera plays the named clip (a browser of its own: the clip is a launch flag). */
async function withCameraPage(name, run, options = {}) {
  const browser = await chromium.launch(withCamera(clip(name)));
  try {
    const context = await browser.newContext({ baseURL: process.env.BASE_URL, viewport: { width: 768, height: 1024 }, ...options });
    await run(await context.newPage());
  } finally {
    await browser.close();
  }
}

for (const [name, what] of [
  ['clean', 'a clean QR code'],
  ['tilted', 'a QR code tilted 20° with blur and noise'],
  ['code128', 'a Code 128 barcode'],
]) {
  test(`the camera showing ${what} opens that dossier`, async () => {
    await withCameraPage(name, async (page) => {
      await signIn(page);
      const code = slips()[name];
      await expect(page.locator('.slip .dossier-code')).toHaveText(code, { timeout: 20_000 });
      await expect(page.locator('.slip fieldset.question').first()).toBeVisible();
      await expect(page.getByRole('button', { name: 'Lưu phiếu' })).toBeVisible();
    });
  });
}

test('a foreign QR code gets one clear message and opens nothing', async () => {
  await withCameraPage('foreign', async (page) => {
    await signIn(page);
    const message = page.locator('.scan-message');
    await expect(message).toHaveText('Đường dẫn này thuộc trang khác, không phải đường dẫn đánh giá hồ sơ.', {
      timeout: 20_000,
    });
    await page.waitForTimeout(1500);
    await expect(page.locator('.slip')).toHaveCount(0);
    await expect(page.getByRole('alert').filter({ hasText: 'thuộc trang khác' })).toHaveCount(1);
  });
});

test('a slip without a code does nothing', async () => {
  await withCameraPage('nocode', async (page) => {
    await signIn(page);
    await expect(page.locator('.scanner .hint')).toHaveText('Đưa mã QR hoặc mã vạch trên phiếu vào khung');
    await page.waitForTimeout(3000);
    await expect(page.locator('.slip')).toHaveCount(0);
    await expect(page.locator('.scan-message')).toBeEmpty();
  });
});

test('reopening the desk signed in: the camera and decoder started with the page are taken over, or let go', async () => {
  await withCameraPage('clean', async (page) => {
    await signIn(page);
    await expect(page.locator('.slip .dossier-code')).toHaveText(slips().clean, { timeout: 20_000 });
    // Every camera stream and decoder worker the page makes, and what became of them.
    await page.addInitScript(() => {
      window.seen = { streams: [], workers: 0, askedBeforeScanner: [] };
      const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
      navigator.mediaDevices.getUserMedia = async (c) => {
        window.seen.askedBeforeScanner.push(!document.querySelector('.scanner'));
        const s = await gum(c);
        window.seen.streams.push(s);
        return s;
      };
      const W = window.Worker;
      window.Worker = function (...a) {
        window.seen.workers += 1;
        return new W(...a);
      };
      window.Worker.prototype = W.prototype; // still a Worker to `instanceof`
    });
    await page.goto('/nhap-phieu');
    await expect(page.locator('.slip .dossier-code')).toHaveText(slips().clean, { timeout: 20_000 });
    const desk = await page.evaluate(() => ({
      streams: window.seen.streams.length,
      live: window.seen.streams.filter((s) => s.getVideoTracks().some((t) => t.readyState === 'live')).length,
      workers: window.seen.workers,
      askedBeforeScanner: window.seen.askedBeforeScanner,
    }));
    // One camera and one decoder, asked for by the page before the app showed its scanner.
    expect(desk).toEqual({ streams: 1, live: 1, workers: 1, askedBeforeScanner: [true] });

    // The counter's kiosk screen before kiosk mode has no scanner: what the page started stops.
    await page.goto('/quay');
    await expect(page.locator('.kiosk-setup')).toBeVisible();
    await expect
      .poll(() => page.evaluate(() => window.seen.streams.flatMap((s) => s.getVideoTracks()).map((t) => t.readyState)), { timeout: 10_000 })
      .toEqual(['ended']);
  });
});

test('a slip in view as the desk opens is read while the officers\' app is still on its way', async () => {
  // The camera shows the slip only for its first 1.5 s, then a slip without a code: the app (held back 2 s)
  // never sees the code itself, so the form can only come from the read the page's loader made.
  // No service worker: every request of the page goes through the route below.
  await withCameraPage(
    'early',
    async (page) => {
      await signIn(page);
      // What the decoder read, whether the app's scanner was there yet, and how many frames went to it.
      await page.addInitScript(() => {
        window.reads = [];
        window.framesSent = 0;
        window.Worker = new Proxy(window.Worker, {
          construct(target, args) {
            const worker = new target(...args);
            const post = worker.postMessage.bind(worker);
            worker.postMessage = (...a) => {
              window.framesSent += 1;
              return post(...a);
            };
            worker.addEventListener('message', (e) => {
              if (e.data && e.data.text) window.reads.push({ text: e.data.text, scanner: !!document.querySelector('.scanner') });
            });
            return worker;
          },
        });
      });
      // A slow link: the officers' app arrives 2 s late.
      await page.route(/\/staff-[0-9a-f]+_bg\.wasm$/, async (route) => {
        await new Promise((r) => setTimeout(r, 2000));
        await route.continue();
      });
      await page.goto('/nhap-phieu');
      await expect(page.locator('.slip .dossier-code')).toHaveText(slips().clean, { timeout: 20_000 });
      const reads = await page.evaluate(() => window.reads);
      // Read by the page's loader only, before the app showed its scanner.
      expect(reads.length).toBeGreaterThan(0);
      expect(reads.every((r) => !r.scanner && r.text.includes(encodeURIComponent(slips().clean)))).toBe(true);
      // While the officer fills in the form, no frame is decoded (the loader stopped when the scanner acted).
      const sent = await page.evaluate(() => window.framesSent);
      await page.waitForTimeout(1000);
      expect(await page.evaluate(() => window.framesSent)).toBe(sent);
    },
    { serviceWorkers: 'block' },
  );
});

test('the frame the page\'s loader is taking as the app takes the decoder over is the app\'s first frame', async () => {
  // The camera shows a slip without a code. The loader's frames are held until the app has taken the decoder
  // over, then come back showing the clean slip's QR code: only the frame handed over can open that dossier.
  // The app comes 1 s late, so the loader is surely taking a frame by then (no service worker: every request
  // goes through the route).
  const code = slips().clean;
  const q = QRCode.create(code, { errorCorrectionLevel: 'M' });
  const modules = Array.from({ length: q.modules.size }, (_, r) =>
    Array.from({ length: q.modules.size }, (_, c) => (q.modules.get(r, c) ? 1 : 0)),
  );
  await withCameraPage('nocode', async (page) => {
    await signIn(page);
    await page.addInitScript((modules) => {
      window.heldGrabs = 0;
      ImageCapture.prototype.grabFrame = function () {
        window.heldGrabs += 1;
        return new Promise((ok) => {
          const poll = () => {
            if ('danhgiaEarlyDecoder' in window) return setTimeout(poll, 5);
            const c = new OffscreenCanvas(1280, 720);
            const x = c.getContext('2d');
            x.fillStyle = '#fff';
            x.fillRect(0, 0, 1280, 720);
            x.fillStyle = '#000';
            const m = 8;
            const left = (1280 - modules.length * m) / 2;
            const top = (720 - modules.length * m) / 2;
            modules.forEach((row, r) => row.forEach((on, k) => on && x.fillRect(left + k * m, top + r * m, m, m)));
            ok(createImageBitmap(c));
          };
          poll();
        });
      };
    }, modules);
    await page.route(/\/staff-[0-9a-f]+_bg\.wasm$/, async (route) => {
      await new Promise((r) => setTimeout(r, 1000));
      await route.continue();
    });
    await page.goto('/nhap-phieu');
    await expect(page.locator('.slip .dossier-code')).toHaveText(code, { timeout: 20_000 });
    expect(await page.evaluate(() => window.heldGrabs)).toBe(1);
  }, { serviceWorkers: 'block' });
});

test('a browser without wasm SIMD gets the decoder built without it, which reads the slip', async () => {
  await withCameraPage('tilted', async (page) => {
    // This browser validates no module that uses SIMD (the page's test of it included).
    await page.addInitScript(() => {
      WebAssembly.validate = () => false;
    });
    await signIn(page);
    await expect(page.locator('.slip .dossier-code')).toHaveText(slips().tilted, { timeout: 20_000 });
    const workers = await page.evaluate(() =>
      performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname).filter((p) => p.startsWith('/scan-worker')),
    );
    expect(workers).toContain('/scan-worker-scalar_loader.js');
    expect(workers).not.toContain('/scan-worker_loader.js');
    // Opening the desk afresh: the page's loader makes the same choice.
    await page.goto('/nhap-phieu');
    await expect(page.locator('.slip .dossier-code')).toHaveText(slips().tilted, { timeout: 20_000 });
    const loaded = await page.evaluate(() =>
      performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname).filter((p) => p.endsWith('_loader.js')),
    );
    expect(loaded).toEqual(['/scan-worker-scalar_loader.js']);
  });
});

test("an officer's device keeps the decoder build it runs for offline use, not the other", async () => {
  await withCameraPage('clean', async (page) => {
    await signIn(page);
    await expect(page.locator('.slip .dossier-code')).toHaveText(slips().clean, { timeout: 20_000 });
    const cachedWorkers = () =>
      page.evaluate(async () => {
        const urls = [];
        for (const key of await caches.keys()) {
          for (const request of await (await caches.open(key)).keys()) urls.push(new URL(request.url).pathname);
        }
        return urls.filter((p) => p.startsWith('/scan-worker')).sort();
      });
    // The officers' app is cached 5 s after it starts: the device is marked, then the files come (loopback: in
    // well under a second).
    await expect.poll(() => page.evaluate(() => caches.has('danhgia-staff-device')), { timeout: 20_000 }).toBe(true);
    await page.waitForTimeout(2000);
    expect(await cachedWorkers()).toEqual(['/scan-worker.js', '/scan-worker_bg.wasm', '/scan-worker_loader.js']);
  });
});

test("the counter's kiosk restarted with a slip in view opens it from the loader's read, and lets the camera go", async () => {
  await withCameraPage(
    'clean',
    async (page) => {
      const errors = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await signIn(page);
      await page.goto('/quay');
      await page.getByLabel('Mã PIN (4–8 chữ số)').fill('2468');
      await page.getByLabel('Nhập lại mã PIN').fill('2468');
      await page.getByRole('button', { name: 'Bật chế độ quầy' }).click();
      // The slip in view is read at the counter.
      await expect(page.locator('.kiosk .dossier-code')).toHaveText(slips().clean, { timeout: 20_000 });
      // The tablet restarts with the slip still in view, on a slow link: the page's loader reads it first.
      await page.addInitScript(() => {
        window.streams = [];
        const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
        navigator.mediaDevices.getUserMedia = async (c) => {
          const s = await gum(c);
          window.streams.push(s);
          return s;
        };
      });
      await page.route(/\/staff-[0-9a-f]+_bg\.wasm$/, async (route) => {
        await new Promise((r) => setTimeout(r, 2000));
        await route.continue();
      });
      await page.reload();
      await expect(page.locator('.kiosk .dossier-code')).toHaveText(slips().clean, { timeout: 20_000 });
      // The citizen's form has no scanner: no camera stays on behind it, and nothing broke on the way.
      await expect
        .poll(() => page.evaluate(() => window.streams.flatMap((s) => s.getVideoTracks()).map((t) => t.readyState)), { timeout: 10_000 })
        .toEqual(['ended']);
      expect(errors).toEqual([]);
    },
    { serviceWorkers: 'block' },
  );
});

test("a scanned slip leaves no stray database connection: a newer version upgrades the device's database at once", async () => {
  await withCameraPage('clean', async (page) => {
    await signIn(page);
    await expect(page.locator('.slip .dossier-code')).toHaveText(slips().clean, { timeout: 20_000 });
    // What a newer build's first open does: every connection this page holds
    // must close when told, or the upgrade waits ("blocked") until the tab goes.
    const upgrade = await page.evaluate(async () => {
      const open = (version) =>
        new Promise((ok, fail) => {
          const req = version ? indexedDB.open('danhgia', version) : indexedDB.open('danhgia');
          let blocked = false;
          req.onblocked = () => (blocked = true);
          req.onsuccess = () => ok({ db: req.result, blocked });
          req.onerror = () => fail(req.error);
          setTimeout(() => ok({ db: null, blocked }), 5000);
        });
      const current = await open();
      const version = current.db.version;
      current.db.close();
      const next = await open(version + 1);
      next.db?.close();
      return { from: version, opened: next.db !== null, blocked: next.blocked };
    });
    expect(upgrade).toEqual({ from: upgrade.from, opened: true, blocked: false });
  });
});
