// The web pages' log-in: the refresh token as an HttpOnly cookie, silent refresh behind the X-CNLearn-Client
// header, logout clearing the cookie; JSON clients as before.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/app.js';
import { createUser, login } from '../helpers/auth.js';

const WEB = { 'x-cnlearn-client': 'web' };
const PATH = '/api/v1/login/refresh';
const BAD_CREDENTIALS = { detail: 'Could not validate credentials' };
let app: FastifyInstance;

beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(async () => {
  await app.close();
});

function webLogin(email: string, password: string, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url: '/api/v1/login/access-token',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...WEB, ...headers },
    payload: new URLSearchParams({ username: email, password }).toString(),
  });
}

function webRefresh(cookie: string | undefined, headers: Record<string, string> = WEB) {
  return app.inject({ method: 'POST', url: PATH, headers: { ...headers, ...(cookie !== undefined && { cookie: `cnlearn_refresh=${cookie}` }) } });
}

/** The one Set-Cookie of the answer, as written. */
function setCookie(response: LightMyRequestResponse): string {
  const header = response.headers['set-cookie'];
  expect(header, 'one Set-Cookie header').toBeTypeOf('string');
  return header as string;
}

function cookieValue(response: LightMyRequestResponse): string {
  return /^cnlearn_refresh=([^;]*);/.exec(setCookie(response))![1]!;
}

function expectCleared(response: LightMyRequestResponse) {
  const header = setCookie(response);
  expect(header).toMatch(/^cnlearn_refresh=;/);
  expect(header).toContain('Max-Age=0');
  expect(header).toContain(`Path=${PATH}`);
}

async function webUser() {
  const { email, password } = await createUser(app);
  const response = await webLogin(email, password);
  expect(response.statusCode).toBe(200);
  return { email, password, response, cookie: cookieValue(response) };
}

describe('web log-in', () => {
  it('sets the refresh token as an HttpOnly, SameSite=Strict cookie for the refresh path only, not in the body', async () => {
    const { response, cookie } = await webUser();
    const body = response.json();
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'token_type']);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(cookie).toMatch(/^[\w-]{40,}$/);
    const attributes = setCookie(response).split('; ').slice(1).sort();
    // Plain HTTP to localhost (inject's default host): no Secure, which such a browser would refuse to keep.
    expect(attributes).toEqual(['HttpOnly', `Max-Age=${14 * 86_400}`, `Path=${PATH}`, 'SameSite=Strict']);
  });

  it('marks the cookie Secure except on plain HTTP to localhost or 127.0.0.1', async () => {
    const { email, password } = await createUser(app);
    for (const [host, secure] of [
      ['localhost:8000', false],
      ['127.0.0.1:8000', false],
      ['LOCALHOST', false],
      ['cnlearn.example.com', true],
      ['192.168.1.20:8000', true],
    ] as const) {
      const header = setCookie(await webLogin(email, password, { host }));
      expect(header.split('; ').includes('Secure'), host).toBe(secure);
    }
  });

  it('Max-Age follows REFRESH_TOKEN_EXPIRE_DAYS', async () => {
    const short = await buildTestApp({ REFRESH_TOKEN_EXPIRE_DAYS: '2' });
    try {
      const { email, password } = await createUser(short);
      const response = await short.inject({
        method: 'POST',
        url: '/api/v1/login/access-token',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...WEB },
        payload: new URLSearchParams({ username: email, password }).toString(),
      });
      expect(setCookie(response)).toContain(`Max-Age=${2 * 86_400}`);
    } finally {
      await short.close();
    }
  });
});

