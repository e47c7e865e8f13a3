// The installed app: installability, offline cold start, and an update that
// takes over only when accepted, with queued records surviving it.
import { test, expect, chromium } from './fixtures.mjs';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { join, resolve } from 'node:path';
import { launchOptions } from './browser.mjs';
import { answerAll, dbAt, demo } from './helpers.mjs';
import { startServer } from './server.mjs';
import { counting } from './proxy.mjs';

const controlled = (page) => page.waitForFunction(() => navigator.serviceWorker.controller !== null);

test('the app is installable and its service worker controls the page', async () => {
  const profile = mkdtempSync(join(tmpdir(), 'danhgia-profile-'));
  const context = await chromium.launchPersistentContext(profile, { ...launchOptions, baseURL: process.env.BASE_URL });
  try {
    const page = await context.newPage();
    await page.goto('/');
    await controlled(page);
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(installabilityErrors).toEqual([]);
    const manifest = await (await page.request.get('/manifest.webmanifest')).json();
    expect(manifest.display).toBe('standalone');
    expect(manifest.short_name).toBe('Đánh giá');
    const icons = manifest.icons.map((i) => `${i.sizes} ${i.purpose}`);
    expect(icons).toEqual(expect.arrayContaining(['192x192 any', '512x512 any', '512x512 maskable']));
    for (const icon of manifest.icons) expect((await page.request.get(icon.src)).status()).toBe(200);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
});

test('after one online visit, the app and a deep link open with no network at all', async ({ page, context }) => {
  const dossier = demo(6);
  await page.goto(dossier.path);
  await expect(page.locator('.dossier-code')).toHaveText(dossier.code);
  await controlled(page);
  await context.setOffline(true);
  const home = await context.newPage();
  await home.goto('/');
  await expect(home.getByRole('heading', { level: 1 })).toHaveText('Đánh giá việc giải quyết hồ sơ');
  const link = await context.newPage();
  await link.goto(dossier.path);
  await expect(link.locator('form.questions')).toBeVisible();
});

test("a citizen's first visit downloads the app once: the service worker is installed from what the page fetched", async ({ browser }) => {
  const proxy = await counting(process.env.BASE_URL);
  try {
    // A new origin (the proxy's port): nothing of this app in any cache.
    const context = await browser.newContext({ baseURL: proxy.url });
    const page = await context.newPage();
    const dossier = demo(7);
    await page.goto(dossier.path);
    await expect(page.locator('.dossier-code')).toHaveText(dossier.code);
    await controlled(page);
    // The install is done (the page is controlled): every file it kept came from somewhere.
    const kept = await page.evaluate(async () => (await (await caches.open((await caches.keys()).find((k) => k.startsWith('danhgia-shell-')))).keys()).map((r) => new URL(r.url).pathname));
    const wasm = kept.find((p) => /^\/citizen-[0-9a-f]+_bg\.wasm$/.test(p));
    expect(wasm).toBeTruthy();
    // Each of the app's files reached the phone once, the wasm (most of the bytes) included.
    const fetched = (path) => proxy.answers.filter((a) => a.path === path && a.status === 200).length;
    for (const path of kept.filter((p) => /^\/(citizen|main)-/.test(p))) expect(fetched(path), path).toBe(1);
    // The citizen's dossier was asked for before the service worker was.
    const order = proxy.answers.map((a) => a.path);
    expect(order.findIndex((p) => p.startsWith('/api/v1/dossiers/'))).toBeLessThan(order.indexOf('/sw.js'));
    // And offline, the link opens from what was kept.
    await context.setOffline(true);
    const again = await context.newPage();
    await again.goto(dossier.path);
    await expect(again.locator('form.questions')).toBeVisible();
    await context.close();
  } finally {
    await proxy.close();
  }
});

test("an officer's device that has only opened the counter's screens opens the district office's offline too", async ({ page, context }) => {
  await page.goto('/dang-nhap');
  await page.getByLabel('Tên đăng nhập').fill('vanphong');
  await page.getByLabel('Mật khẩu').fill('danhgia-demo');
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await expect(page).toHaveURL(/\/nhap-phieu$/);
  await controlled(page);
  // The counter's app asks the service worker to keep the officers' apps (5 s after start).
  const officeCached = () =>
    page.evaluate(async () => {
      for (const name of await caches.keys()) {
        const keys = await (await caches.open(name)).keys();
        if (keys.some((r) => /\/office-[0-9a-f]+_bg\.wasm$/.test(r.url))) return true;
      }
      return false;
    });
  await expect.poll(officeCached, { timeout: 30_000 }).toBe(true);
  await context.setOffline(true);
  const office = await context.newPage();
  await office.goto('/bao-cao');
  await expect(office.getByRole('heading', { level: 1 })).toHaveText('Báo cáo kết quả đánh giá');
  await context.setOffline(false);
});

test('a new build is announced, taken only when accepted, and queued records survive it', async ({ browser }) => {
  // A server of its own, serving a copy of the build that the test can replace.
  const root = resolve(import.meta.dirname, '../..');
  const dist = mkdtempSync(join(tmpdir(), 'danhgia-dist-'));
  cpSync(join(root, 'dist'), dist, { recursive: true });
  const server = await startServer({ dist, demoLinks: 1, pidFile: join(import.meta.dirname, '.update.pid') });
  try {
    const [dossier] = server.links;
    const context = await browser.newContext({ baseURL: server.baseUrl });
    const page = await context.newPage();
    await page.goto(dossier.path);
    await expect(page.locator('form.questions')).toBeVisible();
    await controlled(page);
    const buildA = await page.locator('meta[name=danhgia-build]').getAttribute('content');

    // Queue a rating offline.
    await context.setOffline(true);
    await answerAll(page);
    await page.getByRole('button', { name: 'Gửi đánh giá' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'sẽ tự gửi khi có mạng' })).toBeVisible();

    // Deploy build B: another index.html and service worker.
    const buildB = 'b-' + buildA;
    for (const file of ['index.html', 'sw.js']) {
      const path = join(dist, file);
      writeFileSync(path, readFileSync(path, 'utf8').replaceAll(buildA, buildB));
      // Build B's precompressed copies, as its build would write them.
      writeFileSync(`${path}.br`, brotliCompressSync(readFileSync(path)));
      writeFileSync(`${path}.gz`, gzipSync(readFileSync(path)));
    }
    await context.setOffline(false);
    await page.reload();
    const banner = page.getByRole('status').filter({ hasText: 'Có phiên bản mới' });
    await expect(banner).toBeVisible({ timeout: 20_000 });
    // Not taken until accepted.
    expect(await page.locator('meta[name=danhgia-build]').getAttribute('content')).toBe(buildA);
    await banner.getByRole('button', { name: 'Tải lại' }).click();
    await expect(page.locator('meta[name=danhgia-build]')).toHaveAttribute('content', buildB, { timeout: 20_000 });
    // The queued record survived, and goes out.
    await expect(page.locator('.receipt')).toBeVisible();
    await expect.poll(() => ratingsOfDb(server.dataDir, dossier.code), { timeout: 20_000 }).toBe(1);
    await context.close();
  } finally {
    await server.stop();
    rmSync(dist, { recursive: true, force: true });
  }
});

function ratingsOfDb(dataDir, code) {
  return dbAt(dataDir, 'SELECT count(*) AS n FROM ratings WHERE dossier_code = ?', code)[0].n;
}
