// Every route of the app (src/app.ts, in its order) as the fuzzer sees it: method, path template, who may call it,
// the kind of body it reads and a generator of valid bodies and path segments. Values that only exist at run time
// (the test user's e-mail, a live refresh or reset token) are markers, replaced when the request is sent, so
// generated cases stay printable and replayable.
import fc from 'fast-check';
import { longString, nastyString, type JsonObject } from './values.js';

export const MARK = {
  userEmail: '«user-email»',
  password: '«password»',
  refresh: '«refresh-token»',
  staleRefresh: '«stale-refresh-token»',
  resetToken: '«reset-token»',
  verifyToken: '«verify-token»',
  userId: '«user-id»',
  superuserId: '«superuser-id»',
} as const;

export interface RouteSpec {
  method: string;
  /** `{name}` marks a path segment, filled from `segments`. */
  path: string;
  auth: 'none' | 'user' | 'superuser';
  body: 'json' | 'form' | 'none';
  valid?: fc.Arbitrary<JsonObject>;
  segments?: Record<string, fc.Arbitrary<string>>;
  /** Query keys the route reads (others are still sent, at random). */
  query?: string[];
  /** Served files (Swagger UI): a 200 body is a script or a page, so only status and error bodies are checked. */
  asset?: boolean;
  /** A 200 may leave work running after the response (e-mail with a token): the harness waits for it. */
  background?: 'recovery' | 'verification';
}

/** Bytes as %XX except the unreserved characters; lone surrogates go through as U+FFFD, as a browser would send. */
export function percentEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const email = fc.oneof(fc.emailAddress(), fc.constant(MARK.userEmail), fc.emailAddress().map((e) => e.toUpperCase()));
const password = fc.oneof(fc.constant(MARK.password), fc.string({ minLength: 8, maxLength: 32 }), fc.string({ unit: 'binary', minLength: 8, maxLength: 16 }));
const fullName = fc.option(fc.string({ maxLength: 40 }), { nil: null });
const linkToken = (mark: string, other: string) => fc.oneof(fc.constant(mark), fc.constant(other), fc.base64String({ minLength: 1, maxLength: 64 }));

const register = fc.record({ email: fc.emailAddress(), password, full_name: fullName }, { requiredKeys: ['email', 'password'] });
const userCreate = fc.record(
  { email, password, full_name: fullName, is_active: fc.boolean(), is_superuser: fc.boolean() },
  { requiredKeys: ['email', 'password'] },
);
const userUpdate = fc.record({ email, password, full_name: fullName, is_active: fc.boolean(), is_superuser: fc.boolean() }, { requiredKeys: [] });

/** Integers and almost-integers: overflow, signs, exponents, encodings, NUL, lengths past maxParamLength (768). */
const userId = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(MARK.userId, MARK.superuserId) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '0', '1', '2', '-1', '1.5', '1e3', '+1', '%201', '01', '0x1', '2147483647', '2147483648', '4294967296', '9007199254740993',
      '99999999999999999999999999', 'NaN', 'Infinity', '%00', '1%00', '%', '%zz', '%C3%28', 'me', 'null', '..', '%2e%2e', '1,2',
      'x'.repeat(767), 'x'.repeat(769), '1'.repeat(2000),
    ),
  },
  { weight: 2, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String) },
  { weight: 1, arbitrary: fc.double().map(String) },
  { weight: 2, arbitrary: nastyString.map(percentEncode) },
);

const emailSegment = fc.oneof(
  { weight: 3, arbitrary: fc.constant(MARK.userEmail) },
  { weight: 3, arbitrary: fc.emailAddress().map(percentEncode) },
  { weight: 1, arbitrary: fc.emailAddress() },
  { weight: 2, arbitrary: nastyString.map(percentEncode) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '%00', 'a%00@b.cc', `${MARK.userEmail}%00`, 'a@b', '@', '%40', 'a%40b.cc', '%20a@b.cc%20', '%E2%80%AEa@b.cc', 'a@b.cc%FF',
      '%C0%AF@b.cc', `${'a'.repeat(250)}@b.cc`, `${'a'.repeat(700)}@b.cc`, '%', '%%', 'a@b.cc;x', '..%2F..%2Fhealth',
    ),
  },
  { weight: 1, arbitrary: longString.map((text) => percentEncode(text.slice(0, 3000))) },
);

/** UUIDs in every spelling Postgres or Ajv might read differently, and what merely looks like one. */
const sessionId = fc.oneof(
  fc.uuid(),
  fc.uuid().map((id) => id.toUpperCase()),
  fc.uuid().map((id) => `urn:uuid:${id}`),
  fc.uuid().map((id) => `{${id}}`),
  fc.uuid().map((id) => id.replace(/-/g, '')),
  nastyString.map(percentEncode),
);

