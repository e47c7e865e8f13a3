// Officers transcribe paper slips offline; the slips reach the server once
// each, attributed to the officer, when the connection returns.
import { test, expect } from './fixtures.mjs';
import { db } from './helpers.mjs';
import { officer, signIn, slips } from './officer.mjs';
import { storedRecords } from './records.mjs';

test.use({ viewport: { width: 768, height: 1024 } });

async function transcribe(page, code, pick) {
  await page.getByLabel('Hoặc nhập mã hồ sơ trên phiếu').fill(code);
  await page.getByRole('button', { name: 'Mở phiếu' }).click();
  await expect(page.locator('.slip .dossier-code')).toHaveText(code);
  const questions = page.locator('.slip fieldset.question:not(.derived)');
  const n = await questions.count();
  for (let i = 0; i < n; i++) {
    const choices = questions.nth(i).locator('label.choice');
    await choices.nth(Math.min(pick(i), (await choices.count()) - 1)).click();
  }
  await page.getByRole('button', { name: 'Lưu phiếu' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Đã lưu phiếu ${code}` })).toBeVisible();
}

async function downloadDossiers(page) {
  await page.getByRole('button', { name: 'Tải hồ sơ của cơ quan về máy' }).click();
  await expect(page.locator('.download [role=status]')).toContainText(/Đã tải \d+ hồ sơ về máy lúc/);
}

/** The demo officer downloads the agency's dossiers, enters `code` offline and signs out; the connection comes back. */
async function slipLeftOffline(page, context, code) {
  await signIn(page);
  await downloadDossiers(page);
  await context.setOffline(true);
  await transcribe(page, code, () => 0);
  await page.getByRole('button', { name: 'Đăng xuất' }).click();
  await context.setOffline(false);
}

test('three slips transcribed offline reach the server once each, attributed to the officer', async ({ page, context }) => {
  const [a, b, c] = slips().typed;
  await signIn(page);
  await downloadDossiers(page);

  await context.setOffline(true);
  await transcribe(page, a, () => 0);
  // "Left blank" is an answer on paper: the last choice of each question.
  await transcribe(page, b, () => 9);
  await transcribe(page, c, (i) => i % 2);
  await expect(page.getByRole('heading', { name: 'Phiếu đã nhập trong phiên này: 3' })).toBeVisible();
  await expect(page.locator('.batch-list li[data-state=pending]')).toHaveCount(3);
  expect(db("SELECT count(*) AS n FROM ratings WHERE channel = 'paper' AND dossier_code IN (?, ?, ?)", a, b, c)[0].n).toBe(0);

  await context.setOffline(false);
  await expect(page.locator('.batch-list li[data-state=sent]')).toHaveCount(3);
  const rows = db(
    `SELECT r.dossier_code, r.answers, o.username FROM ratings r JOIN accounts o ON o.id = r.officer_id
     WHERE r.channel = 'paper' AND r.dossier_code IN (?, ?, ?) ORDER BY r.dossier_code`,
    a,
    b,
    c,
  );
  expect(rows.map((r) => r.dossier_code)).toEqual([a, b, c].sort());
  expect(rows.every((r) => r.username === officer().username)).toBe(true);
  const blank = rows.find((r) => r.dossier_code === b);
  expect(Object.values(JSON.parse(blank.answers)).every((v) => v === 'blank')).toBe(true);
});

test('an unsent slip can be edited or removed; signing out keeps it', async ({ page, context }) => {
  const code = slips().typed[0];
  await signIn(page);
  // A dossier already rated above: the officer is told before saving.
  await page.getByLabel('Hoặc nhập mã hồ sơ trên phiếu').fill(code);
  await page.getByRole('button', { name: 'Mở phiếu' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Hồ sơ này đã có đánh giá' })).toBeVisible();
  await page.getByRole('button', { name: 'Bỏ qua phiếu này' }).click();

  const other = slips().editable;
  await downloadDossiers(page);
  await context.setOffline(true);
  await transcribe(page, other[0], () => 0);
  await transcribe(page, other[1], () => 0);
  page.once('dialog', (d) => d.accept());
  await page.locator('.batch-list li', { hasText: other[1] }).getByRole('button', { name: 'Xóa' }).click();
  await expect(page.locator('.batch-list li')).toHaveCount(1);
  await page.locator('.batch-list li', { hasText: other[0] }).getByRole('button', { name: 'Sửa' }).click();
  await expect(page.locator('.slip .dossier-code')).toHaveText(other[0]);
  const first = page.locator('.slip fieldset.question:not(.derived)').first();
  const key = await first.getAttribute('data-key');
  const value = await first.locator('input[type=radio]').nth(2).getAttribute('value');
  await first.locator('label.choice').nth(2).click();
  await page.getByRole('button', { name: 'Lưu phiếu' }).click();
  await expect(page.locator('.batch-list li')).toHaveCount(1);

  // Signing out removes the credentials, never the queued slip.
  await page.getByRole('button', { name: 'Đăng xuất' }).click();
  await context.setOffline(false);
  await page.waitForTimeout(500);
  expect(db('SELECT count(*) AS n FROM ratings WHERE dossier_code = ?', other[0])[0].n).toBe(0);
  await signIn(page);
  await page.reload();
  await expect.poll(() => db('SELECT answers FROM ratings WHERE dossier_code = ?', other[0]).length).toBe(1);
  // The edited answers are the ones stored.
  const [stored] = db('SELECT answers FROM ratings WHERE dossier_code = ?', other[0]);
  expect(JSON.parse(stored.answers)[key]).toBe(value);
  expect(db('SELECT count(*) AS n FROM ratings WHERE dossier_code = ?', other[1])[0].n).toBe(0);
});

test('a slip transcribed again after one was set aside is not kept, and the officer is told', async ({ page }) => {
  const code = slips().thrice;
  await signIn(page);
  // The first slip counts; the second waits for the office; the third is not kept.
  await transcribe(page, code, () => 0);
  await expect(page.locator('.batch-list li[data-state=sent]')).toHaveCount(1);
  await transcribe(page, code, () => 1);
  await expect(page.locator('.batch-list li[data-state=conflict]')).toHaveCount(1);
  await transcribe(page, code, () => 0);
  const notKept = 'Đã gửi, không lưu: hồ sơ đã được đánh giá';
  await expect(page.locator('.batch-list li[data-state=sent]').filter({ hasText: notKept })).toHaveCount(1);
  await expect(page.locator('.batch-list li[data-state=sent]')).toHaveCount(2);
  expect(db('SELECT count(*) AS n FROM ratings WHERE dossier_code = ?', code)[0].n).toBe(1);
  expect(db('SELECT count(*) AS n FROM rating_conflicts WHERE dossier_code = ?', code)[0].n).toBe(1);
  // The outbox says it too, with the reason.
  await page.goto('/hop-thu');
  const entry = page.locator('.outbox-entry[data-state=sent]').filter({ hasText: code }).filter({ hasText: 'Đã gửi, không lưu' });
  await expect(entry).toHaveCount(1);
  await expect(entry.locator('.reason')).toHaveText('Lý do: hồ sơ đã được đánh giá');
});

/** Another demo account (they share the demo password). */
const demoAccount = (username, agency) => ({ username, password: 'danhgia-demo', agency });

test('on a shared tablet a slip waits for the officer who entered it, and the next account sees none of the last one’s dossiers or report', async ({ page, context }) => {
  const code = slips().shared;
  const me = officer().username;
  await slipLeftOffline(page, context, code);

  // The district's officer signs in on the same tablet: the slip is not sent
  // with their session (it was stored credited to them), nor theirs to
  // change; the dossiers downloaded, and the list of slips entered, are gone.
  await signIn(page, demoAccount('canbo.h45', 'UBND huyện Triệu Phong'));
  expect(await storedRecords(page, 'dossiers')).toEqual([]);
  await expect(page.locator('.download [role=status]')).toHaveText(/^Chưa tải hồ sơ về máy/);
  await expect(page.getByRole('heading', { name: 'Phiếu đã nhập trong phiên này: 0' })).toBeVisible();
  await page.goto('/hop-thu');
  await page.getByRole('button', { name: 'Gửi ngay' }).click();
  const entry = page.locator('.outbox-entry').filter({ hasText: code });
  await expect(entry).toContainText(`Chờ ${me} đăng nhập để gửi`);
  await expect(entry).toHaveAttribute('data-state', 'pending');
  const [queued] = (await storedRecords(page, 'outbox')).filter((e) => e.dossier_code === code);
  await page.goto(`/nhap-phieu?sua=${queued.id}`);
  await page.locator('.slip fieldset.question:not(.derived)').first().locator('label.choice').nth(1).click();
  await page.getByRole('button', { name: 'Lưu phiếu' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Phiếu này do một tài khoản khác nhập trên máy này' })).toBeVisible();
  expect(db('SELECT count(*) AS n FROM ratings WHERE dossier_code = ?', code)[0].n).toBe(0);
  await page.getByRole('button', { name: 'Đăng xuất' }).click();

  // The district office looks at a report, then signs out.
  await signIn(page, demoAccount('vanphong', 'UBND huyện Triệu Phong'));
  await page.goto('/bao-cao');
  await page.getByRole('button', { name: 'Xem báo cáo' }).click();
  await expect(page.locator('table.report.agencies tbody tr').first()).toBeVisible();
  await page.getByRole('button', { name: 'Đăng xuất' }).click();
  expect(await page.evaluate(() => localStorage.getItem('danhgia.report'))).toBeNull();
  await signIn(page, demoAccount('canbo.h45.05', 'UBND xã Triệu Giang'));
  await page.goto('/bao-cao');
  await expect(page.getByRole('button', { name: 'Xem báo cáo' })).toBeVisible();
  await expect(page.locator('table.report')).toHaveCount(0);
  await page.getByRole('button', { name: 'Đăng xuất' }).click();

  // Its officer signs in again: the slip goes as entered, credited to them.
  await signIn(page);
  await expect
    .poll(() => db('SELECT o.username FROM ratings r JOIN accounts o ON o.id = r.officer_id WHERE r.dossier_code = ?', code))
    .toEqual([{ username: me }]);
  await page.goto('/hop-thu');
  await expect(page.locator('.outbox-entry[data-state=sent]').filter({ hasText: code })).toBeVisible();
});

test('after a session ended on the server, the same officer signing in keeps the dossiers on the tablet; another account does not see them', async ({ page }) => {
  // What the server does when a session expires or an administrator ends
  // it: the tablet still holds the session and is told only by a refusal.
  const endSessionOnServer = async () => {
    const { token } = await page.evaluate(() => JSON.parse(localStorage.getItem('danhgia.session')));
    const ended = await page.request.post('/api/v1/auth/logout', { headers: { authorization: `Bearer ${token}` } });
    expect(ended.status()).toBe(204);
    await page.goto('/nhap-phieu');
    await expect(page.getByRole('alert').filter({ hasText: 'Phiên đăng nhập đã hết hạn' })).toBeVisible();
  };
  await signIn(page);
  await downloadDossiers(page);
  const downloaded = (await storedRecords(page, 'dossiers')).length;
  expect(downloaded).toBeGreaterThan(0);

  // Expired while out in a commune: nothing is cleared, and the same officer signing in again finds it all.
  await endSessionOnServer();
  expect(await storedRecords(page, 'dossiers')).toHaveLength(downloaded);
  // Downloading again says the session is over, not that the server cannot be reached.
  await page.getByRole('button', { name: 'Tải hồ sơ của cơ quan về máy' }).click();
  await expect(page.locator('.download [role=status]')).toHaveText('Phiên đăng nhập đã hết. Vui lòng đăng nhập lại.');
  expect(await storedRecords(page, 'dossiers')).toHaveLength(downloaded);
  await signIn(page);
  expect(await storedRecords(page, 'dossiers')).toHaveLength(downloaded);
  await expect(page.locator('.download [role=status]')).toContainText(/Đã tải \d+ hồ sơ về máy lúc/);

  // Expired again, and another commune's officer picks the tablet up.
  await endSessionOnServer();
  await signIn(page, demoAccount('canbo.h45.05', 'UBND xã Triệu Giang'));
  expect(await storedRecords(page, 'dossiers')).toEqual([]);
  await expect(page.locator('.download [role=status]')).toHaveText(/^Chưa tải hồ sơ về máy/);
});

test('a slip whose officer does not come back is sent by another officer who confirms it, recorded as theirs; not by one outside the dossier’s agency', async ({ page, context }) => {
  const code = slips().handed;
  const me = officer().username;
  await slipLeftOffline(page, context, code);
  const queued = async () => (await storedRecords(page, 'outbox')).find((e) => e.dossier_code === code);
  const before = await queued();
  const entry = page.locator('.outbox-entry').filter({ hasText: code });
  const takeOver = async (answer) => {
    const asked = [];
    page.once('dialog', (d) => (asked.push(d.message()), answer === 'yes' ? d.accept() : d.dismiss()));
    await entry.getByRole('button', { name: 'Gửi bằng tài khoản của tôi' }).click();
    await expect.poll(() => asked.length).toBe(1);
    return asked[0];
  };

  // Another commune's officer: asked, says yes, and is refused: the dossier is not their agency's.
  await signIn(page, demoAccount('canbo.h45.05', 'UBND xã Triệu Giang'));
  await page.goto('/hop-thu');
  await expect(entry).toContainText(`Chờ ${me} đăng nhập để gửi`);
  await takeOver('yes');
  await expect(page.getByRole('alert').filter({ hasText: `Hồ sơ ${code} không thuộc cơ quan của tài khoản bạn` })).toBeVisible();
  await expect(entry).toContainText(`Chờ ${me} đăng nhập để gửi`);
  expect(await queued()).toMatchObject({ owner: me, version: before.version, state: 'pending' });
  await page.getByRole('button', { name: 'Đăng xuất' }).click();

  // The district's officer: the question names whose it was and as whose it will count; no changes nothing.
  await signIn(page, demoAccount('canbo.h45', 'UBND huyện Triệu Phong'));
  await page.goto('/hop-thu');
  const question = await takeOver('no');
  expect(question).toContain(`nhập trên máy này bằng tài khoản ${me}`);
  expect(question).toContain('Gửi bằng tài khoản canbo.h45?');
  expect(await queued()).toMatchObject({ owner: me, version: before.version });
  await expect(entry).toContainText(`Chờ ${me} đăng nhập để gửi`);
  expect(db('SELECT count(*) AS n FROM ratings WHERE dossier_code = ?', code)[0].n).toBe(0);

  await takeOver('yes');
  await expect(page.locator('.outbox-entry[data-state=sent]').filter({ hasText: code })).toBeVisible();
  expect(db('SELECT o.username FROM ratings r JOIN accounts o ON o.id = r.officer_id WHERE r.dossier_code = ?', code)).toEqual([
    { username: 'canbo.h45' },
  ]);
  expect((await queued()).owner).toBe('canbo.h45');
});
