import { join, resolve } from 'node:path';
import { chromium } from '@playwright/test';
import { withCamera } from '../tests/e2e/browser.mjs';
import { startServer } from '../tests/e2e/server.mjs';
const root = resolve(import.meta.dirname, '..');
const OFFICER = { username: 'canbo.h45.03', password: 'danhgia-demo' };
const server = await startServer({ bin: join(root, 'target/server/danhgia-server'), demoLinks: 1, args: [], pidFile: join(root, 'tests/e2e/.tmp.pid') });
import { makeClips } from '../tests/e2e/clips.mjs';
const token = (await (await fetch(`${server.baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(OFFICER) })).json()).token;
const pg = await (await fetch(`${server.baseUrl}/api/v1/dossiers?limit=50`, { headers: { authorization: `Bearer ${token}` } })).json();
const d = pg.dossiers.find((x) => x.returned_on);
const dir = join(root, 'tests/e2e/.output/tmp-clips');
await makeClips(dir, { qr: { qr: `${server.baseUrl}/r/${encodeURIComponent(d.code)}?t=${d.token}`, noise: 4 } });
const clip = join(dir, 'qr.y4m');
const second = process.argv[2] === 'second';
try {
  for (let i = 0; i < 4; i++) {
    const browser = await chromium.launch(withCamera(clip));
    try {
      const ctx = await browser.newContext({ baseURL: server.baseUrl });
      await ctx.addInitScript(() => {
        const T = (window.__t = {});
        const md = navigator.mediaDevices;
        if (md) {
          const g = md.getUserMedia.bind(md);
          md.getUserMedia = async (c) => { T.gumCall ??= performance.now(); const s = await g(c); T.gumDone ??= performance.now(); return s; };
        }
        new MutationObserver(() => {
          if (!T.video && document.querySelector('.scanner video')) T.video = performance.now();
          if (!T.form && document.querySelector('.slip .dossier-code')) T.form = performance.now();
        }).observe(document, { childList: true, subtree: true });
        const W = window.Worker;
        window.Worker = function (u, o) { T.worker ??= performance.now(); const w = new W(u, o); w.addEventListener('message', (e) => { if (e.data?.ready) T.ready ??= performance.now(); if (e.data?.text) T.read ??= performance.now(); }); return w; };
        window.Worker.prototype = W.prototype;
      });
      const page = await ctx.newPage();
      await page.goto('/');
      const session = await (await page.request.post('/api/v1/auth/login', { data: OFFICER })).json();
      await page.evaluate((s) => localStorage.setItem('danhgia.session', s), JSON.stringify(session));
      if (second) { await page.goto('/nhap-phieu'); await page.locator('.slip .dossier-code').waitFor(); await page.goto('/'); await page.waitForTimeout(500); }
      const t0 = Date.now();
      await page.goto('/nhap-phieu');
      await page.locator('.slip .dossier-code').waitFor({ timeout: 30_000 });
      const total = Date.now() - t0;
      const r = await page.evaluate(() => {
        const n = performance.getEntriesByType('navigation')[0];
        const res = performance.getEntriesByType('resource').filter((e) => /wasm|\.js/.test(e.name)).map((e) => `${e.name.split('/').pop().slice(0, 24)} ${Math.round(e.startTime)}-${Math.round(e.responseEnd)}`);
        return { origin: performance.timeOrigin, resp: Math.round(n.responseEnd), dcl: Math.round(n.domContentLoadedEventEnd), early: !!window.danhgiaEarlyRead, t: Object.fromEntries(Object.entries(window.__t).map(([k, v]) => [k, Math.round(v)])), res };
      });
      console.log(total, 'nav->origin', Math.round(r.origin - t0), JSON.stringify(r));
    } finally { await browser.close(); }
  }
} finally { server.stop?.(); }
process.exit(0);
