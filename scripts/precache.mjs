// Trunk post-build hook: gives the officers' app hashed file names (Trunk
// builds it like a worker, unhashed), lists the files of this build and
// writes sw.js with them and a build version derived from their contents.
import { createHash } from 'node:crypto';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) throw new Error('run me as a Trunk post_build hook (TRUNK_STAGING_DIR is not set)');

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}
const sha = (data) => createHash('sha256').update(data).digest('hex').slice(0, 16);

// The officers' apps, the counter's (staff) and the district office's (office):
// <app>.js + <app>_bg.wasm → <app>-<hash>.js + <app>-<hash>_bg.wasm (one hash
// of both, like Trunk's names), each announced to the loader by a <meta> that
// also names their shared style sheet, staff.css → staff-<hash>.css.
const indexPath = join(staging, 'index.html');
// Comments go first (they may mention the <meta>s sought below).
let index = readFileSync(indexPath, 'utf8').replace(/<!--[\s\S]*?-->/g, '');
const staffCssData = readFileSync(join(staging, 'staff.css'));
const staffCss = `staff-${sha(staffCssData)}.css`;
renameSync(join(staging, 'staff.css'), join(staging, staffCss));
// (Trunk may have minified the HTML: attributes in any order, unquoted.)
const citizenMeta = /<meta [^>]*name="?danhgia-app"?[^>]*>/;
if (!citizenMeta.test(index)) throw new Error('index.html: no <meta name="danhgia-app"> of the citizens\' app');
for (const app of ['staff', 'office']) {
  const hash = sha(Buffer.concat([readFileSync(join(staging, `${app}.js`)), readFileSync(join(staging, `${app}_bg.wasm`))]));
  const [js, wasm] = [`${app}-${hash}.js`, `${app}-${hash}_bg.wasm`];
  index = index.replace(citizenMeta, (m) => `${m}\n<meta name="danhgia-app" content="/${js} /${wasm} /${staffCss}">`);
  renameSync(join(staging, `${app}.js`), join(staging, js));
  renameSync(join(staging, `${app}_bg.wasm`), join(staging, wasm));
}

const files = walk(staging)
  .map((path) => relative(staging, path).split(sep).join('/'))
  .filter((name) => name !== 'sw.js' && !name.endsWith('.map') && !/\.(br|gz)$/.test(name))
  .sort();
const hash = createHash('sha256');
for (const name of files) hash.update(name).update('\0').update(readFileSync(join(staging, name)));
const build = hash.digest('hex').slice(0, 16);
// Citizens get the shell and their app; the officers' apps and the scanner's
// decoder are cached for devices that run the officers' app (it asks the
// service worker), so a citizen on mobile data never downloads them.
const staff = files.filter((name) => /^(staff-|office-|scan-worker)/.test(name));
// The manifest's PNG icons are not kept: a browser fetches them when the app
// is installed (online), and an installed app's icon is the system's copy;
// precaching them cost a citizen 26 KB of mobile data for nothing offline.
const precache = files.filter((name) => !staff.includes(name) && !/^icons\/.*\.png$/.test(name));
const template = readFileSync(new URL('../sw/service-worker.js', import.meta.url), 'utf8');
const sw = template
  .replace("'__BUILD__'", JSON.stringify(build))
  .replace('__PRECACHE__', JSON.stringify(precache.map((name) => `/${name}`), null, 2))
  .replace('__STAFF__', JSON.stringify(staff.map((name) => `/${name}`), null, 2));
writeFileSync(join(staging, 'sw.js'), sw);
// The page can tell which build it runs (support, and the update test).
if (!index.includes('<title>')) throw new Error('index.html: no <title>');
index = index.replace('<title>', `<meta name="danhgia-build" content="${build}">\n<title>`);
// Every byte of index.html is on a citizen's first visit: comments (HTML,
// and whole-line ones in scripts), indentation and empty lines go.
index = index
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith('//'))
  .join('\n');
writeFileSync(indexPath, index);
console.log(`sw.js: build ${build}, ${precache.length} files precached for everyone, ${staff.length} for officers' devices`);

// Precompressed copies for the server to send as they are (brotli first):
// phones on poor mobile data download a quarter of the bytes.
for (const name of [...files, 'sw.js']) {
  if (!/\.(js|wasm|css|html|webmanifest|svg|json)$/.test(name)) continue;
  const data = readFileSync(join(staging, name));
  writeFileSync(join(staging, `${name}.br`), brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
  writeFileSync(join(staging, `${name}.gz`), gzipSync(data, { level: 9 }));
}
