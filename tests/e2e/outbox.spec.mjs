// The outbox has one writer: an officer's edit to a slip whose request is
// on its way is refused and said, never silently overwritten; afterwards the
// server's record and the outbox agree.
import { test, expect } from './fixtures.mjs';
import { join } from 'node:path';
import { dbAt } from './helpers.mjs';
import { login, storedRecords, unratedDossiers } from './records.mjs';
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
