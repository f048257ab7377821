// /api/v1/users/me/events and /api/v1/users/{user_id}/events: an account's security history. Each event is produced
// by the real flow it records (login, refresh replay, password and e-mail changes, reset and verification links read
// out of real e-mails, ended logins, lockout), and a refused change records none. Time moves on an injected clock.
import { count, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../src/app.js';
import { securityEvents, users, type SecurityEventType as EventType } from '../../src/db/schema.js';
import { SecurityEventRepository } from '../../src/repositories/security-event.js';
import { buildTestApp, testConfig } from '../helpers/app.js';
import { createUser, login, tokenHeaders, type TestUser } from '../helpers/auth.js';
import { manualClock } from '../helpers/clock.js';
import { createTestDatabase } from '../helpers/database.js';
import { linkToken, startSmtpServer, type SmtpFixture } from '../helpers/smtp.js';
import { randomEmail, randomPassword } from '../helpers/users.js';

interface Event {
  id: number;
  type: EventType;
  created_at: string;
  ip: string | null;
  user_agent: string | null;
  count: number;
}
type Headers = { authorization: string };

const ME_EVENTS = '/api/v1/users/me/events';
const EVENT_FIELDS = ['count', 'created_at', 'id', 'ip', 'type', 'user_agent'];
const HOUR = 3600;
const MISSING_ID = 2_147_483_647;
const clock = manualClock();
let smtp: SmtpFixture;
let app: FastifyInstance;
let superuser: TestUser;

beforeAll(async () => {
  smtp = await startSmtpServer();
  app = await buildTestApp(smtp.env, { clock });
  superuser = await createUser(app, { is_superuser: true });
});
afterAll(async () => {
  await app.close();
  await smtp.close();
});

const form = { 'content-type': 'application/x-www-form-urlencoded' };
/** A login from a given client address and User-Agent. */
const loginFrom = (email: string, password: string, ip: string, userAgent: string, on = app) =>
  on.inject({
    method: 'POST',
    url: '/api/v1/login/access-token',
    remoteAddress: ip,
    headers: { ...form, 'user-agent': userAgent },
    payload: new URLSearchParams({ username: email, password }).toString(),
  });
const bearer = (accessToken: string): Headers => ({ authorization: `Bearer ${accessToken}` });
/** Failed log-ins are recorded after their response: read once the app's background work is done. */
const readEvents = async (headers: Headers, query = '', on = app) => {
  await on.backgroundSettled();
  return on.inject({ url: `${ME_EVENTS}${query}`, headers });
};
const refresh = (refresh_token: string) => app.inject({ method: 'POST', url: '/api/v1/login/refresh', payload: { refresh_token } });

/** A user's whole history as a superuser reads it: no login of the user's own is added to it. */
async function eventsOf(userId: number, on = app, admin = superuser): Promise<Event[]> {
  await on.backgroundSettled();
  const response = await on.inject({ url: `/api/v1/users/${userId}/events?limit=200`, headers: await tokenHeaders(on, admin.email, admin.password) });
  expect(response.statusCode).toBe(200);
  return response.json();
}
const typesOf = async (userId: number) => (await eventsOf(userId)).map((event) => event.type);

/** A fresh user and one login of theirs (which records `login`). */
async function loggedIn(fields: Parameters<typeof createUser>[1] = {}) {
  const created = await createUser(app, fields);
  const tokens = (await login(app, created.email, created.password)).json();
  return { ...created, tokens, headers: bearer(tokens.access_token) };
}

/** Events written straight by the repository (no HTTP), oldest first: for paging, one event per second. */
async function recordEvents(userId: number, types: EventType[]) {
  const repository = new SecurityEventRepository(app.db, clock);
  for (const type of types) {
    clock.advance(1);
    await repository.record(userId, type, { ip: null, user_agent: null });
  }
}

const allEventRows = async () => (await app.db.select({ n: count() }).from(securityEvents))[0]!.n;

describe('GET /api/v1/users/me/events', () => {
  it('needs a bearer token', async () => {
    for (const headers of [{}, { authorization: 'Bearer not.a.token' }]) {
      const response = await app.inject({ url: ME_EVENTS, headers });
      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer');
    }
  });

  it('shows a login as `login`, with its time, client address and User-Agent', async () => {
    const { email, password } = await createUser(app);
    const at = clock().toISOString();
    const response = await loginFrom(email, password, '203.0.113.7', 'Firefox/128.0');
    expect(response.statusCode).toBe(200);
    const events = await readEvents(bearer(response.json().access_token));
    expect(events.statusCode).toBe(200);
    const body = events.json();
    expect(Object.keys(body[0]).sort()).toEqual(EVENT_FIELDS);
    expect(body).toEqual([{ id: expect.any(Number), type: 'login', created_at: at, ip: '203.0.113.7', user_agent: 'Firefox/128.0', count: 1 }]);
  });

  it('lists newest first and pages on with limit and before', async () => {
    const user = await loggedIn();
    const types: EventType[] = ['logout', 'password_changed', 'email_changed', 'email_verified', 'sessions_ended', 'password_reset'];
    await recordEvents(user.user.id, types);
    const all = (await readEvents(user.headers)).json() as Event[];
    expect(all.map((event) => event.type)).toEqual([...types].reverse().concat('login'));
    expect(all.map((event) => event.id)).toEqual(all.map((event) => event.id).sort((a, b) => b - a));
    expect(all.map((event) => event.created_at)).toEqual(all.map((event) => event.created_at).sort().reverse());

    const pages: Event[][] = [];
    let before = '';
    for (;;) {
      const page = (await readEvents(user.headers, `?limit=3${before}`)).json() as Event[];
      if (page.length === 0) break;
      pages.push(page);
      before = `&before=${page.at(-1)!.id}`;
    }
    expect(pages.map((page) => page.length)).toEqual([3, 3, 1]);
    expect(pages.flat()).toEqual(all);
    expect((await readEvents(user.headers, `?before=${all[2]!.id}`)).json()).toEqual(all.slice(3));
  });

  it('answers 50 events by default and up to limit=200', async () => {
    const { user, headers } = await loggedIn();
    const rows = Array.from({ length: 204 }, () => ({ user_id: user.id, type: 'logout' as const, created_at: clock() }));
    await app.db.insert(securityEvents).values(rows);
    expect((await readEvents(headers)).json()).toHaveLength(50);
    const most = (await readEvents(headers, '?limit=200')).json() as Event[];
    expect(most).toHaveLength(200);
    expect((await readEvents(headers, `?limit=200&before=${most.at(-1)!.id}`)).json()).toHaveLength(5);
  });

  it.each([
    ['limit=0', 'limit', 'value_error.number.not_ge'],
    ['limit=201', 'limit', 'value_error.number.not_le'],
    ['limit=ten', 'limit', 'type_error.integer'],
    ['before=0', 'before', 'value_error.number.not_ge'],
    ['before=-5', 'before', 'value_error.number.not_ge'],
    ['before=1.5', 'before', 'type_error.integer'],
  ])('refuses %s with a 422', async (query, field, type) => {
    const { headers } = await loggedIn();
    const response = await readEvents(headers, `?${query}`);
    expect(response.statusCode).toBe(422);
    expect(response.json()).toEqual({ detail: [{ loc: ['query', field], msg: expect.any(String), type }] });
  });

  it('never shows one user’s events to another', async () => {
    const [alice, bob] = [await loggedIn(), await loggedIn()];
    await login(app, alice.email, 'not alice’s password');
    await recordEvents(bob.user.id, ['sessions_ended']);
    const aliceEvents = (await readEvents(alice.headers)).json() as Event[];
    const bobEvents = (await readEvents(bob.headers)).json() as Event[];
    expect(aliceEvents.map((event) => event.type)).toEqual(['login_failed', 'login']);
    expect(bobEvents.map((event) => event.type)).toEqual(['sessions_ended', 'login']);
    const bobIds = new Set(bobEvents.map((event) => event.id));
    expect(aliceEvents.filter((event) => bobIds.has(event.id))).toEqual([]);
    // Paging from the other user's ids shows nothing of theirs either.
    const newest = Math.max(...bobIds, ...aliceEvents.map((event) => event.id));
    expect((await readEvents(alice.headers, `?before=${newest + 1}`)).json()).toEqual(aliceEvents);
  });
});

describe('GET /api/v1/users/{user_id}/events', () => {
  it('shows a superuser the same list the user sees, with paging', async () => {
    const user = await loggedIn();
    await recordEvents(user.user.id, ['logout', 'password_changed']);
    const own = (await readEvents(user.headers)).json();
    expect(own).toHaveLength(3);
    expect(await eventsOf(user.user.id)).toEqual(own);
    const admin = await tokenHeaders(app, superuser.email, superuser.password);
    const page = await app.inject({ url: `/api/v1/users/${user.user.id}/events?limit=1&before=${own[0].id}`, headers: admin });
    expect(page.json()).toEqual([own[1]]);
  });

  it('refuses a normal user (403), even for their own id, and answers 404 for an unknown user', async () => {
    const user = await loggedIn();
    for (const id of [superuser.user.id, user.user.id]) {
      const response = await app.inject({ url: `/api/v1/users/${id}/events`, headers: user.headers });
      expect(response.statusCode).toBe(403);
      expect(response.json()).toEqual({ detail: "The user doesn't have enough privileges" });
    }
    const admin = await tokenHeaders(app, superuser.email, superuser.password);
    const missing = await app.inject({ url: `/api/v1/users/${MISSING_ID}/events`, headers: admin });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ detail: 'User not found' });
    expect((await app.inject({ url: `/api/v1/users/${user.user.id}/events` })).statusCode).toBe(401);
    expect((await app.inject({ url: `/api/v1/users/${user.user.id}/events?limit=0`, headers: admin })).statusCode).toBe(422);
  });
});

