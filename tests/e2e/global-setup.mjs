// Starts the real server once for the whole run: a free port, a fresh data
// folder, the release PWA from dist/. Its PID goes to a file so that the test
// command can stop it even if this process dies; teardown stops it too.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

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
