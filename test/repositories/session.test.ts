// SessionRepository on its own: starting a login, rotating its refresh tokens (expiry, absolute lifetime, replay),
// listing the live ones and ending them, with a clock moved by hand.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { refreshTokens, securityEvents, sessions, users } from '../../src/db/schema.js';
import { hashToken } from '../../src/core/tokens.js';
import { SessionRepository, type SessionPolicy } from '../../src/repositories/session.js';
import { manualClock } from '../helpers/clock.js';
import { createTestDatabase } from '../helpers/database.js';
import { randomEmail } from '../helpers/users.js';

const CLIENT = { ip: '198.51.100.4', user_agent: 'Probe/1.0' };
const LATER_CLIENT = { ip: '198.51.100.5', user_agent: 'Probe/2.0' };
const START = new Date('2030-03-01T00:00:00.000Z');
/** Refresh tokens live an hour, a login a day. */
const POLICY: SessionPolicy = { refreshTtlSeconds: 3600, maxAgeSeconds: 86_400, requireVerified: false };

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

async function newUser(values: Partial<typeof users.$inferInsert> = {}) {
  const [row] = await database.db
    .insert(users)
    .values({ email: randomEmail(), hashed_password: 'x', ...values })
    .returning();
  return row!;
}

const eventsOf = async (userId: number) =>
  (await database.db.select().from(securityEvents).where(eq(securityEvents.user_id, userId)).orderBy(securityEvents.id)).map(
    ({ type, ip, user_agent }) => ({ type, ip, user_agent }),
  );
const sessionRow = async (id: string) => (await database.db.select().from(sessions).where(eq(sessions.id, id)))[0]!;
const tokenRow = async (token: string) => (await database.db.select().from(refreshTokens).where(eq(refreshTokens.token_hash, hashToken(token))))[0];

/** A repository on its own clock, and a user with one login started at START. */
async function started(policy = POLICY, userValues: Partial<typeof users.$inferInsert> = {}) {
  const clock = manualClock(START);
  const repo = new SessionRepository(database.db, clock);
  const user = await newUser(userValues);
  const login = (await repo.start(user, policy, CLIENT))!;
  return { clock, repo, user, login };
}

describe('SessionRepository.start', () => {
  it('writes the login, its first refresh token and a login event', async () => {
    const { user, login } = await started();
    expect(await sessionRow(login.sessionId)).toEqual({
      id: login.sessionId,
      user_id: user.id,
      created_at: START,
      last_used_at: START,
      revoked_at: null,
      ...CLIENT,
    });
    expect(await tokenRow(login.refreshToken)).toEqual({
      token_hash: hashToken(login.refreshToken),
      session_id: login.sessionId,
      expires_at: new Date(START.getTime() + 3600 * 1000),
      used_at: null,
    });
    expect(await eventsOf(user.id)).toEqual([{ type: 'login', ...CLIENT }]);
  });

  it('the first refresh token expires with the login when that comes first', async () => {
    const { login } = await started({ ...POLICY, refreshTtlSeconds: 7200, maxAgeSeconds: 1800 });
    expect((await tokenRow(login.refreshToken))?.expires_at).toEqual(new Date(START.getTime() + 1800 * 1000));
  });

  it('is refused for a changed credential version, an inactive account or none', async () => {
    const repo = new SessionRepository(database.db);
    const user = await newUser({ credential_version: 3 });
    expect(await repo.start({ ...user, credential_version: 2 }, POLICY, CLIENT)).toBeUndefined();
    expect(await repo.start({ ...user, credential_version: 4 }, POLICY, CLIENT)).toBeUndefined();
    const inactive = await newUser({ is_active: false });
    expect(await repo.start(inactive, POLICY, CLIENT)).toBeUndefined();
    expect(await repo.start({ id: 987_654, credential_version: 1 }, POLICY, CLIENT)).toBeUndefined();
    for (const id of [user.id, inactive.id]) {
      expect(await database.db.select().from(sessions).where(eq(sessions.user_id, id))).toEqual([]);
      expect(await eventsOf(id)).toEqual([]);
    }
    expect(await repo.start(user, POLICY, CLIENT)).toBeDefined();
  });
});

