// /api/v1/users/me*: the original's test_users.py "me" tests, ported, and the contract around them.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../src/db/schema.js';
import { UserRepository } from '../../src/repositories/user.js';
import { buildTestApp } from '../helpers/app.js';
import { createUser, login, normalUserTokenHeaders, superuserTokenHeaders, type TestUser } from '../helpers/auth.js';
import { randomEmail, randomPassword } from '../helpers/users.js';

const ME = '/api/v1/users/me';
const PASSWORD = '/api/v1/users/me/password';
const PUBLIC_FIELDS = ['email', 'full_name', 'id', 'is_active', 'is_superuser'];
const BAD_CREDENTIALS = { detail: 'Could not validate credentials' };
const EMAIL_TAKEN = { detail: 'User with this email already exists' };

type Headers = { authorization: string };
let app: FastifyInstance;
let repo: UserRepository;
let normal: TestUser & { headers: Headers };
let superuser: TestUser & { headers: Headers };

beforeAll(async () => {
  app = await buildTestApp();
  repo = new UserRepository(app.db, app.hasher);
  [normal, superuser] = await Promise.all([normalUserTokenHeaders(app), superuserTokenHeaders(app)]);
  // Verified, so the tests can see an e-mail change reset it (a field-only update revokes nothing).
  await repo.update(normal.user, { is_verified: true });
});
afterAll(async () => {
  await app.close();
});

/** A user that never logs in, written without an Argon2 hash to keep the suite fast. */
async function insertUser(email = randomEmail()) {
  const [row] = await app.db.insert(users).values({ email, hashed_password: 'no login' }).returning();
  return row!;
}

/** A fresh user with a login of its own, for the tests that end logins. */
async function loggedIn(fields: Parameters<typeof createUser>[1] = {}) {
  const created = await createUser(app, fields);
  const tokens = (await login(app, created.email, created.password)).json();
  return { ...created, tokens, headers: { authorization: `Bearer ${tokens.access_token}` } };
}

const readMe = (headers: Headers) => app.inject({ url: ME, headers });
const patchMe = (headers: Headers, payload: object) => app.inject({ method: 'PATCH', url: ME, headers, payload });
const patchPassword = (headers: Headers, payload: object) => app.inject({ method: 'PATCH', url: PASSWORD, headers, payload });
const refresh = (refresh_token: string) => app.inject({ method: 'POST', url: '/api/v1/login/refresh', payload: { refresh_token } });

describe('authentication', () => {
  const routes = [
    ['GET', ME],
    ['PATCH', ME],
    ['PATCH', PASSWORD],
    ['DELETE', ME],
  ] as const;

  it.each(routes)('%s %s without a token → 401 Not authenticated', async (method, url) => {
    const response = await app.inject({ method, url, payload: {} });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ detail: 'Not authenticated' });
    expect(response.headers['www-authenticate']).toBe('Bearer');
  });

  it.each(routes)('%s %s with a bad token → 401 Could not validate credentials', async (method, url) => {
    const response = await app.inject({ method, url, headers: { authorization: 'Bearer not.a.token' }, payload: {} });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual(BAD_CREDENTIALS);
    expect(response.headers['www-authenticate']).toBe('Bearer');
  });
});

describe('GET /api/v1/users/me', () => {
  it('reads a normal user (test_get_users_normal_user_me)', async () => {
    const response = await readMe(normal.headers);
    expect(response.statusCode).toBe(200);
    expect(Object.keys(response.json()).sort()).toEqual(PUBLIC_FIELDS);
    expect(response.json()).toMatchObject({ id: normal.user.id, email: normal.email, is_active: true, is_superuser: false });
    expect(response.body).not.toContain('argon2');
  });

  it('reads a superuser (test_get_users_superuser_me)', async () => {
    const response = await readMe(superuser.headers);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ email: superuser.email, is_active: true, is_superuser: true });
  });
});

