// Starts the real server for tests and benchmarks: a free port, a fresh data
// folder, the demo district, the release PWA from dist/. Its PID goes to a
// file so that the calling script can stop it even if node dies.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
export const PID_FILE = join(import.meta.dirname, '.server.pid');

/**
 * Options: `port` (0: a free one), `dataDir` (default: a fresh temporary one,
 * deleted by stop()), `dist`, `pidFile`, and `args` for the server.
 * `demo: false` starts without the demo district (a district set up with
 * `danhgia-server init`, as a real one is).
 */
export async function startServer({ bin, demo = true, demoLinks = 13, port = 0, dataDir, dist, args: extra = [], pidFile = PID_FILE } = {}) {
  const binary = bin || process.env.DANHGIA_SERVER_BIN || join(root, 'target/debug/danhgia-server');
  const ownsData = !dataDir;
  dataDir = dataDir || mkdtempSync(join(tmpdir(), 'danhgia-e2e-'));
  const args = [
    '--port', String(port), '--data-dir', dataDir, '--dist', dist || join(root, 'dist'),
    ...(demo ? ['--demo', '--demo-links', String(demoLinks)] : []), ...extra,
  ];
  const server = spawn(binary, args, {
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG || 'info,tower_http=warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  writeFileSync(pidFile, String(server.pid));
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
      const m = text.match(/listening on (https?:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]);
      }
    };
    server.stdout.on('data', onData);
    server.stderr.on('data', onData);
    server.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${log.join('')}`)));
  });

  async function halt(signal) {
    if (server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((r) => server.on('exit', r));
      server.kill(signal);
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
    }
    rmSync(pidFile, { force: true });
  }

  /** Stops the server; a temporary data folder goes with it. */
  async function stop() {
    await halt('SIGTERM');
    if (ownsData) rmSync(dataDir, { recursive: true, force: true });
  }

  /** Kills the server outright (a crash), keeping its data. */
  const kill = () => halt('SIGKILL');

  return { baseUrl, port: Number(new URL(baseUrl).port), dataDir, links, officer, log, stop, kill };
}