describe('SessionRepository.activeUser', () => {
  it('gives the user of a live login, and nothing for another user, another login or an ended one', async () => {
    const { repo, user, login } = await started();
    const other = await newUser();
    expect(await repo.activeUser(user.id, login.sessionId)).toEqual(user);
    expect(await repo.activeUser(other.id, login.sessionId)).toBeUndefined();
    expect(await repo.activeUser(user.id, '00000000-0000-4000-8000-000000000000')).toBeUndefined();
    await repo.revoke(user.id, login.sessionId, 'logout', CLIENT);
    expect(await repo.activeUser(user.id, login.sessionId)).toBeUndefined();
  });
});

describe('SessionRepository.rotate', () => {
  it('spends the token and issues the next one, renewing the login', async () => {
    const { clock, repo, user, login } = await started();
    clock.advance(600);
    const result = await repo.rotate(login.refreshToken, POLICY, LATER_CLIENT);
    if (result.status !== 'rotated') throw new Error(`not rotated: ${result.status}`);
    expect(result).toEqual({ status: 'rotated', userId: user.id, sessionId: login.sessionId, refreshToken: expect.any(String) });
    expect(result.refreshToken).not.toBe(login.refreshToken);

    const now = new Date(START.getTime() + 600_000);
    expect((await tokenRow(login.refreshToken))?.used_at).toEqual(now);
    expect(await tokenRow(result.refreshToken)).toMatchObject({ session_id: login.sessionId, expires_at: new Date(now.getTime() + 3_600_000), used_at: null });
    expect(await sessionRow(login.sessionId)).toMatchObject({ created_at: START, last_used_at: now, revoked_at: null, ...LATER_CLIENT });
    expect(await repo.rotate(result.refreshToken, POLICY, CLIENT)).toMatchObject({ status: 'rotated' });
  });

  it('never issues a token past the login’s absolute lifetime', async () => {
    const long = { ...POLICY, refreshTtlSeconds: 7 * 86_400 };
    const { clock, repo, login } = await started(long);
    clock.advance(86_400 - 1800);
    const result = await repo.rotate(login.refreshToken, long, CLIENT);
    if (result.status !== 'rotated') throw new Error(`not rotated: ${result.status}`);
    expect((await tokenRow(result.refreshToken))?.expires_at).toEqual(new Date(START.getTime() + 86_400_000));
  });

  it('refuses an unknown token, and one at or past its expiry', async () => {
    const { clock, repo, login } = await started();
    expect(await repo.rotate(`${login.refreshToken}x`, POLICY, CLIENT)).toEqual({ status: 'invalid' });
    clock.advance(3600);
    expect(await repo.rotate(login.refreshToken, POLICY, CLIENT)).toEqual({ status: 'invalid' });
    expect((await tokenRow(login.refreshToken))?.used_at).toBeNull();

    const fresh = await started();
    fresh.clock.advance(3599.999);
    expect(await fresh.repo.rotate(fresh.login.refreshToken, POLICY, CLIENT)).toMatchObject({ status: 'rotated' });
  });

  it('refuses a login at or past its absolute lifetime (from its start, with the policy of the moment), though its token lives', async () => {
    const policy = { ...POLICY, refreshTtlSeconds: 7 * 86_400, maxAgeSeconds: 7 * 86_400 };
    const { clock, repo, login } = await started(policy);
    clock.advance(2 * 86_400);
    expect(await repo.rotate(login.refreshToken, { ...policy, maxAgeSeconds: 2 * 86_400 }, CLIENT)).toEqual({ status: 'invalid' });
    expect(await repo.rotate(login.refreshToken, { ...policy, maxAgeSeconds: 2 * 86_400 + 1 }, CLIENT)).toMatchObject({ status: 'rotated' });
  });

  it('refuses an ended login, an inactive account, and an unverified one when verification is required', async () => {
    const ended = await started();
    await ended.repo.revoke(ended.user.id, ended.login.sessionId, 'logout', CLIENT);
    expect(await ended.repo.rotate(ended.login.refreshToken, POLICY, CLIENT)).toEqual({ status: 'invalid' });

    const inactive = await started();
    await database.db.update(users).set({ is_active: false }).where(eq(users.id, inactive.user.id));
    expect(await inactive.repo.rotate(inactive.login.refreshToken, POLICY, CLIENT)).toEqual({ status: 'invalid' });

    const unverified = await started();
    const strict = { ...POLICY, requireVerified: true };
    expect(await unverified.repo.rotate(unverified.login.refreshToken, strict, CLIENT)).toEqual({ status: 'invalid' });
    expect((await tokenRow(unverified.login.refreshToken))?.used_at).toBeNull();
    expect(await unverified.repo.rotate(unverified.login.refreshToken, POLICY, CLIENT)).toMatchObject({ status: 'rotated' });

    const verified = await started(POLICY, { is_verified: true });
    expect(await verified.repo.rotate(verified.login.refreshToken, strict, CLIENT)).toMatchObject({ status: 'rotated' });
  });

  it('a spent token presented again ends the login and records the replay once', async () => {
    const { repo, user, login } = await started();
    const next = await repo.rotate(login.refreshToken, POLICY, CLIENT);
    if (next.status !== 'rotated') throw new Error(`not rotated: ${next.status}`);
    expect(await repo.rotate(login.refreshToken, POLICY, LATER_CLIENT)).toEqual({ status: 'reused' });
    expect((await sessionRow(login.sessionId)).revoked_at).toEqual(START);
    expect(await repo.rotate(next.refreshToken, POLICY, CLIENT)).toEqual({ status: 'invalid' });
    expect(await repo.rotate(login.refreshToken, POLICY, CLIENT)).toEqual({ status: 'invalid' });
    expect(await eventsOf(user.id)).toEqual([
      { type: 'login', ...CLIENT },
      { type: 'refresh_reuse_detected', ...LATER_CLIENT },
    ]);
  });

  it('concurrent replays of a spent token end the login once and record one replay', async () => {
    const { repo, user, login } = await started();
    await repo.rotate(login.refreshToken, POLICY, CLIENT);
    const results = await Promise.all([1, 2, 3].map(() => repo.rotate(login.refreshToken, POLICY, CLIENT)));
    expect(results.filter((result) => result.status === 'reused').length).toBeGreaterThanOrEqual(1);
    expect(results.every((result) => result.status !== 'rotated')).toBe(true);
    expect((await eventsOf(user.id)).filter((event) => event.type === 'refresh_reuse_detected')).toHaveLength(1);
  });

  it('of two concurrent uses of one token, one rotates and the other is a replay', async () => {
    const { repo, login } = await started();
    const results = await Promise.all([repo.rotate(login.refreshToken, POLICY, CLIENT), repo.rotate(login.refreshToken, POLICY, CLIENT)]);
    expect(results.map((result) => result.status).sort()).toEqual(['reused', 'rotated']);
    expect((await sessionRow(login.sessionId)).revoked_at).not.toBeNull();
  });
});

