// Logins (sessions) and their rotating refresh tokens. A refresh token is single-use: spending it marks it used
// and issues the next one; presenting a spent one again means it was stolen, so the whole login is revoked.
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { refreshTokens, sessions, users, type User } from '../db/schema.js';
import { systemClock, type Clock } from '../core/clock.js';
import { hashToken, randomToken } from '../core/tokens.js';

export type RotateResult =
  | { status: 'rotated'; userId: number; sessionId: string; refreshToken: string }
  | { status: 'invalid' }
  | { status: 'reused' };

const expiry = (now: Date, ttlSeconds: number) => new Date(now.getTime() + ttlSeconds * 1000);

const activeUserStatements = new WeakMap<Db, ReturnType<typeof prepareActiveUser>>();

function prepareActiveUser(db: Db) {
  return db
    .select({ user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.user_id))
    .where(and(eq(sessions.id, sql.placeholder('sessionId')), eq(sessions.user_id, sql.placeholder('userId')), isNull(sessions.revoked_at)))
    .limit(1)
    .prepare('session_active_user');
}

export class SessionRepository {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Starts a login for `userId`; returns its id and first refresh token, valid for `ttlSeconds`. */
  async start(userId: number, ttlSeconds: number): Promise<{ sessionId: string; refreshToken: string }> {
    const now = this.clock();
    const refreshToken = randomToken();
    const sessionId = await this.db.transaction(async (tx) => {
      const [session] = await tx.insert(sessions).values({ user_id: userId, created_at: now }).returning({ id: sessions.id });
      await tx.insert(refreshTokens).values({ token_hash: hashToken(refreshToken), session_id: session!.id, expires_at: expiry(now, ttlSeconds) });
      return session!.id;
    });
    return { sessionId, refreshToken };
  }

  /** The user of a live login: one indexed query per authenticated request (no cache, so revocation is immediate). */
  async activeUser(userId: number, sessionId: string): Promise<User | undefined> {
    let statement = activeUserStatements.get(this.db);
    if (!statement) activeUserStatements.set(this.db, (statement = prepareActiveUser(this.db)));
    const [row] = await statement.execute({ userId, sessionId });
    return row?.user;
  }

  /** Spends `refreshToken` and issues the next one of the same login, valid for `ttlSeconds`. */
  async rotate(refreshToken: string, ttlSeconds: number): Promise<RotateResult> {
    const now = this.clock();
    const tokenHash = hashToken(refreshToken);
    return this.db.transaction(async (tx) => {
      const [token] = await tx
        .select({
          sessionId: refreshTokens.session_id,
          usedAt: refreshTokens.used_at,
          expiresAt: refreshTokens.expires_at,
          userId: sessions.user_id,
          revokedAt: sessions.revoked_at,
        })
        .from(refreshTokens)
        .innerJoin(sessions, eq(sessions.id, refreshTokens.session_id))
        .where(eq(refreshTokens.token_hash, tokenHash));
      // Unknown, expired, or of an ended login: refused, and nothing is written.
      if (!token || token.revokedAt || token.expiresAt <= now) return { status: 'invalid' } as const;
      // Spent already (here, or by a concurrent request a moment ago): a replay. End the login it belongs to.
      const spent = token.usedAt
        ? []
        : await tx
            .update(refreshTokens)
            .set({ used_at: now })
            .where(and(eq(refreshTokens.token_hash, tokenHash), isNull(refreshTokens.used_at)))
            .returning({ sessionId: refreshTokens.session_id });
      if (spent.length === 0) {
        await tx.update(sessions).set({ revoked_at: now }).where(and(eq(sessions.id, token.sessionId), isNull(sessions.revoked_at)));
        return { status: 'reused' } as const;
      }
      const next = randomToken();
      await tx.insert(refreshTokens).values({ token_hash: hashToken(next), session_id: token.sessionId, expires_at: expiry(now, ttlSeconds) });
      return { status: 'rotated', userId: token.userId, sessionId: token.sessionId, refreshToken: next } as const;
    });
  }

  async revoke(sessionId: string): Promise<void> {
    await this.db.update(sessions).set({ revoked_at: this.clock() }).where(and(eq(sessions.id, sessionId), isNull(sessions.revoked_at)));
  }

  /** Ends every login of the user: after a password change, a reset, deactivation or demotion. */
  async revokeAllForUser(userId: number): Promise<void> {
    await this.db.update(sessions).set({ revoked_at: this.clock() }).where(and(eq(sessions.user_id, userId), isNull(sessions.revoked_at)));
  }
}
