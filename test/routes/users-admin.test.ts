// /api/v1/users/ and /api/v1/users/{user_id}: the original's test_users.py admin tests, ported, and the contract
// around them: guards, paging, 404/409s, revocation of the logins of a user whose credentials change.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../src/db/schema.js';
import { UserRepository } from '../../src/repositories/user.js';
import { buildTestApp } from '../helpers/app.js';
import { createUser, login, normalUserTokenHeaders, superuserTokenHeaders, type TestUser } from '../helpers/auth.js';
import { randomEmail, randomPassword } from '../helpers/users.js';

const USERS = '/api/v1/users';
const PUBLIC_FIELDS = ['email', 'full_name', 'id', 'is_active', 'is_superuser'];
const NO_PRIVILEGES = { detail: "The user doesn't have enough privileges" };
const NOT_FOUND = { detail: 'User not found' };
const BAD_CREDENTIALS = { detail: 'Could not validate credentials' };
const MISSING_ID = 2_147_483_647;

type Headers = { authorization: string };
let app: FastifyInstance;
let repo: UserRepository;
let normal: TestUser & { headers: Headers };
let superuser: TestUser & { headers: Headers };

beforeAll(async () => {
  app = await buildTestApp();
  repo = new UserRepository(app.db, app.hasher);
  [normal, superuser] = await Promise.all([normalUserTokenHeaders(app), superuserTokenHeaders(app)]);
});
afterAll(async () => {
  await app.close();
});

/** Users that never log in, written without an Argon2 hash to keep the suite fast. */
async function insertUsers(count: number, email = randomEmail) {
  const rows = Array.from({ length: count }, () => ({ email: email(), hashed_password: 'no login' }));
  return app.db.insert(users).values(rows).returning();
}
const insertUser = async (email = randomEmail()) => (await insertUsers(1, () => email))[0]!;

/** A fresh user with a login of its own, for the tests that end logins. */
async function loggedIn(fields: Parameters<typeof createUser>[1] = {}) {
  const created = await createUser(app, fields);
  const tokens = (await login(app, created.email, created.password)).json();
  return { ...created, headers: { authorization: `Bearer ${tokens.access_token}` } };
}

const as = (headers: Headers | undefined) => ({
  get: (url: string) => app.inject({ url, ...(headers && { headers }) }),
  post: (url: string, payload: object) => app.inject({ method: 'POST', url, payload, ...(headers && { headers }) }),
  patch: (url: string, payload: object) => app.inject({ method: 'PATCH', url, payload, ...(headers && { headers }) }),
  delete: (url: string) => app.inject({ method: 'DELETE', url, ...(headers && { headers }) }),
});
const admin = () => as(superuser.headers);
const readMe = (headers: Headers) => app.inject({ url: `${USERS}/me`, headers });

describe('guards', () => {
  const routes = (id: number) =>
    [
      ['GET', `${USERS}/`],
      ['POST', `${USERS}/`],
      ['GET', `${USERS}/${id}`],
      ['PATCH', `${USERS}/${id}`],
      ['DELETE', `${USERS}/${id}`],
    ] as const;

  it('answers every route without a token with 401 Not authenticated', async () => {
    for (const [method, url] of routes(1)) {
      const response = await app.inject({ method, url, payload: {} });
      expect(response.statusCode, `${method} ${url}`).toBe(401);
      expect(response.json()).toEqual({ detail: 'Not authenticated' });
      expect(response.headers['www-authenticate']).toBe('Bearer');
    }
  });

  it('answers a normal user with 403 on other users (test_create_user_by_normal_user, test_delete_user_without_privileges)', async () => {
    const target = await insertUser();
    for (const [method, url] of routes(target.id)) {
      const payload = { email: randomEmail(), password: randomPassword() };
      const response = await app.inject({ method, url, headers: normal.headers, payload });
      expect(response.statusCode, `${method} ${url}`).toBe(403);
      expect(response.json()).toEqual(NO_PRIVILEGES);
    }
    expect(await repo.get(target.id)).toEqual(target);
  });

  it('says 403 before looking at the input, so a normal user learns nothing from 422s or 404s', async () => {
    const probes = [
      as(normal.headers).get(`${USERS}/?limit=1001`),
      as(normal.headers).post(`${USERS}/`, { email: 'not-an-email' }),
      as(normal.headers).patch(`${USERS}/abc`, { is_superuser: 'yes' }),
      as(normal.headers).delete(`${USERS}/${MISSING_ID}`),
      as(normal.headers).get(`${USERS}/${MISSING_ID}`), // test_get_existing_user_permissions_error
    ];
    for (const response of await Promise.all(probes)) {
      expect(response.statusCode).toBe(403);
      expect(response.json()).toEqual(NO_PRIVILEGES);
    }
  });
});

