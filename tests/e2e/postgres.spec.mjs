// Two server processes on one PostgreSQL database, behind a round-robin
// load balancer (tests/e2e/proxy.mjs), behave as one server:
// - the chaos run: 1,000 records queued offline in the app, delivered
//   through injected failures and lost answers while one of the two
//   servers is killed mid-sync and later restarted: every record stored
//   exactly once;
// - the same record posted at once to both servers is accepted once;
// - a session made on one server works on the other.
// The cluster is the test command's (DANHGIA_TEST_DATABASE_URL), or one
// started here from Debian's PostgreSQL.
import { test, expect } from './fixtures.mjs';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { roundRobin } from './proxy.mjs';
import { answers, login, pendingEntry, queueInOutbox, rulesets as ruleSets, unratedDossiers } from './records.mjs';
import { startServer } from './server.mjs';

const RECORDS = 1000;
const FAULTS = ['--fault-fail', '0.2', '--fault-drop', '0.1', '--fault-latency-ms', '30'];
const OFFICER = { username: 'canbo.h45', password: 'danhgia-demo' };
const root = resolve(import.meta.dirname, '../..');

test.setTimeout(8 * 60_000);

let cluster;
let adminUrl = process.env.DANHGIA_TEST_DATABASE_URL;

test.beforeAll(() => {
  if (!adminUrl) {
    const dir = mkdtempSync(join(tmpdir(), 'danhgia-e2e-pg-'));
    rmSync(dir, { recursive: true });
    adminUrl = execFileSync(join(root, 'scripts/pg-cluster.sh'), ['start', dir, '--fast'], { encoding: 'utf8' }).trim();
    cluster = dir;
  }
});

test.afterAll(() => {
  if (cluster) execFileSync(join(root, 'scripts/pg-cluster.sh'), ['stop', cluster]);
});

/** A fresh database in the cluster, and a way to query it. */
function database() {
  const name = `e2e_${process.pid}_${Date.now()}`;
  execFileSync('psql', [adminUrl, '-qc', `CREATE DATABASE ${name}`]);
  const url = adminUrl.replace(/\/postgres$/, `/${name}`);
  const sql = (query) => execFileSync('psql', [url, '-tAc', query], { encoding: 'utf8' }).trim();
  return { url, sql, drop: () => execFileSync('psql', [adminUrl, '-qc', `DROP DATABASE ${name} WITH (FORCE)`]) };
}

