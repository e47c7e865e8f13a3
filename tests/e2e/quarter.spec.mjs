// The district office's quarter, end to end (issue #14): indicators 5, 6,
// 8, 9 entered by a commune and verified by the district change the report;
// deciding a dossier rated twice changes the counts; a commune's proposals
// reach the report, its print view and the XLSX; the rating kiosk at the
// counter serves two citizens in a row, the second offline, and both
// ratings reach the server as `kiosk` records of the officer's account.
import { readFileSync } from 'node:fs';
import { test, expect } from './fixtures.mjs';
import { answerAll, db } from './helpers.mjs';
import { slips } from './officer.mjs';
import { readXlsx } from './xlsx.mjs';

test.use({ viewport: { width: 1024, height: 900 } });

const PASSWORD = 'danhgia-demo';

async function signIn(page, username) {
  await page.goto('/dang-nhap');
  await page.evaluate(() => localStorage.removeItem('danhgia.session'));
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu').fill(PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await expect(page).toHaveURL(/\/nhap-phieu$/);
}

async function apiToken(request, username) {
  const answer = await request.post('/api/v1/auth/login', { data: { username, password: PASSWORD } });
  expect(answer.status()).toBe(200);
  return (await answer.json()).token;
}

async function apiGet(request, token, path) {
  const answer = await request.get(path, { headers: { authorization: `Bearer ${token}` } });
  expect(answer.status(), path).toBe(200);
  return answer.json();
}

const entry = (page, n) => page.locator(`form.indicator-entry[data-n="${n}"]`);

