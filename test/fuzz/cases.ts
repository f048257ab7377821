// One fuzz case = one HTTP request to one route: method, path segments, query string, credentials, content type,
// extra headers and a body. Most are invalid on purpose (valid bodies cost Argon2 time and prove little).
import fc from 'fast-check';
import { MARK, percentEncode, type RouteSpec } from './route-table.js';
import { invalidUtf8, mutated, nastyString, randomJson, rawText, type Json } from './values.js';

export type Body =
  | { kind: 'none' }
  | { kind: 'value'; value: Json }
  | { kind: 'text'; text: string }
  /** `value` with the string at its `key`-th key replaced by raw bytes that are not UTF-8. */
  | { kind: 'bytes'; value: Json; key: number; bytes: number[] };

export type Auth =
  /** The token the route wants (none for public routes), the other principal's, none, an old one of a replaced principal. */
  | { kind: 'route' | 'user' | 'superuser' | 'none' | 'stale' }
  | { kind: 'header'; value: string }
  /** Signed with the app's own key, for any subject and login id: what a leaked key or a token bug would give. */
  | { kind: 'forged'; sub: string; sid: string };

export interface FuzzCase {
  route: RouteSpec;
  method: string;
  segments: Record<string, string>;
  query: string;
  auth: Auth;
  contentType: string | undefined;
  /** `auto` encodes as the content type says; the others send a body that disagrees with it. */
  encoding: 'auto' | 'json' | 'form';
  headers: Record<string, string>;
  body: Body;
}

const CONTENT_TYPES = [
  'application/json', 'application/json; charset=utf-8', 'application/json; charset=utf-16le', 'application/json;charset=latin1',
  'APPLICATION/JSON', 'application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=iso-8859-1', 'text/plain',
  'text/plain; charset=utf-8', 'multipart/form-data; boundary=xyz', 'multipart/form-data', 'application/octet-stream',
  'application/xml', 'application/jsonx', 'application/vnd.api+json', 'application/*', '*/*', '', ';', 'application/json; ;',
];

const QUERY_VALUES = [
  '0', '1', '-1', '1.5', '1e3', '100', '1000', '1001', '2147483647', '2147483648', '9007199254740993', '99999999999999999999999',
  '-99999999999999999999', '', 'NaN', 'Infinity', '-0', '0x10', '%201', '1%20', 'abc', 'true', 'null', '[]', '%00', '%', '%zz', '%C3%28', '1,2',
];

function queryArb(route: RouteSpec): fc.Arbitrary<string> {
  const key = fc.oneof(
    { weight: route.query ? 6 : 1, arbitrary: fc.constantFrom(...(route.query ?? ['skip', 'limit'])) },
    { weight: 1, arbitrary: fc.constantFrom('skip[]', 'limit[0]', 'SKIP', '__proto__', 'constructor', '', '&', '%00') },
    { weight: 1, arbitrary: nastyString.map(percentEncode) },
  );
  const value = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...QUERY_VALUES) },
    { weight: 2, arbitrary: fc.integer().map(String) },
    { weight: 1, arbitrary: fc.double().map(String) },
    { weight: 1, arbitrary: nastyString.map(percentEncode) },
  );
  // An array of pairs: a key may repeat (?limit=1&limit=2); a pair without `=` is a bare key.
  const pairs = fc.array(fc.tuple(key, fc.option(value, { nil: undefined })), { minLength: 1, maxLength: 4 });
  const query = pairs.map((list) => `?${list.map(([k, v]) => (v === undefined ? k : `${k}=${v}`)).join('&')}`);
  return fc.oneof({ weight: route.query ? 1 : 4, arbitrary: fc.constant('') }, { weight: route.query ? 6 : 1, arbitrary: query });
}

function bodyArb(route: RouteSpec): fc.Arbitrary<Body> {
  const valid = route.valid ?? fc.constant({});
  return fc.oneof(
    { weight: route.body === 'none' ? 10 : 1, arbitrary: fc.constant<Body>({ kind: 'none' }) },
    { weight: 2, arbitrary: valid.map((value): Body => ({ kind: 'value', value })) },
    { weight: 6, arbitrary: mutated(valid).map((value): Body => ({ kind: 'value', value })) },
    { weight: 2, arbitrary: randomJson.map((value): Body => ({ kind: 'value', value })) },
    { weight: 3, arbitrary: rawText.map((text): Body => ({ kind: 'text', text })) },
    { weight: 1, arbitrary: fc.tuple(valid, fc.nat(), invalidUtf8).map(([value, key, bytes]): Body => ({ kind: 'bytes', value, key, bytes })) },
  );
}

