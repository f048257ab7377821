// /api/v1/users/me/sessions: a user's logins — listed, ended one by one, or all but this one. Expiry moves an
// injected clock; each login is told apart by the session id (`sid`) its access token carries.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/app.js';
import { createUser, type TestUser } from '../helpers/auth.js';
import { manualClock } from '../helpers/clock.js';

const SESSIONS = '/api/v1/users/me/sessions';
const SESSION_FIELDS = ['created_at', 'current', 'id', 'ip', 'last_used_at', 'user_agent'];
const BAD_CREDENTIALS = { detail: 'Could not validate credentials' };
const NOT_FOUND = { detail: 'Session not found' };
const clock = manualClock();
let app: FastifyInstance;

beforeAll(async () => {
  app = await buildTestApp({}, { clock });
});
afterAll(async () => {
  await app.close();
});

type Headers = { authorization: string };
interface Client {
  ip?: string;
  userAgent?: string;
}
interface Login {
  sessionId: string;
  headers: Headers;
  refreshToken: string;
}

/** Logs `user` in from `client`: app.inject's remoteAddress, and a User-Agent header or (undefined) none at all. */
async function loginFrom(user: TestUser, { ip = '127.0.0.1', userAgent }: Client = {}, on = app): Promise<Login> {
  const response = await on.inject({
    method: 'POST',
    url: '/api/v1/login/access-token',
    remoteAddress: ip,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': userAgent },
    payload: new URLSearchParams({ username: user.email, password: user.password }).toString(),
  });
  expect(response.statusCode).toBe(200);
  const { access_token, refresh_token } = response.json();
  return { sessionId: decodeJwt(access_token).sid as string, headers: { authorization: `Bearer ${access_token}` }, refreshToken: refresh_token };
}

const listSessions = (headers: Headers, on = app) => on.inject({ url: SESSIONS, headers });
const endSession = (headers: Headers, id: string) => app.inject({ method: 'DELETE', url: `${SESSIONS}/${id}`, headers });
const endOthers = (headers: Headers) => app.inject({ method: 'DELETE', url: SESSIONS, headers });
const readMe = (headers: Headers, on = app) => on.inject({ url: '/api/v1/users/me', headers });
const refresh = (refresh_token: string, { ip = '127.0.0.1', userAgent }: Client = {}, on = app) =>
  on.inject({
    method: 'POST',
    url: '/api/v1/login/refresh',
    remoteAddress: ip,
    headers: { 'user-agent': userAgent },
    payload: { refresh_token },
  });
const ids = async (headers: Headers, on = app) => (await listSessions(headers, on)).json().map((session: { id: string }) => session.id);

/** The login's access token reads nothing any more, and its refresh token is refused. */
async function expectEnded(login: Login, on = app) {
  const read = await readMe(login.headers, on);
  expect(read.statusCode).toBe(401);
  expect(read.json()).toEqual(BAD_CREDENTIALS);
  const refreshed = await refresh(login.refreshToken, {}, on);
  expect(refreshed.statusCode).toBe(401);
  expect(refreshed.json()).toEqual(BAD_CREDENTIALS);
}

describe('authentication', () => {
  const routes = [
    ['GET', SESSIONS],
    ['DELETE', SESSIONS],
    ['DELETE', `${SESSIONS}/${randomUUID()}`],
  ] as const;

  it.each(routes)('%s %s without a token → 401 Not authenticated', async (method, url) => {
    const response = await app.inject({ method, url });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ detail: 'Not authenticated' });
    expect(response.headers['www-authenticate']).toBe('Bearer');
  });

  it.each(routes)('%s %s with a bad token → 401 Could not validate credentials', async (method, url) => {
    const response = await app.inject({ method, url, headers: { authorization: 'Bearer not.a.token' } });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual(BAD_CREDENTIALS);
  });
});

