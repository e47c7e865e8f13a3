// A district on HTTPS with the built-in self-signed trial certificate,
// reached under a host name other than localhost (mapped to 127.0.0.1: no
// traffic leaves the machine), the browser told to trust that certificate
// as a phone that installed the trial CA would: the page is a secure
// context, the service worker installs, the fake camera reads a slip, and a
// slip saved offline is delivered once the connection returns.
import { test, expect, chromium } from './fixtures.mjs';
import { X509Certificate, createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { chromiumArgs, executablePath } from './browser.mjs';
import { dbAt } from './helpers.mjs';
import { slips } from './officer.mjs';
import { startServer } from './server.mjs';

test.setTimeout(120_000);

const freePort = () =>
  new Promise((ok) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });

test('over HTTPS under a host name: service worker, camera, a slip saved offline and delivered', async () => {
  const port = await freePort();
  const origin = `https://danhgia.test:${port}`;
  const server = await startServer({
    port,
    demoLinks: 1,
    args: ['--demo-dossiers', '720', '--tls-self-signed', '--tls-names', 'danhgia.test', '--public-url', origin],
    pidFile: join(import.meta.dirname, '.https.pid'),
  });
  let browser;
  try {
    expect(server.baseUrl).toBe(`https://127.0.0.1:${port}`);
    expect(server.log.join('')).toMatch(/trial CA SHA-256 fingerprint: ([0-9A-F]{2}:){31}[0-9A-F]{2}/);
    // The server's certificate, trusted by its public key (what installing the trial CA achieves on a phone).
    const leaf = new X509Certificate(readFileSync(join(server.dataDir, 'tls-self-signed.crt'), 'utf8'));
    expect(leaf.subjectAltName).toContain('DNS:danhgia.test');
    const spki = createHash('sha256').update(leaf.publicKey.export({ type: 'spki', format: 'der' })).digest('base64');
    const code = slips().code128;
    browser = await chromium.launch({
      executablePath,
      args: [
        ...chromiumArgs,
        '--host-resolver-rules=MAP danhgia.test 127.0.0.1',
        `--ignore-certificate-errors-spki-list=${spki}`,
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
        `--use-file-for-fake-video-capture=${join(import.meta.dirname, '.output', 'clips', 'code128.y4m')}`,
      ],
    });
    const context = await browser.newContext({ baseURL: origin, viewport: { width: 768, height: 1024 } });
    const page = await context.newPage();
    await page.goto('/');
    expect(await page.evaluate(() => [window.isSecureContext, location.protocol])).toEqual([true, 'https:']);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
    // No HSTS for a trial certificate (it would lock browsers to it for a year).
    const hsts = await page.evaluate(async () => (await fetch('/api/v1/health')).headers.get('strict-transport-security'));
    expect(hsts).toBeNull();

    await page.goto('/dang-nhap');
    await page.getByLabel('Tên đăng nhập').fill(server.officer.username);
    await page.getByLabel('Mật khẩu').fill(server.officer.password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await expect(page).toHaveURL(/\/nhap-phieu$/);
    // The camera reads the slip's barcode: its dossier opens.
    await expect(page.locator('.slip .dossier-code')).toHaveText(code, { timeout: 30_000 });

    // Offline, the officer ticks what the citizen ticked and saves.
    await context.setOffline(true);
    const questions = page.locator('.slip fieldset.question:not(.derived)');
    for (let i = 0; i < (await questions.count()); i++) await questions.nth(i).locator('label.choice').first().click();
    await page.getByRole('button', { name: 'Lưu phiếu' }).click();
    await expect(page.getByRole('status').filter({ hasText: `Đã lưu phiếu ${code}` })).toBeVisible();
    const stored = () => dbAt(server.dataDir, "SELECT count(*) AS n FROM ratings WHERE dossier_code = ? AND channel = 'paper'", code)[0].n;
    await page.waitForTimeout(500);
    expect(stored()).toBe(0);
    await context.setOffline(false);
    await expect.poll(stored, { timeout: 30_000 }).toBe(1);
  } finally {
    await browser?.close();
    await server.stop();
  }
});
