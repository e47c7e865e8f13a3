// Administration in the app (`/quan-tri`), on a demo district of its own:
// bad input gets a clear message in the user's language and changes nothing
// (duplicate code, unknown parent, last administrator), agencies are
// created, changed, deactivated and deleted only when empty, duplicate
// officials are merged after a confirmation that says how many dossiers
// move, accounts get one-time passwords shown once, CSV imports explain
// each refused row and change nothing the second time, the audit log says
// who changed what, and each role's menu shows its screens.
import { test, expect } from './fixtures.mjs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dbAt } from './helpers.mjs';
import { startServer } from './server.mjs';

test.setTimeout(180_000);

const out = join(import.meta.dirname, '.output');
let server;
let db;

test.beforeAll(async () => {
  server = await startServer({ demoLinks: 0, pidFile: join(import.meta.dirname, '.admin.pid') });
  db = (sql, ...params) => dbAt(server.dataDir, sql, ...params);
});

test.afterAll(async () => {
  await server?.stop();
});

const at = (path) => `${server.baseUrl}${path}`;

async function signIn(page, username, password = 'danhgia-demo') {
  await page.goto(at('/dang-nhap'));
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu').fill(password);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await expect(page).not.toHaveURL(/dang-nhap/);
}

/** A session of the demo administrator's own, for changes made "elsewhere" meanwhile. */
async function api(method, path, body) {
  if (!api.token) {
    const res = await fetch(at('/api/v1/auth/login'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'quantri.h45', password: 'danhgia-demo' }),
    });
    api.token = (await res.json()).token;
  }
  const res = await fetch(at(`/api/v1${path}`), {
    method,
    headers: { authorization: `Bearer ${api.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return res;
}

/** Signs `username` out with the menu's button; the server has ended the session before the test goes on. */
async function signOut(page, username) {
  const sessions = () => db('SELECT count(*) AS n FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE a.username = ?', username)[0].n;
  const before = sessions();
  await page.getByRole('navigation', { name: 'Trình đơn cán bộ' }).getByRole('button', { name: 'Đăng xuất' }).click();
  await expect(page).toHaveURL(/\/dang-nhap$/);
  // The server was told (also from the district office's app, whose sign-in screen is a page load away).
  await expect.poll(sessions).toBe(before - 1);
}

const accept = (page) => page.once('dialog', (d) => d.accept());

test('agencies: duplicate code and unknown parent refused with nothing saved; create, change, deactivate, delete only when empty', async ({ page }) => {
  await signIn(page, 'quantri.h45');
  await expect(page).toHaveURL(/\/quan-tri$/);
  const agencies = () => db('SELECT id, name, level, parent_id, active FROM agencies ORDER BY id');
  const before = agencies();
  const feedback = page.locator('p.feedback');
  const alert = page.getByRole('alert').filter({ hasText: /\S/ });

  // A duplicate code.
  await page.getByRole('button', { name: 'Thêm cơ quan' }).click();
  await page.getByLabel('Mã cơ quan').fill('h45.03');
  await page.getByLabel('Tên cơ quan').fill('Xã trùng mã');
  await page.getByRole('button', { name: 'Tạo', exact: true }).click();
  await expect(alert).toHaveText('Đã có cơ quan mang mã này. Chưa có gì thay đổi.');
  expect(agencies()).toEqual(before);
  // What the core's rules refuse is said before anything is sent.
  await page.getByLabel('Mã cơ quan').fill('H45/07');
  await page.getByRole('button', { name: 'Tạo', exact: true }).click();
  await expect(alert).toHaveText('Mã cơ quan: không được dùng ký tự /');
  await page.getByRole('button', { name: 'Hủy' }).click();

  // An unknown parent: the parent picked was deleted elsewhere meanwhile.
  expect((await api('POST', '/agencies', { id: 'H45.90', name: 'Phòng tạm', level: 'department', parent_id: 'H45' })).status).toBe(201);
  await page.reload();
  await page.getByRole('button', { name: 'Thêm trực thuộc H45.90' }).click();
  await expect(page.getByLabel('Trực thuộc')).toHaveValue('H45.90');
  expect((await api('DELETE', '/agencies/H45.90')).status).toBe(204);
  await page.getByLabel('Mã cơ quan').fill('H45.91');
  await page.getByLabel('Tên cơ quan').fill('Tổ một cửa');
  await page.getByRole('button', { name: 'Tạo', exact: true }).click();
  await expect(alert).toHaveText('Không có cơ quan cấp trên này trong phạm vi bạn quản lý. Chưa có gì thay đổi.');
  expect(agencies()).toEqual(before);
  await page.getByRole('button', { name: 'Hủy' }).click();

  // Created under the district, renamed and re-levelled, deactivated, reactivated, deleted.
  await page.getByRole('button', { name: 'Thêm trực thuộc H45', exact: true }).click();
  await page.getByLabel('Mã cơ quan').fill('H45.20');
  await page.getByLabel('Tên cơ quan').fill('Phòng Tư pháp');
  await page.getByLabel('Cấp').selectOption('department');
  await page.getByRole('button', { name: 'Tạo', exact: true }).click();
  await expect(feedback).toHaveText('Đã tạo cơ quan H45.20.');
  const node = page.locator('li[data-agency="H45.20"]');
  await expect(node.locator('.meta')).toContainText('Phòng, ban');
  await node.getByRole('button', { name: 'Sửa H45.20' }).click();
  await expect(page.getByLabel('Tên cơ quan')).toBeFocused();
  await page.getByLabel('Tên cơ quan').fill('Phòng Tư pháp huyện');
  await page.getByRole('button', { name: 'Lưu thay đổi' }).click();
  await expect(feedback).toHaveText('Đã lưu cơ quan H45.20.');
  await expect(node.locator('.name').first()).toHaveText('Phòng Tư pháp huyện');
  await node.getByRole('button', { name: 'Sửa H45.20' }).click();
  accept(page);
  await page.getByRole('button', { name: 'Ngừng hoạt động' }).click();
  await expect(feedback).toHaveText('Đã ngừng hoạt động cơ quan H45.20.');
  await expect(node.locator('.tag')).toHaveText('Ngừng hoạt động');
  expect(db("SELECT active FROM agencies WHERE id = 'H45.20'")[0].active).toBe(0);
  await node.getByRole('button', { name: 'Sửa H45.20' }).click();
  await page.getByRole('button', { name: 'Hoạt động lại' }).click();
  await expect(feedback).toHaveText('Cơ quan H45.20 hoạt động trở lại.');
  await node.getByRole('button', { name: 'Sửa H45.20' }).click();
  accept(page);
  await page.getByRole('button', { name: 'Xóa' }).click();
  await expect(feedback).toHaveText('Đã xóa cơ quan H45.20.');
  await expect(node).toHaveCount(0);
  expect(agencies()).toEqual(before);

  // A commune with dossiers is never deleted: the screen says why.
  const [{ n }] = db("SELECT count(*) AS n FROM dossiers WHERE agency_id = 'H45.03'");
  await page.locator('li[data-agency="H45.03"]').getByRole('button', { name: 'Sửa H45.03' }).click();
  await expect(page.locator('.editor')).toContainText(`Cơ quan đã có ${n} hồ sơ nên không thể xóa`);
  await expect(page.locator('.editor').getByRole('button', { name: 'Xóa' })).toHaveCount(0);
  // Your own agency stays where it is.
  await page.locator('li[data-agency="H45"] > .node').getByRole('button', { name: 'Sửa H45' }).click();
  await expect(page.getByLabel('Cấp')).toBeDisabled();
  await expect(page.getByLabel('Trực thuộc')).toHaveCount(0);

  // In English, the same refusal in English.
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('button', { name: 'Add an agency' }).click();
  await page.getByLabel('Agency code').fill('H45.03');
  await page.getByLabel('Agency name').fill('Duplicate');
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await expect(alert).toHaveText('An agency with this code exists already. Nothing was changed.');
  await page.getByRole('button', { name: 'Tiếng Việt' }).click();
  expect(agencies()).toEqual(before);
});

test('officials: a duplicate is merged after a confirmation saying how many dossiers move', async ({ page }) => {
  const [from] = db(
    "SELECT o.id, o.full_name, count(d.code) AS n FROM officials o JOIN dossiers d ON d.official_id = o.id WHERE o.agency_id = 'H45.03' GROUP BY o.id ORDER BY n DESC LIMIT 1",
  );
  expect(from.n).toBeGreaterThan(0);
  await signIn(page, 'quantri.h45');
  await page.goto(at('/quan-tri/can-bo'));
  await page.getByLabel('Cơ quan', { exact: true }).selectOption('H45.03');
  // The duplicate's twin, as an import typo would make it.
  await page.getByRole('button', { name: 'Thêm cán bộ' }).click();
  await page.getByLabel('Họ và tên').fill(`${from.full_name} (2)`);
  await page.getByLabel('Chức vụ').fill('Công chức Văn phòng - Thống kê');
  await page.getByRole('button', { name: 'Tạo', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Đã thêm cán bộ' })).toBeVisible();
  // The same name twice in one agency is refused.
  await page.getByRole('button', { name: 'Thêm cán bộ' }).click();
  await page.getByLabel('Họ và tên').fill(`${from.full_name} (2)`);
  await page.getByRole('button', { name: 'Tạo', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: /\S/ })).toHaveText('Cơ quan này đã có cán bộ cùng họ tên.');
  await page.getByRole('button', { name: 'Hủy' }).click();
  const [twin] = db("SELECT id FROM officials WHERE full_name = ? AND agency_id = 'H45.03'", `${from.full_name} (2)`);

  const row = page.locator(`li[data-official="${from.id}"]`);
  await row.getByRole('button', { name: `Gộp vào… ${from.full_name}`, exact: true }).click();
  await expect(page.getByLabel('Gộp vào cán bộ')).toBeFocused();
  await page.getByLabel('Gộp vào cán bộ').selectOption(String(twin.id));
  await expect(page.locator('.merge-consequence')).toHaveText(
    `${from.n} hồ sơ của ${from.full_name} sẽ chuyển sang ${from.full_name} (2); ${from.full_name} sẽ ngừng hoạt động. Không hoàn tác được.`,
  );
  await page.screenshot({ path: join(out, 'admin-merge.png'), fullPage: true });
  await page.getByRole('button', { name: 'Gộp', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Đã gộp' })).toHaveText(
    `Đã gộp ${from.full_name} vào ${from.full_name} (2): chuyển ${from.n} hồ sơ.`,
  );
  await expect(row.locator('.tag')).toHaveText(`Đã gộp vào ${from.full_name} (2)`);
  await expect(row.getByRole('button')).toHaveCount(0);
  expect(db('SELECT count(*) AS n FROM dossiers WHERE official_id = ?', from.id)[0].n).toBe(0);
  expect(db('SELECT count(*) AS n FROM dossiers WHERE official_id = ?', twin.id)[0].n).toBe(from.n);
  expect(db('SELECT active, merged_into FROM officials WHERE id = ?', from.id)).toEqual([{ active: 0, merged_into: twin.id }]);

  // Deactivating and reactivating an official.
  const twinRow = page.locator(`li[data-official="${twin.id}"]`);
  await twinRow.getByRole('button', { name: /^Ngừng hoạt động/ }).click();
  await expect(twinRow.locator('.tag')).toHaveText('Ngừng hoạt động');
  expect(db('SELECT active FROM officials WHERE id = ?', twin.id)[0].active).toBe(0);
  await twinRow.getByRole('button', { name: /^Hoạt động lại/ }).click();
  await expect(twinRow.locator('.tag')).toHaveCount(0);
});

test('accounts: one-time passwords shown once, role and agency changed, sign out everywhere, the last administrator kept', async ({ page }) => {
  await signIn(page, 'quantri.h45');
  await page.goto(at('/quan-tri/tai-khoan'));
  const alert = page.getByRole('alert').filter({ hasText: /\S/ });

  // The last administrator cannot step down, nor stop being one.
  const me = page.locator('li[data-account="quantri.h45"]');
  accept(page);
  await me.getByRole('button', { name: /^Ngừng hoạt động/ }).click();
  await expect(alert).toHaveText(
    'Đây là quản trị viên cuối cùng quản lý cơ quan này: hãy tạo một quản trị viên khác trước. Chưa có gì thay đổi.',
  );
  await me.getByRole('button', { name: /^Sửa/ }).click();
  await page.getByLabel('Vai trò').selectOption('office');
  await page.getByRole('button', { name: 'Lưu thay đổi' }).click();
  await expect(alert).toHaveText(/quản trị viên cuối cùng/);
  expect(db("SELECT role, active FROM accounts WHERE username = 'quantri.h45'")).toEqual([{ role: 'admin', active: 1 }]);
  await page.getByRole('button', { name: 'Hủy' }).click();

  // A taken user name.
  await page.getByRole('button', { name: 'Thêm tài khoản' }).click();
  await page.getByLabel('Tên đăng nhập').fill('vanphong');
  await page.getByLabel('Họ và tên').fill('Người trùng tên');
  await page.getByRole('button', { name: 'Tạo', exact: true }).click();
  await expect(alert).toHaveText('Tên đăng nhập này đã có người dùng.');
  await page.getByLabel('Tên đăng nhập').fill('có dấu');
  await page.getByRole('button', { name: 'Tạo', exact: true }).click();
  await expect(alert).toHaveText(/^Tên đăng nhập: 3–64 ký tự/);

  // A new officer: its one-time password once.
  await page.getByLabel('Tên đăng nhập').fill('tiepnhan.h45.05');
  await page.getByLabel('Họ và tên').fill('Đặng Văn Giang');
  await page.getByLabel('Cơ quan', { exact: true }).selectOption('H45.05');
  await page.getByRole('button', { name: 'Tạo', exact: true }).click();
  const otp = page.locator('section.otp');
  await expect(otp.getByRole('textbox')).toBeFocused();
  const first = await otp.getByRole('textbox').inputValue();
  await page.screenshot({ path: join(out, 'admin-one-time.png'), fullPage: true });
  const account = page.locator('li[data-account="tiepnhan.h45.05"]');
  await expect(account.locator('.role')).toHaveText('Cán bộ một cửa');
  // It signs in (one session, still to change its password)…
  const login = await fetch(at('/api/v1/auth/login'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'tiepnhan.h45.05', password: first }),
  });
  expect((await login.json()).officer.must_change_password).toBe(true);
  await page.reload();
  await expect(otp).toHaveCount(0);
  expect(await page.content()).not.toContain(first);
  await expect(account.locator('.sessions')).toHaveText('1 phiên đăng nhập');
  // …and is signed out everywhere.
  accept(page);
  await account.getByRole('button', { name: /^Đăng xuất mọi nơi/ }).click();
  await expect(page.getByRole('status').filter({ hasText: 'mọi thiết bị' })).toHaveText('Đã đăng xuất tiepnhan.h45.05 trên mọi thiết bị.');
  await expect(account.locator('.sessions')).toHaveText('0 phiên đăng nhập');
  expect(db("SELECT count(*) AS n FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE a.username = 'tiepnhan.h45.05'")[0].n).toBe(0);

  // A reset gives another one-time password, shown once.
  accept(page);
  await account.getByRole('button', { name: /^Đặt lại mật khẩu/ }).click();
  await expect(otp.getByRole('heading')).toHaveText('Mật khẩu dùng một lần của tiepnhan.h45.05');
  const second = await otp.getByRole('textbox').inputValue();
  expect(second).not.toBe(first);
  await otp.getByRole('button', { name: 'Đã ghi lại, ẩn mật khẩu' }).click();
  expect(await page.content()).not.toContain(second);

  // Name, role and agency changed; deactivated and reactivated.
  await account.getByRole('button', { name: /^Sửa/ }).click();
  await page.getByLabel('Họ và tên').fill('Đặng Văn Giang (Văn phòng)');
  await page.getByLabel('Vai trò').selectOption('office');
  await page.getByLabel('Cơ quan', { exact: true }).selectOption('H45.06');
  await page.getByRole('button', { name: 'Lưu thay đổi' }).click();
  await expect(account.locator('.role')).toHaveText('Văn phòng');
  expect(db("SELECT full_name, role, agency_id FROM accounts WHERE username = 'tiepnhan.h45.05'")).toEqual([
    { full_name: 'Đặng Văn Giang (Văn phòng)', role: 'office', agency_id: 'H45.06' },
  ]);
  accept(page);
  await account.getByRole('button', { name: /^Ngừng hoạt động/ }).click();
  await expect(account.locator('.tag')).toHaveText('Ngừng hoạt động');
  expect(db("SELECT active FROM accounts WHERE username = 'tiepnhan.h45.05'")[0].active).toBe(0);
  await account.getByRole('button', { name: /^Hoạt động lại/ }).click();
  await expect(account.locator('.tag')).toHaveText('Chưa đổi mật khẩu dùng một lần');

  // The audit log, newest first: who changed what, before and after.
  await page.getByRole('link', { name: 'Nhật ký' }).click();
  const newest = page.locator('.audit-entry').first();
  await expect(newest.locator('.action')).toHaveText('Cho tài khoản hoạt động lại');
  await expect(newest.locator('.target')).toHaveText('tiepnhan.h45.05');
  await expect(newest.locator('.who')).toHaveText('Người thực hiện: quantri.h45');
  await expect(newest.locator('.changes')).toHaveText('active: không → có');
  const update = page.locator('.audit-entry[data-action="account.update"]').first();
  await expect(update.locator('.changes li')).toHaveText([
    'agency_id: H45.05 → H45.06',
    'full_name: Đặng Văn Giang → Đặng Văn Giang (Văn phòng)',
    'role: officer → office',
  ]);
  await page.screenshot({ path: join(out, 'admin-audit.png'), fullPage: true });
  const [{ total }] = db('SELECT count(*) AS total FROM audit_log WHERE agency_id IS NOT NULL');
  await expect(page.locator('#audit-title + p')).toHaveText(`Mục 1–${Math.min(25, total)} trong ${total}, mới nhất trước`);
  if (total > 25) {
    await page.getByRole('button', { name: 'Cũ hơn' }).click();
    await expect(page.locator('#audit-title + p')).toHaveText(new RegExp(`^Mục 26–`));
    await page.getByRole('button', { name: 'Mới hơn' }).click();
    await expect(newest.locator('.target')).toHaveText('tiepnhan.h45.05');
  }
});

test('CSV imports: each refused row with its line and reason, and the same file again changes nothing', async ({ page }) => {
  mkdirSync(out, { recursive: true });
  const agenciesCsv = join(out, 'admin-agencies.csv');
  writeFileSync(
    agenciesCsv,
    '\ufeffma_co_quan,ten_co_quan,cap,ma_co_quan_cap_tren\n' +
      'H45.31,Xã Hải Tân,xã,H45\n' +
      'H45.32,Tổ một cửa xã Hải Tân,phòng,H45.31\n' +
      'H45.33,Xã không có cấp trên,xã,H77\n' +
      'H45.34,Cấp lạ,thôn,H45\n' +
      'H45.31,Xã Hải Tân lặp,xã,H45\n',
  );
  const officialsCsv = join(out, 'admin-officials.csv');
  writeFileSync(
    officialsCsv,
    'co_quan,ho_ten,chuc_vu\n' + 'H45.31,Võ Thị Hạnh,Chuyên viên\n' + 'H46,Người huyện khác,Chuyên viên\n' + 'H45.31,,Chuyên viên\n',
  );
  const count = (table) => db(`SELECT count(*) AS n FROM ${table}`)[0].n;
  await signIn(page, 'quantri.h45');
  await page.goto(at('/quan-tri/nhap-tep'));

  const agencies = page.locator('#import-agencies');
  await agencies.getByLabel('Tệp CSV (UTF-8)').setInputFiles(agenciesCsv);
  await agencies.getByRole('button', { name: 'Nhập', exact: true }).click();
  await expect(agencies.locator('.import-result')).toHaveText('Đã thêm 2, cập nhật 0, không đổi 0.');
  const rows = agencies.locator('.import-errors tbody tr');
  await expect(rows).toHaveCount(3);
  await expect(rows).toHaveText([
    '4không có cơ quan cấp trên này — ma_co_quan_cap_tren: “H77”',
    '5cấp không hợp lệ hoặc không đặt được dưới cơ quan cấp trên — cap: “thôn”',
    '6lặp lại trong tệp — ma_co_quan: “H45.31”',
  ]);
  expect(db("SELECT id, parent_id FROM agencies WHERE id LIKE 'H45.3%' ORDER BY id")).toEqual([
    { id: 'H45.31', parent_id: 'H45' },
    { id: 'H45.32', parent_id: 'H45.31' },
  ]);
  const agencyCount = count('agencies');
  await agencies.getByRole('button', { name: 'Nhập', exact: true }).click();
  await expect(agencies.locator('.import-result')).toHaveText('Đã thêm 0, cập nhật 0, không đổi 2.');
  expect(count('agencies')).toBe(agencyCount);

  const officials = page.locator('#import-officials');
  await officials.getByLabel('Tệp CSV (UTF-8)').setInputFiles(officialsCsv);
  await officials.getByRole('button', { name: 'Nhập', exact: true }).click();
  await expect(officials.locator('.import-result')).toHaveText('Đã thêm 1, cập nhật 0, không đổi 0.');
  await expect(officials.locator('.import-errors tbody tr')).toHaveText([
    '3cơ quan ngoài phạm vi bạn quản lý — co_quan: “H46”',
    '4thiếu giá trị bắt buộc — ho_ten',
  ]);
  const officialCount = count('officials');
  await officials.getByRole('button', { name: 'Nhập', exact: true }).click();
  await expect(officials.locator('.import-result')).toHaveText('Đã thêm 0, cập nhật 0, không đổi 1.');
  expect(count('officials')).toBe(officialCount);

  // A file that is not the expected form at all.
  const wrong = join(out, 'admin-wrong.csv');
  writeFileSync(wrong, 'ten,tuoi\nA,1\n');
  await officials.getByLabel('Tệp CSV (UTF-8)').setInputFiles(wrong);
  await officials.getByRole('button', { name: 'Nhập', exact: true }).click();
  await expect(officials.getByRole('alert')).toHaveText('Tệp không đúng mẫu: thiếu cột co_quan, ho_ten');
  expect(count('officials')).toBe(officialCount);
});

test('each role sees its own screens; administration is for administrators', async ({ page }) => {
  const menu = page.getByRole('navigation', { name: 'Trình đơn cán bộ' });
  await signIn(page, 'canbo.h45.03');
  await expect(menu.getByRole('link')).toHaveText(['Nhập phiếu', 'In phiếu', 'Thiết bị đánh giá tại quầy', 'Đổi mật khẩu']);
  await page.goto(at('/quan-tri'));
  await expect(page.getByText('Chỉ quản trị viên được dùng phần này.')).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Các phần quản trị' })).toHaveCount(0);
  await signOut(page, 'canbo.h45.03');
  await signIn(page, 'vanphong');
  await expect(menu.getByRole('link')).toHaveText(['Nhập phiếu', 'In phiếu', 'Thiết bị đánh giá tại quầy', 'Nhập hồ sơ', 'Báo cáo', 'Đổi mật khẩu']);
  await signOut(page, 'vanphong');
  await signIn(page, 'quantri.h45');
  await expect(page).toHaveURL(/\/quan-tri$/);
  await expect(menu.getByRole('link')).toHaveText(['Báo cáo', 'Quản trị', 'Đổi mật khẩu']);
  await expect(menu.getByRole('link', { name: 'Quản trị' })).toHaveAttribute('aria-current', 'page');
  // Signed out on the server as well.
  const sessions = () => db("SELECT count(*) AS n FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE a.username = 'canbo.h45.03'")[0].n;
  expect(sessions()).toBe(0);
});

test("on a phone the officers' menu is one row, showing the screen's own entry", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const menu = page.getByRole('navigation', { name: 'Trình đơn cán bộ' });
  await signIn(page, 'vanphong');
  await page.goto(at('/bao-cao'));
  const here = menu.getByRole('link', { name: 'Báo cáo' });
  await expect(here).toHaveAttribute('aria-current', 'page');
  // One row of 44-pixel entries (it wrapped into four, a third of the screen).
  const box = await menu.boundingBox();
  expect(box.height).toBeLessThan(70);
  // The screen's own entry is scrolled into the row, not left past its edge.
  await expect.poll(async () => {
    const link = await here.boundingBox();
    return link.x >= box.x && link.x + link.width <= box.x + box.width;
  }).toBe(true);
  // Every entry is still there, a swipe away.
  await expect(menu.getByRole('link')).toHaveText(['Nhập phiếu', 'In phiếu', 'Thiết bị đánh giá tại quầy', 'Nhập hồ sơ', 'Báo cáo', 'Đổi mật khẩu']);
});
