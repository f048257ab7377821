// /api/v1/users/me/verify-email and /api/v1/verify-email/, and the REQUIRE_EMAIL_VERIFICATION login flow. The links
// are read out of real e-mails (nodemailer → in-process SMTP server); expiry moves an injected clock.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { UserRepository } from '../../src/repositories/user.js';
import { buildTestApp } from '../helpers/app.js';
import { createUser, login, normalUserTokenHeaders, tokenHeaders } from '../helpers/auth.js';
import { manualClock } from '../helpers/clock.js';
import { linkToken, startSmtpServer, type SmtpFixture } from '../helpers/smtp.js';
import { userCreate } from '../helpers/users.js';

const SENT = { message: 'Verification email sent' };
const VERIFIED = { message: 'Email verified successfully' };
const INVALID_TOKEN = { detail: 'Invalid token' };
const clock = manualClock();
let smtp: SmtpFixture;
let app: FastifyInstance;

beforeAll(async () => {
  smtp = await startSmtpServer();
  app = await buildTestApp(smtp.env, { clock });
});
afterAll(async () => {
  await app.close();
  await smtp.close();
});

const requestLink = (headers: Record<string, string>, on = app) => on.inject({ method: 'POST', url: '/api/v1/users/me/verify-email', headers });
const verify = (token: string, on = app, url = '/api/v1/verify-email/') => on.inject({ method: 'POST', url, payload: { token } });
const isVerified = async (id: number, on = app) => (await new UserRepository(on.db).get(id))?.is_verified;

/** Asks for a verification link as the logged-in user and returns the token of the mail that arrives. */
async function verificationToken(email: string, headers: Record<string, string>): Promise<string> {
  expect((await requestLink(headers)).json()).toEqual(SENT);
  return linkToken(await smtp.waitForMail(email), 'verify-email');
}

describe('POST /api/v1/users/me/verify-email', () => {
  it('mails a link to FRONTEND_URL (by default PUBLIC_URL, the service itself)/verify-email that marks the address verified', async () => {
    const { email, user, headers } = await normalUserTokenHeaders(app);
    expect(await isVerified(user.id)).toBe(false);
    const response = await requestLink(headers);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(SENT);
    const mail = await smtp.waitForMail(email);
    expect(mail.subject).toBe('CNLearn: confirm your e-mail address');
    expect(mail.text).toMatch(/http:\/\/127\.0\.0\.1:8000\/verify-email\?token=[\w-]{43}\n/);

    const verified = await verify(linkToken(mail, 'verify-email'));
    expect(verified.statusCode).toBe(200);
    expect(verified.json()).toEqual(VERIFIED);
    expect(await isVerified(user.id)).toBe(true);
  });

  it('sends nothing to an address already verified', async () => {
    const { email, password } = await createUser(app, { is_verified: true });
    const headers = await tokenHeaders(app, email, password);
    const sendVerification = vi.spyOn(app.emails, 'sendVerification');
    try {
      const response = await requestLink(headers);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ message: 'Email already verified' });
      expect(sendVerification).not.toHaveBeenCalled();
    } finally {
      sendVerification.mockRestore();
    }
  });

  it('needs a bearer token', async () => {
    const response = await requestLink({});
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ detail: 'Not authenticated' });
  });
});

