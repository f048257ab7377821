// Single-use e-mailed tokens (password reset, e-mail verification). Only the newest token of a purpose lives:
// issuing one deletes the user's earlier ones; consuming one deletes it, so it cannot be used twice.
import { and, eq, gt } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { actionTokens, type ActionPurpose } from '../db/schema.js';
import { systemClock, type Clock } from '../core/clock.js';
import { hashToken, randomToken } from '../core/tokens.js';

export class ActionTokenRepository {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock = systemClock,
  ) {}

  async issue(userId: number, purpose: ActionPurpose, ttlSeconds: number): Promise<string> {
    const now = this.clock();
    const token = randomToken();
    await this.db.transaction(async (tx) => {
      await tx.delete(actionTokens).where(and(eq(actionTokens.user_id, userId), eq(actionTokens.purpose, purpose)));
      await tx.insert(actionTokens).values({
        token_hash: hashToken(token),
        user_id: userId,
        purpose,
        created_at: now,
        expires_at: new Date(now.getTime() + ttlSeconds * 1000),
      });
    });
    return token;
  }

  /** The user id of a live token, without spending it. */
  async peek(token: string, purpose: ActionPurpose): Promise<number | undefined> {
    const [row] = await this.db
      .select({ userId: actionTokens.user_id })
      .from(actionTokens)
      .where(this.live(token, purpose));
    return row?.userId;
  }

  private live(token: string, purpose: ActionPurpose) {
    return and(eq(actionTokens.token_hash, hashToken(token)), eq(actionTokens.purpose, purpose), gt(actionTokens.expires_at, this.clock()));
  }

  /** Spends the token: the user id it was issued for, or undefined when unknown, expired or already spent. */
  async consume(token: string, purpose: ActionPurpose): Promise<number | undefined> {
    const [row] = await this.db
      .delete(actionTokens)
      .where(this.live(token, purpose))
      .returning({ userId: actionTokens.user_id });
    return row?.userId;
  }

  async removeForUser(userId: number, purpose: ActionPurpose): Promise<void> {
    await this.db.delete(actionTokens).where(and(eq(actionTokens.user_id, userId), eq(actionTokens.purpose, purpose)));
  }
}