describe('the flows that record events', () => {
  it('a wrong password records `login_failed` with its client; an unknown address records nothing', async () => {
    const { user, email } = await createUser(app);
    const at = clock().toISOString();
    expect((await loginFrom(email, 'wrong password', '198.51.100.9', 'Guesser/0.1')).statusCode).toBe(400);
    expect(await eventsOf(user.id)).toEqual([
      { id: expect.any(Number), type: 'login_failed', created_at: at, ip: '198.51.100.9', user_agent: 'Guesser/0.1', count: 1 },
    ]);
    const before = await allEventRows();
    expect((await login(app, randomEmail(), 'whatever password')).statusCode).toBe(400);
    expect(await allEventRows()).toBe(before);
  });

  it('more than 10 failures in an hour give 10 rows whose counts add up; the next hour starts new rows', async () => {
    const { user, email } = await createUser(app);
    for (let i = 0; i < 13; i += 1) {
      clock.advance(60);
      expect((await login(app, email, `wrong password ${i}`)).statusCode).toBe(400);
    }
    const failed = await eventsOf(user.id);
    expect(failed.map((event) => event.type)).toEqual(Array(10).fill('login_failed'));
    expect(failed.map((event) => event.count)).toEqual([4, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect(failed.reduce((sum, event) => sum + event.count, 0)).toBe(13);

    clock.advance(HOUR);
    expect((await login(app, email, 'wrong password again')).statusCode).toBe(400);
    const later = await eventsOf(user.id);
    expect(later).toHaveLength(11);
    expect(later[0]).toMatchObject({ type: 'login_failed', count: 1, created_at: clock().toISOString() });
    expect(later.slice(1)).toEqual(failed);
  });

  it('concurrent failures keep to the cap of 10 rows an hour, in every round', async () => {
    for (let round = 0; round < 3; round += 1) {
      const { user, email } = await createUser(app);
      const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => login(app, email, `wrong password ${i}`)));
      expect(answers.every((answer) => answer.statusCode === 400)).toBe(true);
      const failed = await eventsOf(user.id);
      expect(failed).toHaveLength(10);
      expect(failed.reduce((sum, event) => sum + event.count, 0)).toBe(30);
    }
  });

  it('logout records `logout`, and so does ending the current login by its id', async () => {
    const user = await loggedIn();
    expect((await app.inject({ method: 'POST', url: '/api/v1/logout', headers: user.headers })).statusCode).toBe(204);
    const second = (await login(app, user.email, user.password)).json();
    const sid = decodeJwt(second.access_token).sid as string;
    expect((await app.inject({ method: 'DELETE', url: `/api/v1/users/me/sessions/${sid}`, headers: bearer(second.access_token) })).statusCode).toBe(204);
    expect(await typesOf(user.user.id)).toEqual(['logout', 'login', 'logout', 'login']);
  });

  it('replaying a spent refresh token records `refresh_reuse_detected` once; a refresh itself records nothing', async () => {
    const user = await loggedIn();
    const rotated = await refresh(user.tokens.refresh_token);
    expect(rotated.statusCode).toBe(200);
    expect(await typesOf(user.user.id)).toEqual(['login']);
    for (let i = 0; i < 2; i += 1) expect((await refresh(user.tokens.refresh_token)).statusCode).toBe(401);
    expect(await typesOf(user.user.id)).toEqual(['refresh_reuse_detected', 'login']);
    // The whole login ended: its newest refresh token is refused too, and writes nothing more.
    expect((await refresh(rotated.json().refresh_token)).statusCode).toBe(401);
    expect(await typesOf(user.user.id)).toEqual(['refresh_reuse_detected', 'login']);
  });

  it('PATCH /users/me/password records `password_changed`; a refused change records none', async () => {
    const user = await loggedIn();
    const patch = (payload: object) => app.inject({ method: 'PATCH', url: '/api/v1/users/me/password', headers: user.headers, payload });
    expect((await patch({ current_password: 'not my password', new_password: randomPassword() })).statusCode).toBe(400);
    expect((await patch({ current_password: user.password, new_password: user.password })).statusCode).toBe(400);
    expect((await patch({ current_password: user.password, new_password: 'short' })).statusCode).toBe(422);
    expect(await typesOf(user.user.id)).toEqual(['login_failed', 'login']);
    expect((await patch({ current_password: user.password, new_password: randomPassword() })).statusCode).toBe(200);
    expect(await typesOf(user.user.id)).toEqual(['password_changed', 'login_failed', 'login']);
  });

  it('PATCH /users/me with a new address and the password records `email_changed`; refused or no-change updates record none', async () => {
    const user = await loggedIn();
    const taken = await createUser(app);
    const patch = (payload: object) => app.inject({ method: 'PATCH', url: '/api/v1/users/me', headers: user.headers, payload });
    const wrong = await patch({ email: randomEmail(), current_password: 'not my password' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toEqual({ detail: 'Incorrect password' });
    expect((await patch({ email: randomEmail() })).statusCode).toBe(422);
    expect((await patch({ email: taken.email, current_password: user.password })).statusCode).toBe(409);
    expect((await patch({ full_name: 'Only a name' })).statusCode).toBe(200);
    expect((await patch({ email: user.email.toUpperCase(), current_password: user.password })).statusCode).toBe(200);
    expect(await typesOf(user.user.id)).toEqual(['login_failed', 'login']);

    const response = await app.inject({
      method: 'PATCH',
      url: '/api/v1/users/me',
      headers: { ...user.headers, 'user-agent': 'Settings/3.0' },
      remoteAddress: '192.0.2.44',
      payload: { email: randomEmail(), current_password: user.password },
    });
    expect(response.statusCode).toBe(200);
    const [changed] = await eventsOf(user.user.id);
    expect(changed).toMatchObject({ type: 'email_changed', ip: '192.0.2.44', user_agent: 'Settings/3.0', count: 1 });
    expect(await typesOf(user.user.id)).toEqual(['email_changed', 'login_failed', 'login']);
  });

  it('a reset link records `password_reset` (not `password_changed`); a bad token or a refused password records none', async () => {
    const { user, email } = await createUser(app);
    expect((await app.inject({ method: 'POST', url: `/api/v1/password-recovery/${encodeURIComponent(email)}` })).statusCode).toBe(200);
    const token = linkToken(await smtp.waitForMail(email), 'reset-password');
    const reset = (t: string, new_password: string) => app.inject({ method: 'POST', url: '/api/v1/reset-password/', payload: { token: t, new_password } });
    expect((await reset('no-such-token', randomPassword())).statusCode).toBe(400);
    expect((await reset(token, 'short')).statusCode).toBe(422);
    expect(await typesOf(user.id)).toEqual([]);
    expect((await reset(token, randomPassword())).statusCode).toBe(200);
    expect(await typesOf(user.id)).toEqual(['password_reset']);
    expect((await reset(token, randomPassword())).statusCode).toBe(400); // spent
    expect(await typesOf(user.id)).toEqual(['password_reset']);
  });

  it('a verification link records `email_verified`; a spent one records nothing more', async () => {
    const user = await loggedIn();
    expect((await app.inject({ method: 'POST', url: '/api/v1/users/me/verify-email', headers: user.headers })).statusCode).toBe(200);
    const token = linkToken(await smtp.waitForMail(user.email), 'verify-email');
    const verify = () => app.inject({ method: 'POST', url: '/api/v1/verify-email/', payload: { token } });
    expect((await verify()).statusCode).toBe(200);
    expect((await verify()).statusCode).toBe(400);
    expect(await typesOf(user.user.id)).toEqual(['email_verified', 'login']);
  });

  it('ending other logins records `sessions_ended`; ending none, or an unknown id, records nothing', async () => {
    const user = await loggedIn();
    const others = [(await login(app, user.email, user.password)).json(), (await login(app, user.email, user.password)).json()];
    const sessions = '/api/v1/users/me/sessions';
    const one = decodeJwt(others[0].access_token).sid as string;
    expect((await app.inject({ method: 'DELETE', url: `${sessions}/${one}`, headers: user.headers })).statusCode).toBe(204);
    expect((await app.inject({ method: 'DELETE', url: `${sessions}/${one}`, headers: user.headers })).statusCode).toBe(404);
    expect(await typesOf(user.user.id)).toEqual(['sessions_ended', 'login', 'login', 'login']);

    expect((await app.inject({ method: 'DELETE', url: sessions, headers: user.headers })).json()).toEqual({ ended: 1 });
    expect((await app.inject({ method: 'DELETE', url: sessions, headers: user.headers })).json()).toEqual({ ended: 0 });
    expect(await typesOf(user.user.id)).toEqual(['sessions_ended', 'sessions_ended', 'login', 'login', 'login']);
  });

  it('reaching LOGIN_MAX_FAILURES records `locked` once, after the failure that reached it', async () => {
    const locking = await buildTestApp({ RATE_LIMIT_ENABLED: 'true', LOGIN_FREE_FAILURES: '3', LOGIN_MAX_FAILURES: '3', LOGIN_MAX_LOCKOUT_SECONDS: '900' });
    try {
      const admin = await createUser(locking, { is_superuser: true });
      const { user, email, password } = await createUser(locking);
      for (let i = 0; i < 2; i += 1) expect((await login(locking, email, 'wrong password')).statusCode).toBe(400);
      expect((await eventsOf(user.id, locking, admin)).map((event) => event.type)).toEqual(['login_failed', 'login_failed']);
      expect((await login(locking, email, 'wrong password')).statusCode).toBe(400);
      const types = (await eventsOf(user.id, locking, admin)).map((event) => event.type);
      expect(types).toEqual(['locked', 'login_failed', 'login_failed', 'login_failed']);
      // Blocked from now on: refused before any password check, so nothing more is recorded.
      for (const attempt of ['wrong password', password]) expect((await login(locking, email, attempt)).statusCode).toBe(429);
      expect(await eventsOf(user.id, locking, admin)).toHaveLength(4);
    } finally {
      await locking.close();
    }
  });
});

describe('retention (SECURITY_EVENTS_RETENTION_DAYS)', () => {
  const DAY = 86_400;

  it('prune(days) deletes the events older than `days`, of every user, and nothing newer', async () => {
    const pruneClock = manualClock();
    const local = await buildTestApp({}, { clock: pruneClock });
    try {
      const repository = new SecurityEventRepository(local.db, pruneClock);
      const types = async (userId: number) => (await repository.list(userId, { limit: 200 })).map((event) => event.type);
      const [alice, bob] = [await createUser(local), await createUser(local)];
      for (const { user } of [alice, bob]) await repository.record(user.id, 'login', { ip: null, user_agent: null });
      pruneClock.advance(100 * DAY);
      await repository.record(alice.user.id, 'logout', { ip: null, user_agent: null });
      pruneClock.advance(265 * DAY);
      expect(await repository.prune(365)).toBe(0); // the oldest are exactly 365 days old: kept
      pruneClock.advance(1);
      expect(await repository.prune(365)).toBe(2);
      expect(await types(alice.user.id)).toEqual(['logout']);
      expect(await types(bob.user.id)).toEqual([]);
      expect(await repository.prune(30)).toBe(1);
      expect(await types(alice.user.id)).toEqual([]);
    } finally {
      await local.close();
    }
  });

  it('the app prunes when it is ready, then every hour', async () => {
    const database = await createTestDatabase();
    const start = manualClock();
    const [user] = await database.db.insert(users).values({ email: randomEmail(), hashed_password: 'no login' }).returning();
    const seed = new SecurityEventRepository(database.db, start);
    await seed.record(user!.id, 'login', { ip: null, user_agent: null }); // 31 days old at the start below
    start.advance(2 * DAY);
    await seed.record(user!.id, 'logout', { ip: null, user_agent: null }); // 29 days old
    start.advance(29 * DAY);
    const remaining = async () =>
      (await database.db.select({ type: securityEvents.type }).from(securityEvents).where(eq(securityEvents.user_id, user!.id))).map((row) => row.type);

    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    let local: FastifyInstance | undefined;
    try {
      local = await buildApp(testConfig({ SECURITY_EVENTS_RETENTION_DAYS: '30' }), { database, clock: start });
      await vi.waitFor(async () => expect(await remaining()).toEqual(['logout']));
      start.advance(2 * DAY);
      expect(await remaining()).toEqual(['logout']);
      vi.advanceTimersByTime(HOUR * 1000);
      await vi.waitFor(async () => expect(await remaining()).toEqual([]));
    } finally {
      vi.useRealTimers();
      await (local ? local.close() : database.close());
    }
  });
});
