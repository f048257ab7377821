// Logins and the tokens that prove them: issue a token pair, rotate it, and resolve a bearer token to its user.
import type { Config } from '../config.js';
import type { Clock } from '../core/clock.js';
import { createAccessToken, decodeAccessToken, type AccessTokenSettings } from '../core/tokens.js';
import type { Db } from '../db/client.js';
import type { User } from '../db/schema.js';
import { SessionRepository } from '../repositories/session.js';

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

  constructor(
    db: Db,
    private readonly config: Config,
    private readonly clock: Clock,
  ) {
    this.sessions = new SessionRepository(db, clock);
    this.access = { secretKey: config.secretKey, algorithm: config.jwtAlgorithm, ttlSeconds: config.accessTokenTtlSeconds };
  }

  private async pair(userId: number, sessionId: string, refreshToken: string): Promise<TokenPair> {
    return {
      access_token: await createAccessToken({ userId, sessionId }, this.access, this.clock()),
      token_type: 'bearer',
      expires_in: this.access.ttlSeconds,
      refresh_token: refreshToken,
    };
  }

  /** A new login for the user. */
  async login(user: User): Promise<TokenPair> {
    const { sessionId, refreshToken } = await this.sessions.start(user.id, this.config.refreshTokenTtlSeconds);
    return this.pair(user.id, sessionId, refreshToken);
  }

  /** The next pair of the same login, or undefined (unknown, expired, spent — a spent one also revokes the login). */
  async refresh(refreshToken: string): Promise<TokenPair | undefined> {
    if (refreshToken.length > MAX_TOKEN_LENGTH) return undefined;
    const result = await this.sessions.rotate(refreshToken, this.config.refreshTokenTtlSeconds);
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

  async logout(sessionId: string): Promise<void> {
    await this.sessions.revoke(sessionId);
  }
}
