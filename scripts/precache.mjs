// Trunk post-build hook: lists the files of this build and writes sw.js
// with them and a build version derived from their contents.
import { createHash } from 'node:crypto';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) throw new Error('run me as a Trunk post_build hook (TRUNK_STAGING_DIR is not set)');

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

const files = walk(staging)
  .map((path) => relative(staging, path).split(sep).join('/'))
  .filter((name) => name !== 'sw.js' && !name.endsWith('.map'))
  .sort();
const hash = createHash('sha256');
for (const name of files) hash.update(name).update('\0').update(readFileSync(join(staging, name)));
const build = hash.digest('hex').slice(0, 16);
// The scanner's decoder is large and citizens never use it: it is cached on
// first use (by officers), not installed with the shell.
const lazy = files.filter((name) => name.startsWith('scan-worker'));
const precache = files.filter((name) => !lazy.includes(name));
const template = readFileSync(new URL('../sw/service-worker.js', import.meta.url), 'utf8');
const sw = template
  .replace("'__BUILD__'", JSON.stringify(build))
  .replace('__PRECACHE__', JSON.stringify(precache.map((name) => `/${name}`), null, 2))
  .replace('__LAZY__', JSON.stringify(lazy.map((name) => `/${name}`), null, 2));
writeFileSync(join(staging, 'sw.js'), sw);
// The page can tell which build it runs (support, and the update test).
const indexPath = join(staging, 'index.html');
const index = readFileSync(indexPath, 'utf8');
writeFileSync(indexPath, index.replace('<head>', `<head>\n    <meta name="danhgia-build" content="${build}" />`));
console.log(`sw.js: build ${build}, ${precache.length} files precached, ${lazy.length} cached on first use`);

// Precompressed copies for the server to send as they are (brotli first):
// phones on poor mobile data download a quarter of the bytes.
for (const name of [...files, 'sw.js']) {
  if (!/\.(js|wasm|css|html|webmanifest|svg|json)$/.test(name)) continue;
  const data = readFileSync(join(staging, name));
  writeFileSync(join(staging, `${name}.br`), brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
  writeFileSync(join(staging, `${name}.gz`), gzipSync(data, { level: 9 }));
}
