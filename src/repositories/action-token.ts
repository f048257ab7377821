// Single-use e-mailed tokens (password reset, e-mail verification). Only the newest token of a purpose lives:
// issuing one deletes the user's earlier ones; consuming one deletes it, so it cannot be used twice. Each token
// names the address it was sent to: callers accept it only while the account still has that address.
import { and, eq, gt, inArray } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { actionTokens, type ActionPurpose } from '../db/schema.js';
import { systemClock, type Clock } from '../core/clock.js';
import { hashToken, randomToken } from '../core/tokens.js';

export interface TokenOwner {
  userId: number;
  /** The address the token was sent to. */
  email: string;
}

export class ActionTokenRepository {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock = systemClock,
  ) {}

  /** A new token for `user` at the address `user.email` (the one the link is about to be sent to). */
  async issue(user: { id: number; email: string }, purpose: ActionPurpose, ttlSeconds: number): Promise<string> {
    const now = this.clock();
    const token = randomToken();
    await this.db.transaction(async (tx) => {
      await tx.delete(actionTokens).where(and(eq(actionTokens.user_id, user.id), eq(actionTokens.purpose, purpose)));
      await tx.insert(actionTokens).values({
        token_hash: hashToken(token),
        user_id: user.id,
        email: user.email,
        purpose,
        created_at: now,
        expires_at: new Date(now.getTime() + ttlSeconds * 1000),
      });
    });
    return token;
  }

  /** The user id and address of a live token, without spending it. */
  async peek(token: string, purpose: ActionPurpose): Promise<TokenOwner | undefined> {
    const [row] = await this.db
      .select({ userId: actionTokens.user_id, email: actionTokens.email })
      .from(actionTokens)
      .where(this.live(token, purpose));
    return row;
  }

  private live(token: string, purpose: ActionPurpose) {
    return and(eq(actionTokens.token_hash, hashToken(token)), eq(actionTokens.purpose, purpose), gt(actionTokens.expires_at, this.clock()));
  }

  /** Spends the token: the user and address it was issued for, or undefined when unknown, expired or spent. */
  async consume(token: string, purpose: ActionPurpose): Promise<TokenOwner | undefined> {
    const [row] = await this.db
      .delete(actionTokens)
      .where(this.live(token, purpose))
      .returning({ userId: actionTokens.user_id, email: actionTokens.email });
    return row;
  }

  async removeForUser(userId: number, purposes: ActionPurpose[]): Promise<void> {
    await this.db.delete(actionTokens).where(and(eq(actionTokens.user_id, userId), inArray(actionTokens.purpose, purposes)));
  }
}
