// ActionTokenRepository on its own: one live token per user and purpose, expiry, single use, and voiding.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { actionTokens, users } from '../../src/db/schema.js';
import { hashToken } from '../../src/core/tokens.js';
import { ActionTokenRepository } from '../../src/repositories/action-token.js';
import { manualClock } from '../helpers/clock.js';
import { createTestDatabase } from '../helpers/database.js';
import { randomEmail } from '../helpers/users.js';

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

async function newUser(): Promise<{ id: number; email: string }> {
  const [row] = await database.db.insert(users).values({ email: randomEmail(), hashed_password: 'x' }).returning({ id: users.id, email: users.email });
  return row!;
}

const tokensOf = (userId: number) => database.db.select().from(actionTokens).where(eq(actionTokens.user_id, userId));

describe('ActionTokenRepository', () => {
  it('issue stores the hash of a fresh token, the address and the expiry', async () => {
    const clock = manualClock(new Date('2030-01-01T00:00:00.000Z'));
    const user = await newUser();
    const token = await new ActionTokenRepository(database.db, clock).issue(user, 'password_reset', 900);
    expect(await tokensOf(user.id)).toEqual([
      {
        token_hash: hashToken(token),
        user_id: user.id,
        email: user.email,
        purpose: 'password_reset',
        created_at: new Date('2030-01-01T00:00:00.000Z'),
        expires_at: new Date('2030-01-01T00:15:00.000Z'),
      },
    ]);
  });

  it('a new token of a purpose replaces the user’s earlier one, and only that', async () => {
    const user = await newUser();
    const other = await newUser();
    const tokens = new ActionTokenRepository(database.db);
    const first = await tokens.issue(user, 'password_reset', 900);
    const verify = await tokens.issue(user, 'verify_email', 900);
    const others = await tokens.issue(other, 'password_reset', 900);
    const second = await tokens.issue(user, 'password_reset', 900);
    expect(second).not.toBe(first);

    expect(await tokens.peek(first, 'password_reset')).toBeUndefined();
    expect(await tokens.peek(second, 'password_reset')).toEqual({ userId: user.id, email: user.email });
    expect(await tokens.peek(verify, 'verify_email')).toEqual({ userId: user.id, email: user.email });
    expect(await tokens.peek(others, 'password_reset')).toEqual({ userId: other.id, email: other.email });
  });

  it('peek does not spend the token; consume does, once', async () => {
    const user = await newUser();
    const tokens = new ActionTokenRepository(database.db);
    const token = await tokens.issue(user, 'verify_email', 900);
    expect(await tokens.peek(token, 'verify_email')).toEqual({ userId: user.id, email: user.email });
    expect(await tokens.peek(token, 'verify_email')).toEqual({ userId: user.id, email: user.email });
    expect(await tokens.consume(token, 'verify_email')).toEqual({ userId: user.id, email: user.email });
    expect(await tokens.consume(token, 'verify_email')).toBeUndefined();
    expect(await tokens.peek(token, 'verify_email')).toBeUndefined();
  });

  it('a token is good only for its own purpose, and not for an unknown token', async () => {
    const user = await newUser();
    const tokens = new ActionTokenRepository(database.db);
    const token = await tokens.issue(user, 'password_reset', 900);
    expect(await tokens.peek(token, 'verify_email')).toBeUndefined();
    expect(await tokens.consume(token, 'verify_email')).toBeUndefined();
    expect(await tokens.peek(`${token}x`, 'password_reset')).toBeUndefined();
    expect(await tokens.consume(token, 'password_reset')).toEqual({ userId: user.id, email: user.email });
  });

  it('a token lives until its expiry, not at it', async () => {
    const clock = manualClock();
    const user = await newUser();
    const tokens = new ActionTokenRepository(database.db, clock);
    const token = await tokens.issue(user, 'password_reset', 60);
    clock.advance(59.999);
    expect(await tokens.peek(token, 'password_reset')).toEqual({ userId: user.id, email: user.email });
    clock.advance(0.001);
    expect(await tokens.peek(token, 'password_reset')).toBeUndefined();
    expect(await tokens.consume(token, 'password_reset')).toBeUndefined();
  });

  it('removeForUser voids the named purposes of that user only', async () => {
    const user = await newUser();
    const other = await newUser();
    const tokens = new ActionTokenRepository(database.db);
    const reset = await tokens.issue(user, 'password_reset', 900);
    const verify = await tokens.issue(user, 'verify_email', 900);
    const othersReset = await tokens.issue(other, 'password_reset', 900);

    await tokens.removeForUser(user.id, ['password_reset']);
    expect(await tokens.peek(reset, 'password_reset')).toBeUndefined();
    expect(await tokens.peek(verify, 'verify_email')).toBeDefined();
    expect(await tokens.peek(othersReset, 'password_reset')).toBeDefined();

    await tokens.removeForUser(user.id, ['password_reset', 'verify_email']);
    expect(await tokensOf(user.id)).toEqual([]);
    expect(await tokensOf(other.id)).toHaveLength(1);
  });
});