describe('SessionRepository.listLive', () => {
  it('lists the user’s live logins newest first, leaving out ended, too old and idle ones', async () => {
    const clock = manualClock(START);
    const repo = new SessionRepository(database.db, clock);
    const user = await newUser();
    const other = await newUser();
    const start = async () => (await repo.start(user, POLICY, CLIENT))!.sessionId;
    // The listing happens a day after START: each login below is at one side of a boundary then.
    const tooOld = await start(); // a day old exactly
    clock.advance(1);
    const nearlyOld = await start(); // a second younger
    clock.advance(86_400 - 3600 - 1);
    const idle = await start(); // last used an hour ago exactly
    clock.advance(1);
    const live1 = await start();
    const ended = await start();
    await repo.revoke(user.id, ended, 'logout', CLIENT);
    await repo.start(other, POLICY, CLIENT);
    clock.advance(1);
    const live2 = await start();
    clock.advance(3600 - 2);
    await database.db.update(sessions).set({ last_used_at: clock() }).where(eq(sessions.user_id, user.id));
    await database.db.update(sessions).set({ last_used_at: new Date(clock().getTime() - 3_600_000) }).where(eq(sessions.id, idle));

    expect((await repo.listLive(user.id, POLICY)).map((session) => session.id)).toEqual([live2, live1, nearlyOld]);
    expect(tooOld).not.toBe(nearlyOld);
  });

  it('orders logins started at the same moment by id, newest id first', async () => {
    const clock = manualClock(START);
    const repo = new SessionRepository(database.db, clock);
    const user = await newUser();
    const ids = [(await repo.start(user, POLICY, CLIENT))!.sessionId, (await repo.start(user, POLICY, CLIENT))!.sessionId];
    expect((await repo.listLive(user.id, POLICY)).map((session) => session.id)).toEqual([...ids].sort().reverse());
  });
});

