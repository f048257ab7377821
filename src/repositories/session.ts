// Logins (sessions) and their rotating refresh tokens. A refresh token is single-use: spending it marks it used
// and issues the next one; presenting a spent one again means it was stolen, so the whole login is revoked.
// A login lives at most `maxAgeSeconds` from its start, however often it is refreshed.
import { and, desc, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { refreshTokens, sessions, users, type User } from '../db/schema.js';
import { systemClock, type Clock } from '../core/clock.js';
import type { ClientInfo } from '../core/client-info.js';
import { hashToken, randomToken } from '../core/tokens.js';
import { SecurityEventRepository } from './security-event.js';

export type RotateResult =
  | { status: 'rotated'; userId: number; sessionId: string; refreshToken: string }
  | { status: 'invalid' }
  | { status: 'reused' };

export interface SessionPolicy {
  /** Lifetime of each refresh token. */
  refreshTtlSeconds: number;
  /** Absolute lifetime of a login (SESSION_MAX_AGE_DAYS). */
  maxAgeSeconds: number;
  /** REQUIRE_EMAIL_VERIFICATION: an unverified account cannot refresh either. */
  requireVerified: boolean;
}

export type Session = typeof sessions.$inferSelect;
type Lifetimes = Pick<SessionPolicy, 'refreshTtlSeconds' | 'maxAgeSeconds'>;

const later = (time: Date, seconds: number) => new Date(time.getTime() + seconds * 1000);
const earliest = (a: Date, b: Date) => (a < b ? a : b);

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

  /**
   * Starts a login for `user`, whose password was checked against `user.credential_version`. The user's row is
   * share-locked while the login is written: a concurrent password change (which bumps the version and ends every
   * login in one transaction) either commits first, and this login is refused (undefined), or waits for it, and
   * then ends it too. The same holds for deactivation.
   */
  async start(
    user: Pick<User, 'id' | 'credential_version'>,
    policy: Lifetimes,
    client: ClientInfo,
  ): Promise<{ sessionId: string; refreshToken: string } | undefined> {
    const now = this.clock();
    const refreshToken = randomToken();
    return this.db.transaction(async (tx) => {
      const [current] = await tx
        .select({ version: users.credential_version, active: users.is_active })
        .from(users)
        .where(eq(users.id, user.id))
        .for('share');
      if (!current?.active || current.version !== user.credential_version) return undefined;
      const [session] = await tx
        .insert(sessions)
        .values({ user_id: user.id, created_at: now, last_used_at: now, ...client })
        .returning({ id: sessions.id });
      const expires = earliest(later(now, policy.refreshTtlSeconds), later(now, policy.maxAgeSeconds));
      await tx.insert(refreshTokens).values({ token_hash: hashToken(refreshToken), session_id: session!.id, expires_at: expires });
      await new SecurityEventRepository(tx, this.clock).record(user.id, 'login', client);
      return { sessionId: session!.id, refreshToken };
    });
  }

  /** The user of a live login: one indexed query per authenticated request (no cache, so revocation is immediate). */
  async activeUser(userId: number, sessionId: string): Promise<User | undefined> {
    let statement = activeUserStatements.get(this.db);
    if (!statement) activeUserStatements.set(this.db, (statement = prepareActiveUser(this.db)));
    const [row] = await statement.execute({ userId, sessionId });
    return row?.user;
  }

  /**
   * Spends `refreshToken` and issues the next one of the same login. Refused (nothing written) when the token is
   * unknown or expired, the login ended or is older than its absolute lifetime, or the account may not log in
   * (inactive, or unverified when verification is required).
   */
  async rotate(refreshToken: string, policy: SessionPolicy, client: ClientInfo): Promise<RotateResult> {
    const now = this.clock();
    const tokenHash = hashToken(refreshToken);
    return this.db.transaction(async (tx) => {
      const [token] = await tx
        .select({
          sessionId: refreshTokens.session_id,
          usedAt: refreshTokens.used_at,
          expiresAt: refreshTokens.expires_at,
          userId: sessions.user_id,
          createdAt: sessions.created_at,
          revokedAt: sessions.revoked_at,
          active: users.is_active,
          verified: users.is_verified,
        })
        .from(refreshTokens)
        .innerJoin(sessions, eq(sessions.id, refreshTokens.session_id))
        .innerJoin(users, eq(users.id, sessions.user_id))
        .where(eq(refreshTokens.token_hash, tokenHash));
      const endsAt = token && later(token.createdAt, policy.maxAgeSeconds);
      if (!token || !endsAt || token.revokedAt || token.expiresAt <= now || endsAt <= now) return { status: 'invalid' } as const;
      if (!token.active || (policy.requireVerified && !token.verified)) return { status: 'invalid' } as const;
      // Spent already (here, or by a concurrent request a moment ago): a replay. End the login it belongs to.
      const spent = token.usedAt
        ? []
        : await tx
            .update(refreshTokens)
            .set({ used_at: now })
            .where(and(eq(refreshTokens.token_hash, tokenHash), isNull(refreshTokens.used_at)))
            .returning({ sessionId: refreshTokens.session_id });
      if (spent.length === 0) {
        const ended = await tx
          .update(sessions)
          .set({ revoked_at: now })
          .where(and(eq(sessions.id, token.sessionId), isNull(sessions.revoked_at)))
          .returning({ id: sessions.id });
        if (ended.length > 0) await new SecurityEventRepository(tx, this.clock).record(token.userId, 'refresh_reuse_detected', client);
        return { status: 'reused' } as const;
      }
      const next = randomToken();
      const expires = earliest(later(now, policy.refreshTtlSeconds), endsAt);
      await tx.insert(refreshTokens).values({ token_hash: hashToken(next), session_id: token.sessionId, expires_at: expires });
      await tx.update(sessions).set({ last_used_at: now, ...client }).where(eq(sessions.id, token.sessionId));
      return { status: 'rotated', userId: token.userId, sessionId: token.sessionId, refreshToken: next } as const;
    });
  }

  /** The user's live logins, newest first: not ended, not past their lifetime, with a refresh token still valid. */
  async listLive(userId: number, policy: Lifetimes): Promise<Session[]> {
    return this.db
      .select()
      .from(sessions)
      .where(and(eq(sessions.user_id, userId), this.live(policy)))
      .orderBy(desc(sessions.created_at), desc(sessions.id));
  }

  /** Not ended, not older than the absolute lifetime, and renewed recently enough for its refresh token to live. */
  private live(policy: Lifetimes) {
    const now = this.clock();
    return and(
      isNull(sessions.revoked_at),
      gt(sessions.created_at, later(now, -policy.maxAgeSeconds)),
      gt(sessions.last_used_at, later(now, -policy.refreshTtlSeconds)),
    );
  }

  /**
   * Ends one login of `userId`, recording `event`; false when it is not a live login of that user. Without
   * `policy` (log-out of the login making the request, which is live) only an ended login is refused.
   */
  async revoke(userId: number, sessionId: string, event: 'logout' | 'sessions_ended', client: ClientInfo, policy?: Lifetimes): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const ended = await tx
        .update(sessions)
        .set({ revoked_at: this.clock() })
        .where(and(eq(sessions.id, sessionId), eq(sessions.user_id, userId), policy ? this.live(policy) : isNull(sessions.revoked_at)))
        .returning({ id: sessions.id });
      if (ended.length === 0) return false;
      await new SecurityEventRepository(tx, this.clock).record(userId, event, client);
      return true;
    });
  }

  /** Ends every live login of the user but `currentSessionId`, recording it; returns how many ended. */
  async revokeOthers(userId: number, currentSessionId: string, client: ClientInfo, policy: Lifetimes): Promise<number> {
    return this.db.transaction(async (tx) => {
      const ended = await tx
        .update(sessions)
        .set({ revoked_at: this.clock() })
        .where(and(eq(sessions.user_id, userId), ne(sessions.id, currentSessionId), this.live(policy)))
        .returning({ id: sessions.id });
      if (ended.length > 0) await new SecurityEventRepository(tx, this.clock).record(userId, 'sessions_ended', client);
      return ended.length;
    });
  }

  /**
   * Ends every login of the user but `exceptSessionId`, on `this.db` (a transaction of the caller's: a password
   * change, a reset, deactivation, demotion, a new e-mail address). Returns how many ended.
   */
  async revokeAllForUser(userId: number, exceptSessionId?: string): Promise<number> {
    const ended = await this.db
      .update(sessions)
      .set({ revoked_at: this.clock() })
      .where(and(eq(sessions.user_id, userId), isNull(sessions.revoked_at), exceptSessionId === undefined ? undefined : ne(sessions.id, exceptSessionId)))
      .returning({ id: sessions.id });
    return ended.length;
  }
}