describe('GET /api/v1/users/me/sessions', () => {
  it('lists the live logins newest first, with their client, and marks the current one', async () => {
    const user = await createUser(app);
    const started: string[] = [];
    const logins: Login[] = [];
    for (const [ip, userAgent] of [
      ['203.0.113.1', 'Firefox/128.0'],
      ['2001:db8::2', 'CNLearn-iOS/1.2'],
      ['198.51.100.3', 'curl/8.5.0'],
    ] as const) {
      clock.advance(1);
      started.push(clock().toISOString());
      logins.push(await loginFrom(user, { ip, userAgent }));
    }
    const response = await listSessions(logins[1]!.headers);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    for (const session of body) expect(Object.keys(session).sort()).toEqual(SESSION_FIELDS);
    expect(body).toEqual([
      { id: logins[2]!.sessionId, created_at: started[2], last_used_at: started[2], ip: '198.51.100.3', user_agent: 'curl/8.5.0', current: false },
      { id: logins[1]!.sessionId, created_at: started[1], last_used_at: started[1], ip: '2001:db8::2', user_agent: 'CNLearn-iOS/1.2', current: true },
      { id: logins[0]!.sessionId, created_at: started[0], last_used_at: started[0], ip: '203.0.113.1', user_agent: 'Firefox/128.0', current: false },
    ]);
    // Each token sees the same list with itself as the current one.
    const fromFirst = (await listSessions(logins[0]!.headers)).json();
    expect(fromFirst.map((session: { current: boolean }) => session.current)).toEqual([false, false, true]);
  });

  it('keeps at most 512 characters of the User-Agent, and null without one (or an empty one)', async () => {
    const user = await createUser(app);
    const long = await loginFrom(user, { userAgent: `Agent/${'x'.repeat(600)}` });
    clock.advance(1);
    const exact = await loginFrom(user, { userAgent: 'y'.repeat(512) });
    clock.advance(1);
    const empty = await loginFrom(user, { userAgent: '' });
    clock.advance(1);
    const none = await loginFrom(user);
    const body = (await listSessions(none.headers)).json();
    expect(body.map((session: { id: string }) => session.id)).toEqual([none, empty, exact, long].map((login) => login.sessionId));
    expect(body.map((session: { user_agent: string | null }) => session.user_agent)).toEqual([null, null, 'y'.repeat(512), `Agent/${'x'.repeat(506)}`]);
  });

  it('shows only the user’s own logins', async () => {
    const [alice, bob] = await Promise.all([createUser(app), createUser(app)]);
    const aliceLogin = await loginFrom(alice);
    const bobLogins = [await loginFrom(bob), await loginFrom(bob)];
    expect(await ids(aliceLogin.headers)).toEqual([aliceLogin.sessionId]);
    expect((await ids(bobLogins[0]!.headers)).sort()).toEqual(bobLogins.map((login) => login.sessionId).sort());
  });

  it('moves last_used_at on a refresh (with the refreshing client), not on other requests', async () => {
    const user = await createUser(app);
    const started = clock().toISOString();
    const first = await loginFrom(user, { ip: '203.0.113.10', userAgent: 'Old/1.0' });
    clock.advance(60);
    for (let i = 0; i < 3; i += 1) expect((await readMe(first.headers)).statusCode).toBe(200);
    expect((await listSessions(first.headers)).json()).toEqual([
      { id: first.sessionId, created_at: started, last_used_at: started, ip: '203.0.113.10', user_agent: 'Old/1.0', current: true },
    ]);

    clock.advance(60);
    const refreshedAt = clock().toISOString();
    const refreshed = await refresh(first.refreshToken, { ip: '203.0.113.11', userAgent: 'New/2.0' });
    expect(refreshed.statusCode).toBe(200);
    const headers = { authorization: `Bearer ${refreshed.json().access_token}` };
    expect(decodeJwt(refreshed.json().access_token).sid).toBe(first.sessionId);
    // The same login, not a new one: one entry, still current for the new token and for the old one.
    const expected = { id: first.sessionId, created_at: started, last_used_at: refreshedAt, ip: '203.0.113.11', user_agent: 'New/2.0', current: true };
    expect((await listSessions(headers)).json()).toEqual([expected]);
    expect((await listSessions(first.headers)).json()).toEqual([expected]);
  });

  it('leaves out logins that ended', async () => {
    const user = await createUser(app);
    const kept = await loginFrom(user);
    const loggedOut = await loginFrom(user);
    expect((await app.inject({ method: 'POST', url: '/api/v1/logout', headers: loggedOut.headers })).statusCode).toBe(204);
    expect(await ids(kept.headers)).toEqual([kept.sessionId]);
  });
});

