// Reads an XLSX file well enough to check what a report export holds: the
// ZIP container with Node's own zlib (no package), then each sheet's rows of
// cell texts, by sheet name. Shared strings and inline strings both count.
import { inflateRawSync } from 'node:zlib';

/** The files of a ZIP archive: name → Buffer. */
export function unzip(buf) {
  // The end of central directory record: its signature, searched from the end.
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) throw new Error('not a ZIP file');
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const files = {};
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error('bad central directory');
    const method = buf.readUInt16LE(at + 10);
    const size = buf.readUInt32LE(at + 20);
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.subarray(at + 46, at + 46 + nameLen).toString('utf8');
    const dataAt = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(dataAt, dataAt + size);
    if (method === 0) files[name] = Buffer.from(data);
    else if (method === 8) files[name] = inflateRawSync(data);
    else throw new Error(`${name}: compression method ${method}`);
    at += 46 + nameLen + extraLen + commentLen;
  }
  return files;
}

const unescape = (s) =>
  s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
    .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&amp;/g, '&');

/** The text of every <t> in an XML fragment, joined. */
const texts = (xml) => [...xml.matchAll(/<t(?:\s[^>]*)?>([\s\S]*?)<\/t>/g)].map((m) => unescape(m[1])).join('');

/** Sheet name → rows (arrays of cell texts, in column order). */
export function readXlsx(buf) {
  const files = unzip(buf);
  const text = (name) => {
    if (!files[name]) throw new Error(`${name} missing`);
    return files[name].toString('utf8');
  };
  const shared = files['xl/sharedStrings.xml']
    ? [...text('xl/sharedStrings.xml').matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) => texts(m[1]))
    : [];
  const rels = Object.fromEntries(
    [...text('xl/_rels/workbook.xml.rels').matchAll(/<Relationship\s[^>]*>/g)].map((m) => [
      m[0].match(/Id="([^"]+)"/)[1],
      m[0].match(/Target="([^"]+)"/)[1],
    ]),
  );
  const sheets = {};
  for (const m of text('xl/workbook.xml').matchAll(/<sheet\s[^>]*>/g)) {
    const name = unescape(m[0].match(/name="([^"]+)"/)[1]);
    const target = rels[m[0].match(/r:id="([^"]+)"/)[1]].replace(/^\/?(xl\/)?/, 'xl/');
    const rows = [];
    for (const row of text(target).matchAll(/<row\b[^>]*>([\s\S]*?)<\/row>/g)) {
      const cells = [];
      for (const c of row[1].matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
        const [attrs, body = ''] = [c[1], c[2]];
        const col = attrs.match(/r="([A-Z]+)\d+"/)?.[1] ?? '';
        const index = [...col].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;
        const type = attrs.match(/t="([^"]+)"/)?.[1];
        const v = body.match(/<v>([\s\S]*?)<\/v>/)?.[1];
        const value = type === 's' ? shared[Number(v)] : type === 'inlineStr' ? texts(body) : v !== undefined ? unescape(v) : '';
        cells[index >= 0 ? index : cells.length] = value;
      }
      rows.push(Array.from(cells, (c) => c ?? ''));
    }
    sheets[name] = rows;
  }
  return sheets;
}