describe('SessionRepository: ending logins', () => {
  it('revoke ends one login of the user and records the event; not twice, not another user’s', async () => {
    const { repo, user, login } = await started();
    const other = await newUser();
    expect(await repo.revoke(other.id, login.sessionId, 'logout', CLIENT)).toBe(false);
    expect(await repo.revoke(user.id, login.sessionId, 'sessions_ended', LATER_CLIENT)).toBe(true);
    expect((await sessionRow(login.sessionId)).revoked_at).toEqual(START);
    expect(await repo.revoke(user.id, login.sessionId, 'logout', CLIENT)).toBe(false);
    expect(await repo.revoke(user.id, login.sessionId, 'logout', CLIENT, POLICY)).toBe(false);
    expect(await eventsOf(user.id)).toEqual([
      { type: 'login', ...CLIENT },
      { type: 'sessions_ended', ...LATER_CLIENT },
    ]);
    expect(await eventsOf(other.id)).toEqual([]);
  });

  it('revoke with a policy refuses a login past its lifetime; without one, it ends it', async () => {
    const { clock, repo, user, login } = await started();
    clock.advance(3600);
    expect(await repo.revoke(user.id, login.sessionId, 'sessions_ended', CLIENT, POLICY)).toBe(false);
    expect((await sessionRow(login.sessionId)).revoked_at).toBeNull();
    expect(await repo.revoke(user.id, login.sessionId, 'logout', CLIENT)).toBe(true);
  });

  it('revokeOthers ends the user’s other live logins and records it once', async () => {
    const { clock, repo, user, login } = await started();
    const other = await newUser();
    const othersLogin = (await repo.start(other, POLICY, CLIENT))!;
    const stale = (await repo.start(user, POLICY, CLIENT))!.sessionId;
    clock.advance(3000);
    const second = (await repo.start(user, POLICY, CLIENT))!.sessionId;
    const third = (await repo.start(user, POLICY, CLIENT))!.sessionId;
    await database.db.update(sessions).set({ last_used_at: clock() }).where(eq(sessions.id, login.sessionId));
    clock.advance(600); // `stale` is now idle for an hour

    expect(await repo.revokeOthers(user.id, login.sessionId, LATER_CLIENT, POLICY)).toBe(2);
    for (const id of [second, third]) expect((await sessionRow(id)).revoked_at).toEqual(clock());
    for (const id of [login.sessionId, stale, othersLogin.sessionId]) expect((await sessionRow(id)).revoked_at).toBeNull();
    expect((await eventsOf(user.id)).filter((event) => event.type === 'sessions_ended')).toEqual([{ type: 'sessions_ended', ...LATER_CLIENT }]);

    expect(await repo.revokeOthers(user.id, login.sessionId, LATER_CLIENT, POLICY)).toBe(0);
    expect((await eventsOf(user.id)).filter((event) => event.type === 'sessions_ended')).toHaveLength(1);
  });

  it('revokeAllForUser ends every login of the user, or all but one, and counts only the ones it ended', async () => {
    const { repo, user, login } = await started();
    const other = await newUser();
    const othersLogin = (await repo.start(other, POLICY, CLIENT))!;
    const second = (await repo.start(user, POLICY, CLIENT))!.sessionId;
    const third = (await repo.start(user, POLICY, CLIENT))!.sessionId;
    await repo.revoke(user.id, third, 'logout', CLIENT);

    expect(await repo.revokeAllForUser(user.id, login.sessionId)).toBe(1);
    expect((await sessionRow(second)).revoked_at).toEqual(START);
    expect((await sessionRow(login.sessionId)).revoked_at).toBeNull();
    expect(await repo.revokeAllForUser(user.id)).toBe(1);
    expect((await sessionRow(login.sessionId)).revoked_at).toEqual(START);
    expect(await repo.revokeAllForUser(user.id)).toBe(0);
    expect((await sessionRow(othersLogin.sessionId)).revoked_at).toBeNull();
  });
});
