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
  body.records[0].id = '0ff1ce00-0000-4000-8000-000000000001';
  const second = await (await page.request.post('/api/v1/ratings', { data: body })).json();
  expect(second.results[0].status).toBe('conflict');

  await openReport(page, year, quarter);
  await expect(row.locator('.rated')).toHaveText(String(before + 1));
  // The figures are the server's, which the core computes (golden-tested).
  const token = await page.evaluate(() => JSON.parse(localStorage.getItem('danhgia.session')).token);
  const api = await (await page.request.get(`/api/v1/reports?year=${year}&quarter=${quarter}`, { headers: { authorization: `Bearer ${token}` } })).json();
  const agency = api.agencies.find((a) => a.agency_id === agency_id);
  await expect(row.locator('.total')).toHaveText(agency.total.toFixed(2));
  await expect(row.locator('.rank')).toHaveText(String(agency.rank));
  const dbCount = db(
    "SELECT count(*) AS n FROM dossiers d JOIN ratings r ON r.dossier_code = d.code WHERE d.agency_id = ? AND d.returned_on BETWEEN ? AND ?",
    agency_id,
    api.from,
    api.to,
  )[0].n;
  expect(agency.rated).toBe(dbCount);
  await expect(page.locator('figure.chart svg')).toHaveCount(2);
  // The commune summary (Mẫu 05): the twelve communes, ranked among themselves.
  await expect(page.locator('table.communes tbody tr')).toHaveCount(12);
  await expect(page.locator('table.communes tbody tr').first().locator('.rank')).toHaveText('1');
  await expect(page.locator('figure.chart figcaption').first()).toHaveText('Tổng điểm của các cơ quan (tối đa 18)');
  await page.screenshot({ path: 'tests/e2e/.output/reports.png', fullPage: true, scale: 'css' });

  // Dossiers rated twice are listed, counted once, until the office has reviewed them.
  const twice = dossier.code;
  const conflict = page.locator('ul.conflicts li', { hasText: twice });
  await expect(conflict).toContainText('Đã tính: online · Chờ xem xét: online');
  await conflict.getByRole('button', { name: 'Đã xem xét' }).click();
  await expect(conflict).toHaveCount(0);
  expect(db('SELECT resolved FROM rating_conflicts WHERE dossier_code = ?', twice)[0].resolved).toBe(1);

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
