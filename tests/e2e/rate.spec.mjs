// Citizens rate a dossier from the QR link on their slip, online or offline;
// the rating reaches the server exactly once.
import { test, expect } from './fixtures.mjs';
import { answerAll, db, demo, ratingsOf } from './helpers.mjs';

test('online: a rating made from the slip link is stored exactly as given', async ({ page }) => {
  const dossier = demo(0);
  await page.goto(dossier.path);
  await expect(page.locator('.dossier-code')).toHaveText(dossier.code);
  await expect(page.locator('.procedure')).not.toBeEmpty();
  // Returned dossiers show indicator 1 as derived from the dates, not asked.
  await expect(page.locator('fieldset.derived[data-key="i1"]')).toContainText('Tự động theo ngày trả kết quả');
  const chosen = await answerAll(page, 1);
  await page.getByLabel('Ý kiến khác (không bắt buộc)').fill('Cán bộ hướng dẫn tận tình');
  await page.getByRole('button', { name: 'Gửi đánh giá' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Đã gửi' })).toBeVisible();
  const rows = ratingsOf(dossier.code);
  expect(rows).toHaveLength(1);
  expect(rows[0].channel).toBe('online');
  expect(JSON.parse(rows[0].answers)).toEqual(chosen);
  expect(rows[0].comment).toBe('Cán bộ hướng dẫn tận tình');
  // A second visit shows the rating given, not a blank form.
  await page.reload();
  await expect(page.locator('.receipt')).toContainText('Đã gửi');
  await expect(page.locator('form.questions')).toHaveCount(0);
});

test('an unanswered question is pointed out, nothing is sent', async ({ page }) => {
  const dossier = demo(1);
  await page.goto(dossier.path);
  await page.getByRole('button', { name: 'Gửi đánh giá' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Vui lòng trả lời tất cả các câu hỏi' })).toBeVisible();
  await expect(page.locator('fieldset.question.missing').first()).toBeVisible();
  expect(ratingsOf(dossier.code)).toHaveLength(0);
});

test('offline: the rating is saved, then delivered once when the connection returns', async ({ page, context }) => {
  const dossier = demo(2);
  await page.goto(dossier.path);
  await expect(page.locator('.dossier-code')).toHaveText(dossier.code);
  await context.setOffline(true);
  await answerAll(page);
  await page.getByRole('button', { name: 'Gửi đánh giá' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Đã lưu — sẽ tự gửi khi có mạng' })).toBeVisible();
  expect(ratingsOf(dossier.code)).toHaveLength(0);
  await context.setOffline(false);
  await expect(page.getByRole('status').filter({ hasText: 'Đã gửi' })).toBeVisible();
  expect(ratingsOf(dossier.code)).toHaveLength(1);
});

test('offline from the start of a visit, a link seen before still opens the form', async ({ page, context }) => {
  const dossier = demo(3);
  await page.goto(dossier.path);
  await expect(page.locator('.dossier-code')).toHaveText(dossier.code);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.close();
  await context.setOffline(true);
  const again = await context.newPage();
  await again.goto(dossier.path);
  await expect(again.locator('.dossier-code')).toHaveText(dossier.code);
  await expect(again.getByRole('status').filter({ hasText: 'Đang ngoại tuyến' })).toBeVisible();
  await answerAll(again);
  await again.getByRole('button', { name: 'Gửi đánh giá' }).click();
  await expect(again.getByRole('status').filter({ hasText: 'sẽ tự gửi khi có mạng' })).toBeVisible();
  await context.setOffline(false);
  await expect(again.getByRole('status').filter({ hasText: 'Đã gửi' })).toBeVisible();
  expect(ratingsOf(dossier.code)).toHaveLength(1);
});

test('a replayed record is a duplicate; a second rating of the dossier is a polite conflict', async ({ browser, request }) => {
  const dossier = demo(4);
  const first = await browser.newContext();
  const second = await browser.newContext();
  const a = await first.newPage();
  const b = await second.newPage();
  await b.goto(dossier.path);
  await expect(b.locator('.dossier-code')).toHaveText(dossier.code);
  await second.setOffline(true);

  await a.goto(dossier.path);
  await answerAll(a);
  const sent = a.waitForRequest((r) => r.url().endsWith('/api/v1/ratings') && r.method() === 'POST');
  await a.getByRole('button', { name: 'Gửi đánh giá' }).click();
  const body = (await sent).postDataJSON();
  await expect(a.getByRole('status').filter({ hasText: 'Đã gửi' })).toBeVisible();

  // The very same record again (a retry after a lost answer): counted once.
  const replay = await request.post('/api/v1/ratings', { data: body });
  expect((await replay.json()).results[0].status).toBe('duplicate');
  expect(ratingsOf(dossier.code)).toHaveLength(1);

  // Someone else rated the same slip offline; it arrives later.
  await answerAll(b, 2);
  await b.getByRole('button', { name: 'Gửi đánh giá' }).click();
  await expect(b.getByRole('status').filter({ hasText: 'sẽ tự gửi khi có mạng' })).toBeVisible();
  await second.setOffline(false);
  await expect(b.getByRole('status').filter({ hasText: 'Hồ sơ đã có đánh giá trước đó' })).toBeVisible();
  await expect(b.locator('.receipt')).toContainText('để cán bộ xem xét');
  expect(ratingsOf(dossier.code)).toHaveLength(1);
  expect(db('SELECT count(*) AS n FROM rating_conflicts WHERE dossier_code = ?', dossier.code)[0].n).toBe(1);
  await first.close();
  await second.close();
});

test('guessing check codes is stopped, and the citizen is told so rather than "not right"', async ({ page }) => {
  const dossier = demo(12);
  await page.goto('/danh-gia');
  await page.getByLabel('Mã hồ sơ (hoặc đường dẫn)').fill(dossier.code);
  const answers = [];
  page.on('response', (r) => r.url().includes('/api/v1/dossiers/') && answers.push(r.status()));
  // At most 10 wrong codes judged per dossier an hour (server/src/throttle.rs).
  for (let i = 0; answers.length < 11 && i < 11; i++) {
    const wrong = String(100000 + i);
    await page.getByLabel('Mã kiểm tra (6 chữ số trên phiếu)').fill(wrong === dossier.check ? '999999' : wrong);
    const answered = page.waitForResponse((r) => r.url().includes('/api/v1/dossiers/'));
    await page.getByRole('button', { name: 'Tiếp tục' }).click();
    await answered;
  }
  expect(answers.slice(0, 10).every((s) => s === 404)).toBe(true);
  expect(answers[10]).toBe(429);
  await expect(page.getByRole('alert')).toHaveText('Đã nhập sai mã kiểm tra quá nhiều lần. Vui lòng thử lại sau, hoặc quét mã QR trên phiếu.');
});

test('a forged token, a wrong check code or an unknown code get a clear message and store nothing', async ({ page }) => {
  const dossier = demo(5);
  const before = db('SELECT count(*) AS n FROM ratings')[0].n;
  await page.goto(`/r/${encodeURIComponent(dossier.code)}?t=AAAAAAAAAAAAAAAA`);
  await expect(page.getByRole('alert')).toContainText('Không tìm thấy hồ sơ với đường dẫn này');
  await expect(page.locator('form.questions')).toHaveCount(0);

  await page.goto('/danh-gia');
  await page.getByLabel('Mã hồ sơ (hoặc đường dẫn)').fill(dossier.code);
  const wrong = dossier.check === '111111' ? '222222' : '111111';
  await page.getByLabel('Mã kiểm tra (6 chữ số trên phiếu)').fill(wrong);
  await page.getByRole('button', { name: 'Tiếp tục' }).click();
  await expect(page.getByRole('alert')).toHaveText('Mã hồ sơ hoặc mã kiểm tra không đúng. Vui lòng kiểm tra lại trên phiếu.');

  await page.getByLabel('Mã hồ sơ (hoặc đường dẫn)').fill('H45.99-990101-0001');
  await page.getByRole('button', { name: 'Tiếp tục' }).click();
  await expect(page.getByRole('alert')).toHaveText('Mã hồ sơ hoặc mã kiểm tra không đúng. Vui lòng kiểm tra lại trên phiếu.');
  expect(db('SELECT count(*) AS n FROM ratings')[0].n).toBe(before);

  // The right check code opens the form.
  await page.getByLabel('Mã hồ sơ (hoặc đường dẫn)').fill(dossier.code.toLowerCase());
  await page.getByLabel('Mã kiểm tra (6 chữ số trên phiếu)').fill(dossier.check);
  await page.getByRole('button', { name: 'Tiếp tục' }).click();
  await expect(page).toHaveURL(new RegExp(`/r/.*\\?t=${dossier.token}$`));
  await expect(page.locator('.dossier-code')).toHaveText(dossier.code);
  await expect(page.locator('form.questions')).toBeVisible();
});
