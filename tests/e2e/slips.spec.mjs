// Desks: dossiers imported from the one-stop software's CSV, and printed
// slips whose QR code and barcode our own scanner reads back from a photo.
import { test, expect, chromium } from './fixtures.mjs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withCamera } from './browser.mjs';
import { makeClips } from './clips.mjs';
import { db } from './helpers.mjs';
import { signIn, slips } from './officer.mjs';

const out = join(import.meta.dirname, '.output');

// Printing, photographing and scanning take a few browser launches.
test.setTimeout(120_000);

async function signInAs(page, username) {
  await page.goto('/dang-nhap');
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu').fill('danhgia-demo');
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await expect(page).toHaveURL(/\/nhap-phieu$/);
}

test('office staff import a CSV: good rows saved, each bad row explained, a second run changes nothing', async ({ page }) => {
  mkdirSync(out, { recursive: true });
  const file = join(out, 'ho-so.csv');
  writeFileSync(
    file,
    '\ufeffma_ho_so,thu_tuc,co_quan,can_bo,nguoi_nop,ngay_tiep_nhan,ngay_hen_tra,ngay_tra\n' +
      'H45.03-261102-0801,Đăng ký khai sinh,H45.03,Lê Thị Hoa,Nguyễn Văn An,02/11/2026,03/11/2026,03/11/2026\n' +
      'H45.03-261102-0802,Đăng ký kết hôn,H45.03,,,31/11/2026,03/12/2026,\n' +
      'H45.03-261102-0801,Đăng ký khai tử,H45.03,,,02/11/2026,03/11/2026,\n' +
      'H45.03-261102-0803,"<img src=x onerror=alert(1)> Chứng thực",H45.03,,,02/11/2026,03/11/2026,03/11/2026\n',
  );
  await signInAs(page, 'vanphong');
  await page.getByRole('link', { name: 'Nhập hồ sơ' }).click();
  await page.getByLabel('Tệp CSV').setInputFiles(file);
  await page.getByRole('button', { name: 'Nhập', exact: true }).click();
  await expect(page.locator('.import-result')).toHaveText('Đã thêm 2, cập nhật 0, không đổi 0 hồ sơ.');
  const rows = page.locator('.import-errors tbody tr');
  await expect(rows).toHaveCount(2);
  // In the user's words: the reason, the column and the cell as the file has it.
  await expect(rows.nth(0)).toHaveText('3ngày không hợp lệ — ngay_tiep_nhan: “31/11/2026”');
  await expect(rows.nth(1)).toHaveText('4mã hồ sơ lặp lại trong tệp — ma_ho_so: “H45.03-261102-0801”');
  expect(db("SELECT count(*) AS n FROM dossiers WHERE code LIKE 'H45.03-261102-08%'")[0].n).toBe(2);

  await page.getByRole('button', { name: 'Nhập', exact: true }).click();
  await expect(page.locator('.import-result')).toHaveText('Đã thêm 0, cập nhật 0, không đổi 2 hồ sơ.');

  // Markup in a procedure name is shown as text, never run.
  let alerted = false;
  page.on('dialog', (d) => {
    alerted = true;
    d.dismiss();
  });
  // A dossier code that is not the office's: said so, not "needs a connection".
  await page.goto('/slip/H45.03-261102-0899');
  await expect(page.getByRole('alert')).toHaveText('Không tải được phiếu: không có hồ sơ này trong các cơ quan bạn quản lý.');
  await page.goto('/slip/H45.03-261102-0803');
  await expect(page.locator('.slip-page .procedure')).toHaveText('<img src=x onerror=alert(1)> Chứng thực');
  await expect(page.locator('.slip-page .procedure img')).toHaveCount(0);
  expect(alerted).toBe(false);

  writeFileSync(file, 'ma_ho_so,thu_tuc\nA,B\n');
  await page.goto('/nhap-ho-so');
  await page.getByLabel('Tệp CSV').setInputFiles(file);
  await page.getByRole('button', { name: 'Nhập', exact: true }).click();
  await expect(page.getByRole('alert')).toHaveText('Không nhập được: thiếu cột co_quan, ngay_tiep_nhan, ngay_hen_tra');

  // Saved by Excel in the Windows code page (Windows-1258), not UTF-8: refused
  // with what to do, rather than imported with its Vietnamese letters lost.
  const before = db('SELECT count(*) AS n FROM dossiers')[0].n;
  writeFileSync(
    file,
    Buffer.concat([
      Buffer.from('ma_ho_so,thu_tuc,co_quan,ngay_tiep_nhan,ngay_hen_tra\nH45.03-261102-0809,'),
      Buffer.from([0xd0, 0xe3, 0x6e, 0x67, 0x20, 0x6b, 0xfd]), // "Đăng ký" in Windows-1258
      Buffer.from(',H45.03,02/11/2026,03/11/2026\n'),
    ]),
  );
  await page.getByLabel('Tệp CSV').setInputFiles(file);
  await page.getByRole('button', { name: 'Nhập', exact: true }).click();
  await expect(page.getByRole('alert')).toHaveText(
    'Không nhập được: tệp không phải văn bản UTF-8 (hãy lưu lại từ Excel dưới dạng “CSV UTF-8”)',
  );
  expect(db('SELECT count(*) AS n FROM dossiers')[0].n).toBe(before);
});

