// The findings of the second account-security audit, one describe each (numbered as in the audit). Every test here
// failed on the code before the fix; races are loops of rounds, never sleeps.
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalEmail } from '../../src/core/email.js';
import { users } from '../../src/db/schema.js';
import { UserRepository } from '../../src/repositories/user.js';
import { guardKey } from '../../src/services/login-guard.js';
import { buildTestApp } from '../helpers/app.js';
import { createUser, login, tokenHeaders } from '../helpers/auth.js';
import { manualClock } from '../helpers/clock.js';
import { mailbox, tokenIn } from '../helpers/mailbox.js';
import { randomEmail } from '../helpers/users.js';

const INCORRECT_PASSWORD = { detail: 'Incorrect password' };
const INVALID_TOKEN = { detail: 'Invalid token' };
const BAD_CREDENTIALS = { detail: 'Could not validate credentials' };
const LAST_SUPERUSER = { detail: 'The last active superuser cannot be demoted or deactivated' };

const box = mailbox();
const clock = manualClock();
let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp({}, { mailer: box.mailer, clock });
});
afterAll(async () => app.close());

type Headers = { authorization: string };
const me = (headers: Headers, on = app) => on.inject({ method: 'GET', url: '/api/v1/users/me', headers });
const patchMe = (headers: Headers, payload: object, on = app) => on.inject({ method: 'PATCH', url: '/api/v1/users/me', headers, payload });
const patchPassword = (headers: Headers, payload: object, on = app) =>
  on.inject({ method: 'PATCH', url: '/api/v1/users/me/password', headers, payload });
const recover = (email: string, on = app) => on.inject({ method: 'POST', url: `/api/v1/password-recovery/${encodeURIComponent(email)}` });
const reset = (token: string, new_password: string) => app.inject({ method: 'POST', url: '/api/v1/reset-password/', payload: { token, new_password } });
const refresh = (refresh_token: string, on = app) => on.inject({ method: 'POST', url: '/api/v1/login/refresh', payload: { refresh_token } });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function loginPair(email: string, password: string, on = app): Promise<{ access_token: string; refresh_token: string }> {
  const response = await login(on, email, password);
  expect(response.statusCode).toBe(200);
  return response.json();
}

