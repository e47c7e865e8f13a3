// A phone reaching the server over plain HTTP at a host name other than
// localhost is not in a secure context: no crypto.randomUUID, no service
// worker, no camera. A citizen must still be able to rate online, and
// officers are told plainly what needs HTTPS. All traffic stays on loopback:
// Chromium maps danhgia.test to 127.0.0.1.
import { test, expect, chromium } from './fixtures.mjs';
import { chromiumArgs, executablePath } from './browser.mjs';
import { answerAll, demo, ratingsOf } from './helpers.mjs';

const HOST = 'danhgia.test';

test('over plain HTTP at another host name, a citizen rates online and officers are told what needs HTTPS', async () => {
  const browser = await chromium.launch({ executablePath, args: [...chromiumArgs, `--host-resolver-rules=MAP ${HOST} 127.0.0.1`] });
  try {
    const port = new URL(process.env.BASE_URL).port;
    const origin = `http://${HOST}:${port}`;
    const page = await (await browser.newContext({ baseURL: origin, viewport: { width: 360, height: 740 } })).newPage();
    const dossier = demo(9);
    await page.goto(dossier.path);
    expect(new URL(page.url()).hostname).toBe(HOST);
    expect(await page.evaluate(() => [isSecureContext, typeof crypto.randomUUID, 'serviceWorker' in navigator])).toEqual([false, 'undefined', false]);
    await expect(page.locator('.dossier-code')).toHaveText(dossier.code);
    const chosen = await answerAll(page);
    await page.getByRole('button', { name: 'Gửi đánh giá' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Đã gửi' })).toBeVisible();
    const rows = ratingsOf(dossier.code);
    expect(rows).toHaveLength(1);
    expect(rows[0].id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(JSON.parse(rows[0].answers)).toEqual(chosen);

    // Officers: a plain message naming what needs HTTPS, and no dead camera.
    const { username, password } = JSON.parse(process.env.DEMO_OFFICER);
    await page.goto('/dang-nhap');
    await expect(page.getByRole('note').first()).toContainText('máy ảnh (quét phiếu), dùng khi không có mạng và cài đặt ứng dụng');
    await page.getByLabel('Tên đăng nhập').fill(username);
    await page.getByLabel('Mật khẩu').fill(password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await expect(page).toHaveURL(/\/nhap-phieu$/);
    await expect(page.getByRole('note').filter({ hasText: 'Quét phiếu bằng máy ảnh cần HTTPS' })).toBeVisible();
    await expect(page.locator('.scanner')).toHaveCount(0);
    await expect(page.getByLabel('Hoặc nhập mã hồ sơ trên phiếu')).toBeVisible();
    await page.getByRole('button', { name: 'English' }).click();
    await expect(page.getByRole('note').first()).toContainText('the camera (scanning slips), offline use and installing the app do not work');
  } finally {
    await browser.close();
  }
});