describe('PATCH /api/v1/users/me', () => {
  it('changes full_name and e-mail (test_update_user_me), and the new address needs verifying again', async () => {
    const email = randomEmail();
    const response = await patchMe(normal.headers, { full_name: 'Updated Name', email, current_password: normal.password });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ id: normal.user.id, email, full_name: 'Updated Name', is_active: true, is_superuser: false });
    expect(response.body).not.toContain('argon2');
    expect((await repo.get(normal.user.id))!.is_verified).toBe(false);
    // The login that made the change goes on (every other one ends: test/security/account-takeover.test.ts).
    expect((await readMe(normal.headers)).json().email).toBe(email);
    normal.email = email;
  });

  it('takes the same address in another letter case as no change of address', async () => {
    await repo.update(normal.user, { is_verified: true });
    const email = normal.email.toUpperCase();
    const response = await patchMe(normal.headers, { email });
    expect(response.statusCode).toBe(200);
    expect(response.json().email).toBe(email.replace(/@.*$/, (domain) => domain.toLowerCase()));
    expect((await repo.get(normal.user.id))!.is_verified).toBe(true);
  });

  it('changes only what is sent: full_name alone, null, or nothing', async () => {
    const before = (await readMe(normal.headers)).json();
    expect((await patchMe(normal.headers, { full_name: 'Only Name' })).json()).toEqual({ ...before, full_name: 'Only Name' });
    expect((await patchMe(normal.headers, { full_name: null })).json()).toEqual({ ...before, full_name: null });
    const empty = await patchMe(normal.headers, {});
    expect(empty.statusCode).toBe(200);
    expect(empty.json()).toEqual({ ...before, full_name: null });
  });

  it('refuses another user’s e-mail, whatever its letter case (test_update_user_me_email_exists)', async () => {
    const other = await insertUser('Taken.Address@example.com');
    for (const email of [other.email, 'taken.address@example.com', 'TAKEN.ADDRESS@EXAMPLE.COM']) {
      const response = await patchMe(normal.headers, { email, full_name: 'Should Not Stick', current_password: normal.password });
      expect(response.statusCode).toBe(409);
      expect(response.json()).toEqual(EMAIL_TAKEN);
    }
    expect((await readMe(normal.headers)).json().full_name).not.toBe('Should Not Stick');
  });

  it('gives one 200 and one 409 when two users race for one address, and no 5xx', async () => {
    const email = randomEmail();
    const responses = await Promise.all([
      patchMe(normal.headers, { email, current_password: normal.password }),
      patchMe(superuser.headers, { email, current_password: superuser.password }),
    ]);
    expect(responses.map((response) => response.statusCode).sort()).toEqual([200, 409]);
    expect(responses.find((response) => response.statusCode === 409)!.json()).toEqual(EMAIL_TAKEN);
    const winner = responses.findIndex((response) => response.statusCode === 200);
    if (winner === 0) normal.email = email;
    else superuser.email = email;
  });

  it.each([
    ['is_superuser', true],
    ['is_active', false],
    ['password', 'a new password'],
    ['hashed_password', 'x'],
    ['is_verified', true],
    ['id', 1],
  ])('refuses %s (mass assignment) with 422, and stores nothing', async (field, value) => {
    const response = await patchMe(normal.headers, { full_name: 'Mass Assigned', [field]: value });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toEqual({ detail: [{ loc: ['body', field], msg: 'extra fields not permitted', type: 'value_error.extra' }] });
    const me = await readMe(normal.headers);
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ is_superuser: false, is_active: true });
    expect(me.json().full_name).not.toBe('Mass Assigned');
  });

  it.each([
    ['invalid e-mail', { email: 'not-an-email' }, ['body', 'email'], 'value_error.email'],
    ['null e-mail', { email: null }, ['body', 'email'], 'type_error.str'],
    ['full_name too long', { full_name: 'n'.repeat(256) }, ['body', 'full_name'], 'value_error.any_str.max_length'],
    ['body is an array', [], ['body'], 'type_error.dict'],
  ])('%s → 422', async (_name, payload, loc, type) => {
    const response = await patchMe(normal.headers, payload);
    expect(response.statusCode).toBe(422);
    expect(response.json().detail).toContainEqual({ loc, msg: expect.any(String), type });
  });
});

