// The benchmark command's driver: starts the real release server on a free
// port with a large demo district, measures, prints the tables and writes
// BENCHMARKS.md. Not a test: nothing here passes or fails on time.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { startServer } from '../tests/e2e/server.mjs';
import { executablePath } from '../tests/e2e/browser.mjs';
import { makeClips } from '../tests/e2e/clips.mjs';
import { benchDecoder, decoderSection } from './decoder.mjs';
import { bytesCitizen, bytesOfficer, deliverTenThousand, offlineColdStart, qrToForm, serverIngest } from './app.mjs';

const root = resolve(import.meta.dirname, '..');
const ms = (x) => x.toFixed(2);
const kb = (x) => (x / 1024).toFixed(1);
const OFFICER = { username: 'canbo.h45.03', password: 'danhgia-demo' };
const DISTRICT = { username: 'canbo.h45', password: 'danhgia-demo' };

const server = await startServer({
  bin: join(root, 'target/server/danhgia-server'),
  demoLinks: 1,
  args: ['--demo-dossiers', '40000'],
  pidFile: join(root, 'tests/e2e/.bench.pid'),
});
const results = {};
try {
  const link = server.links[0].path;
  console.log('measuring first-visit bytes …');
  results.citizen = await bytesCitizen(server.baseUrl, link);
  const token = (await (await fetch(`${server.baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(OFFICER) })).json()).token;
  const page = await (await fetch(`${server.baseUrl}/api/v1/dossiers?limit=50`, { headers: { authorization: `Bearer ${token}` } })).json();
  const d = page.dossiers.find((x) => x.returned_on);
  const clips = join(root, 'tests/e2e/.output/bench-clips');
  await makeClips(clips, { qr: { qr: `${server.baseUrl}/r/${encodeURIComponent(d.code)}?t=${d.token}`, noise: 4 } });
  results.officer = await bytesOfficer(server.baseUrl, OFFICER, join(clips, 'qr.y4m'));
  console.log('measuring offline cold start …');
  results.cold = await offlineColdStart(server.baseUrl);
  console.log('measuring QR → form …');
  results.qr = await qrToForm(server.baseUrl, join(clips, 'qr.y4m'), OFFICER);
  console.log('measuring the decoder …');
  results.decoder = await benchDecoder(server.baseUrl);
  console.log('delivering 10,000 queued records …');
  results.bulk = await deliverTenThousand(server, DISTRICT);
  console.log('measuring server ingest …');
  results.ingest = await serverIngest(server.baseUrl, DISTRICT);
} finally {
  await server.stop();
}

function bytesTable(rows) {
  const total = (k) => rows.reduce((s, r) => s + r[k], 0);
  return [
    '| asset | on the wire KB | raw KB | gzip KB | brotli KB |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| \`${r.asset}\` | ${kb(r.wire)} | ${kb(r.raw)} | ${kb(r.gzip)} | ${kb(r.brotli)} |`),
    `| **total** | **${kb(total('wire'))}** | **${kb(total('raw'))}** | **${kb(total('gzip'))}** | **${kb(total('brotli'))}** |`,
  ];
}

const chromiumVersion = execFileSync(executablePath, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
const { decoder, bulk, ingest, cold, qr } = results;
const dec = (kind) => decoder.rows.find((r) => r.kind === kind);
const lines = [
  '# Benchmarks',
  '',
  'Produced by `./bench.sh` (builds the release PWA and server once, then runs `node bench/run.mjs` against the',
  'release server with a demo district of 40,000 dossiers); rerun it to refresh this file. One run on the',
  'machine below: compare ratios and orders of magnitude, not absolute times, across machines.',
  '',
  `- Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}; ${chromiumVersion}, headless`,
  `- Date: ${new Date().toISOString().slice(0, 10)}`,
  '',
  '## Summary',
  '',
  '| what | figure | how |',
  '| --- | --- | --- |',
  `| citizen's first visit to a \`/r/…\` link | ${kb(results.citizen.reduce((s, r) => s + r.wire, 0))} KB on the wire | every response of a fresh page (service worker blocked, so nothing is counted twice), bytes from DevTools' \`encodedDataLength\`; the server sends the build's precompressed brotli |`,
  `| officer opening the scanner | ${kb(results.officer.reduce((s, r) => s + r.wire, 0))} KB on the wire | the same, for \`/nhap-phieu\` on a device where the officer is signed in and the camera shows a slip, so the decoder worker loads (worker requests: the brotli size the server sends) |`,
  `| offline cold start, 4× CPU throttling | ${cold.median} ms median (${cold.runs.join(', ')}) | after one online visit, a new tab offline: navigation until the home screen's first link is there; CDP \`Emulation.setCPUThrottlingRate\` 4 |`,
  `| QR code in view → dossier form | ${qr.median} ms median (${qr.runs.join(', ')}) | fake camera playing a clean slip clip: from opening \`/nhap-phieu\` (camera start, worker start included) to the form shown |`,
  `| decoder per frame, ours vs zxing-wasm (fast options) | QR ${ms(dec('QR code').ours.median)} vs ${ms(dec('QR code').wasmFast.median)} ms, Code 128 ${ms(dec('Code 128').ours.median)} vs ${ms(dec('Code 128').wasmFast.median)}, no code ${ms(dec('no code').ours.median)} vs ${ms(dec('no code').wasmFast.median)} (medians) | see the decoder tables below |`,
  `| ${bulk.records.toLocaleString('en')} queued records → delivered | ${bulk.seconds.toFixed(1)} s; JS heap ${bulk.heapBeforeMb.toFixed(1)} → ${bulk.heapAfterMb.toFixed(1)} MB | records written to the outbox offline, then "Gửi ngay": until the server holds them all (batches of 25, one at a time); heap from CDP \`Performance.getMetrics\` |`,
  `| server ingest, SQLite | ${ingest.perSecond.toFixed(0)} ratings/s | ${ingest.accepted} ratings in batches of 25, 4 clients at once, release build, WAL, \`synchronous = NORMAL\` |`,
  '',
  "## Citizen's first visit",
  '',
  ...bytesTable(results.citizen),
  '',
  "## Officer opening the scanner",
  '',
  ...bytesTable(results.officer),
  '',
  ...decoderSection(decoder),
];
const text = lines.join('\n');
writeFileSync(join(root, 'BENCHMARKS.md'), text);
console.log(text);
