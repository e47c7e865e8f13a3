// Officer helpers shared by the scanning and transcription specs.
import { expect } from '@playwright/test';

export const officer = () => JSON.parse(process.env.DEMO_OFFICER);
export const slips = () => JSON.parse(process.env.SLIPS);

/** Signs in on the sign-in page: the demo officer unless another demo account is given. */
export async function signIn(page, { username, password, agency } = { ...officer(), agency: 'UBND xã Triệu Thượng' }) {
  await page.goto('/dang-nhap');
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu').fill(password);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await expect(page).toHaveURL(/\/nhap-phieu$/);
  await expect(page.locator('.officer-bar')).toContainText(agency);
}