describe('GET /api/v1/users/', () => {
  it('lists users with a count (test_retrieve_users), at either spelling of the path, never with a hash', async () => {
    await insertUsers(2);
    for (const url of [USERS, `${USERS}/`]) {
      const response = await admin().get(url);
      expect(response.statusCode).toBe(200);
      const { data, count } = response.json();
      expect(data.length).toBeGreaterThan(1);
      expect(count).toBe(await repo.count());
      for (const item of data) expect(Object.keys(item).sort()).toEqual(PUBLIC_FIELDS);
      expect(response.body).not.toContain('argon2');
      expect(response.body).not.toContain('no login');
    }
  });

  it('pages in id order with skip and limit; count is all users', async () => {
    const before = await repo.count();
    const created = await insertUsers(5);
    const ids = created.map((user) => user.id);
    const page = async (query: string) => (await admin().get(`${USERS}/?${query}`)).json();

    const first = await page(`skip=${before}&limit=3`);
    expect(first.count).toBe(before + 5);
    expect(first.data.map((user: { id: number }) => user.id)).toEqual(ids.slice(0, 3));
    expect(first.data[0]).toEqual({ id: ids[0], email: created[0]!.email, full_name: null, is_active: true, is_superuser: false });
    expect((await page(`skip=${before + 3}&limit=3`)).data.map((user: { id: number }) => user.id)).toEqual(ids.slice(3));
    expect((await page(`skip=${before + 5}`)).data).toEqual([]);
    const all = await page('');
    expect(all.data).toHaveLength(Math.min(before + 5, 100));
    const allIds = all.data.map((user: { id: number }) => user.id);
    expect(allIds).toEqual([...allIds].sort((a, b) => a - b));
    expect((await page('limit=1')).data).toHaveLength(1);
    expect((await page('limit=1000')).data).toHaveLength(before + 5);
  });

  it.each([
    ['limit=1001', ['query', 'limit'], 'value_error.number.not_le'],
    ['limit=0', ['query', 'limit'], 'value_error.number.not_ge'],
    ['skip=-1', ['query', 'skip'], 'value_error.number.not_ge'],
    ['skip=abc', ['query', 'skip'], 'type_error.integer'],
    ['limit=1.5', ['query', 'limit'], 'type_error.integer'],
    ['skip=99999999999999999999', ['query', 'skip'], 'value_error.number.not_le'],
  ])('?%s → 422', async (query, loc, type) => {
    const response = await admin().get(`${USERS}/?${query}`);
    expect(response.statusCode).toBe(422);
    expect(response.json()).toEqual({ detail: [{ loc, msg: expect.any(String), type }] });
  });
});