test('indicators 5, 6, 8, 9: the commune assesses itself, the district verifies, and the report follows', async ({ page }) => {
  const district = await apiToken(page.request, 'vanphong');
  const before = await apiGet(page.request, district, '/api/v1/reports?year=2024&quarter=4');
  // Q4/2024 of the demo has rated dossiers but no indicator entries: such an agency is not graded.
  const commune = before.agencies.find(
    (a) => a.level === 'commune' && a.standing === 'incomplete' && a.rated > 0 && [5, 6, 8, 9].every((n) => a.indicators[n] == null),
  );
  expect(commune, 'a commune with rated dossiers and no indicators in Q4/2024').toBeTruthy();
  const id = commune.agency_id;
  const puts = [];
  page.on('request', (r) => {
    if (r.method() === 'PUT' && r.url().endsWith('/api/v1/agency-scores')) puts.push(r.postDataJSON());
  });

  await signIn(page, 'vanphong');
  await page.goto('/bao-cao?nam=2024&quy=4');
  const row = page.locator(`table.agencies tr[data-agency="${id}"]`);
  await expect(row).toHaveAttribute('data-standing', 'incomplete');
  // Not classified against the 18-point bands, not ranked: the total in brackets.
  await expect(row.locator('.band')).toHaveText('Chưa đủ chỉ số');
  await expect(row.locator('.rank')).toHaveText('—');
  await expect(row.locator('.total')).toHaveText(`(${commune.total.toFixed(2)})`);
  // An agency with no rated dossier has no grade, no rank and no satisfaction rate.
  const silent = before.agencies.find((a) => a.level === 'commune' && a.standing === 'not_rated');
  if (silent) {
    const r = page.locator(`table.agencies tr[data-agency="${silent.agency_id}"]`);
    await expect(r.locator('.band')).toHaveText('Chưa có đánh giá');
    await expect(r.locator('.rank')).toHaveText('—');
    await expect(page.locator(`table.communes tr[data-agency="${silent.agency_id}"] .rate`)).toHaveText('—');
  }

  // The commune's own office enters its self-assessment (and nothing else).
  await signIn(page, `vanphong.${id.toLowerCase()}`);
  await page.goto('/chi-so?nam=2024&quy=4');
  await expect(entry(page, 5)).toBeVisible();
  await expect(entry(page, 5).getByLabel('Điểm thẩm định (0–2)')).toHaveCount(0);
  // Points outside 0–2 are refused before anything is sent.
  await entry(page, 5).getByLabel('Điểm tự chấm (0–2)').fill('3');
  await entry(page, 5).getByRole('button', { name: 'Lưu chỉ số 5' }).click();
  await expect(entry(page, 5).locator('p.error')).toHaveText('Điểm phải là một số từ 0 đến 2.');
  expect(puts).toEqual([]);
  for (const [n, points] of [[5, '2'], [6, '2'], [8, '1,5'], [9, '2']]) {
    await entry(page, n).getByLabel('Điểm tự chấm (0–2)').fill(points);
    await entry(page, n).getByRole('button', { name: `Lưu chỉ số ${n}` }).click();
    await expect(entry(page, n).locator('.saved')).toHaveText('Đã lưu.');
  }
  expect(puts.map((p) => [p.indicator, p.self_assessed, p.verified])).toEqual([[5, 2, null], [6, 2, null], [8, 1.5, null], [9, 2, null]]);
  await expect(entry(page, 8).locator('.self-value')).toContainText(`1.5 — `);
  await expect(entry(page, 8).locator('.self-value')).toContainText(`(vanphong.${id.toLowerCase()})`);
  // A period that has not begun is refused at once.
  await page.goto('/chi-so?nam=2030&quy=1');
  await expect(page.locator('p.error[role=alert]')).toHaveText('Quý I năm 2030 chưa bắt đầu: không nhập điểm cho kỳ tương lai.');
  await expect(entry(page, 5)).toHaveCount(0);

  // The district: the agency is graded now, its four indicators marked self-assessed.
  await signIn(page, 'vanphong');
  await page.goto('/bao-cao?nam=2024&quy=4');
  const selfAssessed = (await apiGet(page.request, district, '/api/v1/reports?year=2024&quarter=4')).agencies.find((a) => a.agency_id === id);
  expect(selfAssessed.standing).toBe('graded');
  await expect(row).toHaveAttribute('data-standing', 'graded');
  await expect(row.locator('.total')).toHaveText(selfAssessed.total.toFixed(2));
  await expect(row.locator('.rank')).toHaveText(String(selfAssessed.rank));
  await expect(row.locator('td.indicator[data-n="5"]')).toHaveAttribute('data-source', 'self');
  await expect(row.locator('td.indicator[data-n="5"] .src')).toHaveText('TC');
  await expect(row.locator('td.indicator[data-n="1"] .src')).toHaveCount(0);

  // It verifies, from the report's link: a deduction needs its reason.
  await page.getByRole('link', { name: 'Chỉ số 5, 6, 8, 9' }).click();
  await expect(page).toHaveURL(/\/chi-so\?nam=2024&quy=4/);
  await page.getByLabel('Cơ quan, đơn vị').selectOption(id);
  await expect(page.locator(`section.agency-indicators[data-agency="${id}"]`)).toBeVisible();
  await expect(entry(page, 5).getByLabel('Điểm tự chấm (0–2)')).toHaveCount(0);
  await entry(page, 5).getByLabel('Điểm thẩm định (0–2)').fill('1');
  await entry(page, 5).getByRole('button', { name: 'Lưu chỉ số 5' }).click();
  await expect(entry(page, 5).locator('p.error')).toContainText('cần ghi lý do trừ điểm');
  const reason = 'Chưa tiếp nhận tại Bộ phận Một cửa đủ các thủ tục thuộc thẩm quyền';
  await entry(page, 5).getByLabel(/Lý do trừ điểm/).fill(reason);
  await entry(page, 5).getByRole('button', { name: 'Lưu chỉ số 5' }).click();
  await expect(entry(page, 5).locator('.saved')).toHaveText('Đã lưu.');
  for (const [n, points] of [[6, '2'], [8, '1.5'], [9, '2']]) {
    await entry(page, n).getByLabel('Điểm thẩm định (0–2)').fill(points);
    await entry(page, n).getByRole('button', { name: `Lưu chỉ số ${n}` }).click();
    await expect(entry(page, n).locator('.saved')).toHaveText('Đã lưu.');
  }
  // Who, when, what: the history.
  const history = entry(page, 5).locator('details.history');
  await expect(history.locator('summary')).toHaveText('Lịch sử nhập (2 lần)');
  await history.locator('summary').click();
  await expect(history.locator('li').nth(0)).toContainText(`Tự chấm: 2 — `);
  await expect(history.locator('li').nth(1)).toContainText('Thẩm định: 1 — ');
  await expect(history.locator('li').nth(1)).toContainText('(vanphong)');
  await expect(history.locator('li').nth(1)).toContainText(reason);
  const kept = db(
    `SELECT h.indicator, h.kind, h.points, h.reason, o.username FROM agency_score_history h JOIN accounts o ON o.id = h.account_id
     WHERE h.agency_id = ? AND h.period = '2024-Q4' ORDER BY h.id`,
    id,
  );
  expect(kept.map((h) => `${h.indicator} ${h.kind} ${h.points} ${h.username}`)).toEqual([
    `5 self 2 vanphong.${id.toLowerCase()}`,
    `6 self 2 vanphong.${id.toLowerCase()}`,
    `8 self 1.5 vanphong.${id.toLowerCase()}`,
    `9 self 2 vanphong.${id.toLowerCase()}`,
    '5 verified 1 vanphong',
    '6 verified 2 vanphong',
    '8 verified 1.5 vanphong',
    '9 verified 2 vanphong',
  ]);
  expect(kept[4].reason).toBe(reason);

  // The report: verified points where present, marked so; the total one point lower.
  await page.getByRole('link', { name: 'Về báo cáo' }).click();
  await expect(page).toHaveURL(/\/bao-cao\?nam=2024&quy=4/);
  const verified = (await apiGet(page.request, district, '/api/v1/reports?year=2024&quarter=4')).agencies.find((a) => a.agency_id === id);
  expect(verified.total).toBeCloseTo(selfAssessed.total - 1, 6);
  await expect(row.locator('td.indicator[data-n="5"]')).toHaveAttribute('data-source', 'verified');
  await expect(row.locator('td.indicator[data-n="5"]')).toContainText('1.00');
  await expect(row.locator('td.indicator[data-n="5"] .src')).toHaveText('TĐ');
  await expect(row.locator('.total')).toHaveText(verified.total.toFixed(2));
  await expect(row.locator('.rank')).toHaveText(String(verified.rank));
  await page.locator('details.reasons summary').click();
  await expect(page.locator('details.reasons')).toContainText(`${commune.name}: Chỉ số 5: ${reason}`);
});

