// Accessibility: every screen, in both languages, has no serious or critical
// axe-core violation (WCAG 2.x A/AA, target sizes included).
import { test, expect } from './fixtures.mjs';
import AxeBuilder from '@axe-core/playwright';
import { demo } from './helpers.mjs';
import { signIn, slips } from './officer.mjs';

test.setTimeout(120_000);

async function check(page, name) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  const bad = results.violations.filter((v) => ['serious', 'critical'].includes(v.impact));
  const summary = bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(summary, `${name}: axe violations`).toEqual([]);
}

for (const lang of ['vi', 'en']) {
  test(`every screen passes axe-core in ${lang === 'vi' ? 'Vietnamese' : 'English'}`, async ({ page, context }) => {
    await page.goto('/');
    if (lang === 'en') await page.getByRole('button', { name: 'English' }).click();
    await expect(page.locator('html')).toHaveAttribute('lang', lang);
    await check(page, 'home');
    await page.goto('/danh-gia');
    await page.locator('form button[type=submit]').click();
    await check(page, 'citizen entry with an error');
    const dossier = demo(8);
    await page.goto(dossier.path);
    await expect(page.locator('form.questions')).toBeVisible();
    await check(page, 'rating form');
    await page.locator('form.questions button[type=submit]').click();
    await check(page, 'rating form with missing answers');
    await page.goto('/khong-co');
    await check(page, 'not found');
    await page.goto('/hop-thu');
    await check(page, 'outbox');
    await page.goto('/nhap-phieu');
    await check(page, 'transcription, signed out');
    await page.goto('/dang-nhap');
    await check(page, 'sign-in');
    const { username, password } = JSON.parse(process.env.DEMO_OFFICER);
    await page.locator('#username').fill(username);
    await page.locator('#password').fill(password);
    await page.locator('form button[type=submit]').click();
    await expect(page).toHaveURL(/\/nhap-phieu$/);
    await expect(page.locator('.camera-error, .scanner .hint')).not.toHaveCount(0);
    await check(page, 'transcription desk');
    await page.locator('#typed-code').fill(slips().clean);
    await page.locator('.typed-code button[type=submit]').click();
    await expect(page.locator('.slip fieldset').first()).toBeVisible();
    await check(page, 'slip being transcribed');
    await page.goto(`/slip/${slips().clean}`);
    await expect(page.locator('.slip-page')).toBeVisible();
    await check(page, 'printable slip');
    // Reports are the office's: sign in as the district office.
    await page.evaluate(() => localStorage.removeItem('danhgia.session'));
    await page.goto('/dang-nhap');
    await page.locator('#username').fill('vanphong');
    await page.locator('#password').fill(password);
    await page.locator('form button[type=submit]').click();
    await expect(page).not.toHaveURL(/dang-nhap/);
    await page.goto('/bao-cao');
    await page.locator('.report-picker button[type=submit]').click();
    await expect(page.locator('table.report').first()).toBeVisible();
    await check(page, 'reports');

    // The district office's quarter (issue #14).
    await page.goto('/chi-so?nam=2025&quy=4');
    await expect(page.locator('form.indicator-entry')).toHaveCount(4);
    await page.locator('form.indicator-entry details.history summary').first().click();
    await check(page, 'agency indicators');
    await page.goto('/danh-gia-hai-lan?nam=2025&quy=4');
    await page.locator('.report-picker input[type=checkbox]').check();
    await page.locator('.report-picker button[type=submit]').click();
    await expect(page.locator('article.conflict').first()).toBeVisible();
    await check(page, 'dossiers rated twice');
    await page.goto('/de-xuat?nam=2025&quy=4');
    await expect(page.locator('.proposal-editor')).toBeVisible();
    await expect(page.locator('.proposal-list li').first()).toBeVisible();
    await check(page, 'proposals');
    for (const form of ['mau-02', 'mau-03', 'mau-05']) {
      await page.goto(`/in/${form}?nam=2025&quy=4`);
      await expect(page.locator('.form-print table.form-table tbody tr').first()).toBeVisible();
      await check(page, `print view ${form}`);
    }

    // The rating kiosk at the counter, every screen of it.
    await page.goto('/quay');
    await expect(page.locator('.kiosk-setup')).toBeVisible();
    await check(page, 'kiosk setup');
    await page.locator('#kiosk-new-pin').fill('13579');
    await page.locator('#kiosk-pin-again').fill('13579');
    await page.locator('.kiosk-setup button[type=submit]').click();
    await expect(page.locator('.kiosk-waiting')).toBeVisible();
    await expect(page.locator('.camera-error, .scanner .hint')).not.toHaveCount(0);
    await check(page, 'kiosk waiting');
    await page.locator('.kiosk-staff button').first().click();
    await expect(page.locator('#kiosk-pin')).toBeVisible();
    await check(page, 'kiosk PIN');
    await page.locator('#kiosk-pin').fill('13579');
    await page.locator('.pin-prompt button[type=submit]').click();
    await expect(page.locator('.kiosk-pick')).toBeVisible();
    await check(page, 'kiosk dossier pick');
    await page.locator('#kiosk-code').fill(demo(8).code);
    await page.locator('.kiosk-pick .typed-code button[type=submit]').click();
    await expect(page.locator('.kiosk-citizen form.questions')).toBeVisible();
    await check(page, 'kiosk citizen form');
    await page.locator('.kiosk-citizen form.questions button[type=submit]').click();
    await check(page, 'kiosk citizen form with missing answers');
    await page.locator('.kiosk-citizen > button.secondary').click();
    await expect(page.locator('.kiosk-waiting')).toBeVisible();
    // The next citizen starts in Vietnamese.
    await expect(page.locator('html')).toHaveAttribute('lang', 'vi');
    if (lang === 'en') await page.locator('.kiosk-bar').getByRole('button', { name: 'English' }).click();
    await page.goto('/bao-cao');
    await expect(page.locator('#kiosk-pin')).toBeVisible();
    await check(page, 'a staff screen locked by the kiosk');
    await page.locator('#kiosk-pin').fill('13579');
    await page.locator('.pin-prompt button[type=submit]').click();
    await expect(page.locator('.report-picker')).toBeVisible();

    // Password change and administration (issue #11).
    await page.goto('/mat-khau');
    await page.locator('#new-password').fill('abc');
    await page.locator('#repeat-password').fill('abd');
    await page.locator('form.password-form button[type=submit]').click();
    await expect(page.locator('.password-form [role=alert]')).not.toBeEmpty();
    await check(page, 'password change with errors');
    // Administration: the district's administrator.
    await page.evaluate(() => localStorage.removeItem('danhgia.session'));
    await page.goto('/dang-nhap');
    await page.locator('#username').fill('quantri.h45');
    await page.locator('#password').fill(password);
    await page.locator('form button[type=submit]').click();
    await expect(page).toHaveURL(/\/quan-tri$/);
    await expect(page.locator('li[data-agency="H45.03"]')).toBeVisible();
    await check(page, 'administration: agencies');
    await page.locator('li[data-agency="H45.03"] .node button').first().click();
    await expect(page.locator('.editor form')).toBeVisible();
    await check(page, 'administration: agency editor');
    await page.goto('/quan-tri/can-bo');
    await page.locator('#official-agency').selectOption('H45.03');
    await page.locator('.officials li .actions button').nth(1).click();
    await expect(page.locator('.merge-consequence')).not.toBeEmpty();
    await check(page, 'administration: officials, merging');
    await page.goto('/quan-tri/tai-khoan');
    await expect(page.locator('.accounts li').first()).toBeVisible();
    await page.locator('.section-head button').click();
    await page.locator('#account-username').fill(`kiemtra.a11y.${lang}`);
    await page.locator('#account-name').fill('Kiểm tra trợ năng');
    await page.locator('#account-agency').selectOption('H45.03');
    await page.locator('.editor button[type=submit]').click();
    await expect(page.locator('section.otp')).toBeVisible();
    await check(page, 'administration: accounts, one-time password');
    await page.goto('/quan-tri/nhap-tep');
    await page.locator('#import-agencies button[type=submit]').click();
    await expect(page.locator('#import-agencies [role=alert]')).not.toBeEmpty();
    await check(page, 'administration: imports');
    await page.goto('/quan-tri/nhat-ky');
    await expect(page.locator('.audit-entry').first()).toBeVisible();
    await check(page, 'administration: audit log');
  });
}
