// Starts the real server once for the whole run: a free port, a fresh data
// folder, the release PWA from dist/. Its PID goes to a file so that the test
// command can stop it even if this process dies; teardown stops it too.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { makeClips } from './clips.mjs';

const root = resolve(import.meta.dirname, '../..');

export default async function globalSetup() {
  const bin = process.env.DANHGIA_SERVER_BIN || join(root, 'target/debug/danhgia-server');
  const dataDir = mkdtempSync(join(tmpdir(), 'danhgia-e2e-'));
  const args = ['--port', '0', '--data-dir', dataDir, '--dist', join(root, 'dist'), '--demo', '--demo-links', '12'];
  const server = spawn(bin, args, {
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG || 'info,tower_http=warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  writeFileSync(join(import.meta.dirname, '.server.pid'), String(server.pid));
  const log = [];
  const links = [];
  let officer = null;
  const baseUrl = await new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${log.join('')}`)), 30_000);
    const onData = (chunk) => {
      const text = chunk.toString();
      log.push(text);
      if (process.env.E2E_SERVER_LOG) process.stderr.write(text);
      for (const [, url, check] of text.matchAll(/demo citizen link: (\S+) check_code=(\d+)/g)) {
        const u = new URL(url);
        const code = decodeURIComponent(u.pathname.replace(/^\/r\//, ''));
        links.push({ path: u.pathname + u.search, code, token: u.searchParams.get('t'), check });
      }
      const o = text.match(/demo officer: username=(\S+) password=(\S+)/);
      if (o) officer = { username: o[1], password: o[2] };
      const m = text.match(/listening on (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]);
      }
    };
    server.stdout.on('data', onData);
    server.stderr.on('data', onData);
    server.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${log.join('')}`)));
  });
  process.env.BASE_URL = baseUrl;
  process.env.DANHGIA_DATA_DIR = dataDir;
  // Unrated demo dossiers with their citizen links: each test takes its own.
  process.env.DEMO_LINKS = JSON.stringify(links);
  process.env.DEMO_OFFICER = JSON.stringify(officer);
  process.env.SLIPS = JSON.stringify(await prepareSlips(baseUrl, officer, links));

  return async () => {
    if (server.exitCode === null) {
      const exited = new Promise((r) => server.on('exit', r));
      server.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (server.exitCode === null) server.kill('SIGKILL');
    }
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(join(import.meta.dirname, '.server.pid'), { force: true });
  };
}

/**
 * Picks unrated dossiers of the demo officer's agency (none of the citizen
 * links' ones) and makes the fake camera's clips of their slips.
 */
async function prepareSlips(baseUrl, officer, links) {
  const login = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(officer),
  });
  const { token } = await login.json();
  const page = await (await fetch(`${baseUrl}/api/v1/dossiers?limit=500`, { headers: { authorization: `Bearer ${token}` } })).json();
  const taken = new Set(links.map((l) => l.code));
  const free = page.dossiers.filter((d) => !d.rating && d.returned_on && !taken.has(d.code)).reverse();
  if (free.length < 6) throw new Error(`only ${free.length} free dossiers for the officer's tests`);
  const link = (d) => `${baseUrl}/r/${encodeURIComponent(d.code)}?t=${d.token}`;
  const [clean, tilted, barcode, ...rest] = free;
  const dir = join(import.meta.dirname, '.output', 'clips');
  await makeClips(dir, {
    clean: { qr: link(clean), noise: 4 },
    tilted: { qr: link(tilted), angle: 20, blur: 1.2, noise: 12 },
    code128: { barcode: barcode.code, noise: 4 },
    foreign: { qr: 'https://example.com/khuyen-mai?ref=qr-phieu', noise: 4 },
    nocode: { noise: 4 },
  });
  return {
    dir,
    clean: clean.code,
    tilted: tilted.code,
    code128: barcode.code,
    typed: rest.slice(0, 3).map((d) => d.code),
  };
}
