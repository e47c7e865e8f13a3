// The benchmark command's fuzzing step: runs every fuzz target's long pass
// (the property-test targets of crates/core/tests/fuzz.rs and
// server/tests/fuzz.rs, which `cargo test` runs briefly) and writes the
// "Fuzzing" section of BENCHMARKS.md, leaving the other sections as they are.
//
//   node bench/fuzz.mjs [--core N] [--server N]
//
// N is the number of cases per target (defaults below: over 1,000,000 inputs
// in all). Built with the `fuzz` profile: optimised, with debug assertions and
// overflow checks on. Exits non-zero when a target fails, after writing.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const CORE_CASES = arg('--core', 200_000);
const SERVER_CASES = arg('--server', 20_000);

const WHAT = {
  'core/dossier_code': 'valid codes of real shapes (padded, any case), mutated; any text → `DossierCode::parse` agrees with the documented alphabet, re-parses to itself, JSON and path round trips',
  'core/scan_payload': 'bare codes, citizen links from `citizen_path`, portal links, hostile payloads, all mutated; any text; 2 KB+ → `parse_scan` reads valid payloads exactly, opens citizen links only from our host, refuses controls, other schemes',
  'core/dossier_csv': 'files with known per-row outcomes (shuffled headers, BOM, LF/CRLF/CR, blank lines, quoted cells, one defect a row), byte- and text-mutated files, invalid UTF-8 → `parse_csv` gives each row its outcome on the right line',
  'core/rating_record': 'records from the forms of both rule sets with one defect each, mutated JSON, any text → `check_record` gives the expected reason; what it accepts is sound; JSON round trips',
  'core/account_fields': 'user names, agency codes, names, free text, passwords, mutated with look-alikes and controls → only the documented ASCII alphabets, idempotent, no control characters',
  'core/agency_official_csv': 'agency and official CSV files (Vietnamese and English levels, LF/CRLF/CR, quoted cells), mutated; any text → `parse_agencies` / `parse_officials`: codes in the agency alphabet, clean names, known levels and reasons, one answer per line',
  'server/rating_batches': '`POST /api/v1/ratings`: batches from demo dossiers (citizen, officer, district officer, forged and malformed sessions), one defect a record, replays, mutated JSON, any bytes → never 5xx, JSON errors, per-record verdicts, stored rows = accepted, a replay stores nothing',
  'server/dossier_lookups': '`GET /api/v1/dossiers/{code}`: demo codes as typed or scanned (any case, escaped or not, mutated) with right, other and mutated tokens and check codes, junk queries, with and without an officer → never 5xx, JSON, opened only with a right credential or in the officer\'s scope, the right token always opens, 429 only for check codes and with `Retry-After`, never the applicant\'s name',
  'server/dossier_imports': '`POST /api/v1/dossiers`: CSV of new and existing dossiers (own and other agencies, unknown ones), by district and commune offices, an officer and nobody, mutated text and bytes → never 5xx, one answer per row, rows outside scope and agencies never change, a second import changes nothing',
};

const report = join(tmpdir(), `danhgia-fuzz-${process.pid}.jsonl`);
rmSync(report, { force: true });
const run = (pkg, cases) => {
  const args = ['test', '--locked', '--profile', 'fuzz', '-p', pkg, '--test', 'fuzz', '--', '--test-threads=1'];
  console.log(`cargo ${args.join(' ')}  (DANHGIA_FUZZ_CASES=${cases})`);
  const started = Date.now();
  const r = spawnSync('cargo', args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, DANHGIA_FUZZ_CASES: String(cases), DANHGIA_FUZZ_REPORT: report },
  });
  return { pkg, ok: r.status === 0, seconds: (Date.now() - started) / 1000 };
};
const runs = [run('danhgia-core', CORE_CASES), run('danhgia-server', SERVER_CASES)];
const results = existsSync(report)
  ? readFileSync(report, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))
  : [];
rmSync(report, { force: true });

const fmt = (n) => n.toLocaleString('en');
const total = results.reduce((s, r) => s + r.inputs, 0);
const seconds = results.reduce((s, r) => s + r.seconds, 0);
const failed = results.filter((r) => r.outcome !== 'ok').length;
const brokenRuns = runs.filter((r) => !r.ok && !results.some((x) => x.outcome !== 'ok' && x.target.startsWith(r.pkg.replace('danhgia-', ''))));
const missing = Object.keys(WHAT).filter((t) => !results.some((r) => r.target === t));
const rustc = execFileSync('rustc', ['--version'], { encoding: 'utf8' }).trim();
const section = [
  '## Fuzzing',
  '',
  `Produced by \`node bench/fuzz.mjs\` (the last step of \`./bench.sh\`): each fuzz target's long pass,`,
  `\`DANHGIA_FUZZ_CASES=${fmt(CORE_CASES)}\` for the core's targets and \`${fmt(SERVER_CASES)}\` for the server's, one`,
  'target at a time, built with the `fuzz` profile (optimised, debug assertions and overflow checks on).',
  'No nightly toolchain is assumed, so the targets are proptest property tests, not `cargo fuzz`: structure-aware',
  'generators (valid inputs, then mutated) beside arbitrary text and bytes, with properties asserted on every',
  'answer; the server targets drive the real router over a real SQLite file seeded with the demo district.',
  '`cargo test` runs the same targets briefly (1,000 cases a core target, 500 for the CSV, 300 a server target).',
  '',
  `- Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}; ${rustc}`,
  `- Date: ${new Date().toISOString().slice(0, 10)}`,
  `- In all: **${fmt(total)} inputs** in ${seconds.toFixed(0)} s, ${failed ? `**${failed} failed**` : 'no failure'}` +
    (missing.length ? `; **did not report: ${missing.join(', ')}**` : '') +
    (brokenRuns.length ? `; **cargo test failed for ${brokenRuns.map((r) => r.pkg).join(', ')}**` : ''),
  '',
  '| target | inputs run | seconds | inputs/s | outcome | what it feeds and checks |',
  '| --- | --- | --- | --- | --- | --- |',
  ...results.map(
    (r) =>
      `| \`${r.target}\` | ${fmt(r.inputs)} | ${r.seconds.toFixed(1)} | ${fmt(Math.round(r.inputs / r.seconds))} | ${r.outcome} | ${WHAT[r.target] ?? ''} |`,
  ),
  '',
  'Inputs run counts every call of a target, shrinking steps and replayed regression seeds included. A failure',
  "is shrunk to its smallest input and its seed saved next to the target (`*.proptest-regressions`), where",
  'every later run replays it first.',
  '',
];

const file = join(root, 'BENCHMARKS.md');
const old = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
const start = old.indexOf('\n## Fuzzing\n');
let text;
if (start < 0) {
  text = `${old.replace(/\n*$/, '\n')}\n${section.join('\n')}`;
} else {
  const next = old.indexOf('\n## ', start + 1);
  text = `${old.slice(0, start + 1)}${section.join('\n')}${next < 0 ? '' : old.slice(next)}`;
}
writeFileSync(file, text);
console.log(section.join('\n'));
if (failed || missing.length || brokenRuns.length) process.exit(1);