test('deciding which rating of a dossier rated twice counts changes the counts', async ({ page }) => {
  await signIn(page, 'vanphong');
  await page.goto('/bao-cao?nam=2025&quy=4');
  // The demo's Q4/2025: one double rating still to decide.
  await expect(page.locator('.conflicts-total')).toHaveText('1 hồ sơ chờ quyết định đánh giá nào được tính.');
  const item = page.locator('ul.conflicts li');
  await expect(item).toHaveCount(1);
  await expect(item).toContainText('Đã tính: trực tuyến · Chờ xem xét: phiếu giấy');
  const code = await item.getAttribute('data-code');
  const [{ agency_id }] = db('SELECT agency_id FROM dossiers WHERE code = ?', code);
  const row = page.locator(`table.agencies tr[data-agency="${agency_id}"]`);
  const count = async (channel) => Number(await row.locator(`.ch-${channel}`).textContent());
  const [online, paper, rated] = [await count('online'), await count('paper'), Number(await row.locator('.rated').textContent())];

  await page.getByRole('link', { name: 'Xem và quyết định' }).click();
  await expect(page).toHaveURL(/\/danh-gia-hai-lan\?nam=2025&quy=4/);
  await expect(page.locator('.conflicts-count')).toHaveText('1 hồ sơ — trang 1/1');
  const card = page.locator(`article.conflict[data-code="${code}"]`);
  // Both ratings side by side, in the words of the rule set.
  await expect(card.locator('section.rating')).toHaveCount(2);
  const counted = card.locator('section.rating[data-channel="online"]');
  const aside = card.locator('section.rating[data-channel="paper"]');
  await expect(counted).toHaveClass(/counts/);
  await expect(counted).toContainText('Đang được tính');
  await expect(aside).toContainText(`nhập bởi canbo.${agency_id.toLowerCase()}`);
  await expect(aside.locator('ul.answers li').first()).toContainText('Đánh giá tổng thể dịch vụ');
  const paperId = await aside.getAttribute('data-id');

  await card.getByLabel(/Đánh giá qua phiếu giấy, nhận lúc/).check();
  await card.getByRole('button', { name: 'Quyết định' }).click();
  await expect(card.locator('.decide-form p.error')).toHaveText('Ghi lý do của quyết định.');
  // Typed over two lines (Enter in the box), a zero-width space pasted in:
  // kept as the one line the server takes, not refused.
  const reason = 'Công dân xác nhận trực tiếp ý kiến trên phiếu giấy.';
  await card.getByLabel('Lý do quyết định').fill('Công dân xác nhận trực tiếp\ný kiến trên\u200B phiếu giấy. ');
  await card.getByRole('button', { name: 'Quyết định' }).click();
  // Who decided what, when and why; the paper slip counts now.
  await expect(card.locator('ul.decisions li')).toContainText('(vanphong) quyết định tính đánh giá qua phiếu giấy (thay cho đánh giá qua trực tuyến)');
  await expect(card.locator('ul.decisions li .decision-reason')).toHaveText(reason);
  await expect(aside).toHaveClass(/counts/);
  const decided = db('SELECT counted_id, reason FROM rating_decisions WHERE dossier_code = ?', code);
  expect(decided).toEqual([{ counted_id: paperId, reason }]);
  expect(db('SELECT id, channel FROM ratings WHERE dossier_code = ?', code)).toEqual([{ id: paperId, channel: 'paper' }]);

  // With the decided ones: the demo's earlier decision is there too, with its reason.
  await page.getByLabel('Gồm cả hồ sơ đã quyết định').check();
  await page.getByRole('button', { name: 'Xem', exact: true }).click();
  await expect(page.locator('.conflicts-count')).toHaveText('2 hồ sơ — trang 1/1');
  await expect(page.locator('article.conflict ul.decisions li')).toHaveCount(2);

  // The report follows: one online rating fewer, one paper slip more, the same dossiers rated.
  await page.getByRole('link', { name: 'Về báo cáo' }).click();
  await expect(page).toHaveURL(/\/bao-cao\?nam=2025&quy=4/);
  await expect(row.locator('.ch-online')).toHaveText(String(online - 1));
  await expect(row.locator('.ch-paper')).toHaveText(String(paper + 1));
  await expect(row.locator('.rated')).toHaveText(String(rated));
  await expect(page.locator('.conflicts-total')).toHaveText('Không có hồ sơ nào được đánh giá hai lần.');
});