const garbageAuthorization = fc.oneof(
  fc.constantFrom(
    'Bearer', 'Bearer ', 'bearer x', 'Basic dXNlcjpwYXNz', 'Bearer a.b.c', `Bearer ${'x'.repeat(5000)}`, 'Token x', ' Bearer x',
    'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIiwic2lkIjoieCJ9.', 'Bearer x y', 'Bearer %00',
  ),
  fc.string({ maxLength: 80 }).map((text) => `Bearer ${text}`),
  fc.string({ maxLength: 40 }),
);

const authArb: fc.Arbitrary<Auth> = fc.oneof(
  { weight: 12, arbitrary: fc.constant<Auth>({ kind: 'route' }) },
  { weight: 2, arbitrary: fc.constantFrom<Auth>({ kind: 'user' }, { kind: 'superuser' }, { kind: 'none' }, { kind: 'stale' }) },
  { weight: 1, arbitrary: garbageAuthorization.map((value): Auth => ({ kind: 'header', value })) },
  {
    weight: 1,
    arbitrary: fc
      .record({
        sub: fc.oneof(fc.constantFrom('1', '2147483647', '2147483648', '9007199254740991', MARK.userId, MARK.superuserId), fc.nat().map(String)),
        sid: fc.oneof(fc.uuid(), fc.constant('00000000-0000-0000-0000-000000000000')),
      })
      .map(({ sub, sid }): Auth => ({ kind: 'forged', sub, sid })),
  },
);

const extraHeaders = fc.oneof(
  { weight: 8, arbitrary: fc.constant<Record<string, string>>({}) },
  {
    weight: 1,
    arbitrary: fc.record(
      {
        'x-request-id': fc.oneof(fc.string({ maxLength: 80 }), fc.constant('x'.repeat(100))),
        accept: fc.constantFrom('application/json', 'text/html', '*/*', 'application/xml', ''),
        'content-encoding': fc.constantFrom('gzip', 'br', 'deflate', 'identity', 'x'),
        'x-forwarded-for': fc.constantFrom('1.2.3.4', 'x', '::1, 10.0.0.1'),
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom('0', '1', '-1', 'abc', '99999999999').map((length) => ({ 'content-length': length })) },
);

function segmentsArb(route: RouteSpec): fc.Arbitrary<Record<string, string>> {
  return route.segments ? fc.record(route.segments) : fc.constant({});
}

export function caseArb(route: RouteSpec): fc.Arbitrary<FuzzCase> {
  const natural = route.body === 'form' ? 'application/x-www-form-urlencoded' : 'application/json';
  return fc
    .record({
      method: fc.oneof({ weight: 12, arbitrary: fc.constant(route.method) }, { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS') }),
      segments: segmentsArb(route),
      query: queryArb(route),
      auth: authArb,
      contentType: fc.oneof(
        { weight: 8, arbitrary: fc.constant<string | undefined>(natural) },
        { weight: 3, arbitrary: fc.constantFrom<string | undefined>(...CONTENT_TYPES) },
        { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
        { weight: 1, arbitrary: fc.constant(undefined) },
      ),
      encoding: fc.oneof({ weight: 10, arbitrary: fc.constant<FuzzCase['encoding']>('auto') }, { weight: 1, arbitrary: fc.constantFrom<FuzzCase['encoding']>('json', 'form') }),
      headers: extraHeaders,
      body: bodyArb(route),
    })
    .map((fields) => withDescription({ route, ...fields }));
}

const shorten = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 20)}…(${text.length} chars)` : text);

/** JSON with long strings shortened, so a failing case prints in a few lines (fast-check prints through this). */
export function preview(value: unknown, max = 600): string {
  // The value itself may be a long string (a response body); strings inside it are cut shorter.
  const text = JSON.stringify(value, (key, v: unknown) => (typeof v === 'string' ? shorten(v, key === '' ? max : 80) : v));
  return text === undefined ? String(value) : shorten(text, max + 40);
}

function withDescription(fuzzCase: FuzzCase): FuzzCase {
  const describe = () => {
    const { route, body, ...rest } = fuzzCase;
        return `${route.method} ${route.path} ${preview({ ...rest, body }, 2000)}`;
  };
  return Object.defineProperty(fuzzCase, fc.toStringMethod, { value: describe, enumerable: false });
}
