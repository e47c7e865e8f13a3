// The app shell: languages, client-side routes that survive a reload, the API.
import { test, expect } from './fixtures.mjs';
import { demo } from './helpers.mjs';

test('the home screen is in Vietnamese by default, even in an English browser', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Đánh giá việc giải quyết hồ sơ');
  await expect(page.getByRole('link', { name: /Đánh giá hồ sơ/ })).toBeVisible();
  await expect(page.getByRole('link', { name: /Nhập phiếu đánh giá/ })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'vi');
  // Fits a 360 px phone: nothing scrolls sideways.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});

test('switching to English translates the screen and is remembered', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Rate how your dossier was handled');
  await expect(page.getByRole('link', { name: /Enter paper slips/ })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('button', { name: 'English' })).toHaveAttribute('aria-pressed', 'true');
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Rate how your dossier was handled');
  await page.getByRole('button', { name: 'Tiếng Việt' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Đánh giá việc giải quyết hồ sơ');
});

test('a deep client-side route renders after a reload', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('link', { name: /Đánh giá hồ sơ/ }).click();
  await expect(page).toHaveURL(/\/danh-gia$/);
  const field = page.getByLabel('Mã hồ sơ (hoặc đường dẫn)');
  // Untrusted input gets a clear message, not navigation.
  await field.fill('javascript:alert(1)');
  await page.getByRole('button', { name: 'Tiếp tục' }).click();
  await expect(page.getByRole('alert')).toHaveText('Đây không phải đường dẫn đánh giá hồ sơ.');
  await field.fill('https://example.com/r/A1?t=abcdefgh');
  await page.getByRole('button', { name: 'Tiếp tục' }).click();
  await expect(page.getByRole('alert')).toHaveText('Đường dẫn này thuộc trang khác, không phải đường dẫn đánh giá hồ sơ.');
  await expect(page).toHaveURL(/\/danh-gia$/);
  // A pasted link of ours opens its dossier, which survives a reload.
  const dossier = demo(11);
  await field.fill(new URL(dossier.path, page.url()).href);
  await page.getByRole('button', { name: 'Tiếp tục' }).click();
  await expect(page).toHaveURL(new RegExp(`\\?t=${dossier.token}$`));
  await expect(page.locator('.dossier-code')).toHaveText(dossier.code);
  await page.reload();
  await expect(page.locator('.dossier-code')).toHaveText(dossier.code);
  await page.goto('/danh-gia');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Đánh giá hồ sơ');
  await page.goto('/khong-co-trang-nay');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Không tìm thấy trang');
});

test('the API answers JSON, also for unknown paths', async ({ request }) => {
  const health = await request.get('/api/v1/health');
  expect(health.status()).toBe(200);
  const body = await health.json();
  expect(body.status).toBe('ok');
  expect(body.schema_version).toBeGreaterThanOrEqual(1);
  const missing = await request.get('/api/v1/khong-co');
  expect(missing.status()).toBe(404);
  expect((await missing.json()).code).toBe('not_found');
});

test("a citizen's link fetches the citizens' app only; an officer's screen fetches the officers' app", async ({ page }) => {
  const fetched = [];
  page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
  const dossier = demo(10);
  await page.goto(dossier.path);
  await expect(page.locator('form.questions')).toBeVisible();
  const apps = (prefix) => fetched.filter((p) => p.startsWith(prefix));
  expect(apps('/citizen-').length).toBe(2);
  // No staff code: not the officers' app, not the scanner's decoder.
  expect(fetched.filter((p) => /^\/(staff-|office-|scan-worker)/.test(p))).toEqual([]);
  fetched.length = 0;
  await page.goto('/dang-nhap');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Đăng nhập cán bộ');
  // Its script, its wasm and its style sheet.
  expect(apps('/staff-').map((p) => p.split('.').pop()).sort()).toEqual(['css', 'js', 'wasm']);
  expect(apps('/citizen-')).toEqual([]);
});

test("the counter's screens fetch the counter's app only; the district office's screens come with their own", async ({ page }) => {
  const fetched = [];
  page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
  const apps = (prefix) => fetched.filter((p) => p.startsWith(prefix)).map((p) => p.split('.').pop()).sort();
  await page.goto('/dang-nhap');
  await page.getByLabel('Tên đăng nhập').fill('vanphong');
  await page.getByLabel('Mật khẩu').fill('danhgia-demo');
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await expect(page).toHaveURL(/\/nhap-phieu$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Nhập phiếu đánh giá');
  expect(apps('/staff-')).toEqual(['css', 'js', 'wasm']);
  expect(apps('/office-')).toEqual([]);
  // The menu's link to the reports: the district office's app opens there.
  fetched.length = 0;
  await page.getByRole('link', { name: 'Báo cáo', exact: true }).click();
  await expect(page).toHaveURL(/\/bao-cao$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Báo cáo kết quả đánh giá');
  expect(apps('/office-')).toEqual(['js', 'wasm']);
  expect(apps('/staff-').filter((ext) => ext !== 'css')).toEqual([]);
  // Back to the scanner's screen, and from there to the transcription menu link again.
  await page.goBack();
  await expect(page).toHaveURL(/\/nhap-phieu$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Nhập phiếu đánh giá');
  await page.goForward();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Báo cáo kết quả đánh giá');
  await page.getByRole('link', { name: 'Nhập phiếu', exact: true }).click();
  await expect(page).toHaveURL(/\/nhap-phieu$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Nhập phiếu đánh giá');
  // A link with a query and a fragment keeps both on its way to the other app.
  await page.evaluate(() => {
    const a = Object.assign(document.createElement('a'), { href: '/bao-cao?nam=2026#ky', textContent: 'Báo cáo năm 2026' });
    document.querySelector('main, body').appendChild(a);
  });
  await page.getByRole('link', { name: 'Báo cáo năm 2026' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Báo cáo kết quả đánh giá');
  expect(new URL(page.url()).pathname + new URL(page.url()).search + new URL(page.url()).hash).toBe('/bao-cao?nam=2026#ky');
  // Unknown addresses, under an office prefix or not, are not found in either app (no reloading back and forth).
  for (const path of ['/quan-tri/khong-co', '/khong-co-trang-nay-nua']) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Không tìm thấy trang');
    await expect(page).toHaveURL(new RegExp(`${path}$`));
  }
});
