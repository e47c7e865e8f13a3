// Records the server refuses are parked with its reason, not retried in a
// loop; a session that expires while offline costs nothing.
import { test, expect } from './fixtures.mjs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { db } from './helpers.mjs';
import { signIn, slips } from './officer.mjs';

test.use({ viewport: { width: 768, height: 1024 } });

async function openSlip(page, code) {
  await page.getByLabel('Hoặc nhập mã hồ sơ trên phiếu').fill(code);
  await page.getByRole('button', { name: 'Mở phiếu' }).click();
  await expect(page.locator('.slip .dossier-code')).toHaveText(code);
}

async function fillAndSave(page) {
  const questions = page.locator('.slip fieldset.question:not(.derived)');
  for (let i = 0; i < (await questions.count()); i++) await questions.nth(i).locator('label.choice').first().click();
  await page.getByRole('button', { name: 'Lưu phiếu' }).click();
}

test('a refused slip waits in "needs attention" with the reason, then is fixed and delivered', async ({ page, context }) => {
  // Offline and never downloaded: a 2019 slip is entered under today's rule set.
  const code = slips().old;
  await signIn(page);
  await context.setOffline(true);
  await openSlip(page, code);
  await expect(page.getByRole('status').filter({ hasText: 'chưa có trong máy' })).toBeVisible();
  await fillAndSave(page);
  let posts = 0;
  page.on('request', (r) => r.url().endsWith('/api/v1/ratings') && posts++);
  await context.setOffline(false);

  await page.getByRole('link', { name: /Hộp thư đi/ }).click();
  const entry = page.locator('.outbox-entry', { hasText: code });
  await expect(entry).toHaveAttribute('data-state', 'rejected');
  await expect(entry.locator('.reason')).toHaveText('Lý do: bộ tiêu chí không khớp với hồ sơ');
  // Not retried in a loop.
  const seen = posts;
  await page.waitForTimeout(3000);
  expect(posts).toBe(seen);
  expect(db('SELECT count(*) AS n FROM ratings WHERE dossier_code = ?', code)[0].n).toBe(0);

  // "Sửa" reopens it with the dossier's own questions; saved, it goes out.
  await entry.getByRole('link', { name: 'Sửa' }).click();
  await expect(page.locator('.slip .dossier-code')).toHaveText(code);
  await expect(page.locator('.slip fieldset[data-key=s_overall]')).toHaveCount(0);
  await fillAndSave(page);
  await expect.poll(() => db('SELECT ruleset_version FROM ratings WHERE dossier_code = ?', code)[0]?.ruleset_version).toBe('tt01-2018');
});

test('a session that expires while offline asks for a sign-in, then the queue is delivered', async ({ page, context }) => {
  const code = slips().expiring;
  await signIn(page);
  await page.getByRole('button', { name: 'Tải hồ sơ của cơ quan về máy' }).click();
  await expect(page.locator('.download [role=status]')).toContainText('Đã tải');
  await context.setOffline(true);
  await openSlip(page, code);
  await fillAndSave(page);
  // Meanwhile the session ends on the server.
  const file = join(process.env.DANHGIA_DATA_DIR, 'danhgia.sqlite3');
  execFileSync('sqlite3', [file, 'UPDATE sessions SET expires_at = 0']);
  await context.setOffline(false);
  await expect(page.getByRole('alert').filter({ hasText: 'Phiên đăng nhập đã hết hạn' })).toBeVisible();
  await expect(page.locator('.batch-list li', { hasText: code })).toHaveAttribute('data-state', 'pending');
  expect(db('SELECT count(*) AS n FROM ratings WHERE dossier_code = ?', code)[0].n).toBe(0);

  await page.getByRole('alert').getByRole('link', { name: 'Đăng nhập' }).click();
  await signInAgain(page);
  await expect.poll(() => db('SELECT count(*) AS n FROM ratings WHERE dossier_code = ?', code)[0].n).toBe(1);
  await expect(page.getByRole('alert').filter({ hasText: 'Phiên đăng nhập đã hết hạn' })).toHaveCount(0);
});

async function signInAgain(page) {
  const { username, password } = JSON.parse(process.env.DEMO_OFFICER);
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu').fill(password);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await expect(page).toHaveURL(/\/nhap-phieu$/);
}
