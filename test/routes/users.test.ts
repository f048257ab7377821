// POST /api/v1/users/register: the original's test, ported, and the contract around it.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/app.js';
import { randomEmail, userCreate } from '../helpers/users.js';

const URL = '/api/v1/users/register';
const PUBLIC_FIELDS = ['email', 'full_name', 'id', 'is_active', 'is_superuser'];
const EMAIL_IN_USE = { detail: 'This email is already in use.' };

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(async () => {
  await app.close();
});

const register = (payload: unknown) => app.inject({ method: 'POST', url: URL, payload: payload as object });

describe('POST /api/v1/users/register', () => {
  it('creates a user (test_create_user)', async () => {
    const email = 'uniquely.interesting@example.com';
    const response = await register({ password: 'interesting', email, full_name: 'Uniquely Interesting' });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.email).toBe(email);
    expect(body.is_active).toBe(true);
    expect(body.is_superuser).toBe(false);
    expect(body.full_name).toBe('Uniquely Interesting');
    expect(Number.isInteger(body.id)).toBe(true);
  });

  it('answers exactly the five public fields, full_name null when absent, never the hash', async () => {
    const { email, password } = userCreate();
    const response = await register({ email, password });
    expect(response.statusCode).toBe(200);
    expect(Object.keys(response.json()).sort()).toEqual(PUBLIC_FIELDS);
    expect(response.json().full_name).toBeNull();
    expect(response.body).not.toContain('argon2');
    expect(response.body).not.toContain(password);
  });

  it('refuses a duplicate e-mail with the original body, whatever its letter case', async () => {
    const payload = userCreate({ email: 'Dup.User@Example.com' });
    expect((await register(payload)).statusCode).toBe(200);
    for (const email of ['Dup.User@Example.com', 'dup.user@example.com', 'DUP.USER@EXAMPLE.COM']) {
      const again = await register({ ...payload, email });
      expect(again.statusCode).toBe(400);
      expect(again.json()).toEqual(EMAIL_IN_USE);
    }
  });

  it('gives exactly one 200 to 25 parallel registrations of one e-mail, and no 5xx', async () => {
    const payload = userCreate();
    const responses = await Promise.all(Array.from({ length: 25 }, () => register(payload)));
    const statuses = responses.map((response) => response.statusCode);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 400)).toHaveLength(24);
    for (const response of responses.filter((r) => r.statusCode === 400)) expect(response.json()).toEqual(EMAIL_IN_USE);
  });

  it('ignores privileged and unknown fields (mass assignment)', async () => {
    const response = await register({ ...userCreate(), is_superuser: true, is_active: false, id: 999_999, hashed_password: 'x' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ is_superuser: false, is_active: true });
    expect(response.json().id).not.toBe(999_999);
  });

  it('counts password length in code points, with the maximum checked before hashing', async () => {
    expect((await register(userCreate({ password: '😀😀😀😀😀😀😀😀' }))).statusCode).toBe(200);
    expect((await register(userCreate({ password: 'x'.repeat(1024) }))).statusCode).toBe(200);
    const tooLong = await register(userCreate({ password: '😀'.repeat(1025) }));
    expect(tooLong.statusCode).toBe(422);
    expect(tooLong.json().detail[0].loc).toEqual(['body', 'password']);
  });
});

describe('POST /api/v1/users/register with bad input', () => {
  const cases: [string, unknown, (string | number)[], string][] = [
    ['invalid e-mail', { email: 'not-an-email', password: 'longenough' }, ['body', 'email'], 'value_error.email'],
    ['missing password', { email: 'ok@example.com' }, ['body', 'password'], 'value_error.missing'],
    ['missing e-mail', { password: 'longenough' }, ['body', 'email'], 'value_error.missing'],
    ['e-mail not a string', { email: 42, password: 'longenough' }, ['body', 'email'], 'type_error.str'],
    ['null e-mail', { email: null, password: 'longenough' }, ['body', 'email'], 'type_error.str'],
    ['password not a string', { email: 'ok@example.com', password: 12345678 }, ['body', 'password'], 'type_error.str'],
    ['full_name not a string', { email: 'ok@example.com', password: 'longenough', full_name: 5 }, ['body', 'full_name'], 'type_error.str'],
    ['password too short', { email: 'ok@example.com', password: 'short' }, ['body', 'password'], 'value_error.any_str.min_length'],
    ['empty password', { email: 'ok@example.com', password: '' }, ['body', 'password'], 'value_error.any_str.min_length'],
    ['e-mail too long', { email: `${'a'.repeat(250)}@example.com`, password: 'longenough' }, ['body', 'email'], 'value_error.any_str.max_length'],
    ['full_name too long', { email: 'ok@example.com', password: 'longenough', full_name: 'n'.repeat(256) }, ['body', 'full_name'], 'value_error.any_str.max_length'],
    ['body is an array', [{ email: 'ok@example.com', password: 'longenough' }], ['body'], 'type_error.dict'],
    ['body is a string', 'hello', ['body'], 'type_error.dict'],
  ];

  it.each(cases)('%s → 422 in FastAPI’s shape', async (_name, payload, loc, type) => {
    const response = await app.inject({
      method: 'POST',
      url: URL,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(payload),
    });
    expect(response.statusCode).toBe(422);
    const { detail } = response.json();
    expect(detail).toContainEqual({ loc, msg: expect.any(String), type });
  });

  it('lists every invalid field at once', async () => {
    const response = await register({ email: 'nope', password: 1 });
    expect(response.json().detail.map((issue: { loc: string[] }) => issue.loc[1]).sort()).toEqual(['email', 'password']);
  });

  it('empty JSON body → 422 body required', async () => {
    const response = await app.inject({ method: 'POST', url: URL, headers: { 'content-type': 'application/json' } });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toEqual({ detail: [{ loc: ['body'], msg: 'field required', type: 'value_error.missing' }] });
  });

  it('malformed JSON → 400 with a detail', async () => {
    const response = await app.inject({ method: 'POST', url: URL, headers: { 'content-type': 'application/json' }, payload: '{"email":' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ detail: 'Malformed JSON body' });
  });

  it('unsupported content type → 415', async () => {
    for (const type of ['text/plain', 'application/xml', 'application/x-www-form-urlencoded']) {
      const response = await app.inject({ method: 'POST', url: URL, headers: { 'content-type': type }, payload: 'email=a' });
      expect(response.statusCode).toBe(415);
      expect(response.json()).toEqual({ detail: 'Unsupported Media Type' });
    }
  });

  it('body over 1 MiB → 413', async () => {
    const payload = JSON.stringify({ email: randomEmail(), password: 'longenough', full_name: 'x'.repeat(1_100_000) });
    const response = await app.inject({ method: 'POST', url: URL, headers: { 'content-type': 'application/json' }, payload });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toEqual({ detail: 'Request body is too large' });
  });

  it('stores nothing for a rejected request', async () => {
    const email = randomEmail();
    await register({ email, password: 'short' });
    const after = await register({ email, password: 'long enough now' });
    expect(after.statusCode).toBe(200);
  });
});