test('a printed slip, photographed at an angle, is read back by the scanner, QR code and barcode', async ({ page, request }) => {
  const code = slips().printed;
  await signIn(page);
  await page.setViewportSize({ width: 600, height: 900 });
  await page.goto(`/slip/${code}`);
  const slip = page.locator('.slip-page');
  await expect(slip.locator('.dossier-code')).toHaveText(code);
  await expect(slip.locator('.slip-questions .q').first()).toBeVisible();
  // The same questions, in the same order, as the transcription screen.
  const onSlip = await slip.locator('.slip-questions .q .q-label').allTextContents();
  // A picture of the A5 slip at print resolution, for people to look at.
  const shotPage = await page.context().browser().newPage({ deviceScaleFactor: 3, viewport: { width: 600, height: 900 }, baseURL: process.env.BASE_URL });
  await shotPage.goto('/');
  await shotPage.evaluate((s) => localStorage.setItem('danhgia.session', s), await page.evaluate(() => localStorage.getItem('danhgia.session')));
  await shotPage.goto(`/slip/${code}`);
  const printed = shotPage.locator('.slip-page');
  await expect(printed.locator('.slip-qr svg')).toBeVisible();
  const png = await printed.screenshot({ path: join(out, 'slip-a5.png') });
  const box = await printed.boundingBox();
  const part = async (sel) => {
    const b = await printed.locator(sel).boundingBox();
    const pad = 12;
    return { x: (b.x - box.x - pad) * 3, y: (b.y - box.y - pad) * 3, w: (b.width + 2 * pad) * 3, h: (b.height + 2 * pad) * 3 };
  };
  const image = `data:image/png;base64,${png.toString('base64')}`;
  await makeClips(join(out, 'clips'), {
    // Held so that the code sits inside the scanner's frame, as the overlay asks.
    'printed-qr': { image, crop: await part('.slip-qr svg'), fit: { w: 250, h: 250 }, angle: 12, blur: 0.8, noise: 6 },
    'printed-barcode': { image, crop: await part('.slip-barcode svg'), fit: { w: 470, h: 140 }, angle: 4, blur: 0.6, noise: 6 },
  });
  await shotPage.close();

  for (const clip of ['printed-qr', 'printed-barcode']) {
    const browser = await chromium.launch(withCamera(join(out, 'clips', `${clip}.y4m`)));
    try {
      const camera = await (await browser.newContext({ baseURL: process.env.BASE_URL, viewport: { width: 768, height: 1024 } })).newPage();
      await signIn(camera);
      await expect(camera.locator('.slip .dossier-code')).toHaveText(code, { timeout: 20_000 });
      const asked = await camera.locator('.slip fieldset.question legend').allTextContents();
      expect(asked).toEqual(onSlip);
    } finally {
      await browser.close();
    }
  }

  // The citizen link in the QR code opens the rating form.
  const token = (await (await request.post('/api/v1/auth/login', { data: JSON.parse(process.env.DEMO_OFFICER) })).json()).token;
  const data = await (await request.get(`/api/v1/slips/${code}`, { headers: { authorization: `Bearer ${token}` } })).json();
  await page.goto(data.link);
  await expect(page.locator('form.questions')).toBeVisible();
  await expect(page.locator('.dossier-code')).toHaveText(code);
});
