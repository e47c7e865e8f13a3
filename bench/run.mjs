// The benchmark command's driver: starts the real server (release build) on
// a free port, measures, prints the table and writes BENCHMARKS.md.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { startServer } from '../tests/e2e/server.mjs';
import { executablePath } from '../tests/e2e/browser.mjs';
import { benchDecoder } from './decoder.mjs';

const root = resolve(import.meta.dirname, '..');
const ms = (x) => x.toFixed(2);

const server = await startServer({ bin: join(root, 'target/server/danhgia-server'), demoLinks: 0 });
let decoder;
try {
  decoder = await benchDecoder(server.baseUrl);
} finally {
  await server.stop();
}

const chromiumVersion = execFileSync(executablePath, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
const lines = [
  '# Benchmarks',
  '',
  'Produced by `./bench.sh` (which builds the release PWA and server once, then runs `node bench/run.mjs`);',
  'rerun it to refresh this file. Figures are from one run on the machine below; compare ratios, not absolute',
  'times, across machines.',
  '',
  `- Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}; ${chromiumVersion}, headless`,
  `- Date: ${new Date().toISOString().slice(0, 10)}`,
  '',
  '## Decoder: per-frame decoding of 640×480 camera frames',
  '',
  'Each row: 60 frames (after 8 warm-up frames) of a slip drawn like the e2e camera clips. **Ours** is the',
  "scanner's production Web Worker (`/scan-worker_loader.js`: RGBA → luma → rxing, QR + Code 128, cycling",
  'fast / thorough / coarse passes as the scanner does), timed inside the worker. **@zxing/library** 0.23',
  '(the reference browser decoder) decodes the same frames in the page with the same formats and hints set',
  'once, luma conversion included. Both in the same headless Chromium run, cross-origin isolated (precise',
  '`performance.now()`). Ratio = @zxing/library median ÷ ours.',
  '',
  '| frames | ours median ms | ours p90 ms | @zxing/library median ms | @zxing/library p90 ms | ratio | frames read (ours vs zxing) |',
  '| --- | --- | --- | --- | --- | --- | --- |',
  ...decoder.map(
    (r) =>
      `| ${r.kind} | ${ms(r.ours.median)} | ${ms(r.ours.p90)} | ${ms(r.zxing.median)} | ${ms(r.zxing.p90)} | ${r.ratio.toFixed(2)}× | ${r.reads} |`,
  ),
  '',
  'Reading the table: the scanner decodes one frame at a time in the worker, so these figures bound its frame',
  "rate, not the page's. The p90 columns include the thorough and coarse passes the scanner spends on one",
  'frame in four, which read the harder photographs (see `crates/scan/tests/blackbox.rs`).',
  '',
];
const text = lines.join('\n');
writeFileSync(join(root, 'BENCHMARKS.md'), text);
console.log(text);