describe('silent refresh', () => {
  it('rotates the cookie and answers a new access token without a refresh token', async () => {
    const { cookie } = await webUser();
    const response = await webRefresh(cookie);
    expect(response.statusCode).toBe(200);
    expect(Object.keys(response.json()).sort()).toEqual(['access_token', 'expires_in', 'token_type']);
    const rotated = cookieValue(response);
    expect(rotated).not.toBe(cookie);
    expect(setCookie(response)).toContain('HttpOnly');
    const me = await app.inject({ url: '/api/v1/login/me', headers: { authorization: `Bearer ${response.json().access_token}` } });
    expect(me.statusCode).toBe(200);
    expect((await webRefresh(rotated)).statusCode).toBe(200);
  });

  it('works when the browser labels the empty body as JSON', async () => {
    const { cookie } = await webUser();
    const response = await webRefresh(cookie, { ...WEB, 'content-type': 'application/json', 'content-length': '0' });
    expect(response.statusCode).toBe(200);
  });

  it('a replayed (spent) cookie ends the whole login and clears the cookie', async () => {
    const { cookie } = await webUser();
    const rotated = cookieValue(await webRefresh(cookie));
    const replay = await webRefresh(cookie);
    expect(replay.statusCode).toBe(401);
    expect(replay.json()).toEqual(BAD_CREDENTIALS);
    expectCleared(replay);
    const afterReplay = await webRefresh(rotated);
    expect(afterReplay.statusCode).toBe(401);
    expectCleared(afterReplay);
  });

  it('without a valid cookie → 401 and the cookie cleared', async () => {
    for (const cookie of [undefined, '', 'not-a-token', 'x'.repeat(3000)]) {
      const response = await webRefresh(cookie);
      expect(response.statusCode, String(cookie)).toBe(401);
      expect(response.json()).toEqual(BAD_CREDENTIALS);
      expectCleared(response);
    }
  });

  it('the cookie without the X-CNLearn-Client header → 403, and the cookie stays usable', async () => {
    const { cookie } = await webUser();
    for (const headers of [{}, { 'x-cnlearn-client': 'mobile' }] as Record<string, string>[]) {
      const response = await webRefresh(cookie, headers);
      expect(response.statusCode).toBe(403);
      expect(response.json()).toEqual({ detail: 'Missing X-CNLearn-Client header' });
      expect(response.headers['set-cookie']).toBeUndefined();
    }
    // A cross-site form post carrying the cookie and a JSON-looking body is refused the same way.
    const forged = await app.inject({
      method: 'POST',
      url: PATH,
      headers: { cookie: `cnlearn_refresh=${cookie}`, 'content-type': 'application/json' },
      payload: { refresh_token: cookie },
    });
    expect(forged.statusCode).toBe(403);
    expect((await webRefresh(cookie)).statusCode).toBe(200);
  });
});

describe('logout', () => {
  it('clears the cookie, and the login it belonged to is over', async () => {
    const { response, cookie } = await webUser();
    const logout = await app.inject({ method: 'POST', url: '/api/v1/logout', headers: { authorization: `Bearer ${response.json().access_token}` } });
    expect(logout.statusCode).toBe(204);
    expectCleared(logout);
    expect((await webRefresh(cookie)).statusCode).toBe(401);
  });
});

describe('JSON clients', () => {
  it('keep the refresh token in the body and get no cookie', async () => {
    const { email, password } = await createUser(app);
    const first = await login(app, email, password);
    expect(first.statusCode).toBe(200);
    expect(first.json().refresh_token).toBeTypeOf('string');
    expect(first.headers['set-cookie']).toBeUndefined();
    const next = await app.inject({ method: 'POST', url: PATH, payload: { refresh_token: first.json().refresh_token } });
    expect(next.statusCode).toBe(200);
    expect(Object.keys(next.json()).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'token_type']);
    expect(next.headers['set-cookie']).toBeUndefined();
    const missing = await app.inject({ method: 'POST', url: PATH, payload: {} });
    expect(missing.statusCode).toBe(422);
    expect(missing.json().detail[0]).toMatchObject({ loc: ['body', 'refresh_token'], type: 'value_error.missing' });
    const bad = await app.inject({ method: 'POST', url: PATH, payload: { refresh_token: 'nope' } });
    expect([bad.statusCode, bad.headers['set-cookie']]).toEqual([401, undefined]);
  });
});