describe('POST /api/v1/verify-email/', () => {
  it('takes a token once; unknown tokens and password-reset tokens are refused', async () => {
    const { email, user, headers } = await normalUserTokenHeaders(app);
    const token = await verificationToken(email, headers);
    expect((await verify(token, app, '/api/v1/verify-email')).json()).toEqual(VERIFIED);
    await app.inject({ method: 'POST', url: `/api/v1/password-recovery/${email}` });
    const resetToken = linkToken(await smtp.waitForMail(email), 'reset-password');
    for (const bad of [token, 'no-such-token', resetToken]) {
      const response = await verify(bad);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual(INVALID_TOKEN);
    }
    expect(await isVerified(user.id)).toBe(true);
  });

  it('voids an older link when a newer one is sent', async () => {
    const { email, user, headers } = await normalUserTokenHeaders(app);
    const older = await verificationToken(email, headers);
    const newer = await verificationToken(email, headers);
    expect((await verify(older)).json()).toEqual(INVALID_TOKEN);
    expect(await isVerified(user.id)).toBe(false);
    expect((await verify(newer)).json()).toEqual(VERIFIED);
  });

  it('voids a pending link when the address changes (it was sent to the old one)', async () => {
    const { email, password, user, headers } = await normalUserTokenHeaders(app);
    const token = await verificationToken(email, headers);
    const payload = { email: `moved-${email}`, current_password: password };
    const patch = await app.inject({ method: 'PATCH', url: '/api/v1/users/me', headers, payload });
    expect(patch.statusCode).toBe(200);
    expect((await verify(token)).json()).toEqual(INVALID_TOKEN);
    expect(await isVerified(user.id)).toBe(false);
  });

  it('expires a link after EMAIL_VERIFY_EXPIRE_HOURS (default 48)', async () => {
    const early = await normalUserTokenHeaders(app);
    const late = await normalUserTokenHeaders(app);
    const earlyToken = await verificationToken(early.email, early.headers);
    const lateToken = await verificationToken(late.email, late.headers);
    clock.advance(48 * 3600 - 1);
    expect((await verify(earlyToken)).json()).toEqual(VERIFIED);
    clock.advance(2);
    expect((await verify(lateToken)).json()).toEqual(INVALID_TOKEN);
    expect(await isVerified(late.user.id)).toBe(false);
  });

  it('refuses a body without a token with a 422', async () => {
    const response = await app.inject({ method: 'POST', url: '/api/v1/verify-email/', payload: {} });
    expect(response.statusCode).toBe(422);
    expect(response.json().detail).toEqual([{ loc: ['body', 'token'], msg: 'field required', type: 'value_error.missing' }]);
  });
});

describe('REQUIRE_EMAIL_VERIFICATION=true', () => {
  let strict: FastifyInstance;
  beforeAll(async () => {
    strict = await buildTestApp({ ...smtp.env, REQUIRE_EMAIL_VERIFICATION: 'true' });
  });
  afterAll(async () => {
    await strict.close();
  });

  it('register → the e-mail arrives → follow the link → login works', async () => {
    const { email, password } = userCreate();
    const registered = await strict.inject({ method: 'POST', url: '/api/v1/users/register', payload: { email, password } });
    expect(registered.statusCode).toBe(200);
    const token = linkToken(await smtp.waitForMail(email), 'verify-email');
    expect((await verify(token, strict)).json()).toEqual(VERIFIED);
    const response = await login(strict, email, password);
    expect(response.statusCode).toBe(200);
    expect(response.json().token_type).toBe('bearer');
  });

  it('refuses login until the address is verified, mailing a fresh link with each refusal', async () => {
    const { email, password, user } = await createUser(strict);
    const refused = await login(strict, email, password);
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toEqual({ detail: 'Email not verified' });
    const first = linkToken(await smtp.waitForMail(email), 'verify-email');
    expect((await login(strict, email, password)).json()).toEqual({ detail: 'Email not verified' });
    const second = linkToken(await smtp.waitForMail(email), 'verify-email');

    expect((await verify(first, strict)).json()).toEqual(INVALID_TOKEN);
    expect((await verify(second, strict)).json()).toEqual(VERIFIED);
    expect(await isVerified(user.id, strict)).toBe(true);
    expect((await login(strict, email, password)).statusCode).toBe(200);
  });

  it('refuses a wrong password as before, without mailing anything', async () => {
    const { email } = await createUser(strict);
    const sendVerification = vi.spyOn(strict.emails, 'sendVerification');
    try {
      expect((await login(strict, email, 'not the password')).json()).toEqual({ detail: 'Incorrect email or password' });
      expect(sendVerification).not.toHaveBeenCalled();
    } finally {
      sendVerification.mockRestore();
    }
  });
});