describe('DELETE /api/v1/users/me/sessions/{session_id}', () => {
  it('ends another login of mine: 204, its tokens stop working, the others go on', async () => {
    const user = await createUser(app);
    const phone = await loginFrom(user, { userAgent: 'phone' });
    const laptop = await loginFrom(user, { userAgent: 'laptop' });
    const response = await endSession(laptop.headers, phone.sessionId);
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    await expectEnded(phone);
    expect((await readMe(laptop.headers)).statusCode).toBe(200);
    expect(await ids(laptop.headers)).toEqual([laptop.sessionId]);
    expect((await refresh(laptop.refreshToken)).statusCode).toBe(200);
  });

  it('ends the current login too (a logout), whatever the letter case of its id', async () => {
    const user = await createUser(app);
    const other = await loginFrom(user);
    const current = await loginFrom(user);
    expect((await endSession(current.headers, current.sessionId.toUpperCase())).statusCode).toBe(204);
    await expectEnded(current);
    expect(await ids(other.headers)).toEqual([other.sessionId]);
    const [latest] = (await app.inject({ method: 'GET', url: '/api/v1/users/me/events?limit=1', headers: other.headers })).json();
    expect(latest.type).toBe('logout');
  });

  it('answers 404 Session not found for another user’s login, an ended one and an unknown id, and ends nothing', async () => {
    const [user, stranger] = await Promise.all([createUser(app), createUser(app)]);
    const mine = await loginFrom(user);
    const ended = await loginFrom(user);
    expect((await endSession(ended.headers, ended.sessionId)).statusCode).toBe(204);
    const theirs = await loginFrom(stranger);
    for (const id of [theirs.sessionId, ended.sessionId, randomUUID(), theirs.sessionId.toUpperCase()]) {
      const response = await endSession(mine.headers, id);
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual(NOT_FOUND);
    }
    expect(await ids(theirs.headers)).toEqual([theirs.sessionId]);
    expect((await readMe(theirs.headers)).statusCode).toBe(200);
    expect(await ids(mine.headers)).toEqual([mine.sessionId]);
  });

  it.each(['not-a-uuid', '12345', `${randomUUID()}x`, `urn:uuid:${randomUUID()}`])('refuses the id %s with a 422 at path.session_id', async (id) => {
    const user = await createUser(app);
    const login = await loginFrom(user);
    const response = await endSession(login.headers, id);
    expect(response.statusCode).toBe(422);
    expect(response.json()).toEqual({ detail: [{ loc: ['path', 'session_id'], msg: 'value is not a valid uuid', type: 'value_error.uuid' }] });
    expect(await ids(login.headers)).toEqual([login.sessionId]);
  });
});

describe('DELETE /api/v1/users/me/sessions', () => {
  it('ends every login but this one and says how many', async () => {
    const [user, stranger] = await Promise.all([createUser(app), createUser(app)]);
    const others = [await loginFrom(user), await loginFrom(user)];
    const current = await loginFrom(user);
    const theirs = await loginFrom(stranger);
    const response = await endOthers(current.headers);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ ended: 2 });
    for (const login of others) await expectEnded(login);
    expect((await readMe(current.headers)).statusCode).toBe(200);
    expect(await ids(current.headers)).toEqual([current.sessionId]);
    // Another user's logins are not touched.
    expect(await ids(theirs.headers)).toEqual([theirs.sessionId]);
    // Nothing left to end.
    expect((await endOthers(current.headers)).json()).toEqual({ ended: 0 });
    expect((await refresh(current.refreshToken)).statusCode).toBe(200);
  });
});

describe('expiry (SESSION_MAX_AGE_DAYS=2, REFRESH_TOKEN_EXPIRE_DAYS=1)', () => {
  const HOUR = 3600;
  const expiring = manualClock();
  let local: FastifyInstance;

  beforeAll(async () => {
    local = await buildTestApp({ SESSION_MAX_AGE_DAYS: '2', REFRESH_TOKEN_EXPIRE_DAYS: '1' }, { clock: expiring });
  });
  afterAll(async () => {
    await local.close();
  });

  it('leaves out a login whose refresh token expired', async () => {
    const user = await createUser(local);
    const idle = await loginFrom(user, {}, local);
    expiring.advance(24 * HOUR - 1);
    const fresh = await loginFrom(user, {}, local);
    expect(await ids(fresh.headers, local)).toEqual([fresh.sessionId, idle.sessionId]);
    expiring.advance(2);
    expect(await ids(fresh.headers, local)).toEqual([fresh.sessionId]);
    expect((await refresh(idle.refreshToken, {}, local)).statusCode).toBe(401);
    // What is not listed cannot be ended either: 404, and nothing counted.
    expect((await local.inject({ method: 'DELETE', url: `${SESSIONS}/${idle.sessionId}`, headers: fresh.headers })).statusCode).toBe(404);
    expect((await local.inject({ method: 'DELETE', url: SESSIONS, headers: fresh.headers })).json()).toEqual({ ended: 0 });
  });

  it('leaves out a login older than SESSION_MAX_AGE_DAYS, however recently it was refreshed', async () => {
    const user = await createUser(local);
    const old = await loginFrom(user, {}, local);
    let refreshToken = old.refreshToken;
    for (let i = 0; i < 2; i += 1) {
      expiring.advance(23 * HOUR);
      const refreshed = await refresh(refreshToken, {}, local);
      expect(refreshed.statusCode).toBe(200);
      refreshToken = refreshed.json().refresh_token;
    }
    expiring.advance(HOUR); // 47 h: refreshed an hour ago, and still within its two days
    const recent = await loginFrom(user, {}, local);
    expect(await ids(recent.headers, local)).toEqual([recent.sessionId, old.sessionId]);
    expiring.advance(HOUR + 1); // past 48 h
    const now = await loginFrom(user, {}, local);
    expect(await ids(now.headers, local)).toEqual([now.sessionId, recent.sessionId]);
    expect((await refresh(refreshToken, {}, local)).statusCode).toBe(401);
  });
});
