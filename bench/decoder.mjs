// Per-frame decoding time of 640×480 camera frames, in one headless
// Chromium run: our scanner's worker (rxing, the real /scan-worker_loader.js
// of the build) against zxing-wasm 3.1.4 (zxing-cpp compiled to wasm, the
// reader build, with its default options and with fast ones) and
// @zxing/library (the old JavaScript port), in the page. The decoders take
// turns frame by frame on the same frames. The page is cross-origin
// isolated, so performance.now() is precise. Frames are drawn like the e2e
// clips: a slip with a QR code (a citizen link), a slip with a Code 128
// barcode, a slip with no code.
//
// zxing-wasm fetches its .wasm from a CDN by default: here it is handed the
// file from node_modules instead (its `wasmBinary` override), and any
// request leaving loopback is aborted and fails the benchmark.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from '@playwright/test';
import { launchOptions } from '../tests/e2e/browser.mjs';

const require = createRequire(import.meta.url);
const QRCode = require('qrcode');
const { CODE128 } = require('jsbarcode/bin/barcodes/CODE128/index.js');
const zxingWasmFile = require.resolve('zxing-wasm/reader/zxing_reader.wasm');
const zxingWasmScript = join(dirname(zxingWasmFile), '../iife/reader/index.js');
const zxingWasmVersion = require(join(dirname(zxingWasmFile), '../../package.json')).version;

const FRAMES = 60;
const WARMUP = 8;
/** Runs of the whole set; figures are medians over runs (DECODER_RUNS to change). */
const RUNS = Number(process.env.DECODER_RUNS || 8);
/** The scanner's pass for frame n (crates/scan `Pass::for_frame`). */
export const PASSES = ['fast', 'thorough', 'fast', 'coarse'];

function slipFrame({ qr, bars, frame }) {
  const [width, height] = [640, 480];
  const slip = document.createElement('canvas');
  [slip.width, slip.height] = [520, 400];
  const s = slip.getContext('2d');
  s.fillStyle = '#fbfaf6';
  s.fillRect(0, 0, 520, 400);
  s.fillStyle = '#222';
  s.font = 'bold 20px sans-serif';
  s.fillText('PHIẾU ĐÁNH GIÁ', 180, 34);
  if (qr) {
    const m = 6;
    const size = (qr.length + 8) * m;
    const [x0, y0] = [(520 - size) / 2, (400 - size) / 2 + 20];
    s.fillStyle = '#fff';
    s.fillRect(x0, y0, size, size);
    s.fillStyle = '#111';
    qr.forEach((row, r) => row.forEach((on, c) => on && s.fillRect(x0 + (c + 4) * m, y0 + (r + 4) * m, m, m)));
  }
  if (bars) {
    const x0 = (520 - bars.length * 2) / 2;
    s.fillStyle = '#111';
    [...bars].forEach((bit, i) => bit === '1' && s.fillRect(x0 + i * 2, 160, 2, 80));
  }
  const c = document.createElement('canvas');
  [c.width, c.height] = [width, height];
  const ctx = c.getContext('2d', { willReadFrequently: true });
  ctx.fillStyle = '#7d6e5c';
  ctx.fillRect(0, 0, width, height);
  ctx.translate(width / 2 + (frame % 3) - 1, height / 2 + ((frame * 7) % 3) - 1);
  ctx.rotate(((frame % 5) - 2) * 0.02);
  ctx.drawImage(slip, -260, -220);
  return ctx.getImageData(0, 0, width, height);
}

