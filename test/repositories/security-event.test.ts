// SecurityEventRepository on its own: the rows it writes, the hourly cap on failure rows, paging and pruning.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { securityEvents, users } from '../../src/db/schema.js';
import { FAILURES_PER_HOUR_CAP, SecurityEventRepository } from '../../src/repositories/security-event.js';
import { manualClock } from '../helpers/clock.js';
import { createTestDatabase } from '../helpers/database.js';
import { randomEmail } from '../helpers/users.js';

const CLIENT = { ip: '203.0.113.9', user_agent: 'Probe/1.0' };
const HOUR = 3600;

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

async function newUser(): Promise<number> {
  const [row] = await database.db.insert(users).values({ email: randomEmail(), hashed_password: 'x' }).returning({ id: users.id });
  return row!.id;
}

const rowsOf = (userId: number) => database.db.select().from(securityEvents).where(eq(securityEvents.user_id, userId)).orderBy(securityEvents.id);

describe('SecurityEventRepository', () => {
  it('record writes one row: the user, the type, the time of the clock and the client', async () => {
    const clock = manualClock(new Date('2030-01-02T03:04:05.000Z'));
    const userId = await newUser();
    await new SecurityEventRepository(database.db, clock).record(userId, 'password_changed', CLIENT);
    expect(await rowsOf(userId)).toEqual([
      { id: expect.any(Number), user_id: userId, type: 'password_changed', created_at: new Date('2030-01-02T03:04:05.000Z'), count: 1, ...CLIENT },
    ]);
  });

  it('recordFailure writes a row per failure up to the hourly cap, then counts on the newest row', async () => {
    const clock = manualClock();
    const userId = await newUser();
    const events = new SecurityEventRepository(database.db, clock);
    for (let i = 0; i < FAILURES_PER_HOUR_CAP; i++) {
      await events.recordFailure(userId, CLIENT);
      clock.advance(1);
    }
    expect(FAILURES_PER_HOUR_CAP).toBe(10);
    expect((await rowsOf(userId)).map((row) => row.count)).toEqual(Array(10).fill(1));

    await events.recordFailure(userId, CLIENT);
    await events.recordFailure(userId, CLIENT);
    const rows = await rowsOf(userId);
    expect(rows).toHaveLength(10);
    expect(rows.map((row) => row.count)).toEqual([...Array(9).fill(1), 3]);
    expect(rows.every((row) => row.type === 'login_failed' && row.ip === CLIENT.ip && row.user_agent === CLIENT.user_agent)).toBe(true);
  });

  it('only the last hour’s failures of this user count towards the cap', async () => {
    const clock = manualClock();
    const userId = await newUser();
    const other = await newUser();
    const events = new SecurityEventRepository(database.db, clock);
    // Other users' failures, and this user's other events, do not fill the cap.
    for (let i = 0; i < FAILURES_PER_HOUR_CAP; i++) await events.recordFailure(other, CLIENT);
    for (let i = 0; i < FAILURES_PER_HOUR_CAP; i++) await events.record(userId, 'login', CLIENT);
    for (let i = 0; i < FAILURES_PER_HOUR_CAP - 1; i++) await events.recordFailure(userId, CLIENT);
    // The oldest failure leaves the hour exactly now: it no longer counts, so the next one gets a row.
    clock.advance(HOUR);
    await events.recordFailure(userId, CLIENT);
    await events.recordFailure(userId, CLIENT);
    const failures = (await rowsOf(userId)).filter((row) => row.type === 'login_failed');
    expect(failures).toHaveLength(11);
    expect(failures.every((row) => row.count === 1)).toBe(true);
    expect((await rowsOf(other)).map((row) => row.count)).toEqual(Array(10).fill(1));
  });

  it('concurrent failures still respect the cap', async () => {
    const userId = await newUser();
    const events = new SecurityEventRepository(database.db);
    await Promise.all(Array.from({ length: FAILURES_PER_HOUR_CAP + 5 }, () => events.recordFailure(userId, CLIENT)));
    const rows = await rowsOf(userId);
    expect(rows).toHaveLength(FAILURES_PER_HOUR_CAP);
    expect(rows.reduce((sum, row) => sum + row.count, 0)).toBe(FAILURES_PER_HOUR_CAP + 5);
  });

  it('list gives the user’s events newest first, pages with `before`, and stops at `limit`', async () => {
    const userId = await newUser();
    const other = await newUser();
    const events = new SecurityEventRepository(database.db);
    for (const type of ['login', 'logout', 'email_changed', 'email_verified'] as const) await events.record(userId, type, CLIENT);
    await events.record(other, 'login', CLIENT);

    const all = await events.list(userId, { limit: 10 });
    expect(all.map((row) => row.type)).toEqual(['email_verified', 'email_changed', 'logout', 'login']);
    expect((await events.list(userId, { limit: 2 })).map((row) => row.type)).toEqual(['email_verified', 'email_changed']);
    expect((await events.list(userId, { limit: 10, before: all[1]!.id })).map((row) => row.type)).toEqual(['logout', 'login']);
    expect(await events.list(userId, { limit: 10, before: all[3]!.id })).toEqual([]);
  });

  it('prune deletes the events older than `days` and says how many', async () => {
    // Long ago: the other tests' events (written now, or later) are newer than any cutoff here.
    const clock = manualClock(new Date('2000-06-01T00:00:00.000Z'));
    const userId = await newUser();
    const events = new SecurityEventRepository(database.db, clock);
    await events.record(userId, 'login', CLIENT); // 30 days old at the prune, exactly: kept
    clock.advance(-1);
    await events.record(userId, 'logout', CLIENT); // a second older: pruned
    clock.advance(1 + 86_400);
    await events.record(userId, 'email_changed', CLIENT); // 29 days old: kept
    clock.advance(29 * 86_400);

    expect(await events.prune(30)).toBe(1);
    expect((await rowsOf(userId)).map((row) => row.type)).toEqual(['login', 'email_changed']);
    expect(await events.prune(30)).toBe(0);
    expect(await events.prune(29)).toBe(1);
    expect((await rowsOf(userId)).map((row) => row.type)).toEqual(['email_changed']);
  });
});