test('the decision screen pages through a year of dossiers rated twice', async ({ page }) => {
  // Eleven more double ratings in 2025 (paper slips of dossiers already rated online).
  const district = await apiToken(page.request, 'vanphong');
  const rated = db(
    `SELECT d.code, d.ruleset_version, r.answers FROM dossiers d JOIN ratings r ON r.dossier_code = d.code
     WHERE d.returned_on BETWEEN '2025-01-01' AND '2025-09-30' AND r.channel = 'online'
       AND d.code NOT IN (SELECT dossier_code FROM rating_conflicts) ORDER BY d.code LIMIT 11`,
  );
  expect(rated).toHaveLength(11);
  const records = rated.map((r, i) => ({
    id: `0ff1ce00-0000-4000-8000-${String(100 + i).padStart(12, '0')}`,
    dossier_code: r.code,
    channel: 'paper',
    ruleset_version: r.ruleset_version,
    answers: JSON.parse(r.answers),
    client_time: '2025-10-01T08:00:00Z',
  }));
  const answer = await page.request.post('/api/v1/ratings', { data: { records }, headers: { authorization: `Bearer ${district}` } });
  expect((await answer.json()).results.map((r) => r.status)).toEqual(Array(11).fill('conflict'));
  const { total } = await apiGet(page.request, district, '/api/v1/conflicts?year=2025&limit=1');
  expect(total).toBeGreaterThan(10);
  expect(total).toBeLessThanOrEqual(20);

  await signIn(page, 'vanphong');
  await page.goto('/danh-gia-hai-lan?nam=2025&quy=0');
  await expect(page.locator('.conflicts-count')).toHaveText(`${total} hồ sơ — trang 1/2`);
  await expect(page.locator('article.conflict')).toHaveCount(10);
  await expect(page.getByRole('button', { name: 'Trang trước' })).toBeDisabled();
  await page.getByRole('button', { name: 'Trang sau' }).click();
  await expect(page.locator('.conflicts-count')).toHaveText(`${total} hồ sơ — trang 2/2`);
  await expect(page.locator('article.conflict')).toHaveCount(total - 10);
  await expect(page.getByRole('button', { name: 'Trang sau' })).toBeDisabled();
  await page.getByRole('button', { name: 'Trang trước' }).click();
  await expect(page.locator('article.conflict')).toHaveCount(10);
});

