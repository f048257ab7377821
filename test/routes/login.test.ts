// /api/v1/login/*: the original's login tests, ported, and the token lifecycle around them.
import bcrypt from 'bcryptjs';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { decodeJwt, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../src/db/schema.js';
import { UserRepository } from '../../src/repositories/user.js';
import { ensureFirstSuperuser } from '../../src/services/first-superuser.js';
import { buildTestApp } from '../helpers/app.js';
import { createUser, login, tokenHeaders } from '../helpers/auth.js';
import { manualClock } from '../helpers/clock.js';

const INCORRECT = { detail: 'Incorrect email or password' };
const BAD_CREDENTIALS = { detail: 'Could not validate credentials' };
const clock = manualClock();
let app: FastifyInstance;

beforeAll(async () => {
  app = await buildTestApp({ FIRST_SUPERUSER: 'admin@example.com', FIRST_SUPERUSER_PASSWORD: 'first admin password' }, { clock });
});
afterAll(async () => {
  await app.close();
});

const me = (authorization?: string) =>
  app.inject({ url: '/api/v1/login/me', headers: authorization === undefined ? {} : { authorization } });
const refresh = (refresh_token: string) =>
  app.inject({ method: 'POST', url: '/api/v1/login/refresh', payload: { refresh_token } });

describe('POST /api/v1/login/access-token', () => {
  it('logs in (test_get_access_token) and the token reads /login/me (test_use_access_token)', async () => {
    const { email, password, user } = await createUser(app);
    const response = await login(app, email, password);
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const body = response.json();
    expect(body.token_type).toBe('bearer');
    expect(body.expires_in).toBe(1800);
    expect(typeof body.refresh_token).toBe('string');
    const claims = decodeJwt(body.access_token);
    expect(claims.sub).toBe(String(user.id));
    expect(claims.exp! - claims.iat!).toBe(1800);
    expect(claims.jti).toBeTruthy();

    const read = await me(`Bearer ${body.access_token}`);
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual({ id: user.id, email, full_name: null, is_active: true, is_superuser: false });
  });

  it('answers unknown e-mail and wrong password with the same 400 body', async () => {
    const { email } = await createUser(app);
    for (const [username, password] of [['nobody@example.com', 'whatever1'], [email, 'wrong password']]) {
      const response = await login(app, username!, password!);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual(INCORRECT);
    }
  });

  it('says Inactive user only for the right password of an inactive account', async () => {
    const { email, password } = await createUser(app, { is_active: false });
    expect((await login(app, email, 'wrong password')).json()).toEqual(INCORRECT);
    const response = await login(app, email, password);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ detail: 'Inactive user' });
  });

  it('matches the e-mail whatever its letter case', async () => {
    const { email, password } = await createUser(app, { email: 'Mixed.Case@Example.com' });
    expect((await login(app, email.toUpperCase(), password)).statusCode).toBe(200);
  });

  it('takes a form, not JSON, and checks grant_type', async () => {
    const json = await app.inject({ method: 'POST', url: '/api/v1/login/access-token', payload: { username: 'a@example.com', password: 'x' } });
    expect(json.statusCode).toBe(422);
    expect(json.json().detail.map((issue: { loc: string[] }) => issue.loc)).toEqual([['body', 'username'], ['body', 'password']]);
    const form = (fields: Record<string, string>) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/login/access-token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(fields).toString(),
      });
    expect((await form({ username: 'a@example.com' })).json().detail[0].loc).toEqual(['body', 'password']);
    expect((await form({ username: 'a@example.com', password: 'x', grant_type: 'client_credentials' })).statusCode).toBe(422);
    const { email, password } = await createUser(app);
    expect((await form({ username: email, password, grant_type: 'password', scope: '' })).statusCode).toBe(200);
  });

  it('replaces a legacy bcrypt hash by Argon2id on a successful login', async () => {
    const { user } = await createUser(app);
    await app.db.update(users).set({ hashed_password: await bcrypt.hash('legacy password', 4) }).where(eq(users.id, user.id));
    expect((await login(app, user.email, 'legacy password')).statusCode).toBe(200);
    const [row] = await app.db.select().from(users).where(eq(users.id, user.id));
    expect(row!.hashed_password).toMatch(/^\$argon2id\$/);
    expect((await login(app, user.email, 'legacy password')).statusCode).toBe(200);
  });
});

