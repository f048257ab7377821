// /api/v1/password-recovery/{email} and /api/v1/reset-password/: the links are read out of real e-mails, delivered
// by the app's nodemailer transport to an in-process SMTP server; expiry is tested by moving an injected clock.
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { users } from '../../src/db/schema.js';
import { UserRepository } from '../../src/repositories/user.js';
import type { Mailer, MailMessage } from '../../src/services/mailer.js';
import { buildTestApp } from '../helpers/app.js';
import { createUser, login, tokenHeaders } from '../helpers/auth.js';
import { manualClock } from '../helpers/clock.js';
import { linkToken, startSmtpServer, type SmtpFixture } from '../helpers/smtp.js';
import { randomEmail } from '../helpers/users.js';

const SENT = { message: 'If that email is registered, we sent a password recovery link' };
const UPDATED = { message: 'Password updated successfully' };
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

const recover = (email: string, on = app) => on.inject({ method: 'POST', url: `/api/v1/password-recovery/${encodeURIComponent(email)}` });
const reset = (token: string, new_password: string, url = '/api/v1/reset-password/') =>
  app.inject({ method: 'POST', url, payload: { token, new_password } });

/** Asks for a recovery link and returns the token of the mail that arrives. */
async function recoveryToken(email: string): Promise<string> {
  expect((await recover(email)).json()).toEqual(SENT);
  return linkToken(await smtp.waitForMail(email), 'reset-password');
}

describe('POST /api/v1/password-recovery/{email}', () => {
  it('mails a link to FRONTEND_URL (by default PUBLIC_URL, the service itself)/reset-password that sets a new password', async () => {
    const { email, password } = await createUser(app);
    const response = await recover(email.toUpperCase());
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(SENT);
    const mail = await smtp.waitForMail(email);
    expect(mail.subject).toBe('CNLearn: reset your password');
    expect(mail.text).toContain('within 60 minutes');
    expect(mail.text).toMatch(/http:\/\/127\.0\.0\.1:8000\/reset-password\?token=[\w-]{43}\n/);

    expect((await reset(linkToken(mail, 'reset-password'), 'a brand new password')).json()).toEqual(UPDATED);
    expect((await login(app, email, 'a brand new password')).statusCode).toBe(200);
    expect((await login(app, email, password)).json()).toEqual({ detail: 'Incorrect email or password' });
  });

  it('answers unknown and inactive addresses exactly as a known one, and mails only the known one', async () => {
    const local = await buildTestApp(smtp.env);
    const active = await createUser(local);
    const inactive = await createUser(local, { is_active: false });
    const unknown = randomEmail();
    const sendPasswordReset = vi.spyOn(local.emails, 'sendPasswordReset');
    const responses = await Promise.all([active.email, inactive.email, unknown].map((email) => recover(email, local)));
    for (const response of responses) {
      expect(response.statusCode).toBe(200);
      expect(response.body).toBe(responses[0]!.body);
    }
    await smtp.waitForMail(active.email);
    await local.close(); // waits for the lookups still running after their responses
    expect(sendPasswordReset).toHaveBeenCalledTimes(1);
    expect(sendPasswordReset.mock.calls[0]![0].id).toBe(active.user.id);
    expect(smtp.received.filter((mail) => mail.to.includes(inactive.email) || mail.to.includes(unknown))).toEqual([]);
  });

  it('answers before the mail is sent, however long the mail server takes', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const started: MailMessage[] = [];
    const sent: MailMessage[] = [];
    const mailer: Mailer = {
      kind: 'smtp',
      send: async (message) => {
        started.push(message);
        await gate;
        sent.push(message);
      },
      close: () => {},
    };
    const local = await buildTestApp({}, { mailer });
    try {
      const { email } = await createUser(local);
      // Were the mail part of the request, this would never resolve while the gate is shut.
      const response = await recover(email, local);
      expect(response.json()).toEqual(SENT);
      expect(started).toEqual([]);
      await vi.waitFor(() => expect(started).toHaveLength(1));
      expect(sent).toEqual([]);
      release();
      await vi.waitFor(() => expect(sent.map((message) => message.to)).toEqual([email]));
    } finally {
      release();
      await local.close();
    }
  });

  it('refuses a path that is not an e-mail address with a 422', async () => {
    const response = await recover('not-an-email');
    expect(response.statusCode).toBe(422);
    expect(response.json().detail).toContainEqual({ loc: ['path', 'email'], msg: 'value is not a valid email address', type: 'value_error.email' });
  });

  it('takes addresses up to the 254 characters of Email, as a path parameter too', async () => {
    const longest = `${'a'.repeat(64)}@${'b'.repeat(59)}.${'c'.repeat(58)}.${'d'.repeat(58)}.example.com`;
    expect(longest).toHaveLength(254);
    expect((await recover(longest)).json()).toEqual(SENT);
    const tooLong = await recover(`x${longest}`);
    expect(tooLong.statusCode).toBe(422);
    expect(tooLong.json().detail[0]).toMatchObject({ loc: ['path', 'email'], type: 'value_error.any_str.max_length' });
  });
});