/** One run over one kind of frame: every decoder on every frame, taking turns. */
async function measure(page, spec, expected, { alone = false, control = false } = {}) {
  return page.evaluate(
    async ({ spec, expected, FRAMES, WARMUP, slipFrameSrc, alone, control }) => {
      const slipFrame = new Function(`return (${slipFrameSrc})`)();
      const frames = Array.from({ length: FRAMES + WARMUP }, (_, frame) => slipFrame({ ...spec, frame }));
      const start = async (url) => {
        const w = new Worker(url);
        await new Promise((ok) => w.addEventListener('message', (e) => e.data.ready && ok()));
        return w;
      };
      const worker = await start('/scan-worker_loader.js');
      // The same decoder built without wasm SIMD (for browsers that lack it).
      const scalarWorker = await start('/scan-worker-scalar_loader.js');
      const ourDecoder = (w) => async (img, i) => {
        const buffer = new Uint8ClampedArray(img.data).buffer;
        const answer = await new Promise((ok) => {
          w.onmessage = (e) => ok(e.data);
          w.postMessage({ id: i, frame: i, width: img.width, height: img.height, pixels: buffer }, [buffer]);
        });
        return { ms: answer.ms, text: answer.text };
      };
      // The control: a fixed job of about our decoder's length, timed the
      // same way in a worker of its own (plain JavaScript: the frame's
      // bytes summed). What it costs beyond its usual is the machine's
      // pauses, not decoding.
      const controlWorker = control
        ? await start(
            URL.createObjectURL(
              new Blob(
                [
                  'onmessage = (e) => { const t0 = performance.now(); const d = new Uint8Array(e.data.pixels); let s = 0;' +
                    ' for (let p = 0; p < d.length; p += 4) s += d[p] + d[p + 1] + d[p + 2];' +
                    ' postMessage({ ms: performance.now() - t0, sum: s }); }; postMessage({ ready: true });',
                ],
                { type: 'text/javascript' },
              ),
            ),
          )
        : null;
      const Z = window.ZXing;
      const reader = new Z.MultiFormatReader();
      reader.setHints(new Map([[Z.DecodeHintType.POSSIBLE_FORMATS, [Z.BarcodeFormat.QR_CODE, Z.BarcodeFormat.CODE_128]]]));
      const W = window.ZXingWASM;
      const formats = ['QRCode', 'Code128'];
      const wasmOptions = {
        default: { formats },
        fast: { formats, tryHarder: false, tryRotate: false, tryInvert: false, maxNumberOfSymbols: 1 },
      };
      const decoders = {
        // Ours: the production worker; it times its own decode (copy into
        // wasm memory, then the decoder on the RGBA).
        ours: ourDecoder(worker),
        ...(control ? { control: ourDecoder(controlWorker) } : {}),
        oursScalar: ourDecoder(scalarWorker),
        wasmDefault: async (img) => {
          const t0 = performance.now();
          const found = await W.readBarcodes(img, wasmOptions.default);
          const ms = performance.now() - t0;
          return { ms, text: found.find((r) => r.isValid)?.text };
        },
        wasmFast: async (img) => {
          const t0 = performance.now();
          const found = await W.readBarcodes(img, wasmOptions.fast);
          const ms = performance.now() - t0;
          return { ms, text: found.find((r) => r.isValid)?.text };
        },
        // @zxing/library: same formats, hints set once, luma conversion included.
        zxingLibrary: async ({ data, width, height }) => {
          const t0 = performance.now();
          const luma = new Uint8ClampedArray(width * height);
          for (let p = 0; p < luma.length; p++) {
            luma[p] = (306 * data[4 * p] + 601 * data[4 * p + 1] + 117 * data[4 * p + 2] + 0x200) >> 10;
          }
          let text;
          try {
            text = reader.decodeWithState(new Z.BinaryBitmap(new Z.HybridBinarizer(new Z.RGBLuminanceSource(luma, width, height)))).getText();
          } catch {}
          return { ms: performance.now() - t0, text };
        },
      };
      // Alone: ours only, no other decoder's work (or its garbage) between frames.
      const names = control ? ['control'] : alone ? ['ours'] : Object.keys(decoders).filter((n) => n !== 'control');
      const out = Object.fromEntries(names.map((n) => [n, { ms: [], read: [], wrong: 0, first: [] }]));
      for (let i = 0; i < frames.length; i++) {
        // Take turns, starting with a different decoder on each frame.
        for (let k = 0; k < names.length; k++) {
          const name = names[(i + k) % names.length];
          const { ms, text } = await decoders[name](frames[i], i);
          if (i < WARMUP) {
            out[name].first.push(ms);
            continue;
          }
          out[name].ms.push(ms);
          out[name].read.push(text === expected ? i : -1);
          if (text !== undefined && text !== expected) out[name].wrong++;
        }
      }
      worker.terminate();
      scalarWorker.terminate();
      controlWorker?.terminate();
      return { out, isolated: crossOriginIsolated };
    },
    { spec, expected, FRAMES, WARMUP, slipFrameSrc: slipFrame.toString(), alone, control },
  );
}

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const median = (xs) => quantile(xs, 0.5);

const isLoopback = (url) => {
  const { protocol, hostname } = new URL(url);
  if (protocol === 'data:' || protocol === 'blob:') return true;
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
};

/**
 * Returns { runs, rows }: per kind of frame, per decoder, the median over runs of the per-run median and
 * p90 (ms), the slowest single frame, and frames read (summed over runs); for ours, reads by pass too.
 */
