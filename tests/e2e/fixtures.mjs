// Every spec imports `test`, `expect` and `chromium` from here: the same as
// Playwright's, plus a watch on the console of every browser context a test
// opens (the default one, `browser.newContext()`, and browsers launched by
// the spec itself). The server sends a strict Content-Security-Policy; a
// test fails if the app breaks it anywhere.
import { test as base, expect, chromium } from '@playwright/test';

const CSP = /Content[- ]Security[- ]Policy/i;
let violations = [];

export function watch(context) {
  context.on('console', (message) => {
    if (CSP.test(message.text())) violations.push(`${message.location()?.url || ''}: ${message.text()}`);
  });
  return context;
}

function watchBrowser(browser) {
  if (browser.__cspWatched) return browser;
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (...args) => watch(await newContext(...args));
  browser.__cspWatched = true;
  return browser;
}

const launch = chromium.launch.bind(chromium);
chromium.launch = async (...args) => watchBrowser(await launch(...args));

export const test = base.extend({
  cspGuard: [
    async ({ browser, context }, use) => {
      violations = [];
      watchBrowser(browser);
      watch(context);
      await use();
      expect(violations, 'Content-Security-Policy violations').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect, chromium };