describe('PATCH /api/v1/users/me/password', () => {
  it('changes the password (test_update_password_me) and ends every login, this one included', async () => {
    const user = await loggedIn();
    const other = await login(app, user.email, user.password); // a second login, e.g. another device
    const new_password = randomPassword();
    const response = await patchPassword(user.headers, { current_password: user.password, new_password });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ message: 'Password updated successfully' });

    for (const tokens of [user.tokens, other.json()]) {
      const old = await readMe({ authorization: `Bearer ${tokens.access_token}` });
      expect(old.statusCode).toBe(401);
      expect(old.json()).toEqual(BAD_CREDENTIALS);
      expect((await refresh(tokens.refresh_token)).statusCode).toBe(401);
    }
    const oldPassword = await login(app, user.email, user.password);
    expect(oldPassword.statusCode).toBe(400);
    expect(oldPassword.json()).toEqual({ detail: 'Incorrect email or password' });
    expect((await login(app, user.email, new_password)).statusCode).toBe(200);
  });

  it('refuses a wrong current password (test_update_password_me_incorrect_password), and the login goes on', async () => {
    const response = await patchPassword(normal.headers, { current_password: 'not my password', new_password: 'not my password' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ detail: 'Incorrect password' });
    expect((await readMe(normal.headers)).statusCode).toBe(200);
  });

  it('refuses the current password as the new one (test_update_password_me_same_password_error)', async () => {
    const response = await patchPassword(normal.headers, { current_password: normal.password, new_password: normal.password });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ detail: 'New password cannot be the same as the current one' });
    expect((await readMe(normal.headers)).statusCode).toBe(200);
  });

  it.each([
    ['too short', 'short', 'value_error.any_str.min_length'],
    ['empty', '', 'value_error.any_str.min_length'],
    ['too long', '😀'.repeat(1025), 'value_error.any_str.max_length'],
  ])('new_password %s → 422 at body.new_password, even with a wrong current password', async (_name, new_password, type) => {
    for (const current_password of [normal.password, 'wrong password']) {
      const response = await patchPassword(normal.headers, { current_password, new_password });
      expect(response.statusCode).toBe(422);
      expect(response.json()).toEqual({ detail: [{ loc: ['body', 'new_password'], msg: expect.any(String), type }] });
    }
  });

  it('needs both fields', async () => {
    const response = await patchPassword(normal.headers, {});
    expect(response.statusCode).toBe(422);
    expect(response.json().detail.map((issue: { loc: string[] }) => issue.loc)).toEqual([
      ['body', 'current_password'],
      ['body', 'new_password'],
    ]);
  });
});

describe('DELETE /api/v1/users/me', () => {
  it('deletes the user (test_delete_user_me); its token then gets 401', async () => {
    const user = await loggedIn();
    const response = await app.inject({ method: 'DELETE', url: ME, headers: user.headers });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ message: 'User deleted successfully' });
    expect(await repo.get(user.user.id)).toBeUndefined();
    const after = await readMe(user.headers);
    expect(after.statusCode).toBe(401);
    expect(after.json()).toEqual(BAD_CREDENTIALS);
    expect((await refresh(user.tokens.refresh_token)).statusCode).toBe(401);
  });

  it('refuses a superuser (test_delete_user_me_as_superuser)', async () => {
    const response = await app.inject({ method: 'DELETE', url: ME, headers: superuser.headers });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({ detail: 'Super users are not allowed to delete themselves' });
    expect(await repo.get(superuser.user.id)).toBeDefined();
  });
});
