// The headline tests of the sync engine: records (citizens' and paper slips)
// queued offline, then delivered through injected faults — requests failing
// with 500 before the server stores anything, answers lost after it stored
// the batch — server crashes, page reloads and several tabs of the app.
// Nothing may be lost, nothing counted twice, within a stated wait.
import { test, expect } from './fixtures.mjs';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { dbAt } from './helpers.mjs';
import { answers, login, pendingEntry, queueInOutbox, rulesets as ruleSets, unratedDossiers } from './records.mjs';
import { startServer } from './server.mjs';

const OFFICER = { username: 'canbo.h45', password: 'danhgia-demo' };

const PROFILES = [
  {
    name: '1,000 records survive faults, a server crash, a reload and a second tab: all delivered, none twice',
    prefix: 'c4a05',
    records: 1000,
    // 20 % of requests fail, 10 % of answers are lost.
    faults: ['--fault-fail', '0.2', '--fault-drop', '0.1', '--fault-latency-ms', '30'],
    crashes: 1,
    reloads: 1,
    tabs: 2,
    // The wait for every record to be stored, from "Gửi ngay".
    waitMs: 4 * 60_000,
  },
  {
    // Most requests fail or lose their answer: 35 % fail and a quarter of the
    // rest lose their answer, so only 0.65 × 0.75 ≈ 49 % come back answered.
    name: 'heavy faults: 2,000 records with most requests failing or losing their answer, two crashes, two reloads, three tabs: all delivered once',
    prefix: 'c4b06',
    records: 2000,
    // The faults as a fixed sequence (the server's --fault-seed): which request
    // gets which fault no longer depends on luck. With seed 100 every server
    // process fails its first request, and over its first 6 to 30 requests at
    // least 58 % fail or lose their answer.
    faults: ['--fault-fail', '0.35', '--fault-drop', '0.25', '--fault-latency-ms', '30', '--fault-seed', '100'],
    crashes: 2,
    reloads: 2,
    tabs: 3,
    heavy: true,
    waitMs: 4 * 60_000,
  },
];

for (const profile of PROFILES) {
  test(profile.name, async ({ browser }) => {
    test.setTimeout(profile.waitMs + 3 * 60_000);
    await chaos(browser, profile);
  });
}