test("a commune's proposals reach the district's report, the printed Mẫu 05 and the XLSX", async ({ page }) => {
  const text = 'Đề nghị huyện bổ sung 01 máy quét tại Bộ phận Một cửa.\nTập huấn dịch vụ công trực tuyến cho công chức mới (kiểm thử e2e).';
  await signIn(page, 'vanphong.h45.03');
  await page.goto('/de-xuat?nam=2024&quy=4');
  await page.getByLabel('Đề xuất, kiến nghị của UBND xã Triệu Thượng — Quý IV năm 2024').fill(text);
  await page.getByRole('button', { name: 'Lưu đề xuất' }).click();
  await expect(page.locator('.proposal-editor .saved')).toHaveText('Đã lưu.');
  await expect(page.locator('.proposal-editor')).toContainText('Cập nhật bởi ');
  expect(db("SELECT text FROM proposals WHERE agency_id = 'H45.03' AND period = '2024-Q4'")).toEqual([{ text }]);
  // Not for a period that has not begun.
  await page.goto('/de-xuat?nam=2030&quy=1');
  await expect(page.getByRole('button', { name: 'Lưu đề xuất' })).toBeDisabled();

  await signIn(page, 'vanphong');
  await page.goto('/bao-cao?nam=2024&quy=4');
  const row = page.locator('table.communes tr[data-agency="H45.03"]');
  await expect(row.locator('.proposals')).toContainText('bổ sung 01 máy quét');
  await expect(row.locator('.proposals')).toContainText('(kiểm thử e2e)');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Tải Excel (XLSX)' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('danhgia-2024-Q4.xlsx');
  const sheets = readXlsx(readFileSync(await download.path()));
  expect(Object.keys(sheets)).toEqual(['Mẫu 02', 'Mẫu 03', 'Mẫu 05']);
  const line = sheets['Mẫu 05'].find((r) => r[1] === 'H45.03');
  expect(line.at(-1)).toBe(text);

  // The print view of Mẫu 05, A4 landscape.
  await page.getByRole('link', { name: 'Mẫu 05' }).click();
  await expect(page).toHaveURL(/\/in\/mau-05\?nam=2024&quy=4/);
  const form = page.locator('article.form-print[data-form="mau-05"]');
  await expect(form.locator('.form-title')).toHaveText('TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ VIỆC GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH CỦA CÁC XÃ, THỊ TRẤN');
  await expect(form.locator('.form-period')).toContainText('Quý IV năm 2024');
  await expect(form.locator('tr[data-agency="H45.03"] .proposals')).toContainText('(kiểm thử e2e)');
  await expect(form.locator('.signatures')).toContainText('THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ');
  const pdf = await page.pdf({ preferCSSPageSize: true });
  const box = pdf.toString('latin1').match(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/);
  expect(box, 'a page size in the PDF').toBeTruthy();
  // A4 landscape: 297 × 210 mm = 842 × 595 points.
  expect(Math.round(Number(box[1]))).toBe(842);
  expect(Math.round(Number(box[2]))).toBe(595);
  for (const form of ['mau-02', 'mau-03']) {
    await page.goto(`/in/${form}?nam=2024&quy=4`);
    await expect(page.locator(`article.form-print[data-form="${form}"] table.form-table tbody tr`).first()).toBeVisible();
  }
});

