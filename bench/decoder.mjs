// Per-frame decoding time of 640×480 camera frames, in one headless
// Chromium run: our scanner's worker (rxing, the real /scan-worker_loader.js
// of the build) against @zxing/library, the reference browser decoder, run
// in the page. The page is cross-origin isolated, so performance.now() is
// precise. Frames are drawn like the e2e clips: a slip with a QR code (a
// citizen link), a slip with a Code 128 barcode, a slip with no code.
import { createRequire } from 'node:module';
import { chromium } from '@playwright/test';
import { launchOptions } from '../tests/e2e/browser.mjs';

const require = createRequire(import.meta.url);
const QRCode = require('qrcode');
const { CODE128 } = require('jsbarcode/bin/barcodes/CODE128/index.js');

const FRAMES = 60;
const WARMUP = 8;

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

async function measure(page, kind, spec) {
  return page.evaluate(
    async ({ kind, spec, FRAMES, WARMUP, slipFrameSrc }) => {
      const slipFrame = new Function(`return (${slipFrameSrc})`)();
      const frames = Array.from({ length: FRAMES + WARMUP }, (_, frame) => slipFrame({ ...spec, frame }));
      // Ours: the production worker; it times its own decode (RGBA → luma → rxing).
      const worker = new Worker('/scan-worker_loader.js');
      await new Promise((ok) => worker.addEventListener('message', (e) => e.data.ready && ok(), { once: false }));
      const ours = [];
      let read = 0;
      for (let i = 0; i < frames.length; i++) {
        const img = frames[i];
        const buffer = new Uint8ClampedArray(img.data).buffer;
        const answer = await new Promise((ok) => {
          worker.onmessage = (e) => ok(e.data);
          worker.postMessage({ id: i, frame: i, width: img.width, height: img.height, pixels: buffer }, [buffer]);
        });
        if (i >= WARMUP) {
          ours.push(answer.ms);
          if (answer.text) read++;
        }
      }
      worker.terminate();
      // Reference: @zxing/library with the same formats, hints set once.
      const Z = window.ZXing;
      const hints = new Map([[Z.DecodeHintType.POSSIBLE_FORMATS, [Z.BarcodeFormat.QR_CODE, Z.BarcodeFormat.CODE_128]]]);
      const reader = new Z.MultiFormatReader();
      reader.setHints(hints);
      const theirs = [];
      let theirRead = 0;
      for (let i = 0; i < frames.length; i++) {
        const { data, width, height } = frames[i];
        const t0 = performance.now();
        const luma = new Uint8ClampedArray(width * height);
        for (let p = 0; p < luma.length; p++) {
          luma[p] = (306 * data[4 * p] + 601 * data[4 * p + 1] + 117 * data[4 * p + 2] + 0x200) >> 10;
        }
        let ok = false;
        try {
          reader.decodeWithState(new Z.BinaryBitmap(new Z.HybridBinarizer(new Z.RGBLuminanceSource(luma, width, height))));
          ok = true;
        } catch {}
        const ms = performance.now() - t0;
        if (i >= WARMUP) {
          theirs.push(ms);
          if (ok) theirRead++;
        }
      }
      return { kind, ours, theirs, read, theirRead, isolated: crossOriginIsolated };
    },
    { kind, spec, FRAMES, WARMUP, slipFrameSrc: slipFrame.toString() },
  );
}

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

/** Returns rows: { frames, ours: {median, p90}, zxing: {median, p90}, ratio, reads }. */
export async function benchDecoder(baseUrl) {
  const qrText = `${baseUrl}/r/H45.03-261120-0001?t=AbCdEfGhIjKlMnOp`;
  const q = QRCode.create(qrText, { errorCorrectionLevel: 'M' });
  const n = q.modules.size;
  const qr = Array.from({ length: n }, (_, r) => Array.from({ length: n }, (_, c) => (q.modules.get(r, c) ? 1 : 0)));
  const bars = new CODE128('H45.03-261120-0001', {}).encode().data;
  const browser = await chromium.launch(launchOptions);
  try {
    const page = await browser.newPage();
    await page.goto(baseUrl + '/');
    await page.addScriptTag({ path: require.resolve('@zxing/library/umd/index.min.js') });
    const rows = [];
    for (const [kind, spec] of [
      ['QR code', { qr }],
      ['Code 128', { bars }],
      ['no code', {}],
    ]) {
      const r = await measure(page, kind, spec);
      if (!r.isolated) throw new Error('the page is not cross-origin isolated: timings would be coarse');
      const ours = { median: quantile(r.ours, 0.5), p90: quantile(r.ours, 0.9) };
      const zxing = { median: quantile(r.theirs, 0.5), p90: quantile(r.theirs, 0.9) };
      rows.push({ kind, ours, zxing, ratio: zxing.median / ours.median, reads: `${r.read}/${FRAMES} vs ${r.theirRead}/${FRAMES}` });
    }
    return rows;
  } finally {
    await browser.close();
  }
}