async function chaos(browser, { prefix, records: RECORDS, faults, crashes, reloads, tabs, waitMs, heavy = false }) {
  const pidFile = join(import.meta.dirname, '.chaos.pid');
  const common = { demoLinks: 0, pidFile, args: ['--demo-dossiers', String(Math.ceil(RECORDS * 2.4)), ...faults] };
  let server = await startServer(common);
  const { dataDir, port, baseUrl } = server;
  const logs = [server.log];
  const count = () => dbAt(dataDir, 'SELECT count(*) AS n FROM ratings WHERE id LIKE ?', `${prefix}%`)[0].n;
  try {
    // Dossiers to rate, with their tokens, and the rule sets.
    const token = await login(baseUrl, OFFICER);
    const free = await unratedDossiers(baseUrl, token, RECORDS);
    const rulesets = await ruleSets(baseUrl);
    expect(free).toHaveLength(RECORDS);
    const now = Date.now();
    const entries = free.map((d, n) => {
      const paper = n % 2 === 1;
      const id = `${prefix}${n.toString(16).padStart(3, '0')}-0000-4000-8000-${n.toString().padStart(12, '0')}`;
      const record = {
        id,
        dossier_code: d.code,
        ...(paper ? {} : { citizen_token: d.token }),
        channel: paper ? 'paper' : 'online',
        ruleset_version: d.ruleset_version,
        // Answers differ from record to record, so a mix-up would show.
        answers: answers(rulesets[d.ruleset_version], d, n % 3),
        client_time: new Date(now - n * 1000).toISOString(),
      };
      // Written as the previous build wrote them (no version field): the
      // outbox must read them as they are.
      return pendingEntry(record, now + n);
    });

    const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 768, height: 1024 } });
    const [a, ...others] = await Promise.all(Array.from({ length: tabs }, () => context.newPage()));
    await a.goto('/dang-nhap');
    await a.getByLabel('Tên đăng nhập').fill(OFFICER.username);
    await a.getByLabel('Mật khẩu').fill(OFFICER.password);
    await a.getByRole('button', { name: 'Đăng nhập' }).click();
    await expect(a).toHaveURL(/\/nhap-phieu$/);
    await a.waitForFunction(() => navigator.serviceWorker.controller !== null);

    // Queue everything while offline, as a day without network would.
    await context.setOffline(true);
    await queueInOutbox(a, entries);
    for (const page of [a, ...others]) {
      await page.goto('/hop-thu');
      await expect(page.locator('.counts')).toContainText(`Chờ gửi: ${RECORDS}`);
    }

    const started = Date.now();
    await context.setOffline(false);
    await a.getByRole('button', { name: 'Gửi ngay' }).click();

    // Mid-sync: the server crashes and comes back, and pages reload.
    const pages = [a, ...others];
    for (let i = 0; i < Math.max(crashes, reloads); i++) {
      const step = Math.floor(RECORDS / (Math.max(crashes, reloads) + 2));
      await expect.poll(count, { timeout: waitMs, intervals: [100] }).toBeGreaterThanOrEqual(Math.min(RECORDS, step * (i + 1)));
      if (i < crashes) {
        await server.kill();
        await new Promise((r) => setTimeout(r, 1000));
        server = await startServer({ ...common, port, dataDir });
        logs.push(server.log);
      }
      if (i < reloads) await pages[i % pages.length].reload();
    }

    // The stated wait, from "Gửi ngay", for every record to be stored.
    const left = Math.max(1, waitMs - (Date.now() - started));
    await expect.poll(count, { timeout: left, intervals: [250] }).toBe(RECORDS);
    const seconds = (Date.now() - started) / 1000;
    for (const page of pages) {
      await expect(page.locator('.all-sent')).toHaveText('Tất cả đã được gửi.', { timeout: 60_000 });
      await expect(page.locator('.counts')).toContainText(`Chờ gửi: 0 · Cần xử lý: 0 · Đã gửi: ${RECORDS}`);
    }

    // Exactly the records made: the same ids, each with its own dossier,
    // channel and answers (a lost, doubled or mixed-up record fails here).
    const stored = dbAt(dataDir, 'SELECT id, dossier_code, channel, answers FROM ratings WHERE id LIKE ? ORDER BY id', `${prefix}%`);
    const made = [...entries].sort((x, y) => (x.id < y.id ? -1 : 1));
    expect(stored.map((r) => r.id)).toEqual(made.map((e) => e.id));
    for (let i = 0; i < made.length; i++) {
      const want = made[i].record;
      expect({ code: stored[i].dossier_code, channel: stored[i].channel, answers: JSON.parse(stored[i].answers) }).toEqual({
        code: want.dossier_code,
        channel: want.channel,
        answers: want.answers,
      });
    }
    // A record sent again after a lost answer is a duplicate, never a second
    // rating set aside as a conflict.
    expect(dbAt(dataDir, 'SELECT count(*) AS n FROM rating_conflicts WHERE id LIKE ?', `${prefix}%`)[0].n).toBe(0);
    const paperByOfficer = dbAt(dataDir, "SELECT count(*) AS n FROM ratings r JOIN accounts o ON o.id = r.officer_id WHERE o.username = ? AND r.id LIKE ? AND r.channel = 'paper'", OFFICER.username, `${prefix}%`)[0].n;
    expect(paperByOfficer).toBe(RECORDS / 2);

    const text = logs.flat().join('');
    const tally = (re) => [...text.matchAll(re)].reduce((sum, m) => sum + (m[1] ? Number(m[1]) : 1), 0);
    const figures = {
      records: RECORDS,
      failed_before_commit: tally(/failing a ratings request before storing it/g),
      answers_lost_after_commit: tally(/losing the answer to a stored batch/g),
      batches_stored: tally(/"ratings batch"|ratings batch/g),
      server_crashes: crashes,
      page_reloads: reloads,
      tabs,
      duplicates_answered: tally(/duplicate=(\d+)/g),
      stored: stored.length,
      seconds: Number(seconds.toFixed(1)),
    };
    console.log(`chaos figures: ${JSON.stringify(figures)}`);
    // Under heavy faults (dozens of requests, about half of them failing or
    // losing their answer, in a fixed sequence) both faults happened, and
    // batches whose answer was lost were sent again and answered as
    // duplicates. (The light profile's faults are random, and it sends about a
    // dozen requests of 100 records: a run without a fault is possible there,
    // so it only reports its figures.)
    if (heavy) {
      const requests = figures.failed_before_commit + figures.batches_stored;
      expect((figures.failed_before_commit + figures.answers_lost_after_commit) / requests).toBeGreaterThanOrEqual(0.5);
      expect(figures.failed_before_commit).toBeGreaterThan(0);
      expect(figures.answers_lost_after_commit).toBeGreaterThan(0);
      expect(figures.duplicates_answered).toBeGreaterThan(0);
    }
    await context.close();
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