test('the kiosk at the counter: two citizens in a row, the second offline, then delivered', async ({ page, context }) => {
  // Three times the kiosk goes back to waiting by itself, a few seconds after its thanks: about 18 s of the
  // test's 27–31 s, against the default limit of 30 s (it ran out once with every step passed).
  test.setTimeout(90_000);
  const [first, second] = slips().kiosk;
  await signIn(page, 'canbo.h45.03');
  await page.goto('/quay');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Thiết bị đánh giá tại quầy');
  await page.getByRole('button', { name: 'Tải hồ sơ của cơ quan về máy' }).click();
  await expect(page.locator('.download [role=status]')).toContainText(/Đã tải \d+ hồ sơ về máy lúc/);
  await page.getByLabel('Mã PIN (4–8 chữ số)').fill('2468');
  await page.getByLabel('Nhập lại mã PIN').fill('2469');
  await page.getByRole('button', { name: 'Bật chế độ quầy' }).click();
  await expect(page.locator('.kiosk-setup p.error')).toHaveText('Hai lần nhập mã PIN không khớp.');
  await page.getByLabel('Nhập lại mã PIN').fill('2468');
  await page.getByRole('button', { name: 'Bật chế độ quầy' }).click();
  const waiting = page.getByRole('heading', { name: 'Mời ông/bà đánh giá việc giải quyết hồ sơ' });
  await expect(waiting).toBeVisible();
  // The PIN is kept as a salted hash only.
  const stored = await page.evaluate(() => localStorage.getItem('danhgia.kiosk'));
  expect(stored).not.toContain('2468');
  expect(JSON.parse(stored).hash).toMatch(/^[0-9a-f]{64}$/);

  // Staff screens need the PIN: the address bar, a reload, the back button.
  await page.goto('/nhap-phieu');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Máy đang ở chế độ quầy');
  await expect(page.locator('.officer-bar')).toHaveCount(0);
  await page.getByLabel('Mã PIN của cán bộ').fill('1111');
  await page.getByRole('button', { name: 'Xác nhận' }).click();
  await expect(page.locator('.pin-prompt p.error')).toHaveText('Mã PIN không đúng.');
  await page.getByRole('link', { name: 'Quay lại màn hình đánh giá' }).click();
  await expect(waiting).toBeVisible();
  await page.goBack();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Máy đang ở chế độ quầy');
  await page.goForward();
  await expect(waiting).toBeVisible();

  async function citizen(code) {
    await page.getByRole('button', { name: 'Cán bộ: chọn hồ sơ' }).click();
    await page.getByLabel('Mã PIN của cán bộ').fill('2468');
    await page.getByRole('button', { name: 'Xác nhận' }).click();
    await expect(page.getByRole('heading', { name: 'Chọn hồ sơ để công dân đánh giá' })).toBeVisible();
    await page.getByLabel('Mã hồ sơ').fill(code);
    await page.getByRole('button', { name: 'Mở', exact: true }).click();
    // The citizen's turn: their questions only, no "left blank".
    await expect(page.getByRole('heading', { name: 'Đánh giá việc giải quyết hồ sơ' })).toBeVisible();
    await expect(page.locator('.kiosk .dossier-code')).toHaveText(code);
    await expect(page.locator('.kiosk input[value=blank]')).toHaveCount(0);
    const chosen = await answerAll(page, 1);
    await page.getByRole('button', { name: 'Gửi đánh giá' }).click();
    await expect(page.getByRole('heading', { name: 'Cảm ơn ông/bà đã đánh giá!' })).toBeVisible();
    // Back to waiting by itself after a few seconds.
    await expect(waiting).toBeVisible({ timeout: 15_000 });
    return chosen;
  }

  const firstAnswers = await citizen(first);
  await expect.poll(() => db('SELECT count(*) AS n FROM ratings WHERE dossier_code = ?', first)[0].n).toBe(1);

  await context.setOffline(true);
  const secondAnswers = await citizen(second);
  await expect(page.locator('.kiosk-outbox')).toHaveText('1 đánh giá đang chờ gửi.');
  expect(db('SELECT count(*) AS n FROM ratings WHERE dossier_code = ?', second)[0].n).toBe(0);
  await context.setOffline(false);
  await expect(page.locator('.kiosk-outbox')).toHaveText('');
  await expect.poll(() => db('SELECT count(*) AS n FROM ratings WHERE dossier_code = ?', second)[0].n).toBe(1);

  const rows = db(
    `SELECT r.dossier_code, r.channel, r.answers, o.username FROM ratings r JOIN accounts o ON o.id = r.officer_id
     WHERE r.dossier_code IN (?, ?) ORDER BY r.received_at`,
    first,
    second,
  );
  expect(rows.map((r) => [r.dossier_code, r.channel, r.username])).toEqual([
    [first, 'kiosk', 'canbo.h45.03'],
    [second, 'kiosk', 'canbo.h45.03'],
  ]);
  expect(JSON.parse(rows[0].answers)).toEqual(firstAnswers);
  expect(JSON.parse(rows[1].answers)).toEqual(secondAnswers);

  // One rating per dossier: the first dossier again gets a polite word, not the form.
  await page.getByRole('button', { name: 'Cán bộ: chọn hồ sơ' }).click();
  await page.getByLabel('Mã PIN của cán bộ').fill('2468');
  await page.getByRole('button', { name: 'Xác nhận' }).click();
  await page.getByLabel('Mã hồ sơ').fill(first);
  await page.getByRole('button', { name: 'Mở', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Hồ sơ này đã được đánh giá' })).toBeVisible();
  await expect(page.locator('.kiosk form.questions')).toHaveCount(0);
  await expect(waiting).toBeVisible({ timeout: 15_000 });

  // The officer leaves kiosk mode with the PIN; the staff screens are back.
  await page.getByRole('button', { name: 'Thoát chế độ quầy' }).click();
  await page.getByLabel('Mã PIN của cán bộ').fill('2468');
  await page.getByRole('button', { name: 'Xác nhận' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Thiết bị đánh giá tại quầy');
  expect(await page.evaluate(() => localStorage.getItem('danhgia.kiosk'))).toBeNull();
  await page.goto('/nhap-phieu');
  await expect(page.locator('.officer-bar')).toContainText('UBND xã Triệu Thượng');
});

test('indicators typed but not saved are not lost without a word when another agency is picked', async ({ page }) => {
  await signIn(page, 'vanphong');
  await page.goto('/chi-so?nam=2024&quy=3');
  await expect(entry(page, 5)).toBeVisible();
  const picker = page.getByLabel('Cơ quan, đơn vị');
  const options = await picker.locator('option').evaluateAll((os) => os.map((o) => o.value));
  const [first, second] = options.filter((v) => v !== 'H45');
  await picker.selectOption(first);
  await expect(page.locator('section.agency-indicators')).toHaveAttribute('data-agency', first);
  const verified = entry(page, 6).getByLabel('Điểm thẩm định (0–2)');
  await verified.fill('1');

  // Asked, naming the indicator; "stay" keeps the agency and what was typed.
  const asked = [];
  page.once('dialog', (d) => (asked.push(d.message()), d.dismiss()));
  await picker.selectOption(second);
  await expect.poll(() => asked.length).toBe(1);
  expect(asked[0]).toContain('Chỉ số 6 có thay đổi chưa lưu');
  await expect(picker).toHaveValue(first);
  await expect(page.locator('section.agency-indicators')).toHaveAttribute('data-agency', first);
  await expect(verified).toHaveValue('1');

  // Saying yes switches.
  page.once('dialog', (d) => d.accept());
  await picker.selectOption(second);
  await expect(page.locator('section.agency-indicators')).toHaveAttribute('data-agency', second);

  // Saved as typed ('1,5', a reason over two lines): nothing left unsaved, nothing asked.
  await entry(page, 6).getByLabel('Điểm thẩm định (0–2)').fill('1,5');
  await entry(page, 6).locator('textarea').fill('Thiếu niêm yết\ntại bộ phận một cửa');
  await entry(page, 6).getByRole('button', { name: 'Lưu chỉ số 6' }).click();
  await expect(entry(page, 6).locator('.verified-value')).toContainText('1.5');
  let askedAgain = false;
  page.on('dialog', (d) => ((askedAgain = true), d.dismiss()));
  await picker.selectOption(first);
  await expect(page.locator('section.agency-indicators')).toHaveAttribute('data-agency', first);
  expect(askedAgain).toBe(false);
});

test('indicators typed but not saved are asked about before another period is shown, the page is left, Back or Forward is pressed, or the officer signs out', async ({ page }) => {
  await signIn(page, 'vanphong');
  await page.goto('/chi-so?nam=2024&quy=3');
  await expect(entry(page, 5)).toBeVisible();
  const verified = entry(page, 6).getByLabel('Điểm thẩm định (0–2)');
  await verified.fill('2');

  // "Xem" with another quarter picked: asked; staying keeps what was typed and the period on screen.
  const asked = [];
  page.once('dialog', (d) => (asked.push(d.message()), d.dismiss()));
  await page.locator('#indicators-quarter').selectOption('2');
  await page.getByRole('button', { name: 'Xem' }).click();
  await expect.poll(() => asked.length).toBe(1);
  expect(asked[0]).toBe('Chỉ số 6 có thay đổi chưa lưu. Bỏ các thay đổi này?');
  await expect(page.locator('#agency-indicators-title')).toContainText('Quý III năm 2024');
  await expect(page.locator('#indicators-quarter')).toHaveValue('3');
  await expect(verified).toHaveValue('2');

  // Asked on `leave`; staying keeps the page and what was typed.
  const askedAndStayed = async (leave) => {
    const before = asked.length;
    page.once('dialog', (d) => (asked.push(d.message()), d.dismiss()));
    await leave();
    await expect.poll(() => asked.length).toBe(before + 1);
    expect(asked[before]).toBe('Chỉ số 6 có thay đổi chưa lưu. Bỏ các thay đổi này?');
    await expect(page).toHaveURL(/\/chi-so/);
    await expect(verified).toHaveValue('2');
  };

  // A link to another screen: asked; staying keeps the page, then yes leaves it.
  await askedAndStayed(() => page.getByRole('link', { name: 'Về báo cáo' }).click());
  page.once('dialog', (d) => d.accept());
  await page.getByRole('link', { name: 'Về báo cáo' }).click();
  await expect(page).toHaveURL(/\/bao-cao/);

  // Back to the indicators, typed again: the browser's Forward (to the reports, in the app) asks, and staying keeps the page.
  await page.goBack();
  await expect(entry(page, 5)).toBeVisible();
  await verified.fill('2');
  await askedAndStayed(() => page.evaluate(() => history.forward()));

  // Signing out asks too; staying keeps the officer signed in with what was typed.
  await askedAndStayed(() => page.getByRole('button', { name: 'Đăng xuất' }).click());
  expect(await page.evaluate(() => localStorage.getItem('danhgia.session'))).not.toBeNull();
  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: 'Đăng xuất' }).click();
  await expect(page).toHaveURL(/\/dang-nhap/);
  await signIn(page, 'vanphong');

  // Nothing typed: nothing asked.
  await page.goto('/chi-so?nam=2024&quy=3');
  await expect(entry(page, 5)).toBeVisible();
  let askedAgain = false;
  page.on('dialog', (d) => ((askedAgain = true), d.dismiss()));
  await page.locator('#indicators-quarter').selectOption('2');
  await page.getByRole('button', { name: 'Xem' }).click();
  await expect(page.locator('#agency-indicators-title')).toContainText('Quý II năm 2024');
  expect(askedAgain).toBe(false);
});

test('a period not over yet is marked as figures so far, one not begun as having none, on screen and on the printed form; a past one is not', async ({ page }) => {
  await signIn(page, 'vanphong');
  const now = new Date();
  const [year, quarter] = [now.getFullYear(), Math.floor(now.getMonth() / 3) + 1];
  const last = new Date(year, quarter * 3, 0);
  const lastDay = `${String(last.getDate()).padStart(2, '0')}/${String(last.getMonth() + 1).padStart(2, '0')}/${year}`;
  const dd = (d) => `${String(d.getDate()).padStart(2, '0')}/${String(d.getMonth() + 1).padStart(2, '0')}/${d.getFullYear()}`;
  const so_far = `Kỳ này chưa kết thúc (đến hết ngày ${lastDay}): số liệu tính đến ngày ${dd(now)}; điểm, xếp loại và thứ hạng còn có thể thay đổi.`;

  await page.goto(`/bao-cao?nam=${year}&quy=${quarter}`);
  await expect(page.locator('p.report-unit')).toBeVisible();
  await expect(page.locator('.notice.provisional')).toHaveText(so_far);
  await page.goto(`/in/mau-02?nam=${year}&quy=${quarter}`);
  await expect(page.locator('article.form-print .form-provisional')).toHaveText(so_far);
  // The whole year under way too.
  await page.goto(`/bao-cao?nam=${year}&quy=0`);
  await expect(page.locator('p.report-unit')).toBeVisible();
  await expect(page.locator('.notice.provisional')).toContainText(`31/12/${year}`);
  // A quarter that has not begun says so, rather than "not over yet".
  const notBegun = `Kỳ này chưa bắt đầu (bắt đầu từ ngày 01/01/${year + 1}): chưa có số liệu.`;
  await page.goto(`/bao-cao?nam=${year + 1}&quy=1`);
  await expect(page.locator('p.report-unit')).toBeVisible();
  await expect(page.locator('.notice.provisional')).toHaveText(notBegun);
  await page.goto(`/in/mau-02?nam=${year + 1}&quy=1`);
  await expect(page.locator('article.form-print .form-provisional')).toHaveText(notBegun);

  await page.goto('/bao-cao?nam=2024&quy=3');
  await expect(page.locator('p.report-unit')).toContainText('30/09/2024');
  await expect(page.locator('.notice.provisional')).toHaveCount(0);
  await page.goto('/in/mau-02?nam=2024&quy=3');
  await expect(page.locator('article.form-print .form-period')).toContainText('Quý III năm 2024');
  await expect(page.locator('article.form-print .form-provisional')).toHaveCount(0);
});
