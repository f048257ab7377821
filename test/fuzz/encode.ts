// A case's body on the wire: markers replaced by live values, then encoded as JSON, a form, multipart, raw text or
// bytes that are not UTF-8 — as the content type says or, on purpose, against it.
import type { FuzzCase } from './cases.js';
import { percentEncode } from './route-table.js';
import type { Json, JsonObject } from './values.js';

export type Markers = Record<string, string>;

export function resolveMarkers(text: string, markers: Markers): string {
  if (!text.includes('«')) return text;
  let resolved = text;
  for (const [marker, value] of Object.entries(markers)) resolved = resolved.replaceAll(marker, value);
  return resolved;
}

/** Markers replaced in keys and string values; own `__proto__` keys stay own keys. */
function resolveValue(value: Json, markers: Markers): Json {
  if (typeof value === 'string') return resolveMarkers(value, markers);
  if (Array.isArray(value)) return value.map((item) => resolveValue(item, markers));
  if (value === null || typeof value !== 'object') return value;
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    Object.defineProperty(out, resolveMarkers(key, markers), { value: resolveValue(item, markers), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

const fieldText = (value: Json) => (typeof value === 'string' ? value : JSON.stringify(value));

/** An object as form fields (arrays as repeated keys); anything else as one bare value. */
function formEncode(value: Json): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return percentEncode(fieldText(value));
  return Object.entries(value)
    .flatMap(([key, item]) => (Array.isArray(item) ? item : [item]).map((one) => `${percentEncode(key)}=${percentEncode(fieldText(one))}`))
    .join('&');
}

/** Well-formed multipart; no route takes it, so it must be refused (415), never parsed into a body. */
function multipartEncode(value: Json): string {
  const fields = value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.entries(value) : [['value', value] as const];
  const parts = fields.map(([key, item]) => `--xyz\r\nContent-Disposition: form-data; name="${key}"\r\n\r\n${fieldText(item)}\r\n`);
  return `${parts.join('')}--xyz--\r\n`;
}

function encodingOf(fuzzCase: FuzzCase): 'json' | 'form' | 'multipart' {
  if (fuzzCase.encoding !== 'auto') return fuzzCase.encoding;
  const type = (fuzzCase.contentType ?? '').toLowerCase();
  if (type.includes('x-www-form-urlencoded')) return 'form';
  return type.includes('multipart') ? 'multipart' : 'json';
}

function encodeValue(value: Json, encoding: 'json' | 'form' | 'multipart'): string {
  if (encoding === 'form') return formEncode(value);
  return encoding === 'multipart' ? multipartEncode(value) : JSON.stringify(value);
}

const SENTINEL = '\u0001fuzz-bytes\u0002';

/** The body with the string at the `key`-th key replaced by `bytes`, spliced into the encoded text. */
function withInvalidBytes(value: Json, key: number, bytes: number[], encoding: 'json' | 'form' | 'multipart'): Buffer {
  let target: Json;
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) {
    const keys = Object.keys(value);
    target = { ...value };
    Object.defineProperty(target, keys[key % keys.length]!, { value: SENTINEL, enumerable: true, writable: true, configurable: true });
  } else {
    target = { value: SENTINEL };
  }
  const text = encodeValue(target, encoding);
  const mark = encoding === 'json' ? JSON.stringify(SENTINEL).slice(1, -1) : encoding === 'form' ? percentEncode(SENTINEL) : SENTINEL;
  const pieces = text.split(mark).map((piece) => Buffer.from(piece, 'utf8'));
  return Buffer.concat(pieces.flatMap((piece, i) => (i === 0 ? [piece] : [Buffer.from(bytes), piece])));
}

export function encodePayload(fuzzCase: FuzzCase, markers: Markers): string | Buffer | undefined {
  const { body } = fuzzCase;
  switch (body.kind) {
    case 'none':
      return undefined;
    case 'text':
      return body.text;
    case 'value':
      return encodeValue(resolveValue(body.value, markers), encodingOf(fuzzCase));
    case 'bytes':
      return withInvalidBytes(resolveValue(body.value, markers), body.key, body.bytes, encodingOf(fuzzCase));
  }
}
