// Logins and the tokens that prove them: issue a token pair, rotate it, and resolve a bearer token to its user.
import type { Config } from '../config.js';
import type { Clock } from '../core/clock.js';
import type { ClientInfo } from '../core/client-info.js';
import { createAccessToken, decodeAccessToken, type AccessTokenSettings } from '../core/tokens.js';
import type { Db } from '../db/client.js';
import type { User } from '../db/schema.js';
import { SessionRepository, type SessionPolicy } from '../repositories/session.js';

export interface TokenPair {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
  refresh_token: string;
}

/** Longer than any token we issue: anything bigger is refused before it is parsed. */
const MAX_TOKEN_LENGTH = 2048;

export class AuthService {
  private readonly sessions: SessionRepository;
  private readonly access: AccessTokenSettings;
  readonly policy: SessionPolicy;

  constructor(
    db: Db,
    config: Config,
    private readonly clock: Clock,
  ) {
    this.sessions = new SessionRepository(db, clock);
    this.access = { secretKey: config.secretKey, algorithm: config.jwtAlgorithm, ttlSeconds: config.accessTokenTtlSeconds };
    this.policy = {
      refreshTtlSeconds: config.refreshTokenTtlSeconds,
      maxAgeSeconds: config.sessionMaxAgeSeconds,
      requireVerified: config.requireEmailVerification,
    };
  }

  private async pair(userId: number, sessionId: string, refreshToken: string): Promise<TokenPair> {
    return {
      access_token: await createAccessToken({ userId, sessionId }, this.access, this.clock()),
      token_type: 'bearer',
      expires_in: this.access.ttlSeconds,
      refresh_token: refreshToken,
    };
  }

  /**
   * A new login for the user whose password was just checked (`user` as it was read then); undefined when the
   * password changed (or the account was deactivated) in the meantime.
   */
  async login(user: User, client: ClientInfo): Promise<TokenPair | undefined> {
    const started = await this.sessions.start(user, this.policy, client);
    return started && this.pair(user.id, started.sessionId, started.refreshToken);
  }

  /**
   * The next pair of the same login, or undefined: unknown, expired, spent (which also ends the login), a login past
   * its absolute lifetime, or an account that may not log in now.
   */
  async refresh(refreshToken: string, client: ClientInfo): Promise<TokenPair | undefined> {
    if (refreshToken.length > MAX_TOKEN_LENGTH) return undefined;
    const result = await this.sessions.rotate(refreshToken, this.policy, client);
    if (result.status !== 'rotated') return undefined;
    return this.pair(result.userId, result.sessionId, result.refreshToken);
  }

  /** The user and login of a valid access token whose login is live, else undefined. */
  async verify(token: string): Promise<{ user: User; sessionId: string } | undefined> {
    if (token.length > MAX_TOKEN_LENGTH) return undefined;
    const claims = await decodeAccessToken(token, this.access, this.clock());
    if (!claims) return undefined;
    const user = await this.sessions.activeUser(claims.userId, claims.sessionId);
    return user && { user, sessionId: claims.sessionId };
  }

  async logout(userId: number, sessionId: string, client: ClientInfo): Promise<void> {
    await this.sessions.revoke(userId, sessionId, 'logout', client);
  }
}
