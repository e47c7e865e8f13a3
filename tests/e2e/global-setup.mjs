// Starts the real server once for the whole run (see server.mjs), and makes
// the fake camera's clips of demo slips for the officer's tests.
import { join } from 'node:path';
import { makeClips } from './clips.mjs';
import { startServer } from './server.mjs';

export default async function globalSetup() {
  // A larger district than the default demo, so that every officer test has dossiers of its own.
  const server = await startServer({ args: ['--demo-dossiers', '720'] });
  process.env.BASE_URL = server.baseUrl;
  process.env.DANHGIA_DATA_DIR = server.dataDir;
  // Unrated demo dossiers with their citizen links: each test takes its own.
  process.env.DEMO_LINKS = JSON.stringify(server.links);
  process.env.DEMO_OFFICER = JSON.stringify(server.officer);
  try {
    process.env.SLIPS = JSON.stringify(await prepareSlips(server.baseUrl, server.officer, server.links));
  } catch (e) {
    await server.stop();
    throw e;
  }
  return server.stop;
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
  const free = page.dossiers.filter((d) => !d.rating && d.returned_on && !taken.has(d.code));
  // One from before QĐ 766 (its slip has no satisfaction questions), the rest newest first.
  const old = free.find((d) => d.received_on < '2020-01-01');
  const recent = free.filter((d) => d !== old).reverse();
  if (!old || recent.length < 15) throw new Error(`not enough free dossiers for the officer's tests (${recent.length})`);
  const link = (d) => `${baseUrl}/r/${encodeURIComponent(d.code)}?t=${d.token}`;
  const [clean, tilted, barcode, ...rest] = recent;
  const dir = join(import.meta.dirname, '.output', 'clips');
  await makeClips(dir, {
    clean: { qr: link(clean), noise: 4 },
    tilted: { qr: link(tilted), angle: 20, blur: 1.2, noise: 12 },
    code128: { barcode: barcode.code, noise: 4 },
    foreign: { qr: 'https://example.com/khuyen-mai?ref=qr-phieu', noise: 4 },
    nocode: { noise: 4 },
    // The clean slip in view for the first 1.5 s after the camera opens, then a slip without a code for 8 s.
    early: { noise: 4, seconds: 8, lead: { seconds: 1.5, qr: link(clean), noise: 4 } },
  });
  return {
    dir,
    clean: clean.code,
    tilted: tilted.code,
    code128: barcode.code,
    typed: rest.slice(0, 3).map((d) => d.code),
    editable: rest.slice(3, 5).map((d) => d.code),
    expiring: rest[5].code,
    printed: rest[6].code,
    // Rated at the counter's kiosk (quarter.spec.mjs).
    kiosk: rest.slice(7, 9).map((d) => d.code),
    // Transcribed three times (transcribe.spec.mjs).
    thrice: rest[9].code,
    // Entered on a tablet another officer signs in on next (transcribe.spec.mjs).
    shared: rest[10].code,
    // Entered by an officer who does not come back; another sends it instead (transcribe.spec.mjs).
    handed: rest[11].code,
    old: old.code,
  };
}
