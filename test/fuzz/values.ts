// Hostile values for the route fuzzer: strings with NUL bytes and lone surrogates, long and deeply nested values,
// mutations of a valid body, and raw bodies (broken JSON, invalid UTF-8 bytes, bodies over the size limit).
import fc from 'fast-check';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** What parsers, regexes and Postgres text columns trip over (Postgres refuses NUL in text). */
export const SPECIALS = [
  '\u0000', '\ud800', '\udfff', '\ud83d', '\ufffe', '\uffff', '\u2028', '\u202e', '\ufeff', '\ud83d\ude00', 'e\u0301',
  '\\', '"', "'", '%', '%00', '\n', '\r\n', '\t', ' ', '<script>', '${x}', "'; drop table users; --",
];

const loneSurrogates = fc
  .array(fc.integer({ min: 0xd800, max: 0xdfff }), { minLength: 1, maxLength: 3 })
  .map((codes) => String.fromCharCode(...codes));

export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom(...SPECIALS),
  fc.tuple(fc.string({ maxLength: 6 }), fc.constantFrom(...SPECIALS), fc.string({ maxLength: 6 })).map((parts) => parts.join('')),
  loneSurrogates,
);

/** 1 000 to 100 000 characters, made by repetition: generating (and shrinking) one costs nothing. */
export const longString: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom('a', 'é', '😀', '\u0000', '\ud800', 'a@b.cc', ' '), fc.integer({ min: 1_000, max: 100_000 }))
  .map(([unit, times]) => unit.repeat(Math.ceil(times / unit.length)).slice(0, times));

export const randomJson: fc.Arbitrary<Json> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
  fc.jsonValue({ maxDepth: 2, stringUnit: 'binary' }) as fc.Arbitrary<Json>,
  // fc.anything through JSON: NaN and ±Infinity become null, -0 becomes 0, undefined disappears.
  fc.anything({ maxDepth: 2 }).map((value) => JSON.parse(JSON.stringify(value) ?? 'null') as Json),
);

/** A value of some other type than the field wants. */
const otherType: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, true, false, 0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 2, [], {}, '', ' ', 'null', 'true', '1'),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.array(nastyString, { maxLength: 3 }),
  randomJson,
);

/** Keys a client should never be able to set, and keys that upset JSON parsers or JavaScript objects. */
const hostileKey = fc.oneof(
  fc.constantFrom('is_superuser', 'hashed_password', 'id', 'is_verified', 'is_active', 'user_id', '__proto__', 'constructor', 'prototype', '', 'EMAIL', 'email '),
  nastyString,
);

/** A copy of `object` with `key` set as an own property (`__proto__` included: no prototype is touched). */
function withKey(object: JsonObject, key: string, value: Json): JsonObject {
  const copy = { ...object };
  Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

function nest(value: Json, depth: number, asArray: boolean): Json {
  let nested = value;
  for (let i = 0; i < depth; i += 1) nested = asArray ? [nested] : { a: nested };
  return nested;
}

type Mutation = (body: Json) => Json;

/** Applies `change` to the `index`-th key of an object body (modulo its size); other bodies pass unchanged. */
const atKey = (index: number, change: (object: JsonObject, key: string) => Json): Mutation => (body) => {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  const keys = Object.keys(body);
  return keys.length === 0 ? body : change(body, keys[index % keys.length]!);
};

const insertInto = (value: Json, special: string, at: number): Json =>
  typeof value === 'string' ? value.slice(0, at % (value.length + 1)) + special + value.slice(at % (value.length + 1)) : special;

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  // drop a key
  fc.nat().map((i) => atKey(i, (object, key) => Object.fromEntries(Object.entries(object).filter(([k]) => k !== key)))),
  // change a value's type
  fc.tuple(fc.nat(), otherType).map(([i, value]) => atKey(i, (object, key) => withKey(object, key, value))),
  // add an unknown or privileged key
  fc.tuple(hostileKey, fc.oneof(fc.constant<Json>(true), fc.constant<Json>(1), randomJson)).map(
    ([key, value]): Mutation => (body) => (body !== null && typeof body === 'object' && !Array.isArray(body) ? withKey(body, key, value) : body),
  ),
  // a very long string
  fc.tuple(fc.nat(), longString).map(([i, text]) => atKey(i, (object, key) => withKey(object, key, text))),
  // NUL, a lone surrogate… inside an otherwise valid value (reaches the handler and the database)
  fc.tuple(fc.nat(), fc.constantFrom(...SPECIALS), fc.nat(), loneSurrogates).map(([i, special, at, lone]) =>
    atKey(i, (object, key) => withKey(object, key, insertInto(object[key]!, at % 3 === 0 ? lone : special, at))),
  ),
  // nest a value
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 64 }), fc.boolean()).map(([i, depth, asArray]) =>
    atKey(i, (object, key) => withKey(object, key, nest(object[key]!, depth, asArray))),
  ),
  // the whole body as another JSON type
  fc.constantFrom<Mutation>((body) => [body], () => null, (body) => JSON.stringify(body), () => 1, () => []),
);

export function mutated(valid: fc.Arbitrary<JsonObject>): fc.Arbitrary<Json> {
  return fc
    .tuple(valid, fc.array(mutation, { minLength: 1, maxLength: 3 }))
    .map(([body, mutations]) => mutations.reduce<Json>((value, mutate) => mutate(value), body));
}

/** Text that is not the JSON a route wants: broken syntax, parser edge cases, prototype pollution attempts. */
const brokenJson = fc.constantFrom(
  '', ' ', '{', '}', '[', 'nul', '{"a":1,}', "{'a':1}", '{"a":1}{"b":2}', 'NaN', '1e999', '{"skip":1e999}', '-', '01',
  '"\\ud800"', '"\\u0000"', '{"full_name":"\\u0000"}', '{"a":"\\x00"}', '{"a":"\\u12"}', '\ufeff{}', '\u0000', '{"a" 1}',
  '{"__proto__":{"is_superuser":true}}', '{"constructor":{"prototype":{"is_superuser":true}}}', '{"a":1,"a":2}',
  '--xyz\r\nContent-Disposition: form-data; name="email"\r\n\r\na@b.cc\r\n--xyz--\r\n', 'username=a&password=b',
);

/** JSON nested 100 to 1 000 levels (sometimes unterminated, sometimes inside a field), as raw text. */
const deepJson = fc
  .tuple(fc.integer({ min: 100, max: 1_000 }), fc.constantFrom('array', 'object', 'field', 'open'))
  .map(([depth, shape]) => {
    if (shape === 'array') return `${'['.repeat(depth)}${']'.repeat(depth)}`;
    if (shape === 'object') return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    if (shape === 'field') return `{"email":${'['.repeat(depth)}"a@b.cc"${']'.repeat(depth)},"password":"password1"}`;
    return '['.repeat(depth);
  });

/** Just past (or just under) the 1 MiB body limit. */
const hugeBody = fc.integer({ min: -64, max: 64 }).map((delta) => `{"a":"${'x'.repeat(1_048_576 + delta)}"}`);

export const rawText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: brokenJson },
  { weight: 2, arbitrary: deepJson },
  { weight: 1, arbitrary: hugeBody },
  { weight: 2, arbitrary: nastyString },
  { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }).map((value) => String(JSON.stringify(value))) },
);

/** Byte sequences that are not UTF-8: stray continuation bytes, overlong forms, encoded surrogates, truncation. */
export const invalidUtf8 = fc.constantFrom<number[]>(
  [0xff], [0xfe], [0x80], [0xc3, 0x28], [0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80],
  [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0x00], [0xc3],
);