describe('POST /api/v1/users/', () => {
  it('creates a verified user (test_create_user_new_email), with its password hashed', async () => {
    const email = randomEmail();
    const password = randomPassword();
    const response = await admin().post(`${USERS}/`, { email, password });
    expect(response.statusCode).toBe(200);
    expect(Object.keys(response.json()).sort()).toEqual(PUBLIC_FIELDS);
    expect(response.json()).toMatchObject({ email, full_name: null, is_active: true, is_superuser: false });
    expect(response.body).not.toContain('argon2');
    expect(response.body).not.toContain(password);
    const stored = await repo.getByEmail(email);
    expect(stored).toMatchObject({ id: response.json().id, is_verified: true });
    expect(stored!.hashed_password).toMatch(/^\$argon2id\$/);
  });

  it('sets full_name, is_active and is_superuser, and ignores every other field', async () => {
    const response = await admin().post(`${USERS}/`, {
      email: randomEmail(),
      password: randomPassword(),
      full_name: 'Made By Admin',
      is_active: false,
      is_superuser: true,
      id: 999_999,
      hashed_password: 'x',
      is_verified: false,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ full_name: 'Made By Admin', is_active: false, is_superuser: true });
    expect(response.json().id).not.toBe(999_999);
    const stored = await repo.get(response.json().id);
    expect(stored).toMatchObject({ is_verified: true });
    expect(stored!.hashed_password).not.toBe('x');
  });

  it('refuses a duplicate e-mail, whatever its letter case (test_create_user_existing_username)', async () => {
    await insertUser('Admin.Dup@example.com');
    for (const email of ['Admin.Dup@example.com', 'admin.dup@example.com', 'ADMIN.DUP@EXAMPLE.COM']) {
      const response = await admin().post(`${USERS}/`, { email, password: randomPassword() });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ detail: 'This email is already in use.' });
    }
  });

  it.each([
    ['password too short', { email: 'ok@example.com', password: 'short' }, ['body', 'password'], 'value_error.any_str.min_length'],
    ['password too long', { email: 'ok@example.com', password: '😀'.repeat(1025) }, ['body', 'password'], 'value_error.any_str.max_length'],
    ['invalid e-mail', { email: 'nope', password: 'longenough' }, ['body', 'email'], 'value_error.email'],
    ['missing password', { email: 'ok@example.com' }, ['body', 'password'], 'value_error.missing'],
    ['is_superuser not a boolean', { email: 'ok@example.com', password: 'longenough', is_superuser: 'yes' }, ['body', 'is_superuser'],
      'type_error.bool'],
  ])('%s → 422', async (_name, payload, loc, type) => {
    const response = await admin().post(`${USERS}/`, payload);
    expect(response.statusCode).toBe(422);
    expect(response.json().detail).toContainEqual({ loc, msg: expect.any(String), type });
  });
});

describe('GET /api/v1/users/{user_id}', () => {
  it('reads any user for a superuser (test_get_existing_user)', async () => {
    const target = await insertUser();
    const response = await admin().get(`${USERS}/${target.id}`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ id: target.id, email: target.email, full_name: null, is_active: true, is_superuser: false });
  });

  it('reads oneself for a normal user (test_get_existing_user_current_user)', async () => {
    const response = await as(normal.headers).get(`${USERS}/${normal.user.id}`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id: normal.user.id, email: normal.email });
    expect(response.body).not.toContain('argon2');
  });

  it('answers a missing id with 404', async () => {
    const response = await admin().get(`${USERS}/${MISSING_ID}`);
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual(NOT_FOUND);
  });

  it.each(['abc', '1.5', '0', '-1', '2147483648'])('refuses the id %s with 422 at path.user_id', async (id) => {
    const response = await admin().get(`${USERS}/${id}`);
    expect(response.statusCode).toBe(422);
    expect(response.json().detail).toEqual([{ loc: ['path', 'user_id'], msg: expect.any(String), type: expect.any(String) }]);
  });
});

