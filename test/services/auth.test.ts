// AuthService on its own: the token pair of a login, its refresh, bearer-token verification, and the length limit
// that refuses oversized tokens before any work is spent on them.
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { refreshTokens, securityEvents, users } from '../../src/db/schema.js';
import { decodeAccessToken, hashToken } from '../../src/core/tokens.js';
import { AuthService } from '../../src/services/auth.js';
import { testConfig } from '../helpers/app.js';
import { manualClock } from '../helpers/clock.js';
import { createTestDatabase } from '../helpers/database.js';
import { randomEmail } from '../helpers/users.js';

const CLIENT = { ip: '192.0.2.1', user_agent: 'Probe/1.0' };
const config = testConfig({ ACCESS_TOKEN_EXPIRE_MINUTES: '7', REFRESH_TOKEN_EXPIRE_DAYS: '3', SESSION_MAX_AGE_DAYS: '10', REQUIRE_EMAIL_VERIFICATION: 'true' });

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

async function newUser() {
  const [row] = await database.db.insert(users).values({ email: randomEmail(), hashed_password: 'x', is_verified: true }).returning();
  return row!;
}

/** The shortest token of at least `length` characters, signed with the service's key, for `userId` and `sessionId`. */
async function signedToken(length: number, userId: number, sessionId: string, now: Date): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  for (let pad = 0; pad < 4000; pad++) {
    const token = await new SignJWT({ sid: sessionId, pad: 'p'.repeat(pad) })
      .setProtectedHeader({ alg: config.jwtAlgorithm, typ: 'JWT' })
      .setSubject(String(userId))
      .setIssuedAt(iat)
      .setExpirationTime(iat + 60)
      .setJti(randomUUID())
      .sign(new TextEncoder().encode(config.secretKey));
    if (token.length >= length) return token;
  }
  throw new Error(`no token of length ${length}`);
}

describe('AuthService', () => {
  it('reads its session policy from the configuration', () => {
    expect(new AuthService(database.db, config, manualClock()).policy).toEqual({
      refreshTtlSeconds: 3 * 86_400,
      maxAgeSeconds: 10 * 86_400,
      requireVerified: true,
    });
  });

  it('login gives a bearer pair whose access token names the user and the login', async () => {
    const clock = manualClock();
    const auth = new AuthService(database.db, config, clock);
    const user = await newUser();
    const pair = await auth.login(user, CLIENT);
    expect(pair).toEqual({ access_token: expect.any(String), token_type: 'bearer', expires_in: 7 * 60, refresh_token: expect.any(String) });
    const claims = await decodeAccessToken(pair!.access_token, { secretKey: config.secretKey, algorithm: config.jwtAlgorithm, ttlSeconds: 420 }, clock());
    expect(claims?.userId).toBe(user.id);
    expect(await auth.verify(pair!.access_token)).toEqual({ user, sessionId: claims!.sessionId });
  });

  it('login is refused when the password changed since it was checked', async () => {
    const auth = new AuthService(database.db, config, manualClock());
    const user = await newUser();
    expect(await auth.login({ ...user, credential_version: user.credential_version - 1 }, CLIENT)).toBeUndefined();
  });

  it('refresh gives the next pair of the same login, once per refresh token', async () => {
    const clock = manualClock();
    const auth = new AuthService(database.db, config, clock);
    const user = await newUser();
    const pair = (await auth.login(user, CLIENT))!;
    const first = (await auth.verify(pair.access_token))!;
    clock.advance(60);
    const next = await auth.refresh(pair.refresh_token, CLIENT);
    expect(next).toEqual({ access_token: expect.any(String), token_type: 'bearer', expires_in: 420, refresh_token: expect.any(String) });
    expect(next!.refresh_token).not.toBe(pair.refresh_token);
    expect(await auth.verify(next!.access_token)).toEqual({ user, sessionId: first.sessionId });
    expect(await auth.refresh('no-such-token', CLIENT)).toBeUndefined();
    // A replay ends the login: its access tokens stop working at once.
    expect(await auth.refresh(pair.refresh_token, CLIENT)).toBeUndefined();
    expect(await auth.verify(next!.access_token)).toBeUndefined();
  });

  it('verify refuses a bad token, and a good one after its login ended (logout)', async () => {
    const auth = new AuthService(database.db, config, manualClock());
    const user = await newUser();
    const pair = (await auth.login(user, CLIENT))!;
    expect(await auth.verify(`${pair.access_token}x`)).toBeUndefined();
    const { sessionId } = (await auth.verify(pair.access_token))!;
    await auth.logout(user.id, sessionId, CLIENT);
    expect(await auth.verify(pair.access_token)).toBeUndefined();
    const events = await database.db.select().from(securityEvents).where(eq(securityEvents.user_id, user.id)).orderBy(securityEvents.id);
    expect(events.map(({ type, ip, user_agent }) => ({ type, ip, user_agent }))).toEqual([
      { type: 'login', ...CLIENT },
      { type: 'logout', ...CLIENT },
    ]);
  });

  it('verify takes a valid token up to 2048 characters long, and none longer', async () => {
    const clock = manualClock();
    const auth = new AuthService(database.db, config, clock);
    const user = await newUser();
    const { sessionId } = (await auth.verify((await auth.login(user, CLIENT))!.access_token))!;
    const atLimit = await signedToken(2048, user.id, sessionId, clock());
    const tooLong = await signedToken(2049, user.id, sessionId, clock());
    expect([atLimit.length, tooLong.length > 2048]).toEqual([2048, true]);
    expect(await auth.verify(atLimit)).toEqual({ user, sessionId });
    expect(await auth.verify(tooLong)).toBeUndefined();
  });

  it('refresh takes a refresh token up to 2048 characters long, and none longer', async () => {
    const auth = new AuthService(database.db, config, manualClock());
    const user = await newUser();
    const { sessionId } = (await auth.verify((await auth.login(user, CLIENT))!.access_token))!;
    const [atLimit, tooLong] = ['a'.repeat(2048), 'b'.repeat(2049)];
    const expires_at = new Date(Date.now() + 3_600_000);
    for (const token of [atLimit, tooLong]) await database.db.insert(refreshTokens).values({ token_hash: hashToken(token), session_id: sessionId, expires_at });
    expect(await auth.refresh(tooLong, CLIENT)).toBeUndefined();
    expect(await auth.refresh(atLimit, CLIENT)).toMatchObject({ token_type: 'bearer' });
  });
});
