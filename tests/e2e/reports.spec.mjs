// The district office's report: a rating made through the app shows up in
// its quarter, with the figures the server computes; charts are drawn; the
// report stays readable offline.
import { test, expect } from './fixtures.mjs';
import { answerAll, db, demo } from './helpers.mjs';

test.use({ viewport: { width: 1024, height: 900 } });

async function openReport(page, year, quarter) {
  await page.goto('/bao-cao');
  await page.getByLabel('Năm').selectOption(String(year));
  await page.getByLabel('Kỳ').selectOption(String(quarter));
  await page.getByRole('button', { name: 'Xem báo cáo' }).click();
  await expect(page.locator('table.report.agencies tbody tr').first()).toBeVisible();
}

test('a rating made in the app shows up in its quarter’s report, with charts and offline viewing', async ({ page, context }) => {
  const dossier = demo(7);
  const [{ agency_id, returned_on }] = db('SELECT agency_id, returned_on FROM dossiers WHERE code = ?', dossier.code);
  const [year, month] = returned_on.split('-').map(Number);
  const quarter = Math.floor((month - 1) / 3) + 1;

  await page.goto('/dang-nhap');
  await page.getByLabel('Tên đăng nhập').fill('vanphong');
  await page.getByLabel('Mật khẩu').fill('danhgia-demo');
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await expect(page).toHaveURL(/\/nhap-phieu$/);

  await openReport(page, year, quarter);
  const row = page.locator(`table.agencies tr[data-agency="${agency_id}"]`);
  const before = Number(await row.locator('.rated').textContent());

  // A citizen rates through the app.
  const citizen = await context.newPage();
  await citizen.goto(dossier.path);
  await answerAll(citizen);
  const sent = citizen.waitForRequest((r) => r.url().endsWith('/api/v1/ratings') && r.method() === 'POST');
  await citizen.getByRole('button', { name: 'Gửi đánh giá' }).click();
  const body = (await sent).postDataJSON();
  await expect(citizen.getByRole('status').filter({ hasText: 'Đã gửi' })).toBeVisible();
  await citizen.close();
  // A second rating of the same dossier (another phone) is set aside as a conflict.
  const citizenId = body.records[0].id;
  body.records[0].id = '0ff1ce00-0000-4000-8000-000000000001';
  const second = await (await page.request.post('/api/v1/ratings', { data: body })).json();
  expect(second.results[0].status).toBe('conflict');

  await openReport(page, year, quarter);
  await expect(row.locator('.rated')).toHaveText(String(before + 1));
  // The figures are the server's, which the core computes (golden-tested).
  const token = await page.evaluate(() => JSON.parse(localStorage.getItem('danhgia.session')).token);
  const api = await (await page.request.get(`/api/v1/reports?year=${year}&quarter=${quarter}`, { headers: { authorization: `Bearer ${token}` } })).json();
  const agency = api.agencies.find((a) => a.agency_id === agency_id);
  // Graded here (the demo's quarters are complete): its total, and its rank from the server.
  expect(agency.standing).toBe('graded');
  await expect(row.locator('.total')).toHaveText(agency.total.toFixed(2));
  await expect(row.locator('.rank')).toHaveText(String(agency.rank));
  await expect(row.locator(`.ch-online`)).toHaveText(String(agency.channels.online ?? 0));
  const dbCount = db(
    "SELECT count(*) AS n FROM dossiers d JOIN ratings r ON r.dossier_code = d.code WHERE d.agency_id = ? AND d.returned_on BETWEEN ? AND ?",
    agency_id,
    api.from,
    api.to,
  )[0].n;
  expect(agency.rated).toBe(dbCount);
  await expect(page.locator('figure.chart svg')).toHaveCount(2);
  // The commune summary (Mẫu 05): the twelve communes, with the server's ranks among themselves.
  await expect(page.locator('table.communes tbody tr')).toHaveCount(12);
  await expect(page.locator('table.communes tbody tr').first().locator('.rank')).toHaveText('1');
  for (const a of api.agencies.filter((a) => a.level === 'commune')) {
    await expect(page.locator(`table.communes tr[data-agency="${a.agency_id}"] .rank`)).toHaveText(a.commune_rank == null ? '—' : String(a.commune_rank));
  }
  await expect(page.locator('figure.chart figcaption').first()).toHaveText('Tổng điểm của các cơ quan (tối đa 18)');
  await page.screenshot({ path: 'tests/e2e/.output/reports.png', fullPage: true, scale: 'css' });

  // Dossiers rated twice are listed, counted once, until the office decides which rating counts.
  const twice = dossier.code;
  const conflict = page.locator('ul.conflicts li', { hasText: twice });
  await expect(conflict).toContainText('Đã tính: trực tuyến · Chờ xem xét: trực tuyến');
  await page.getByRole('link', { name: 'Xem và quyết định' }).click();
  await expect(page).toHaveURL(/\/danh-gia-hai-lan\?/);
  const card = page.locator(`article.conflict[data-code="${twice}"]`);
  await expect(card.locator('section.rating')).toHaveCount(2);
  // The rating that counts stays counted, with the reason why.
  await card.getByLabel(/Đánh giá qua trực tuyến, nhận lúc .* Đang được tính/).check();
  await card.getByLabel('Lý do quyết định').fill('Đánh giá thứ hai gửi từ máy khác của cùng công dân.');
  await card.getByRole('button', { name: 'Quyết định' }).click();
  await expect(card.locator('ul.decisions li')).toContainText('(vanphong)');
  expect(db('SELECT resolved FROM rating_conflicts WHERE dossier_code = ?', twice)[0].resolved).toBe(1);
  expect(db('SELECT counted_id FROM rating_decisions WHERE dossier_code = ?', twice)).toEqual([{ counted_id: citizenId }]);
  expect(db('SELECT id FROM ratings WHERE dossier_code = ?', twice)).toEqual([{ id: citizenId }]);
  await page.getByRole('link', { name: 'Về báo cáo' }).click();
  await expect(page).toHaveURL(/\/bao-cao\?/);
  await expect(page.locator('ul.conflicts li', { hasText: twice })).toHaveCount(0);
  await expect(row.locator('.rated')).toHaveText(String(before + 1));

  // One commune of the district.
  await page.getByLabel('Đơn vị', { exact: true }).selectOption('H45.03');
  await page.getByRole('button', { name: 'Xem báo cáo' }).click();
  await expect(page.locator('table.agencies tbody tr')).toHaveCount(1);
  await expect(page.locator('table.agencies tbody tr')).toHaveAttribute('data-agency', 'H45.03');
  await expect(page.locator('.report-unit')).toContainText('UBND xã Triệu Thượng');
  await page.getByLabel('Đơn vị', { exact: true }).selectOption('H45');
  await page.getByRole('button', { name: 'Xem báo cáo' }).click();
  await expect(row.locator('.rated')).toHaveText(String(before + 1));

  // Offline, the last report is still there, marked with its time.
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('status').filter({ hasText: 'Đang ngoại tuyến — số liệu lúc' })).toBeVisible();
  await expect(row.locator('.rated')).toHaveText(String(before + 1));
});

