// The outbox has one writer: an officer's edit to a slip whose request is
// on its way is refused and said, never silently overwritten; afterwards the
// server's record and the outbox agree.
import { test, expect } from './fixtures.mjs';
import { join } from 'node:path';
import { dbAt } from './helpers.mjs';
import { answers, login, pendingEntry, queueInOutbox, rulesets, storedRecords, unratedDossiers } from './records.mjs';
import { startServer } from './server.mjs';

test.use({ viewport: { width: 768, height: 1024 } });

/** The outbox record of a dossier, as the app stored it in IndexedDB. */
async function storedEntry(page, code) {
  return (await storedRecords(page, 'outbox')).find((e) => e.dossier_code === code);
}

test('an edit while the slip is being sent is refused and said; the server and the outbox agree', async ({ browser }) => {
  test.setTimeout(90_000);
  // A server that holds every ratings request for a while before answering.
  const server = await startServer({ demoLinks: 0, pidFile: join(import.meta.dirname, '.outbox.pid'), args: ['--fault-latency-ms', '8000'] });
  try {
    const token = await login(server.baseUrl, server.officer);
    const [dossier] = (await unratedDossiers(server.baseUrl, token, 50)).filter((d) => d.returned_on);
    const context = await browser.newContext({ baseURL: server.baseUrl });
    const page = await context.newPage();
    await page.goto('/dang-nhap');
    await page.getByLabel('Tên đăng nhập').fill(server.officer.username);
    await page.getByLabel('Mật khẩu').fill(server.officer.password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await expect(page).toHaveURL(/\/nhap-phieu$/);

    // The slip, with the first choice everywhere, saved: its request leaves.
    await page.getByLabel('Hoặc nhập mã hồ sơ trên phiếu').fill(dossier.code);
    await page.getByRole('button', { name: 'Mở phiếu' }).click();
    await expect(page.locator('.slip .dossier-code')).toHaveText(dossier.code);
    const first = page.locator('.slip fieldset.question:not(.derived)').first();
    const key = await first.getAttribute('data-key');
    const original = await first.locator('input[type=radio]').nth(0).getAttribute('value');
    const questions = page.locator('.slip fieldset.question:not(.derived)');
    for (let i = 0; i < (await questions.count()); i++) await questions.nth(i).locator('label.choice').first().click();
    const sent = page.waitForRequest((r) => r.url().endsWith('/api/v1/ratings') && r.method() === 'POST');
    await page.getByRole('button', { name: 'Lưu phiếu' }).click();
    await sent;

    // While the server holds that request, the officer edits the slip.
    const row = page.locator('.batch-list li', { hasText: dossier.code });
    await row.getByRole('button', { name: 'Sửa' }).click();
    await expect(page.locator('.slip .dossier-code')).toHaveText(dossier.code);
    const edited = await first.locator('input[type=radio]').nth(1).getAttribute('value');
    expect(edited).not.toBe(original);
    await first.locator('label.choice').nth(1).click();
    await page.getByRole('button', { name: 'Lưu phiếu' }).click();
    // Told, in plain words; the form stays open with the change.
    await expect(page.getByRole('alert').filter({ hasText: 'đang được gửi tới máy chủ nên chưa sửa được' })).toBeVisible();
    await expect(page.locator('.slip .dossier-code')).toHaveText(dossier.code);

    // The request completes: the slip is sent, with its answers from before.
    await expect(row).toHaveAttribute('data-state', 'sent', { timeout: 30_000 });
    const [stored] = dbAt(server.dataDir, 'SELECT id, answers FROM ratings WHERE dossier_code = ?', dossier.code);
    const entry = await storedEntry(page, dossier.code);
    expect(entry.state).toBe('sent');
    expect(entry.id).toBe(stored.id);
    expect(JSON.parse(stored.answers)).toEqual(entry.record.answers);
    expect(entry.record.answers[key]).toBe(original);

    // Saving the edit now is refused too: the slip is on the server.
    await page.getByRole('button', { name: 'Lưu phiếu' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'đã được gửi tới máy chủ nên không sửa' })).toBeVisible();
    expect(JSON.parse(dbAt(server.dataDir, 'SELECT answers FROM ratings WHERE dossier_code = ?', dossier.code)[0].answers)[key]).toBe(original);
    expect((await storedEntry(page, dossier.code)).record.answers[key]).toBe(original);
    await context.close();
  } finally {
    await server.stop();
  }
});

test('a delivery that stops gives back the batch it claimed while its request was out: those records wait as they were', async ({ browser }) => {
  test.setTimeout(90_000);
  // Every ratings request fails (500, nothing stored), after a while: the
  // second batch is claimed meanwhile, then the delivery stops.
  const server = await startServer({ demoLinks: 0, pidFile: join(import.meta.dirname, '.outbox.pid'), args: ['--demo-dossiers', '700', '--fault-fail', '1', '--fault-latency-ms', '1500'] });
  try {
    // The district's officer: the demo's dossiers of every agency.
    const token = await login(server.baseUrl, { username: 'canbo.h45', password: 'danhgia-demo' });
    const sets = await rulesets(server.baseUrl);
    const now = Date.now();
    const entries = (await unratedDossiers(server.baseUrl, token, 250)).map((d, n) => {
      const id = `c1a10000-0000-4000-8000-${n.toString().padStart(12, '0')}`;
      const record = { id, dossier_code: d.code, citizen_token: d.token, channel: 'online', ruleset_version: d.ruleset_version, answers: answers(sets[d.ruleset_version], d), client_time: new Date(now).toISOString() };
      return pendingEntry(record, now + n);
    });
    expect(entries).toHaveLength(250);
    const context = await browser.newContext({ baseURL: server.baseUrl });
    const page = await context.newPage();
    await page.goto('/hop-thu');
    const sendNow = page.getByRole('button', { name: 'Gửi ngay' });
    await expect(sendNow).toBeVisible();
    await queueInOutbox(page, entries);
    const failed = page.waitForResponse((r) => r.url().endsWith('/api/v1/ratings') && r.status() === 500);
    await sendNow.click();
    await failed;

    // The first 100 were tried; the 150 after them never left the device:
    // no try counted, no claim left on them (an edit to them is not refused).
    const first = new Set(entries.slice(0, 100).map((e) => e.id));
    await expect
      .poll(async () => {
        const stored = await storedRecords(page, 'outbox');
        return {
          pending: stored.filter((e) => e.state === 'pending').length,
          claimed: stored.filter((e) => e.sending_since != null).length,
          firstTried: stored.filter((e) => first.has(e.id) && e.attempts >= 1).length,
          othersTried: stored.filter((e) => !first.has(e.id) && e.attempts !== 0).length,
        };
      }, { timeout: 30_000 })
      .toEqual({ pending: 250, claimed: 0, firstTried: 100, othersTried: 0 });
    expect(dbAt(server.dataDir, "SELECT count(*) AS n FROM ratings WHERE id LIKE 'c1a10000%'")[0].n).toBe(0);
    await context.close();
  } finally {
    await server.stop();
  }
});
