// After `vite build`: writes NAME.br (brotli, best quality) and NAME.gz (gzip -9) beside every file in dist/web/assets,
// each only when it is smaller than the file itself. The service sends them to clients that accept them
// (src/plugins/pages.ts, preCompressed), so no request pays for compression and the best ratio costs nothing at run
// time. The folder comes from this file, never from the working directory (an argument overrides it: tests).
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const assets = process.argv[2] ? resolve(process.argv[2]) : join(import.meta.dirname, '..', 'dist', 'web', 'assets');
const TEXT = /\.(?:js|mjs|css|html|svg|json|txt|map|wasm)$/i;

/** Every file under `dir`, except compressed copies written by an earlier run. */
function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return files(path);
    return /\.(?:br|gz)$/.test(entry.name) ? [] : [path];
  });
}

let before = 0;
let written = 0;
let smallest = 0;
const list = statSync(assets, { throwIfNoEntry: false })?.isDirectory() ? files(assets) : [];
for (const path of list) {
  const source = readFileSync(path);
  before += source.length;
  const brotli = brotliCompressSync(source, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_MODE]: TEXT.test(path) ? constants.BROTLI_MODE_TEXT : constants.BROTLI_MODE_GENERIC,
      [constants.BROTLI_PARAM_SIZE_HINT]: source.length,
    },
  });
  const gzip = gzipSync(source, { level: 9 });
  let best = source.length;
  for (const [suffix, data] of [['.br', brotli], ['.gz', gzip]]) {
    if (data.length >= source.length) continue; // already compressed (images, fonts): the file itself is smaller
    writeFileSync(path + suffix, data);
    written += 1;
    best = Math.min(best, data.length);
  }
  smallest += best;
}

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
console.log(
  list.length === 0
    ? `compress-assets: no files in ${relative(process.cwd(), assets) || assets}`
    : `compress-assets: ${list.length} files, ${written} compressed copies; ${kib(before)} → ${kib(smallest)} for a client that takes brotli`,
);