describe('1. a stolen access token cannot take the account over', () => {
  it('changing the e-mail needs the current password: 422 without it, 400 when wrong, and nothing changes', async () => {
    const { email, password } = await createUser(app);
    const headers = await tokenHeaders(app, email, password);
    const attacker = randomEmail();
    const without = await patchMe(headers, { email: attacker });
    expect(without.statusCode).toBe(422);
    expect(without.json().detail[0].loc).toEqual(['body', 'current_password']);
    const wrong = await patchMe(headers, { email: attacker, current_password: 'not the password' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toEqual(INCORRECT_PASSWORD);
    expect((await me(headers)).json().email).toBe(email);
    // So the takeover chain stops here: a recovery link for the attacker's address goes nowhere.
    expect((await recover(attacker)).statusCode).toBe(200);
    expect(box.sent.some((mail) => mail.to === attacker)).toBe(false);
  });

  it('a change ends every other login, keeps this one, and tells the old address', async () => {
    const { email, password } = await createUser(app);
    const other = await loginPair(email, password);
    const headers = await tokenHeaders(app, email, password);
    const moved = randomEmail();
    const response = await patchMe(headers, { email: moved, current_password: password });
    expect(response.statusCode).toBe(200);
    expect((await me(headers)).json().email).toBe(moved);
    expect((await me(bearer(other.access_token))).json()).toEqual(BAD_CREDENTIALS);
    expect((await refresh(other.refresh_token)).statusCode).toBe(401);
    const notice = await box.next(email, /e-mail address was changed/);
    expect(notice.text).toContain(moved);
    expect(notice.text).toContain('If this was not you, reset your password');
  });

  it('a password change and a reset each send a notice to the account', async () => {
    const { email, password } = await createUser(app);
    const headers = await tokenHeaders(app, email, password);
    expect((await patchPassword(headers, { current_password: password, new_password: 'a changed password 1' })).statusCode).toBe(200);
    expect((await box.next(email, /password was changed/)).text).toContain('was changed');
    await recover(email);
    const token = tokenIn(await box.next(email, /reset your password/), 'reset-password');
    expect((await reset(token, 'a changed password 2')).statusCode).toBe(200);
    expect((await box.next(email, /password was changed/)).text).toContain('reset by e-mail link');
  });
});

describe('2. the login guard cannot be dodged with Unicode spellings', () => {
  const GUARDED = { RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_LOGIN_PER_MINUTE: '1000', LOGIN_FREE_FAILURES: '2', LOGIN_MAX_LOCKOUT_SECONDS: '60' };
  let guarded: FastifyInstance;
  beforeAll(async () => {
    guarded = await buildTestApp(GUARDED);
  });
  afterAll(async () => guarded.close());

  /** Blocks `email` (right password → 429), then tries the spelling with the right password. */
  async function afterBlock(email: string, password: string, spelling: string): Promise<number> {
    for (let i = 0; i < 3; i += 1) await login(guarded, email, 'wrong password');
    expect((await login(guarded, email, password)).statusCode).toBe(429);
    return (await login(guarded, spelling, password)).statusCode;
  }

  it.each([
    ['dotted capital I (U+0130)', 'iris', (local: string) => local.replace('i', 'İ')],
    ['Kelvin sign (U+212A)', 'kim', (local: string) => local.replace('k', '\u212A')],
    ['full-width letters', 'fox', (local: string) => local.replace(/[a-z]/g, (c) => String.fromCodePoint(c.codePointAt(0)! + 0xfee0))],
    ['sharp s', 'strasse', (local: string) => local.replace('ss', 'ß')],
    ['upper case', 'upper', (local: string) => local.toUpperCase()],
  ])('%s: a blocked account stays blocked, and no spelling logs in as it with a fresh budget', async (_name, prefix, spell) => {
    const local = `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
    const { email, password } = await createUser(guarded, { email: `${local}@example.com` });
    const status = await afterBlock(email, password, `${spell(local)}@example.com`);
    // Either the spelling names the account (and its guard answers: 429) or it names no account (400).
    expect([400, 429]).toContain(status);
  });

  it('the guard key and the account lookup agree on every spelling (one canonical form for JS and SQL)', async () => {
    const repo = new UserRepository(guarded.db, guarded.hasher);
    const { user, email } = await createUser(guarded, { email: `kiri-${Date.now()}@example.com` });
    const local = email.split('@')[0]!;
    const spellings = [email.toUpperCase(), local.replace('i', 'İ'), local.replace('k', '\u212A'), local.replace('k', 'ｋ'), ` ${email} `];
    for (const spelling of spellings.map((s) => (s.includes('@') ? s : `${s}@example.com`))) {
      const found = await repo.getByEmail(spelling);
      // Found ⇔ the canonical forms are equal; the guard key follows.
      expect(found?.id === user.id).toBe(canonicalEmail(spelling) === canonicalEmail(email));
      expect(guardKey(found, spelling)).toBe(found ? `user:${user.id}` : `email:${canonicalEmail(spelling)}`);
    }
  });
});

describe('3. a login cannot outlive a password change that ran while it was checked', () => {
  it('in every round, no login made with the old password works after the change', { timeout: 120_000 }, async () => {
    const ROUNDS = 10;
    let survivors = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      const { email, password } = await createUser(app);
      const headers = await tokenHeaders(app, email, password);
      let changed = false;
      const tokens: string[] = [];
      const loop = async () => {
        while (!changed) {
          const response = await login(app, email, password);
          if (response.statusCode === 200) tokens.push(response.json().access_token);
        }
      };
      const loops = [loop(), loop(), loop(), loop()];
      const change = await patchPassword(headers, { current_password: password, new_password: `a new password ${round}` });
      changed = true;
      await Promise.all(loops);
      expect(change.statusCode).toBe(200);
      for (const token of tokens) if ((await me(bearer(token))).statusCode === 200) survivors += 1;
    }
    expect(survivors).toBe(0);
  });
});

describe('4. a verification link proves only the address it was sent to', () => {
  it('a link issued for the old address (a late background task) cannot verify the new one', async () => {
    const { email, password, user } = await createUser(app);
    const headers = await tokenHeaders(app, email, password);
    const stale = (await new UserRepository(app.db).get(user.id))!; // the user as a request saw it
    const moved = randomEmail();
    expect((await patchMe(headers, { email: moved, current_password: password })).statusCode).toBe(200);
    app.emails.sendVerification(stale); // the task that was queued before the change runs only now
    const token = tokenIn(await box.next(email, /confirm your e-mail/), 'verify-email');
    const response = await app.inject({ method: 'POST', url: '/api/v1/verify-email/', payload: { token } });
    expect(response.json()).toEqual(INVALID_TOKEN);
    const [row] = await app.db.select().from(users).where(eq(users.id, user.id));
    expect(row!.is_verified).toBe(false);
  });

  it('a reset link issued for the old address cannot reset the account at its new one', async () => {
    const { email, password, user } = await createUser(app);
    const headers = await tokenHeaders(app, email, password);
    const stale = (await new UserRepository(app.db).get(user.id))!;
    expect((await patchMe(headers, { email: randomEmail(), current_password: password })).statusCode).toBe(200);
    app.emails.sendPasswordReset(stale);
    const token = tokenIn(await box.next(email, /reset your password/), 'reset-password');
    expect((await reset(token, 'a takeover password')).json()).toEqual(INVALID_TOKEN);
  });
});

describe('5. a reset link does not survive an e-mail change', () => {
  it('the pending link is void once the address changed', async () => {
    const { email, password } = await createUser(app);
    await recover(email);
    const token = tokenIn(await box.next(email, /reset your password/), 'reset-password');
    const headers = await tokenHeaders(app, email, password);
    expect((await patchMe(headers, { email: randomEmail(), current_password: password })).statusCode).toBe(200);
    expect((await reset(token, 'a takeover password')).json()).toEqual(INVALID_TOKEN);
  });
});

describe('6. guessing the current password is throttled like log-in', () => {
  const GUARDED = { RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_LOGIN_PER_MINUTE: '1000', LOGIN_FREE_FAILURES: '3', LOGIN_MAX_LOCKOUT_SECONDS: '60' };
  let guarded: FastifyInstance;
  beforeAll(async () => {
    guarded = await buildTestApp(GUARDED);
  });
  afterAll(async () => guarded.close());

  it.each([
    ['PATCH /users/me/password', (headers: Headers, current_password: string) => patchPassword(headers, { current_password, new_password: 'a fresh new password' }, guarded)],
    ['PATCH /users/me (e-mail)', (headers: Headers, current_password: string) => patchMe(headers, { email: randomEmail(), current_password }, guarded)],
  ])('%s: after the free failures even the right password is a 429, and log-in is blocked too', async (_route, attempt) => {
    const { email, password } = await createUser(guarded);
    const headers = await tokenHeaders(guarded, email, password);
    for (let i = 0; i < 3; i += 1) expect((await attempt(headers, `guess ${i}`)).json()).toEqual(INCORRECT_PASSWORD);
    await attempt(headers, 'one more guess'); // takes the gate
    const right = await attempt(headers, password);
    expect(right.statusCode).toBe(429);
    expect(Number(right.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await login(guarded, email, password)).statusCode).toBe(429); // one account, one guard
  });

  it('the per-IP log-in limit counts password checks', async () => {
    const limited = await buildTestApp({ RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_LOGIN_PER_MINUTE: '2' });
    try {
      const { email, password } = await createUser(limited);
      const headers = await tokenHeaders(limited, email, password); // the first of two
      expect((await patchPassword(headers, { current_password: 'guess', new_password: 'a fresh new password' }, limited)).statusCode).toBe(400);
      expect((await patchPassword(headers, { current_password: 'guess', new_password: 'a fresh new password' }, limited)).statusCode).toBe(429);
    } finally {
      await limited.close();
    }
  });
});

describe('7. PATCH /users/me is rate-limited per account and per IP', () => {
  it('the 4th change of a minute is a 429, per account from any address, and per address for any account', async () => {
    const limited = await buildTestApp({ RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_PROFILE_PER_MINUTE: '3' });
    try {
      const headersOf = async () => {
        const { email, password } = await createUser(limited);
        return tokenHeaders(limited, email, password);
      };
      const [a, b, c] = [await headersOf(), await headersOf(), await headersOf()];
      const probe = (headers: Headers, remoteAddress: string) =>
        limited.inject({ method: 'PATCH', url: '/api/v1/users/me', headers, remoteAddress, payload: { full_name: 'x' } });
      for (const ip of ['10.0.0.1', '10.0.0.2', '10.0.0.3']) expect((await probe(a, ip)).statusCode).toBe(200);
      expect((await probe(a, '10.0.0.4')).statusCode).toBe(429); // account a: its 4th, from a fresh address
      expect((await probe(b, '10.0.1.1')).statusCode).toBe(200);
      expect((await probe(c, '10.0.1.1')).statusCode).toBe(200);
      expect((await probe(c, '10.0.1.1')).statusCode).toBe(200);
      expect((await probe(b, '10.0.1.1')).statusCode).toBe(429); // address 10.0.1.1: its 4th, for b's 2nd
    } finally {
      await limited.close();
    }
  });
});

describe('8. the last active superuser stays', () => {
  it('cannot demote or deactivate themselves (400), nor be deleted', async () => {
    const local = await buildTestApp();
    try {
      const admin = await createUser(local, { is_superuser: true });
      const headers = await tokenHeaders(local, admin.email, admin.password);
      const patch = (id: number, payload: object) => local.inject({ method: 'PATCH', url: `/api/v1/users/${id}`, headers, payload });
      for (const payload of [{ is_superuser: false }, { is_active: false }, { is_active: false, is_superuser: false }]) {
        const response = await patch(admin.user.id, payload);
        expect(response.statusCode).toBe(400);
        expect(response.json()).toEqual(LAST_SUPERUSER);
      }
      expect((await me(headers, local)).json()).toMatchObject({ is_superuser: true, is_active: true });
      expect((await new UserRepository(local.db).remove(admin.user.id).catch((error: Error) => error.message))).toBe(LAST_SUPERUSER.detail);
      // With a second one, either may step down; then the other is the last.
      const second = await createUser(local, { is_superuser: true });
      expect((await patch(second.user.id, { is_superuser: false })).statusCode).toBe(200);
      expect((await patch(admin.user.id, { is_superuser: false })).json()).toEqual(LAST_SUPERUSER);
    } finally {
      await local.close();
    }
  });

  it('two superusers demoting each other at once leave one, in every round', { timeout: 60_000 }, async () => {
    const local = await buildTestApp();
    try {
      for (let round = 0; round < 8; round += 1) {
        await local.db.update(users).set({ is_superuser: false }).where(eq(users.is_superuser, true));
        const [a, b] = [await createUser(local, { is_superuser: true }), await createUser(local, { is_superuser: true })];
        const [ha, hb] = [await tokenHeaders(local, a.email, a.password), await tokenHeaders(local, b.email, b.password)];
        const demote = (headers: Headers, id: number) => local.inject({ method: 'PATCH', url: `/api/v1/users/${id}`, headers, payload: { is_superuser: false } });
        const answers = await Promise.all([demote(ha, b.user.id), demote(hb, a.user.id)]);
        expect(answers.map((r) => r.statusCode).every((s) => s === 200 || s === 400 || s === 401)).toBe(true);
        const left = await local.db.select().from(users).where(eq(users.is_superuser, true));
        expect(left.filter((user) => user.is_active)).toHaveLength(1);
      }
    } finally {
      await local.close();
    }
  });
});

describe('9. refresh applies log-in’s checks, and a login has an absolute lifetime', () => {
  it('an account that is no longer verified cannot refresh while verification is required', async () => {
    const local = await buildTestApp({ REQUIRE_EMAIL_VERIFICATION: 'true' }, { mailer: mailbox().mailer });
    try {
      const { email, password } = await createUser(local, { is_verified: true });
      const pair = await loginPair(email, password, local);
      // A new address must be verified again; the login that changed it goes on, but cannot be renewed.
      const headers = bearer(pair.access_token);
      expect((await patchMe(headers, { email: randomEmail(), current_password: password }, local)).statusCode).toBe(200);
      expect((await refresh(pair.refresh_token, local)).json()).toEqual(BAD_CREDENTIALS);
    } finally {
      await local.close();
    }
  });

  it('refresh refuses once the login is SESSION_MAX_AGE_DAYS old, however often it was renewed', async () => {
    const moved = manualClock();
    const local = await buildTestApp({ SESSION_MAX_AGE_DAYS: '30', REFRESH_TOKEN_EXPIRE_DAYS: '14' }, { clock: moved });
    try {
      const { email, password } = await createUser(local);
      let { refresh_token } = await loginPair(email, password, local);
      for (const days of [13, 13]) {
        moved.advance(days * 86_400);
        const renewed = await refresh(refresh_token, local);
        expect(renewed.statusCode).toBe(200);
        refresh_token = renewed.json().refresh_token;
      }
      moved.advance(4 * 86_400 + 1); // day 30 and a second: the last token would still be valid for 10 days
      expect((await refresh(refresh_token, local)).json()).toEqual(BAD_CREDENTIALS);
    } finally {
      await local.close();
    }
  });
});

describe('also', () => {
  it('verification e-mails do not use up the password-recovery limit', async () => {
    const local = await buildTestApp({ RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_RECOVERY_PER_MINUTE: '1' }, { mailer: mailbox().mailer });
    try {
      const { email, password } = await createUser(local);
      const headers = await tokenHeaders(local, email, password);
      const verify = () => local.inject({ method: 'POST', url: '/api/v1/users/me/verify-email', headers });
      expect((await verify()).statusCode).toBe(200);
      expect((await verify()).statusCode).toBe(200);
      expect((await recover(email, local)).statusCode).toBe(200);
    } finally {
      await local.close();
    }
  });

  it('password recovery mails an address at most once a minute, answering alike', async () => {
    const local = await buildTestApp({ RATE_LIMIT_ENABLED: 'true' }, { mailer: box.mailer, clock });
    const { email } = await createUser(local);
    const first = await recover(email, local);
    await box.next(email, /reset your password/);
    const second = await recover(email.toUpperCase(), local);
    expect(second.json()).toEqual(first.json());
    await local.close(); // drains the background tasks
    expect(box.sent.filter((mail) => mail.to === email)).toHaveLength(1);
  });

  it('the same password twice is answered as such before the policy judges it', async () => {
    const local = await buildTestApp({ PASSWORD_MIN_LENGTH: '12' });
    try {
      const { email, password } = await createUser(local, { password: 'short pw' }); // from before the policy
      const headers = await tokenHeaders(local, email, password);
      const response = await patchPassword(headers, { current_password: password, new_password: password }, local);
      expect(response.json()).toEqual({ detail: 'New password cannot be the same as the current one' });
    } finally {
      await local.close();
    }
  });
});
