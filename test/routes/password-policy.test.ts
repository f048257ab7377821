// The password policy on every route that sets a password: register, admin create, password change, reset.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/app.js';
import { createUser, superuserTokenHeaders, tokenHeaders } from '../helpers/auth.js';
import { linkToken, startSmtpServer, type SmtpFixture } from '../helpers/smtp.js';

let app: FastifyInstance;
let smtp: SmtpFixture;
beforeAll(async () => {
  smtp = await startSmtpServer();
  app = await buildTestApp(smtp.env);
});
afterAll(async () => {
  await app.close();
  await smtp.close();
});

const refusedBecause = (response: { statusCode: number; json(): { detail: { loc: string[]; type: string }[] } }, field: string) => {
  expect(response.statusCode).toBe(422);
  return response.json().detail.find((issue) => issue.loc[1] === field)?.type;
};

describe('password policy on every route that sets a password', () => {
  it('register', async () => {
    const register = (password: string) =>
      app.inject({ method: 'POST', url: '/api/v1/users/register', payload: { email: 'wang.fang@example.com', password, full_name: 'Wang Fang' } });
    expect(refusedBecause(await register('iloveyou'), 'password')).toBe('value_error.password.common');
    expect(refusedBecause(await register('wang.fang.1990'), 'password')).toBe('value_error.password.personal');
    expect(refusedBecause(await register('my name: wang fang'), 'password')).toBe('value_error.password.personal');
    expect((await register('ten thousand lanterns')).statusCode).toBe(200);
  });

  it('admin create', async () => {
    const { headers } = await superuserTokenHeaders(app);
    const create = (password: string) =>
      app.inject({ method: 'POST', url: '/api/v1/users/', headers, payload: { email: 'zhao.lei@example.com', password } });
    expect(refusedBecause(await create('qwerty123'), 'password')).toBe('value_error.password.common');
    expect(refusedBecause(await create('zhao.lei!!'), 'password')).toBe('value_error.password.personal');
    expect((await create('river of stars 42')).statusCode).toBe(200);
  });

  it('password change', async () => {
    const { email, password } = await createUser(app, { email: 'li.na@example.com', full_name: 'Li Na' });
    const headers = await tokenHeaders(app, email, password);
    const change = (new_password: string) =>
      app.inject({ method: 'PATCH', url: '/api/v1/users/me/password', headers, payload: { current_password: password, new_password } });
    expect(refusedBecause(await change('sunshine'), 'new_password')).toBe('value_error.password.common');
    expect(refusedBecause(await change('hello li.na 2'), 'new_password')).toBe('value_error.password.personal');
    expect((await change('a quieter evening')).statusCode).toBe(200);
  });

  it('reset, leaving the link usable after a refusal', async () => {
    const { email } = await createUser(app, { email: 'chen.jie@example.com' });
    await app.inject({ method: 'POST', url: `/api/v1/password-recovery/${email}` });
    const token = linkToken(await smtp.waitForMail(email), 'reset-password');
    const reset = (new_password: string) => app.inject({ method: 'POST', url: '/api/v1/reset-password/', payload: { token, new_password } });
    expect(refusedBecause(await reset('football'), 'new_password')).toBe('value_error.password.common');
    expect(refusedBecause(await reset('chen.jie.again'), 'new_password')).toBe('value_error.password.personal');
    expect((await reset('paper boats at dawn')).statusCode).toBe(200);
  });
});