export async function benchDecoder(baseUrl) {
  const qrText = `${baseUrl}/r/H45.03-261120-0001?t=AbCdEfGhIjKlMnOp`;
  const q = QRCode.create(qrText, { errorCorrectionLevel: 'M' });
  const n = q.modules.size;
  const qr = Array.from({ length: n }, (_, r) => Array.from({ length: n }, (_, c) => (q.modules.get(r, c) ? 1 : 0)));
  const code = 'H45.03-261120-0001';
  const bars = new CODE128(code, {}).encode().data;
  const browser = await chromium.launch(launchOptions);
  const offLoopback = [];
  try {
    // The page is only a same-origin host for the decoders (our worker is
    // loaded from it): the harness adds the other decoders as inline
    // scripts, which the app's content security policy rightly refuses.
    const page = await (await browser.newContext({ bypassCSP: true })).newPage();
    // Nothing may leave loopback (zxing-wasm's default is a CDN).
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (isLoopback(url)) return route.fallback();
      offLoopback.push(url);
      return route.abort();
    });
    await page.goto(baseUrl + '/');
    await page.addScriptTag({ path: require.resolve('@zxing/library/umd/index.min.js') });
    await page.addScriptTag({ path: zxingWasmScript });
    // zxing-wasm gets its .wasm from node_modules, handed to the page (no
    // fetch at all, so never its default CDN).
    const version = await page.evaluate(async (base64) => {
      const wasmBinary = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)).buffer;
      await window.ZXingWASM.prepareZXingModule({
        overrides: { wasmBinary, locateFile: (path, prefix) => prefix + path },
        fireImmediately: true,
      });
      return window.ZXingWASM.ZXING_WASM_VERSION;
    }, readFileSync(zxingWasmFile).toString('base64'));
    if (version !== zxingWasmVersion) throw new Error(`zxing-wasm ${version} in the page, ${zxingWasmVersion} installed`);
    const rows = [];
    for (const [kind, spec, expected] of [
      ['QR code', { qr }, qrText],
      ['Code 128', { bars }, code],
      ['no code', {}, undefined],
    ]) {
      const runs = [];
      const alone = [];
      const control = [];
      for (let run = 0; run < RUNS; run++) {
        const r = await measure(page, spec, expected);
        if (!r.isolated) throw new Error('the page is not cross-origin isolated: timings would be coarse');
        runs.push(r.out);
        alone.push((await measure(page, spec, expected, { alone: true })).out.ours);
        control.push((await measure(page, spec, expected, { control: true })).out.control.ms);
      }
      const row = { kind, frames: FRAMES * RUNS };
      for (const name of Object.keys(runs[0])) {
        const all = runs.flatMap((r) => r[name].ms);
        row[name] = {
          median: median(runs.map((r) => median(r[name].ms))),
          p90: median(runs.map((r) => quantile(r[name].ms, 0.9))),
          max: Math.max(...all),
          over3: all.filter((ms) => ms > 3).length,
          // Each frame's best time over the runs, then the slowest frame:
          // what a frame costs without the scheduler's pauses.
          worstBest: Math.max(...runs[0][name].ms.map((_, j) => Math.min(...runs.map((r) => r[name].ms[j])))),
          read: runs.reduce((s, r) => s + r[name].read.filter((i) => i >= 0).length, 0),
          wrong: runs.reduce((s, r) => s + r[name].wrong, 0),
        };
      }
      // Ours alone, over the same frames as above (after the first 8); and
      // a fresh worker alone: its first frame, and the slowest of its 2nd
      // to 8th.
      const aloneMs = alone.map((r) => r.ms);
      row.alone = {
        median: median(aloneMs.map(median)),
        p90: median(aloneMs.map((ms) => quantile(ms, 0.9))),
        p99: quantile(aloneMs.flat(), 0.99),
        max: Math.max(...aloneMs.flat()),
        over3: aloneMs.flat().filter((ms) => ms > 3).length,
        frames: aloneMs.flat().length,
        worstBest: Math.max(...aloneMs[0].map((_, j) => Math.min(...aloneMs.map((r) => r[j])))),
        read: alone.reduce((s, r) => s + r.read.filter((i) => i >= 0).length, 0),
        first: median(alone.map((r) => r.first[0])),
        nextSlowest: median(alone.map((r) => Math.max(...r.first.slice(1)))),
      };
      // The control job, alone in the same way.
      row.control = {
        median: median(control.map(median)),
        p99: quantile(control.flat(), 0.99),
        max: Math.max(...control.flat()),
        over3: control.flat().filter((ms) => ms > 3).length,
        frames: control.flat().length,
        worstBest: Math.max(...control[0].map((_, j) => Math.min(...control.map((r) => r[j])))),
      };
      // Ours by pass: frames read, median and slowest frame.
      row.ours.byPass = Object.fromEntries(
        [...new Set(PASSES)].map((pass) => {
          const idx = (r) => r.ours.ms.map((_, j) => j).filter((j) => PASSES[(j + WARMUP) % 4] === pass);
          return [
            pass,
            {
              frames: runs.reduce((s, r) => s + idx(r).length, 0),
              read: runs.reduce((s, r) => s + idx(r).filter((j) => r.ours.read[j] >= 0).length, 0),
              median: median(runs.flatMap((r) => idx(r).map((j) => r.ours.ms[j]))),
              max: Math.max(...runs.flatMap((r) => idx(r).map((j) => r.ours.ms[j]))),
              worstBest: Math.max(...idx(runs[0]).map((j) => Math.min(...runs.map((r) => r.ours.ms[j])))),
            },
          ];
        }),
      );
      rows.push(row);
      console.log(JSON.stringify(row));
    }
    if (offLoopback.length) throw new Error(`requests left loopback: ${offLoopback.join(', ')}`);
    return { runs: RUNS, zxingWasmVersion, rows };
  } finally {
    await browser.close();
  }
}