describe('POST /api/v1/reset-password/', () => {
  it('ends every login of the account: access and refresh tokens', async () => {
    const { email, password } = await createUser(app);
    const before = (await login(app, email, password)).json();
    const headers = await tokenHeaders(app, email, password);
    expect((await reset(await recoveryToken(email), 'a brand new password')).statusCode).toBe(200);

    for (const authorization of [headers.authorization, `Bearer ${before.access_token}`]) {
      const me = await app.inject({ url: '/api/v1/login/me', headers: { authorization } });
      expect(me.statusCode).toBe(401);
      expect(me.json()).toEqual({ detail: 'Could not validate credentials' });
    }
    const refreshed = await app.inject({ method: 'POST', url: '/api/v1/login/refresh', payload: { refresh_token: before.refresh_token } });
    expect(refreshed.statusCode).toBe(401);
  });

  it('takes a token once: a second use is refused, and so are unknown tokens', async () => {
    const { email } = await createUser(app);
    const token = await recoveryToken(email);
    expect((await reset(token, 'first new password', '/api/v1/reset-password')).statusCode).toBe(200);
    for (const bad of [token, 'no-such-token', 'x'.repeat(2048)]) {
      const response = await reset(bad, 'second new password');
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual(INVALID_TOKEN);
    }
    expect((await login(app, email, 'first new password')).statusCode).toBe(200);
  });

  it('lets exactly one of concurrent uses of a token through', async () => {
    const { email } = await createUser(app);
    const token = await recoveryToken(email);
    const responses = await Promise.all(Array.from({ length: 5 }, (_, i) => reset(token, `parallel password ${i}`)));
    expect(responses.map((response) => response.statusCode).sort()).toEqual([200, 400, 400, 400, 400]);
  });

  it('checks the new password length before spending the token', async () => {
    const { email } = await createUser(app);
    const token = await recoveryToken(email);
    const short = await reset(token, 'short');
    expect(short.statusCode).toBe(422);
    expect(short.json().detail).toEqual([{ loc: ['body', 'new_password'], msg: expect.any(String), type: 'value_error.any_str.min_length' }]);
    expect((await reset(token, 'long enough this time')).json()).toEqual(UPDATED);
  });

  it('voids an older link when a newer one is sent', async () => {
    const { email } = await createUser(app);
    const older = await recoveryToken(email);
    const newer = await recoveryToken(email);
    expect((await reset(older, 'from the older link')).json()).toEqual(INVALID_TOKEN);
    expect((await reset(newer, 'from the newer link')).json()).toEqual(UPDATED);
  });

  it('voids a pending link when the password changes some other way', async () => {
    const { email, user } = await createUser(app);
    const token = await recoveryToken(email);
    await new UserRepository(app.db, app.hasher).update(user, { password: 'changed in the profile' });
    expect((await reset(token, 'from the stale link')).json()).toEqual(INVALID_TOKEN);
    expect((await login(app, email, 'changed in the profile')).statusCode).toBe(200);
  });

  it('refuses the link of an account deactivated since', async () => {
    const { email, user } = await createUser(app);
    const token = await recoveryToken(email);
    // Straight to the table: the repository would also delete the token, and this is the route's own check.
    await app.db.update(users).set({ is_active: false }).where(eq(users.id, user.id));
    expect((await reset(token, 'a brand new password')).json()).toEqual(INVALID_TOKEN);
    expect((await login(app, email, 'a brand new password')).json()).toEqual({ detail: 'Incorrect email or password' });
  });

  it('expires a link after an hour', async () => {
    const early = await createUser(app);
    const late = await createUser(app);
    const earlyToken = await recoveryToken(early.email);
    const lateToken = await recoveryToken(late.email);
    clock.advance(3599);
    expect((await reset(earlyToken, 'just in time')).json()).toEqual(UPDATED);
    clock.advance(2);
    expect((await reset(lateToken, 'one second late')).json()).toEqual(INVALID_TOKEN);
  });

  it('takes the lifetime from PASSWORD_RESET_EXPIRE_MINUTES', async () => {
    const local = manualClock();
    const short = await buildTestApp({ ...smtp.env, PASSWORD_RESET_EXPIRE_MINUTES: '5' }, { clock: local });
    try {
      const { email } = await createUser(short);
      await recover(email, short);
      const mail = await smtp.waitForMail(email);
      expect(mail.text).toContain('within 5 minutes');
      local.advance(301);
      const response = await short.inject({ method: 'POST', url: '/api/v1/reset-password/', payload: { token: linkToken(mail, 'reset-password'), new_password: 'too late now' } });
      expect(response.json()).toEqual(INVALID_TOKEN);
    } finally {
      await short.close();
    }
  });
});
