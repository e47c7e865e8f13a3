// The server's own measurements: ingest of rating batches on SQLite and on
// PostgreSQL with one and with two server processes, the health check's
// latency during a flood of wrong sign-ins, and how long guessing one
// dossier's check code takes now that wrong guesses are limited. All
// traffic stays on loopback (127.0.0.0/8; guessers use many of its addresses).
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startServer } from '../tests/e2e/server.mjs';
import { answers, login, rulesets as ruleSets, unratedDossiers } from '../tests/e2e/records.mjs';

const root = resolve(import.meta.dirname, '..');
const BIN = process.env.DANHGIA_SERVER_BIN || join(root, 'target/server/danhgia-server');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A request from a chosen loopback address; resolves to { status, ms, body }. */
function request(baseUrl, { method = 'GET', path, body, token, type = 'application/json', from = '127.0.0.1' }) {
  const url = new URL(path, baseUrl);
  return new Promise((ok, fail) => {
    const started = performance.now();
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method,
        localAddress: from,
        agent: false,
        headers: { 'content-type': type, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => ok({ status: res.statusCode, ms: performance.now() - started, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', fail);
    if (body) req.write(body);
    req.end();
  });
}

/** A throw-away PostgreSQL cluster with durable commits (fsync on), and a fresh database in it. */
export function postgresCluster() {
  const dir = mkdtempSync(join(tmpdir(), 'danhgia-bench-pg-'));
  rmSync(dir, { recursive: true, force: true });
  const url = execFileSync(join(root, 'scripts/pg-cluster.sh'), ['start', dir], { encoding: 'utf8' }).trim();
  let n = 0;
  return {
    database() {
      const name = `bench_${process.pid}_${n++}`;
      execFileSync('psql', [url, '-qc', `CREATE DATABASE ${name}`]);
      return url.replace(/\/postgres$/, `/${name}`);
    },
    stop() {
      execFileSync(join(root, 'scripts/pg-cluster.sh'), ['stop', dir]);
    },
  };
}

async function startServers(count, databaseUrl, demoDossiers) {
  const servers = [];
  for (let i = 0; i < count; i++) {
    const args = ['--demo-dossiers', String(demoDossiers)];
    if (databaseUrl) args.push('--database-url', databaseUrl);
    // The second server starts on a database the first already seeded.
    servers.push(await startServer({ bin: BIN, demoLinks: 0, args, pidFile: join(root, `tests/e2e/.bench-ingest-${i}.pid`) }));
  }
  return servers;
}

/**
 * Ratings per second the server(s) store: `total` online ratings of
 * distinct dossiers in batches of 100, 4 clients at once, taking turns
 * between the servers.
 */
export async function ingest({ servers: count = 1, databaseUrl, total = 6000, demoDossiers = 12000 }) {
  const servers = await startServers(count, databaseUrl, demoDossiers);
  try {
    const base = servers[0].baseUrl;
    const token = await login(base, { username: 'canbo.h45', password: 'danhgia-demo' });
    const rs = await ruleSets(base);
    const free = (await unratedDossiers(base, token, total)).filter((d) => d.returned_on);
    const records = free.map((d, n) => ({
      id: `be9c${n.toString(16).padStart(4, '0')}-0000-4000-8000-${n.toString().padStart(12, '0')}`,
      dossier_code: d.code,
      citizen_token: d.token,
      channel: 'online',
      ruleset_version: d.ruleset_version,
      answers: answers(rs[d.ruleset_version], d, 0),
      client_time: new Date().toISOString(),
    }));
    const batches = [];
    for (let i = 0; i < records.length; i += 100) batches.push(records.slice(i, i + 100));
    let next = 0;
    let accepted = 0;
    const started = performance.now();
    await Promise.all(
      [0, 1, 2, 3].map(async () => {
        while (next < batches.length) {
          const n = next++;
          const server = servers[n % servers.length];
          const res = await request(server.baseUrl, { method: 'POST', path: '/api/v1/ratings', body: JSON.stringify({ records: batches[n] }) });
          accepted += JSON.parse(res.body).results.filter((r) => r.status === 'accepted').length;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    return { accepted, seconds, perSecond: accepted / seconds, servers: count };
  } finally {
    for (const s of servers) await s.stop();
  }
}

/**
 * A district office's import of the one-stop software's export: `rows`
 * new dossiers across the district's agencies, with officials by name, as
 * one file; then the same file again (every row unchanged). Seconds for each.
 */
export async function importFile({ databaseUrl, rows = 20000 } = {}) {
  const [server] = await startServers(1, databaseUrl, 0);
  try {
    const base = server.baseUrl;
    const token = await login(base, { username: 'vanphong', password: 'danhgia-demo' });
    const agencies = ['H45', ...Array.from({ length: 12 }, (_, i) => `H45.${String(i + 1).padStart(2, '0')}`)];
    const lines = ['ma_ho_so,thu_tuc,co_quan,can_bo,ngay_tiep_nhan,ngay_hen_tra,ngay_tra'];
    for (let n = 0; n < rows; n++) {
      const agency = agencies[n % agencies.length];
      const day = 1 + (n % 28);
      const date = `${String(day).padStart(2, '0')}/10/2026`;
      lines.push(`${agency}-2610${String(day).padStart(2, '0')}-${String(n).padStart(6, '0')},Chứng thực bản sao,${agency},Cán bộ ${n % 7},${date},${date},${date}`);
    }
    const body = lines.join('\n') + '\n';
    const once = async () => {
      const res = await request(base, { method: 'POST', path: '/api/v1/dossiers', body, token, type: 'text/csv' });
      if (res.status !== 200) throw new Error(`import answered ${res.status}: ${res.body.slice(0, 300)}`);
      return { seconds: res.ms / 1000, report: JSON.parse(res.body) };
    };
    const first = await once();
    const again = await once();
    const { created, errors } = first.report;
    if (created !== rows || errors.length) throw new Error(`import created ${created} of ${rows}, ${errors.length} errors: ${JSON.stringify(errors.slice(0, 3))}`);
    if (again.report.unchanged !== rows) throw new Error(`the same file again left ${again.report.unchanged} of ${rows} unchanged`);
    return { rows, bytes: Buffer.byteLength(body), seconds: first.seconds, againSeconds: again.seconds };
  } finally {
    await server.stop();
  }
}

/** The health check's latency at rest and during a flood of wrong sign-ins (argon2 for each). */
export async function loginFlood(baseUrl, { seconds = 6 } = {}) {
  const health = async (n) => {
    const out = [];
    for (let i = 0; i < n; i++) out.push((await request(baseUrl, { path: '/api/v1/health' })).ms);
    return out;
  };
  const idle = await health(50);
  let stop = false;
  let attempts = 0;
  let limited = 0;
  const flooders = Array.from({ length: 16 }, (_, w) =>
    (async () => {
      for (let i = 0; !stop; i++) {
        // Many loopback addresses and names, so that the limits do not cut the flood short.
        const from = `127.0.${1 + w}.${1 + (i % 250)}`;
        const body = JSON.stringify({ username: `khong-co-${w}-${i}`, password: 'sai' });
        const res = await request(baseUrl, { method: 'POST', path: '/api/v1/auth/login', body, from });
        attempts++;
        if (res.status === 429) limited++;
      }
    })(),
  );
  await new Promise((r) => setTimeout(r, 500));
  const during = [];
  const until = performance.now() + seconds * 1000;
  while (performance.now() < until) during.push((await request(baseUrl, { path: '/api/v1/health' })).ms);
  stop = true;
  await Promise.all(flooders);
  return { idleMedian: median(idle), floodMedian: median(during), attempts, limited, perSecond: attempts / seconds };
}

/**
 * Guessing one dossier's check code from 200 loopback addresses: how many
 * wrong guesses the server evaluates before answering 429, and so how long
 * a guesser needs on average (half of the 10^6 codes).
 */
export async function checkCodeGuessing(baseUrl, code) {
  let evaluated = 0;
  let limited = 0;
  for (let a = 0; a < 200; a++) {
    const guess = String(100000 + a).padStart(6, '0');
    const res = await request(baseUrl, { path: `/api/v1/dossiers/${encodeURIComponent(code)}?check=${guess}`, from: `127.1.${a >> 8}.${1 + (a & 255)}` });
    if (res.status === 429) limited++;
    else evaluated++;
  }
  const perHour = evaluated; // the window is an hour; all of these came within seconds
  const hoursOnAverage = 500_000 / perHour;
  return { tried: 200, evaluated, limited, perHour, hoursOnAverage, yearsOnAverage: hoursOnAverage / 24 / 365 };
}
