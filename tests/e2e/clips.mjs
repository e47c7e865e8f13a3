// Makes the fake camera's video: Y4M clips of slip-like pages carrying the
// QR code (a citizen link) or Code 128 barcode (the dossier code) of real
// demo dossiers, as a phone would see them — clean, or tilted about 20° with
// blur and noise. Chromium draws the page (fonts, rotation, blur); the codes
// are encoded here with npm's qrcode and jsbarcode, independent of our app.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from '@playwright/test';
import { launchOptions } from './browser.mjs';

const require = createRequire(import.meta.url);
const QRCode = require('qrcode');
const { CODE128 } = require('jsbarcode/bin/barcodes/CODE128/index.js');

export const WIDTH = 640;
export const HEIGHT = 480;
const FRAMES = 6;

function qrModules(text) {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  return Array.from({ length: n }, (_, r) => Array.from({ length: n }, (_, c) => (qr.modules.get(r, c) ? 1 : 0)));
}

const barcodeBits = (text) => new CODE128(text, {}).encode().data;

// Runs in the page: draws one frame and returns its luma plane.
async function drawFrame({ spec, frame, width, height }) {
  const slip = document.createElement('canvas');
  if (spec.image) {
    // A photographed printout: the crop of the slip's picture, scaled to fill the slip area.
    const img = new Image();
    img.src = spec.image;
    await img.decode();
    const { x, y, w, h } = spec.crop;
    const fit = spec.fit || { w: 520, h: 400 };
    const scale = Math.min(fit.w / w, fit.h / h);
    [slip.width, slip.height] = [Math.round(w * scale), Math.round(h * scale)];
    slip.getContext('2d').drawImage(img, x, y, w, h, 0, 0, slip.width, slip.height);
    return photograph(slip, spec, frame, width, height);
  }
  [slip.width, slip.height] = [520, 400];
  const s = slip.getContext('2d');
  s.fillStyle = '#fbfaf6';
  s.fillRect(0, 0, slip.width, slip.height);
  s.fillStyle = '#222';
  s.font = 'bold 20px sans-serif';
  s.textAlign = 'center';
  s.fillText('PHIẾU ĐÁNH GIÁ', 260, 34);
  s.font = '13px sans-serif';
  s.fillText('Việc giải quyết thủ tục hành chính tại Bộ phận Một cửa', 260, 56);
  s.textAlign = 'left';
  if (spec.qr) {
    const m = 6;
    const n = spec.qr.length;
    const size = (n + 8) * m;
    const [x0, y0] = [(slip.width - size) / 2, (slip.height - size) / 2 + 20];
    s.fillStyle = '#fff';
    s.fillRect(x0, y0, size, size);
    s.fillStyle = '#111';
    spec.qr.forEach((row, r) => row.forEach((on, c) => on && s.fillRect(x0 + (c + 4) * m, y0 + (r + 4) * m, m, m)));
  }
  if (spec.bars) {
    const m = 2;
    const w = spec.bars.length * m;
    const [x0, y0] = [(slip.width - w) / 2, 160];
    s.fillStyle = '#fff';
    s.fillRect(x0 - 20, y0 - 10, w + 40, 110);
    s.fillStyle = '#111';
    [...spec.bars].forEach((bit, i) => bit === '1' && s.fillRect(x0 + i * m, y0, m, 80));
    s.font = '14px monospace';
    s.textAlign = 'center';
    s.fillText(spec.caption || '', slip.width / 2, y0 + 98);
  }
  if (!spec.qr && !spec.bars) {
    s.font = '15px sans-serif';
    ['Mã hồ sơ: ……………………', 'Thủ tục: Đăng ký khai sinh', 'Ngày hẹn trả: 20/11/2026'].forEach((t, i) => s.fillText(t, 40, 140 + i * 30));
  }
  return photograph(slip, spec, frame, width, height);
}