test('the report on screen is always the period the pickers, the address, the downloads and the print links name', async ({ page }) => {
  await page.goto('/dang-nhap');
  await page.getByLabel('Tên đăng nhập').fill('vanphong');
  await page.getByLabel('Mật khẩu').fill('danhgia-demo');
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await expect(page).toHaveURL(/\/nhap-phieu$/);
  await openReport(page, 2025, 2);
  const range = page.getByText(/hồ sơ trả kết quả từ/).first();
  await expect(range).toContainText('từ 01/04/2025 đến 30/06/2025');

  // Another period picked, "Xem báo cáo" not pressed: the screen follows at once.
  await page.getByLabel('Năm').selectOption('2024');
  await page.getByLabel('Kỳ').selectOption('1');
  await expect(range).toContainText('từ 01/01/2024 đến 31/03/2024');
  await expect(page).toHaveURL(/\/bao-cao\?nam=2024&quy=1/);
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Tải CSV' }).click();
  expect((await download).suggestedFilename()).toBe('danhgia-2024-Q1.csv');
  await expect(page.getByRole('link', { name: 'Mẫu 02' })).toHaveAttribute('href', /nam=2024&quy=1/);

  // A reload, or coming back, shows the same period.
  await page.reload();
  await expect(page.getByLabel('Năm')).toHaveValue('2024');
  await expect(page.getByLabel('Kỳ')).toHaveValue('1');
  await expect(range).toContainText('từ 01/01/2024 đến 31/03/2024');

  // The session ended on the server (its time, or an administrator): the
  // download and the report say so in the user's words (the download used
  // to do nothing at all).
  const { token } = await page.evaluate(() => JSON.parse(localStorage.getItem('danhgia.session')));
  expect((await page.request.post('/api/v1/auth/logout', { headers: { authorization: `Bearer ${token}` } })).status()).toBe(204);
  await page.getByRole('button', { name: 'Tải Excel (XLSX)' }).click();
  await expect(page.locator('.export-problem')).toHaveText('Không tải được tệp báo cáo: Phiên đăng nhập đã hết. Vui lòng đăng nhập lại.');
  await page.getByRole('button', { name: 'Xem báo cáo' }).click();
  await expect(page.locator('p.error').filter({ hasText: 'Không tải được báo cáo.' })).toHaveText(
    'Không tải được báo cáo. Phiên đăng nhập đã hết. Vui lòng đăng nhập lại.',
  );
});
