// Inputs the fuzz tests found once: each is a 4xx in the one error shape, never a 5xx, and changes nothing.
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshTokens } from '../../src/db/schema.js';
import { hashToken } from '../../src/core/tokens.js';
import { buildTestApp } from '../helpers/app.js';
import { createUser, login, normalUserTokenHeaders } from '../helpers/auth.js';
import { userCreate } from '../helpers/users.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp({ SECRET_KEY: 'k'.repeat(48) });
});
afterAll(async () => {
  await app.close();
});

describe('odd input', () => {
  it('malformed and over-long URLs answer {detail}', async () => {
    for (const url of ['/api/v1/users/%', '/api/v1/users/%C3%28', '/api/v1/password-recovery/%C0%AF@b.cc']) {
      const response = await app.inject({ method: url.includes('recovery') ? 'POST' : 'GET', url });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ detail: 'Malformed URL' });
    }
    const long = await app.inject(`/api/v1/users/${'x'.repeat(800)}`);
    expect(long.statusCode).toBe(414);
    expect(long.json()).toEqual({ detail: 'URI Too Long' });
  });

  it('NUL characters and lone surrogates are a 422 wherever they appear', async () => {
    const { headers } = await normalUserTokenHeaders(app);
    const bodies = [
      { ...userCreate(), full_name: 'a\u0000b' },
      { ...userCreate(), full_name: '\udc00\udc00' },
      { ...userCreate(), full_name: '\ud800' },
    ];
    for (const payload of bodies) {
      const response = await app.inject({ method: 'POST', url: '/api/v1/users/register', payload });
      expect(response.statusCode).toBe(422);
      expect(response.json().detail[0]).toMatchObject({ loc: ['body', 'full_name'], type: 'value_error.str.invalid' });
    }
    const me = await app.inject({ method: 'PATCH', url: '/api/v1/users/me', headers, payload: { full_name: '\u0000' } });
    expect(me.statusCode).toBe(422);
    const form = await app.inject({
      method: 'POST',
      url: '/api/v1/login/access-token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'username=a%00b&password=x',
    });
    expect(form.statusCode).toBe(422);
    expect((await app.inject({ method: 'POST', url: '/api/v1/users/register', payload: { ...userCreate(), full_name: '李明 😀' } })).statusCode).toBe(200);
  });

  it('a signed token naming an id beyond Postgres integers is refused with 401', async () => {
    for (const sub of ['2147483648', '9007199254740991']) {
      const token = await new SignJWT({ sid: crypto.randomUUID() })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(sub)
        .setIssuedAt()
        .setExpirationTime('5m')
        .setJti('x')
        .sign(new TextEncoder().encode('k'.repeat(48)));
      const response = await app.inject({ url: '/api/v1/users/me', headers: { authorization: `Bearer ${token}` } });
      expect(response.statusCode).toBe(401);
    }
  });

  it('a refresh token of an ended login is refused without writing anything', async () => {
    const { email, password } = await createUser(app);
    const pair = (await login(app, email, password)).json();
    await app.inject({ method: 'POST', url: '/api/v1/logout', headers: { authorization: `Bearer ${pair.access_token}` } });
    const response = await app.inject({ method: 'POST', url: '/api/v1/login/refresh', payload: { refresh_token: pair.refresh_token } });
    expect(response.statusCode).toBe(401);
    const [row] = await app.db.select().from(refreshTokens).where(eq(refreshTokens.token_hash, hashToken(pair.refresh_token)));
    expect(row?.used_at).toBeNull();
  });

  it('an empty body with a JSON content type is fine on routes that take no body', async () => {
    const { email, password } = await createUser(app);
    const { access_token } = (await login(app, email, password)).json();
    const logout = await app.inject({
      method: 'POST',
      url: '/api/v1/logout',
      headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json', 'content-length': '0' },
    });
    expect(logout.statusCode).toBe(204);
    const register = await app.inject({
      method: 'POST',
      url: '/api/v1/users/register',
      headers: { 'content-type': 'application/json', 'content-length': '0' },
    });
    expect(register.statusCode).toBe(422); // a route that takes a body still wants one
    expect(register.json().detail[0]).toMatchObject({ loc: ['body'], type: 'value_error.missing' });
  });
});
