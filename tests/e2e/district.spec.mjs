// A district from scratch (issue #11): an empty data folder, `danhgia-server
// init` run as an IT person would, the server started WITHOUT the demo, and
// everything else done in the app — the administrator's forced password
// change, a commune, an official, an officer's and an office account, the
// officer's first sign-in, a dossier import, a printed slip a citizen rates
// from its link, a paper slip transcribed, and the report showing both.
import { test, expect } from './fixtures.mjs';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { answerAll, dbAt } from './helpers.mjs';
import { startServer } from './server.mjs';

test.setTimeout(240_000);

const bin = process.env.DANHGIA_SERVER_BIN || resolve(import.meta.dirname, '../../target/debug/danhgia-server');
const out = join(import.meta.dirname, '.output');

/** dd/mm/yyyy of a local date. */
const vnDate = (d) => `${String(d.getDate()).padStart(2, '0')}/${String(d.getMonth() + 1).padStart(2, '0')}/${d.getFullYear()}`;

async function signIn(page, base, username, password) {
  await page.goto(`${base}/dang-nhap`);
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu').fill(password);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
}

/** The first sign-in with a one-time password: nothing but a new password until it is set. */
async function firstSignIn(page, base, username, oneTime, password) {
  await signIn(page, base, username, oneTime);
  await expect(page).toHaveURL(/\/mat-khau$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Đổi mật khẩu');
  await page.getByLabel('Mật khẩu dùng một lần').fill(oneTime);
  await page.getByLabel('Mật khẩu mới', { exact: true }).fill(password);
  await page.getByLabel('Nhập lại mật khẩu mới').fill(password);
  await expect(page.locator('#password-check')).toHaveText('Mật khẩu mới đạt yêu cầu.');
  await page.getByRole('button', { name: 'Đổi mật khẩu' }).click();
}

/** Signs out with the menu's button; `sessions()` (the account's sessions on the server) must come to 0. */
async function signOut(page, sessions) {
  await page.getByRole('navigation', { name: 'Trình đơn cán bộ' }).getByRole('button', { name: 'Đăng xuất' }).click();
  await expect(page).toHaveURL(/\/dang-nhap$/);
  // The server was told (also from the district office's app, whose sign-in screen is a page load away).
  await expect.poll(sessions).toBe(0);
}

test('a district from scratch: init, administration in the app, first sign-ins, import, slip, ratings, report', async ({ page, browser, context }) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'danhgia-district-'));
  let server;
  try {
    // 1. The command line: the district and its first administrator.
    const init = spawnSync(bin, ['--data-dir', dataDir, 'init', '--agency-code', 'H99', '--agency-name', 'UBND huyện Hải Lăng', '--username', 'quantri.h99'], { encoding: 'utf8' });
    expect(init.status, init.stderr).toBe(0);
    const oneTime = (init.stdout + init.stderr).match(/username=quantri\.h99 password=(\S+)/)?.[1];
    expect(oneTime).toBeTruthy();
    const db = (sql, ...params) => dbAt(dataDir, sql, ...params);
    const sessions = (username) => () => db('SELECT count(*) AS n FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE a.username = ?', username)[0].n;
    const admin = () => db("SELECT password_hash, must_change_password FROM accounts WHERE username = 'quantri.h99'")[0];

    // The server, without --demo: nothing but what init made.
    server = await startServer({ demo: false, dataDir, pidFile: join(import.meta.dirname, '.district.pid') });
    const base = server.baseUrl;
    expect(db('SELECT count(*) AS n FROM agencies')[0].n).toBe(1);
    expect(db('SELECT count(*) AS n FROM dossiers')[0].n).toBe(0);

    // 2. The administrator signs in with the one-time password: the new one first.
    await signIn(page, base, 'quantri.h99', oneTime);
    await expect(page).toHaveURL(/\/mat-khau$/);
    await expect(page.locator('.lead')).toContainText('mật khẩu dùng một lần');
    const nav = page.getByRole('navigation', { name: 'Trình đơn cán bộ' });
    await expect(nav.getByRole('link')).toHaveCount(0);
    // Nothing else works until then, whatever the address.
    await page.goto(`${base}/quan-tri`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Đổi mật khẩu');
    const before = admin();
    expect(before.must_change_password).toBe(1);
    // A weak password is explained as it is typed, and never sent.
    await page.getByLabel('Mật khẩu dùng một lần').fill(oneTime);
    await page.getByLabel('Mật khẩu mới', { exact: true }).fill('abcdefghij1');
    await expect(page.locator('#password-check')).toHaveText('Mật khẩu mới: quá dễ đoán (xem yêu cầu ở trên)');
    await page.getByLabel('Mật khẩu mới', { exact: true }).fill('ngắn');
    await expect(page.locator('#password-check')).toHaveText('Mật khẩu mới: cần ít nhất 10 ký tự');
    await page.getByLabel('Mật khẩu mới', { exact: true }).fill('quantri.h99-2026');
    await page.getByLabel('Nhập lại mật khẩu mới').fill('quantri.h99-2026');
    await page.getByRole('button', { name: 'Đổi mật khẩu' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'quá dễ đoán' })).toBeVisible();
    // The same as the one-time password: refused too.
    await page.getByLabel('Mật khẩu mới', { exact: true }).fill(oneTime);
    await page.getByLabel('Nhập lại mật khẩu mới').fill(oneTime);
    await page.getByRole('button', { name: 'Đổi mật khẩu' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'trùng mật khẩu hiện tại' })).toBeVisible();
    expect(admin()).toEqual(before);
    // A good one: the administration opens.
    await page.getByLabel('Mật khẩu mới', { exact: true }).fill('Song Thach Han 1972');
    await page.getByLabel('Mật khẩu mới', { exact: true }).press('Tab');
    await expect(page.locator('#repeat-check')).toHaveText('Hai lần nhập mật khẩu mới không giống nhau.');
    await page.getByLabel('Nhập lại mật khẩu mới').fill('Song Thach Han 1972');
    await expect(page.locator('#repeat-check')).toHaveText('');
    await page.getByRole('button', { name: 'Đổi mật khẩu' }).click();
    await expect(page).toHaveURL(/\/quan-tri$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Quản trị');
    expect(admin().must_change_password).toBe(0);
    expect(admin().password_hash).not.toBe(before.password_hash);
    // An administrator's menu: administration, reports, password; no slips.
    await expect(nav.getByRole('link')).toHaveText(['Báo cáo', 'Quản trị', 'Đổi mật khẩu']);

    // 3. A commune under the district.
    await page.getByRole('button', { name: 'Thêm trực thuộc H99' }).click();
    await expect(page.getByLabel('Mã cơ quan')).toBeFocused();
    await expect(page.getByLabel('Trực thuộc')).toHaveValue('H99');
    await expect(page.getByLabel('Cấp')).toHaveValue('commune');
    await page.getByLabel('Mã cơ quan').fill('h99.01');
    await page.getByLabel('Tên cơ quan').fill('UBND xã Hải An');
    await page.getByRole('button', { name: 'Tạo', exact: true }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Đã tạo cơ quan H99.01.' })).toBeVisible();
    await expect(page.locator('li[data-agency="H99"] li[data-agency="H99.01"] .name')).toHaveText('UBND xã Hải An');
    expect(db("SELECT name, level, parent_id, active FROM agencies WHERE id = 'H99.01'")).toEqual([
      { name: 'UBND xã Hải An', level: 'commune', parent_id: 'H99', active: 1 },
    ]);
    await page.screenshot({ path: join(out, 'admin-agencies.png'), fullPage: true });

    // An official of the commune.
    await page.getByRole('link', { name: 'Cán bộ' }).click();
    await expect(page).toHaveURL(/\/quan-tri\/can-bo$/);
    await page.getByLabel('Cơ quan', { exact: true }).selectOption('H99.01');
    await expect(page.getByText('Cơ quan này chưa có cán bộ nào.')).toBeVisible();
    await page.getByRole('button', { name: 'Thêm cán bộ' }).click();
    await page.getByLabel('Họ và tên').fill('Lê Thị Hoa');
    await page.getByLabel('Chức vụ').fill('Công chức Tư pháp - Hộ tịch');
    await page.getByRole('button', { name: 'Tạo', exact: true }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Đã thêm cán bộ Lê Thị Hoa.' })).toBeVisible();
    await expect(page.locator('.officials li .name')).toHaveText(['Lê Thị Hoa']);
    expect(db("SELECT agency_id, position FROM officials WHERE full_name = 'Lê Thị Hoa'")).toEqual([
      { agency_id: 'H99.01', position: 'Công chức Tư pháp - Hộ tịch' },
    ]);

    // The officer's account, and the district office's (only office staff import dossiers).
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.getByRole('link', { name: 'Tài khoản' }).click();
    await expect(page.locator('.accounts li')).toHaveCount(1);
    async function createAccount(username, fullName, role, agency) {
      await page.getByRole('button', { name: 'Thêm tài khoản' }).click();
      await page.getByLabel('Tên đăng nhập').fill(username);
      await page.getByLabel('Họ và tên').fill(fullName);
      await page.getByLabel('Vai trò').selectOption(role);
      await page.getByLabel('Cơ quan', { exact: true }).selectOption(agency);
      await page.getByRole('button', { name: 'Tạo', exact: true }).click();
      const card = page.locator('section.otp');
      await expect(card.getByRole('heading')).toHaveText(`Mật khẩu dùng một lần của ${username.toLowerCase()}`);
      await expect(card).toContainText('chỉ hiện một lần');
      const password = await card.getByRole('textbox', { name: 'Mật khẩu dùng một lần' }).inputValue();
      expect(password).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
      await card.getByRole('button', { name: 'Sao chép' }).click();
      await expect(card.getByRole('status')).toHaveText('Đã sao chép.');
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(password);
      await card.getByRole('button', { name: 'Đã ghi lại, ẩn mật khẩu' }).click();
      await expect(card).toHaveCount(0);
      // Shown once: it is nowhere on the page any more.
      expect(await page.content()).not.toContain(password);
      return password;
    }
    const officerOneTime = await createAccount('CanBo.H99.01', 'Trần Văn Bình', 'officer', 'H99.01');
    await page.screenshot({ path: join(out, 'admin-accounts.png'), fullPage: true });
    const officeOneTime = await createAccount('vanphong.h99', 'Nguyễn Thị Cúc', 'office', 'H99');
    const officer = page.locator('.accounts li[data-account="canbo.h99.01"]');
    await expect(officer.locator('.role')).toHaveText('Cán bộ một cửa');
    await expect(officer).toContainText('UBND xã Hải An (H99.01)');
    await expect(officer.locator('.tag')).toHaveText('Chưa đổi mật khẩu dùng một lần');
    expect(db("SELECT role, agency_id, must_change_password FROM accounts WHERE username = 'canbo.h99.01'")).toEqual([
      { role: 'officer', agency_id: 'H99.01', must_change_password: 1 },
    ]);

    // A reused password goes to the server and is refused there (the one-time password is history).
    await nav.getByRole('link', { name: 'Đổi mật khẩu' }).click();
    const changed = admin();
    await page.getByLabel('Mật khẩu hiện tại').fill('Song Thach Han 1972');
    await page.getByLabel('Mật khẩu mới', { exact: true }).fill(oneTime);
    await page.getByLabel('Nhập lại mật khẩu mới').fill(oneTime);
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/password'));
    await page.getByRole('button', { name: 'Đổi mật khẩu' }).click();
    expect((await answer).status()).toBe(400);
    await expect(page.getByRole('alert').filter({ hasText: 'một mật khẩu đã dùng gần đây' })).toBeVisible();
    expect(admin()).toEqual(changed);

    // Signing out ends the session on the server too.
    await signOut(page, sessions('quantri.h99'));

    // 4–5. The district office signs in for the first time and imports the commune's dossiers.
    await firstSignIn(page, base, 'vanphong.h99', officeOneTime, 'Cua Viet chieu 1975');
    await expect(page).toHaveURL(/\/nhap-phieu$/);
    await expect(nav.getByRole('link')).toHaveText(['Nhập phiếu', 'In phiếu', 'Thiết bị đánh giá tại quầy', 'Nhập hồ sơ', 'Báo cáo', 'Đổi mật khẩu']);
    const today = new Date();
    const day = vnDate(today);
    const [printed, paper] = ['H99.01-000001', 'H99.01-000002'];
    mkdirSync(out, { recursive: true });
    const csv = join(out, 'district-dossiers.csv');
    writeFileSync(
      csv,
      'ma_ho_so,thu_tuc,co_quan,can_bo,nguoi_nop,ngay_tiep_nhan,ngay_hen_tra,ngay_tra\n' +
        `${printed},Đăng ký khai sinh,H99.01,Lê Thị Hoa,Phạm Văn Dũng,${day},${day},${day}\n` +
        `${paper},Chứng thực bản sao,H99.01,Lê Thị Hoa,Hoàng Thị Em,${day},${day},${day}\n`,
    );
    await nav.getByRole('link', { name: 'Nhập hồ sơ' }).click();
    await page.getByLabel('Tệp CSV').setInputFiles(csv);
    await page.getByRole('button', { name: 'Nhập', exact: true }).click();
    await expect(page.locator('.import-result')).toHaveText('Đã thêm 2, cập nhật 0, không đổi 0 hồ sơ.');
    expect(db("SELECT count(*) AS n FROM dossiers d JOIN officials o ON o.id = d.official_id WHERE o.full_name = 'Lê Thị Hoa'")[0].n).toBe(2);
    await signOut(page, sessions('vanphong.h99'));

    // 4. The officer's first sign-in.
    await firstSignIn(page, base, 'canbo.h99.01', officerOneTime, 'Hai An bien xanh 88');
    await expect(page).toHaveURL(/\/nhap-phieu$/);
    await expect(page.locator('.officer-bar')).toContainText('UBND xã Hải An');
    // An officer's menu: slips, no reports and no administration.
    await expect(nav.getByRole('link')).toHaveText(['Nhập phiếu', 'In phiếu', 'Thiết bị đánh giá tại quầy', 'Đổi mật khẩu']);

    // 6. A slip printed for the first dossier.
    const slipAnswer = page.waitForResponse((r) => r.url().includes('/api/v1/slips/') && r.ok());
    await page.goto(`${base}/slip/${printed}`);
    const slip = await (await slipAnswer).json();
    await expect(page.locator('.slip-page .check-code')).toHaveText(slip.check_code);
    expect(new URL(slip.link).hostname).toBe('127.0.0.1');

    // 7. A citizen rates from the slip's link.
    const phone = await browser.newContext({ viewport: { width: 360, height: 740 } });
    const citizen = await phone.newPage();
    await citizen.goto(slip.link);
    await expect(citizen.locator('.dossier-code')).toHaveText(printed);
    await answerAll(citizen);
    await citizen.getByRole('button', { name: 'Gửi đánh giá' }).click();
    await expect(citizen.getByRole('status').filter({ hasText: 'Đã gửi' })).toBeVisible();
    await phone.close();
    expect(db('SELECT channel FROM ratings WHERE dossier_code = ?', printed)).toEqual([{ channel: 'online' }]);

    // 8. The officer transcribes the other dossier's paper slip.
    await page.goto(`${base}/nhap-phieu`);
    await page.getByLabel('Hoặc nhập mã hồ sơ trên phiếu').fill(paper);
    await page.getByRole('button', { name: 'Mở phiếu' }).click();
    await expect(page.locator('.slip .dossier-code')).toHaveText(paper);
    await answerAll(page, 1);
    await page.getByRole('button', { name: 'Lưu phiếu' }).click();
    await expect(page.locator('.saved')).toContainText(paper);
    await expect.poll(() => db('SELECT channel FROM ratings WHERE dossier_code = ?', paper)).toEqual([{ channel: 'paper' }]);
    await signOut(page, sessions('canbo.h99.01'));

    // 9. The report shows both (the district office reads it).
    await signIn(page, base, 'vanphong.h99', 'Cua Viet chieu 1975');
    await expect(page).toHaveURL(/\/nhap-phieu$/);
    await nav.getByRole('link', { name: 'Báo cáo' }).click();
    await page.getByLabel('Năm').selectOption(String(today.getFullYear()));
    await page.getByLabel('Kỳ').selectOption(String(Math.floor(today.getMonth() / 3) + 1));
    await page.getByRole('button', { name: 'Xem báo cáo' }).click();
    const row = page.locator('table.agencies tr[data-agency="H99.01"]');
    await expect(row.locator('.rated')).toHaveText('2');
    await expect(page.locator('table.officials')).toContainText('Lê Thị Hoa');
  } finally {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