test('two servers on one PostgreSQL: 1,000 records through faults and a killed server, each stored once', async ({ browser }) => {
  const db = database();
  const common = (n) => ({ demoLinks: 0, pidFile: join(import.meta.dirname, `.pg-${n}.pid`), args: ['--demo-dossiers', '2400', '--database-url', db.url, ...FAULTS] });
  const servers = [await startServer(common(0))];
  servers.push(await startServer(common(1)));
  const ports = servers.map((s) => s.port);
  const logs = servers.map((s) => s.log);
  const proxy = await roundRobin(servers.map((_, i) => () => `http://127.0.0.1:${ports[i]}`));
  try {
    // A session made through one server works on the other.
    const token = await login(`http://127.0.0.1:${ports[0]}`, OFFICER);
    const me = await fetch(`http://127.0.0.1:${ports[1]}/api/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);

    const free = await unratedDossiers(proxy.url, token, RECORDS + 1);
    const rulesets = await ruleSets(proxy.url);
    expect(free.length).toBeGreaterThan(RECORDS);

    // The same record posted at once to both servers, eight times each: stored once.
    const twin = free.pop();
    const record = {
      id: 'd0b1e000-0000-4000-8000-000000000000',
      dossier_code: twin.code,
      citizen_token: twin.token,
      channel: 'online',
      ruleset_version: twin.ruleset_version,
      answers: answers(rulesets[twin.ruleset_version], twin, 0),
      client_time: new Date().toISOString(),
    };
    const statuses = await Promise.all(
      Array.from({ length: 16 }, async (_, n) => {
        for (;;) {
          const res = await fetch(`http://127.0.0.1:${ports[n % 2]}/api/v1/ratings`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ records: [record] }),
          });
          // An injected failure: send again, as the app would.
          if (res.status === 200) return (await res.json()).results[0].status;
        }
      }),
    );
    // At most one request hears "accepted": none when the answer of the one
    // that stored it was lost (--fault-drop), and its retry heard "duplicate".
    expect(statuses.filter((s) => s === 'accepted').length).toBeLessThanOrEqual(1);
    expect(statuses.every((s) => s === 'accepted' || s === 'duplicate')).toBe(true);
    expect(db.sql(`SELECT count(*) FROM ratings WHERE dossier_code = '${twin.code}'`)).toBe('1');

    // The chaos run, through the load balancer.
    const now = Date.now();
    const entries = free.slice(0, RECORDS).map((d, n) => {
      const paper = n % 2 === 1;
      const r = {
        id: `9a5a${n.toString(16).padStart(4, '0')}-0000-4000-8000-${n.toString().padStart(12, '0')}`,
        dossier_code: d.code,
        ...(paper ? {} : { citizen_token: d.token }),
        channel: paper ? 'paper' : 'online',
        ruleset_version: d.ruleset_version,
        answers: answers(rulesets[d.ruleset_version], d, 1),
        client_time: new Date(now - n * 1000).toISOString(),
      };
      return pendingEntry(r, now + n);
    });
    const count = () => Number(db.sql("SELECT count(*) FROM ratings WHERE id LIKE '9a5a%'"));
    const context = await browser.newContext({ baseURL: proxy.url, viewport: { width: 768, height: 1024 } });
    const page = await context.newPage();
    await page.goto('/dang-nhap');
    await page.getByLabel('Tên đăng nhập').fill(OFFICER.username);
    await page.getByLabel('Mật khẩu').fill(OFFICER.password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await expect(page).toHaveURL(/\/nhap-phieu$/);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await context.setOffline(true);
    await queueInOutbox(page, entries);
    await page.goto('/hop-thu');
    await expect(page.locator('.counts')).toContainText(`Chờ gửi: ${RECORDS}`);
    await context.setOffline(false);
    await page.getByRole('button', { name: 'Gửi ngay' }).click();

    // Mid-sync, server A dies; B carries on alone; A comes back later.
    await expect.poll(count, { timeout: 60_000, intervals: [100] }).toBeGreaterThanOrEqual(200);
    await servers[0].kill();
    const atKill = count();
    await expect.poll(count, { timeout: 120_000, intervals: [200] }).toBeGreaterThanOrEqual(Math.min(RECORDS, atKill + 200));
    servers[0] = await startServer({ ...common(0), port: ports[0] });
    logs.push(servers[0].log);
    await expect.poll(count, { timeout: 240_000, intervals: [250] }).toBe(RECORDS);
    await expect(page.locator('.all-sent')).toHaveText('Tất cả đã được gửi.', { timeout: 60_000 });

    // Exactly the records made, once each, none set aside.
    expect(db.sql("SELECT count(*) || ' ' || count(DISTINCT id) || ' ' || count(DISTINCT dossier_code) FROM ratings WHERE id LIKE '9a5a%'")).toBe(`${RECORDS} ${RECORDS} ${RECORDS}`);
    expect(db.sql("SELECT count(*) FROM rating_conflicts WHERE id LIKE '9a5a%'")).toBe('0');
    expect(db.sql("SELECT count(*) FROM ratings r JOIN accounts o ON o.id = r.officer_id WHERE o.username = 'canbo.h45' AND r.id LIKE '9a5a%'")).toBe(String(RECORDS / 2));
    // Both servers served, and the faults really happened.
    expect(proxy.counts.every((c) => c > 0)).toBe(true);
    const text = logs.flat().join('');
    expect((text.match(/failing a ratings request|losing the answer/g) || []).length).toBeGreaterThan(0);
    await context.close();
  } finally {
    await proxy.close();
    for (const s of servers) await s.stop();
    db.drop();
  }
});