describe('PATCH /api/v1/users/{user_id}', () => {
  it('updates a user (test_update_user) without ending their logins', async () => {
    const response = await admin().patch(`${USERS}/${normal.user.id}`, { full_name: 'Updated_full_name' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id: normal.user.id, full_name: 'Updated_full_name', is_superuser: false });
    expect((await readMe(normal.headers)).json().full_name).toBe('Updated_full_name');
  });

  it('answers a missing user with 404 (test_update_user_not_exists) and a bad id with 422', async () => {
    const missing = await admin().patch(`${USERS}/${MISSING_ID}`, { full_name: 'Updated_full_name' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual(NOT_FOUND);
    const bad = await admin().patch(`${USERS}/abc`, { full_name: 'x' });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().detail[0].loc).toEqual(['path', 'user_id']);
  });

  it('refuses another user’s e-mail, whatever its letter case (test_update_user_email_exists)', async () => {
    const [target, other] = await insertUsers(2);
    for (const email of [other!.email, other!.email.toUpperCase()]) {
      const response = await admin().patch(`${USERS}/${target!.id}`, { email });
      expect(response.statusCode).toBe(409);
      expect(response.json()).toEqual({ detail: 'User with this email already exists' });
    }
    const own = await admin().patch(`${USERS}/${target!.id}`, { email: target!.email.toUpperCase() });
    expect(own.statusCode).toBe(200);
  });

  it('checks the password length, and ignores fields outside UserUpdate', async () => {
    const target = await insertUser();
    const short = await admin().patch(`${USERS}/${target.id}`, { password: 'short' });
    expect(short.statusCode).toBe(422);
    expect(short.json().detail).toEqual([{ loc: ['body', 'password'], msg: expect.any(String), type: 'value_error.any_str.min_length' }]);
    const extra = await admin().patch(`${USERS}/${target.id}`, { hashed_password: 'x', is_verified: true, id: 1 });
    expect(extra.statusCode).toBe(200);
    expect(await repo.get(target.id)).toEqual(target);
  });

  it('ends the logins of a user whose password is set, who is deactivated or demoted', async () => {
    const [byPassword, deactivated, demoted] = await Promise.all([loggedIn(), loggedIn(), loggedIn({ is_superuser: true })]);
    const new_password = randomPassword();
    const changes: [typeof byPassword, object][] = [
      [byPassword, { password: new_password }],
      [deactivated, { is_active: false }],
      [demoted, { is_superuser: false }],
    ];
    for (const [target, patch] of changes) {
      expect((await readMe(target.headers)).statusCode).toBe(200);
      const response = await admin().patch(`${USERS}/${target.user.id}`, patch);
      expect(response.statusCode).toBe(200);
      expect(response.body).not.toContain('argon2');
      const after = await readMe(target.headers);
      expect(after.statusCode).toBe(401);
      expect(after.json()).toEqual(BAD_CREDENTIALS);
    }
    expect((await login(app, byPassword.email, byPassword.password)).statusCode).toBe(400);
    expect((await login(app, byPassword.email, new_password)).statusCode).toBe(200);
  });
});

describe('DELETE /api/v1/users/{user_id}', () => {
  it('deletes a user (test_delete_user_super_user), whose token then gets 401', async () => {
    const target = await loggedIn();
    const response = await admin().delete(`${USERS}/${target.user.id}`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ message: 'User deleted successfully' });
    expect(await repo.get(target.user.id)).toBeUndefined();
    expect((await admin().get(`${USERS}/${target.user.id}`)).statusCode).toBe(404);
    const after = await readMe(target.headers);
    expect(after.statusCode).toBe(401);
    expect(after.json()).toEqual(BAD_CREDENTIALS);
  });

  it('answers a missing user with 404 (test_delete_user_not_found)', async () => {
    const response = await admin().delete(`${USERS}/${MISSING_ID}`);
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual(NOT_FOUND);
  });

  it('refuses to delete oneself (test_delete_user_current_super_user_error)', async () => {
    const response = await admin().delete(`${USERS}/${superuser.user.id}`);
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({ detail: 'Super users are not allowed to delete themselves' });
    expect(await repo.get(superuser.user.id)).toBeDefined();
  });
});

describe('OpenAPI', () => {
  it('documents every users route with its tag, bearer security, summary and error responses', async () => {
    const { paths } = (await app.inject({ url: '/openapi.json' })).json();
    const operations: [string, string, string[]][] = [
      ['/api/v1/users/me', 'get', ['200', '401']],
      ['/api/v1/users/me', 'patch', ['200', '401', '409', '422']],
      ['/api/v1/users/me', 'delete', ['200', '401', '403']],
      ['/api/v1/users/me/password', 'patch', ['200', '400', '401', '422']],
      ['/api/v1/users', 'get', ['200', '401', '403', '422']],
      ['/api/v1/users', 'post', ['200', '400', '401', '403', '422']],
      ['/api/v1/users/{user_id}', 'get', ['200', '401', '403', '404', '422']],
      ['/api/v1/users/{user_id}', 'patch', ['200', '401', '403', '404', '409', '422']],
      ['/api/v1/users/{user_id}', 'delete', ['200', '401', '403', '404', '422']],
    ];
    for (const [path, method, statuses] of operations) {
      const operation = paths[path][method];
      expect(operation.tags, `${method} ${path}`).toEqual(['users']);
      expect(operation.security).toEqual([{ OAuth2PasswordBearer: [] }]);
      expect(operation.summary).toBeTruthy();
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(statuses));
    }
  });
});
