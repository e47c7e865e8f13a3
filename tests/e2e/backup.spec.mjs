// A backup taken with the server's own command while the server takes
// ratings is a consistent copy: a server started on it serves the same
// district, the same citizen links work, and its counts match the live
// database at a moment between the command's start and its end.
import { test, expect } from './fixtures.mjs';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { dbAt } from './helpers.mjs';
import { answers, rulesets as ruleSets, unratedDossiers, login } from './records.mjs';
import { startServer } from './server.mjs';

test.setTimeout(120_000);

const bin = process.env.DANHGIA_SERVER_BIN || resolve(import.meta.dirname, '../../target/debug/danhgia-server');

test('a backup taken while serving restores with the same counts and working links', async () => {
  const live = await startServer({ demoLinks: 1, args: ['--demo-dossiers', '720'], pidFile: join(import.meta.dirname, '.backup-live.pid') });
  const work = mkdtempSync(join(tmpdir(), 'danhgia-backup-'));
  let restored;
  try {
    const token = await login(live.baseUrl, { username: 'canbo.h45', password: 'danhgia-demo' });
    const rs = await ruleSets(live.baseUrl);
    const free = (await unratedDossiers(live.baseUrl, token, 600)).filter((d) => d.returned_on);
    const count = (dir) => dbAt(dir, "SELECT count(*) AS n FROM ratings WHERE id LIKE 'bac0%'")[0].n;
    // A steady stream of ratings, 10 a request, while the backup runs.
    let stop = false;
    let sent = 0;
    const writer = (async () => {
      for (let i = 0; !stop && i < free.length; i += 10) {
        const records = free.slice(i, i + 10).map((d, k) => ({
          id: `bac0${(i + k).toString(16).padStart(4, '0')}-0000-4000-8000-${String(i + k).padStart(12, '0')}`,
          dossier_code: d.code,
          citizen_token: d.token,
          channel: 'online',
          ruleset_version: d.ruleset_version,
          answers: answers(rs[d.ruleset_version], d, 0),
          client_time: new Date().toISOString(),
        }));
        const res = await fetch(`${live.baseUrl}/api/v1/ratings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ records }) });
        expect(res.status).toBe(200);
        sent += records.length;
      }
    })();
    await expect.poll(() => count(live.dataDir)).toBeGreaterThan(20);
    const copy = join(work, 'copy.sqlite3');
    const before = count(live.dataDir);
    const out = execFileSync(bin, ['--data-dir', live.dataDir, 'backup', copy], { encoding: 'utf8' });
    const after = count(live.dataDir);
    stop = true;
    await writer;
    expect(out).toContain('backed up the database');
    expect(statSync(copy).mode & 0o777).toBe(0o600);

    // Restore into a new data folder, as the README says, and start a server on it.
    const restoreDir = join(work, 'restored');
    mkdirSync(restoreDir, { mode: 0o700 });
    copyFileSync(copy, join(restoreDir, 'danhgia.sqlite3'));
    restored = await startServer({ dataDir: restoreDir, demoLinks: 0, pidFile: join(import.meta.dirname, '.backup-restored.pid') });
    const inCopy = count(restoreDir);
    expect(inCopy).toBeGreaterThanOrEqual(before);
    expect(inCopy).toBeLessThanOrEqual(after);
    for (const table of ['agencies', 'accounts', 'officials', 'dossiers', 'agency_scores', 'proposals']) {
      const q = `SELECT count(*) AS n FROM ${table}`;
      expect(dbAt(restoreDir, q)[0].n, table).toBe(dbAt(live.dataDir, q)[0].n);
    }
    expect(dbAt(restoreDir, 'PRAGMA integrity_check')[0].integrity_check).toBe('ok');
    // A slip printed before the backup still opens on the restored server.
    const link = live.links[0];
    const dossier = await (await fetch(`${restored.baseUrl}/api/v1/dossiers/${encodeURIComponent(link.code)}?t=${link.token}`)).json();
    expect(dossier.code).toBe(link.code);
    // Every rating the copy holds is one the live server stored, once.
    const ids = dbAt(restoreDir, "SELECT count(DISTINCT id) AS n FROM ratings WHERE id LIKE 'bac0%'")[0].n;
    expect(ids).toBe(inCopy);
    expect(sent).toBeGreaterThanOrEqual(after);
  } finally {
    await restored?.stop();
    await live.stop();
    rmSync(work, { recursive: true, force: true });
  }
});