// Runs in the page: the slip on a desk as a hand-held phone sees it.
function photograph(slip, spec, frame, width, height) {
  const c = document.createElement('canvas');
  [c.width, c.height] = [width, height];
  const ctx = c.getContext('2d');
  ctx.fillStyle = '#7d6e5c';
  ctx.fillRect(0, 0, width, height);
  ctx.save();
  // A hand-held phone: the slip shifts a little from frame to frame.
  ctx.translate(width / 2 + (frame % 3) - 1, height / 2 + ((frame * 7) % 3) - 1);
  ctx.rotate((spec.angle * Math.PI) / 180);
  ctx.filter = spec.blur ? `blur(${spec.blur}px)` : 'none';
  ctx.drawImage(slip, -slip.width / 2, -slip.height / 2 - (spec.image ? 0 : 20));
  ctx.restore();
  const rgba = ctx.getImageData(0, 0, width, height).data;
  const luma = new Uint8Array(width * height);
  let seed = 1234567 + frame * 7919;
  for (let i = 0; i < luma.length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const noise = spec.noise ? ((seed / 0x7fffffff) * 2 - 1) * spec.noise : 0;
    const y = 0.299 * rgba[4 * i] + 0.587 * rgba[4 * i + 1] + 0.114 * rgba[4 * i + 2] + noise;
    luma[i] = Math.max(0, Math.min(255, Math.round(y)));
  }
  return Array.from(luma);
}

function y4m(frames, fps = 10) {
  const header = Buffer.from(`YUV4MPEG2 W${WIDTH} H${HEIGHT} F${fps}:1 Ip A1:1 C420jpeg\n`);
  const chroma = Buffer.alloc((WIDTH / 2) * (HEIGHT / 2) * 2, 128);
  return Buffer.concat([header, ...frames.flatMap((luma) => [Buffer.from('FRAME\n'), Buffer.from(luma), chroma])]);
}

/** Draws the six frames of one slip entry (see makeClips) in `page`. */
async function drawClip(page, clip) {
  const spec = {
    qr: clip.qr ? qrModules(clip.qr) : null,
    bars: clip.barcode ? barcodeBits(clip.barcode) : null,
    caption: clip.barcode,
    angle: clip.angle || 0,
    blur: clip.blur || 0,
    noise: clip.noise || 0,
  };
  if (clip.image) Object.assign(spec, { image: clip.image, crop: clip.crop, fit: clip.fit });
  const frames = [];
  for (let frame = 0; frame < FRAMES; frame++) {
    frames.push(
      await page.evaluate(
        async ({ src, helper, args }) => {
          const photograph = new Function(`return (${helper})`)();
          window.photograph = photograph;
          const draw = new Function('photograph', `return (${src})`)(photograph);
          return draw(args);
        },
        { src: drawFrame.toString(), helper: photograph.toString(), args: { spec, frame, width: WIDTH, height: HEIGHT } },
      ),
    );
  }
  return frames;
}

/** `count` frames cycling through `frames`. */
const cycle = (frames, count) => Array.from({ length: count }, (_, i) => frames[i % frames.length]);

/**
 * Writes one clip per entry of `clips` into `dir` as `name.y4m`. An entry is
 * { qr?, barcode?, angle, blur, noise } (the texts to encode on a drawn slip) or
 * { image: data URL, crop: {x, y, w, h}, fit: {w, h}, angle, blur, noise } (a picture of a printed slip,
 * the crop scaled to fit the `fit` box of the 640×480 frame). Six frames at 10 a second, unless it has
 * `fps` (the camera's rate) and `seconds`; with `lead: { seconds, ...entry }` another slip is in view
 * first (the clip loops: the lead, then this slip, again and again).
 */
export async function makeClips(dir, clips) {
  mkdirSync(dir, { recursive: true });
  const browser = await chromium.launch(launchOptions);
  try {
    const page = await browser.newPage();
    for (const [name, clip] of Object.entries(clips)) {
      const fps = clip.fps || 10;
      let frames = await drawClip(page, clip);
      if (clip.seconds) frames = cycle(frames, Math.round(clip.seconds * fps));
      if (clip.lead) frames = [...cycle(await drawClip(page, clip.lead), Math.round(clip.lead.seconds * fps)), ...frames];
      writeFileSync(join(dir, `${name}.y4m`), y4m(frames, fps));
    }
  } finally {
    await browser.close();
  }
}