const docsPath = fc.oneof(
  fc.constantFrom('json', 'yaml', 'static/index.html', 'static/swagger-initializer.js', 'static/swagger-ui.css', 'static/../../package.json',
    'static/..%2F..%2Fpackage.json', 'static/%2e%2e/%2e%2e/package.json', 'static/%00', 'static/', 'static//etc/passwd', 'x'.repeat(2000)),
  nastyString.map((text) => `static/${percentEncode(text)}`),
);

const anyPath = fc.oneof(fc.constantFrom('', 'api', 'api/v1', 'api/v1/users/me/x', '%00', '..', '%2e%2e/health', 'api//v1/users/me', 'API/V1/USERS/ME'), nastyString.map(percentEncode));

export const ROUTES: RouteSpec[] = [
  { method: 'GET', path: '/health', auth: 'none', body: 'none' },
  { method: 'GET', path: '/ready', auth: 'none', body: 'none' },
  { method: 'GET', path: '/openapi.json', auth: 'none', body: 'none' },
  { method: 'GET', path: '/docs', auth: 'none', body: 'none', asset: true },
  { method: 'GET', path: '/docs/{rest}', auth: 'none', body: 'none', asset: true, segments: { rest: docsPath } },
  {
    method: 'POST',
    path: '/api/v1/login/access-token',
    auth: 'none',
    body: 'form',
    valid: fc.record(
      { username: email, password, grant_type: fc.constantFrom('password', ''), scope: fc.string({ maxLength: 10 }), client_id: fc.string({ maxLength: 10 }) },
      { requiredKeys: ['username', 'password'] },
    ),
  },
  {
    method: 'POST',
    path: '/api/v1/login/refresh',
    auth: 'none',
    body: 'json',
    valid: fc.record({ refresh_token: linkToken(MARK.refresh, MARK.staleRefresh) }),
  },
  { method: 'GET', path: '/api/v1/login/me', auth: 'user', body: 'none' },
  { method: 'POST', path: '/api/v1/login/test-token', auth: 'user', body: 'none' },
  { method: 'POST', path: '/api/v1/logout', auth: 'user', body: 'none' },
  { method: 'GET', path: '/api/v1/users/', auth: 'superuser', body: 'none', query: ['skip', 'limit'] },
  { method: 'POST', path: '/api/v1/users/', auth: 'superuser', body: 'json', valid: userCreate },
  { method: 'POST', path: '/api/v1/users/register', auth: 'none', body: 'json', valid: register },
  { method: 'GET', path: '/api/v1/users/me', auth: 'user', body: 'none' },
  {
    method: 'PATCH',
    path: '/api/v1/users/me',
    auth: 'user',
    body: 'json',
    valid: fc.record({ full_name: fullName, email, current_password: password }, { requiredKeys: [] }),
  },
  { method: 'GET', path: '/api/v1/users/me/sessions', auth: 'user', body: 'none' },
  { method: 'DELETE', path: '/api/v1/users/me/sessions', auth: 'user', body: 'none' },
  { method: 'DELETE', path: '/api/v1/users/me/sessions/{session_id}', auth: 'user', body: 'none', segments: { session_id: sessionId } },
  { method: 'GET', path: '/api/v1/users/me/events', auth: 'user', body: 'none', query: ['limit', 'before'] },
  { method: 'GET', path: '/api/v1/users/{user_id}/events', auth: 'superuser', body: 'none', segments: { user_id: userId }, query: ['limit', 'before'] },
  { method: 'DELETE', path: '/api/v1/users/me', auth: 'user', body: 'none' },
  {
    method: 'PATCH',
    path: '/api/v1/users/me/password',
    auth: 'user',
    body: 'json',
    valid: fc.record({ current_password: password, new_password: password }),
  },
  { method: 'POST', path: '/api/v1/users/me/verify-email', auth: 'user', body: 'none', background: 'verification' },
  { method: 'GET', path: '/api/v1/users/{user_id}', auth: 'user', body: 'none', segments: { user_id: userId } },
  { method: 'PATCH', path: '/api/v1/users/{user_id}', auth: 'superuser', body: 'json', valid: userUpdate, segments: { user_id: userId } },
  { method: 'DELETE', path: '/api/v1/users/{user_id}', auth: 'superuser', body: 'none', segments: { user_id: userId } },
  { method: 'POST', path: '/api/v1/password-recovery/{email}', auth: 'none', body: 'none', segments: { email: emailSegment }, background: 'recovery' },
  {
    method: 'POST',
    path: '/api/v1/reset-password/',
    auth: 'none',
    body: 'json',
    valid: fc.record({ token: linkToken(MARK.resetToken, MARK.verifyToken), new_password: password }),
  },
  { method: 'POST', path: '/api/v1/verify-email/', auth: 'none', body: 'json', valid: fc.record({ token: linkToken(MARK.verifyToken, MARK.resetToken) }) },
  { method: 'GET', path: '/{rest}', auth: 'user', body: 'none', segments: { rest: anyPath } },
];

export const routeName = (route: RouteSpec) => `${route.method} ${route.path}`;
