// End-to-end tests: Debian's Chromium (no browser download), the real server
// started once by global-setup.mjs on a free port with a fresh data folder.
import { defineConfig, devices } from '@playwright/test';
import { launchOptions } from './browser.mjs';

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.mjs',
  globalSetup: './global-setup.mjs',
  // Two cores: one worker keeps the server and the browser from starving each other.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  outputDir: './.output/results',
  reporter: [['list']],
  use: {
    baseURL: process.env.BASE_URL,
    ...devices['Pixel 5'],
    // A small Android phone, the citizens' usual device.
    viewport: { width: 360, height: 740 },
    browserName: 'chromium',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions,
  },
});