describe('bearer tokens', () => {
  it('401 Not authenticated without a bearer token (test_login_me_no_token)', async () => {
    for (const authorization of [undefined, '', 'Basic dXNlcjpwYXNz', 'Bearer']) {
      const response = await me(authorization);
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ detail: 'Not authenticated' });
      expect(response.headers['www-authenticate']).toBe('Bearer');
    }
  });

  it('401 Could not validate credentials for malformed, tampered, foreign or expired tokens', async () => {
    const { email, password, user } = await createUser(app);
    const { authorization } = await tokenHeaders(app, email, password);
    const token = authorization.slice('Bearer '.length);
    const [header, payload, signature] = token.split('.');
    const claims = decodeJwt(token);
    const foreign = await new SignJWT({ ...claims }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('x'.repeat(40)));
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`;
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: String(user.id + 1) })).toString('base64url')}.${signature}`;
    for (const bad of ['garbage', `${token}x`, foreign, unsigned, forged, 'a'.repeat(5000)]) {
      const response = await me(`Bearer ${bad}`);
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual(BAD_CREDENTIALS);
      expect(response.headers['www-authenticate']).toBe('Bearer');
    }
    expect((await me(authorization)).statusCode).toBe(200);
    clock.advance(30 * 60 + 1);
    try {
      expect((await me(authorization)).json()).toEqual(BAD_CREDENTIALS);
    } finally {
      clock.advance(-(30 * 60 + 1));
    }
  });

  it('401 for the token of a deleted user', async () => {
    const { email, password, user } = await createUser(app);
    const { authorization } = await tokenHeaders(app, email, password);
    await new UserRepository(app.db).remove(user.id);
    expect((await me(authorization)).json()).toEqual(BAD_CREDENTIALS);
  });

  it('POST /login/test-token answers the token’s user', async () => {
    const { email, password, user } = await createUser(app);
    const response = await app.inject({ method: 'POST', url: '/api/v1/login/test-token', headers: await tokenHeaders(app, email, password) });
    expect(response.statusCode).toBe(200);
    expect(response.json().id).toBe(user.id);
  });
});

describe('refresh and logout', () => {
  it('rotates refresh tokens, and a replayed one revokes the whole login', async () => {
    const { email, password } = await createUser(app);
    const first = (await login(app, email, password)).json();
    const second = await refresh(first.refresh_token);
    expect(second.statusCode).toBe(200);
    const pair = second.json();
    expect(pair.refresh_token).not.toBe(first.refresh_token);
    expect((await me(`Bearer ${pair.access_token}`)).statusCode).toBe(200);

    const replay = await refresh(first.refresh_token);
    expect(replay.statusCode).toBe(401);
    expect(replay.json()).toEqual(BAD_CREDENTIALS);
    expect((await me(`Bearer ${pair.access_token}`)).statusCode).toBe(401);
    expect((await refresh(pair.refresh_token)).statusCode).toBe(401);
    expect((await me(`Bearer ${first.access_token}`)).statusCode).toBe(401);

    const other = (await login(app, email, password)).json(); // a new login is unaffected
    expect((await me(`Bearer ${other.access_token}`)).statusCode).toBe(200);
  });

  it('refuses unknown and expired refresh tokens', async () => {
    expect((await refresh('not-a-token')).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/api/v1/login/refresh', payload: {} })).statusCode).toBe(422);
    const { email, password } = await createUser(app);
    const { refresh_token } = (await login(app, email, password)).json();
    clock.advance(14 * 86_400 + 1);
    try {
      expect((await refresh(refresh_token)).statusCode).toBe(401);
    } finally {
      clock.advance(-(14 * 86_400 + 1));
    }
  });

  it('POST /logout revokes the current login only', async () => {
    const { email, password } = await createUser(app);
    const one = (await login(app, email, password)).json();
    const two = (await login(app, email, password)).json();
    const response = await app.inject({ method: 'POST', url: '/api/v1/logout', headers: { authorization: `Bearer ${one.access_token}` } });
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    expect((await me(`Bearer ${one.access_token}`)).statusCode).toBe(401);
    expect((await refresh(one.refresh_token)).statusCode).toBe(401);
    expect((await me(`Bearer ${two.access_token}`)).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/api/v1/logout' })).statusCode).toBe(401);
  });
});

describe('first superuser', () => {
  it('is created at start, once, and a changed password is kept', async () => {
    const response = await login(app, 'admin@example.com', 'first admin password');
    expect(response.statusCode).toBe(200);
    const read = await me(`Bearer ${response.json().access_token}`);
    expect(read.json().is_superuser).toBe(true);

    const repo = new UserRepository(app.db, app.hasher);
    await repo.update((await repo.getByEmail('admin@example.com'))!, { password: 'changed admin password' });
    await ensureFirstSuperuser(app.db, app.hasher, app.config, app.log);
    expect((await login(app, 'admin@example.com', 'changed admin password')).statusCode).toBe(200);
    expect(await repo.count()).toBeGreaterThan(0);
  });
});