/** The decoder section of BENCHMARKS.md (lines), from benchDecoder's result. */
export function decoderSection(decoder) {
  const ms = (x) => x.toFixed(2);
  const readCell = (r, d) => (r.kind === 'no code' ? `${d.wrong} false` : `${d.read}/${r.frames}${d.wrong ? `, ${d.wrong} false` : ''}`);
  return [
    '## Decoder: per-frame decoding of 640×480 camera frames',
    '',
    `Each kind of frame: ${decoder.runs} runs of 60 frames (after 8 warm-up frames) of a slip drawn like the e2e camera clips,`,
    'every decoder decoding every frame, taking turns frame by frame, in one headless Chromium run, cross-origin',
    'isolated (precise `performance.now()`). Figures in ms: the median over runs of each run\'s median and p90, the',
    'slowest single frame of all runs, and the slowest frame when each frame counts its best time over the runs',
    '(the same frame decoded again: what it costs without the pauses a busy machine adds).',
    '',
    "- **Ours**: the scanner's production Web Worker (`/scan-worker_loader.js`: the frame copied into wasm memory, a",
    '  look at every few rows for finder patterns and Code 128 starts, then rxing only there; QR + Code 128), cycling',
    '  fast / thorough / fast / coarse passes as the scanner does, timed inside the worker. Built for speed (the worker',
    '  and `crates/scan` at opt-level 3, rxing at "z", wasm-opt -O3; Cargo.toml says why), the apps for size.',
    `- **zxing-wasm** ${decoder.zxingWasmVersion} (zxing-cpp in wasm, reader build), in the page, \`readBarcodes(imageData)\` with`,
    '  formats QR Code and Code 128 and otherwise its default options (tryHarder, tryRotate, tryInvert, tryDownscale),',
    '  and with fast options (tryHarder, tryRotate, tryInvert off, maxNumberOfSymbols 1). Its .wasm is the file from',
    '  node_modules, handed to the page: nothing leaves loopback.',
    '- **@zxing/library** 0.23 (the JavaScript port), in the page, same formats, hints set once, luma conversion included.',
    '',
    '| frames | ours median | ours p90 | ours slowest | ours over 3 ms | ours slowest, best of runs | zxing-wasm default median | p90 | zxing-wasm fast median | p90 | fast slowest | fast over 3 ms | fast slowest, best of runs | @zxing/library median | p90 |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...decoder.rows.map(
      (r) =>
        `| ${r.kind} | **${ms(r.ours.median)}** | **${ms(r.ours.p90)}** | ${ms(r.ours.max)} | ${r.ours.over3} of ${r.frames} | ${ms(r.ours.worstBest)} | ${ms(r.wasmDefault.median)} | ${ms(r.wasmDefault.p90)} | ${ms(r.wasmFast.median)} | ${ms(r.wasmFast.p90)} | ${ms(r.wasmFast.max)} | ${r.wasmFast.over3} of ${r.frames} | ${ms(r.wasmFast.worstBest)} | ${ms(r.zxingLibrary.median)} | ${ms(r.zxingLibrary.p90)} |`,
    ),
    '',
    'Ratios (their median ÷ ours; above 1: ours is faster) and frames read (no code: false reads):',
    '',
    '| frames | vs zxing-wasm default | vs zxing-wasm fast | vs @zxing/library | read: ours | zxing-wasm default | zxing-wasm fast | @zxing/library |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...decoder.rows.map(
      (r) =>
        `| ${r.kind} | ${(r.wasmDefault.median / r.ours.median).toFixed(2)}× | ${(r.wasmFast.median / r.ours.median).toFixed(2)}× | ${(r.zxingLibrary.median / r.ours.median).toFixed(2)}× | ${readCell(r, r.ours)} | ${readCell(r, r.wasmDefault)} | ${readCell(r, r.wasmFast)} | ${readCell(r, r.zxingLibrary)} |`,
    ),
    '',
    'Ours without wasm SIMD (`/scan-worker-scalar_loader.js`, the build for browsers that lack it), in the same turns:',
    '',
    '| frames | median | p90 | slowest, best of runs | read | ÷ ours with SIMD (median) |',
    '| --- | --- | --- | --- | --- | --- |',
    ...decoder.rows.map(
      (r) =>
        `| ${r.kind} | ${ms(r.oursScalar.median)} | ${ms(r.oursScalar.p90)} | ${ms(r.oursScalar.worstBest)} | ${readCell(r, r.oursScalar)} | ${(r.oursScalar.median / r.ours.median).toFixed(2)}× |`,
    ),
    '',
    'Ours by pass (frames read, median ms, slowest ms, slowest frame at its best of the runs):',
    '',
    '| frames | fast | thorough | coarse |',
    '| --- | --- | --- | --- |',
    ...decoder.rows.map(
      (r) =>
        `| ${r.kind} | ${['fast', 'thorough', 'coarse'].map((p) => { const b = r.ours.byPass[p]; return `${r.kind === 'no code' ? '–' : `${b.read}/${b.frames}`}, ${ms(b.median)}, ${ms(b.max)}, ${ms(b.worstBest)}`; }).join(' | ')} |`,
    ),
    '',
    'Ours alone: in each run, after the runs above, a fresh worker decodes the same frames with no other decoder',
    "taking turns (no other decoder's work or garbage between frames), counted as above from the 9th frame on;",
    "and that fresh worker's first frame and the slowest of its 2nd to 8th (medians over runs), given to it as",
    'soon as it says it is ready. Before that, the worker takes its frame buffer and looks over a blank frame',
    "(`prepare` in `crates/scan-worker`). A browser runs wasm code it has not run before slowly at first: the",
    "scanner's worker warms its decoder up on built-in pictures of a QR code and a barcode, one decode 20 ms",
    'after a frame in which nothing was read if no other frame has come (`crates/scan/src/warm.rs`): a worker',
    'given frames back to back, as here, hardly warms up.',
    '',
    '| frames | alone: median | p90 | p99 | slowest | frames over 3 ms | slowest, best of runs | read | fresh worker: first frame | slowest of 2nd–8th |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...decoder.rows.map(
      (r) =>
        `| ${r.kind} | ${ms(r.alone.median)} | ${ms(r.alone.p90)} | ${ms(r.alone.p99)} | ${ms(r.alone.max)} | ${r.alone.over3} of ${r.alone.frames} | ${ms(r.alone.worstBest)} | ${r.kind === 'no code' ? '–' : `${r.alone.read}/${r.frames}`} | ${ms(r.alone.first)} | ${ms(r.alone.nextSlowest)} |`,
    ),
    '',
    'The control: after each alone run, a plain JavaScript worker of its own does a fixed job of about the same',
    "length on the same frames (sums each frame's bytes), timed the same way, inside the worker. Its work is",
    'the same on every frame, so whatever it takes beyond its usual time is the machine pausing the worker, not',
    'the job: the rate of such pauses any one frame of ours can meet.',
    '',
    '| frames | control: median | p99 | slowest | frames over 3 ms | slowest, best of runs | ours alone, for comparison: frames over 3 ms |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...decoder.rows.map(
      (r) =>
        `| ${r.kind} | ${ms(r.control.median)} | ${ms(r.control.p99)} | ${ms(r.control.max)} | ${r.control.over3} of ${r.control.frames} | ${ms(r.control.worstBest)} | ${r.alone.over3} of ${r.alone.frames} |`,
    ),
    '',
    'The scanner decodes one frame at a time in the worker, so these figures bound its frame rate, not the',
    "page's. The thorough and coarse passes (one frame in four each) read the harder pictures (see",
    '`crates/scan/tests/blackbox.rs`). The slowest frame is the single worst of all runs: on a shared machine it',
    'can include time when the worker was not scheduled at all.',
    '',
  ];
}
