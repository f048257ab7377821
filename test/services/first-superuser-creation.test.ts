// FIRST_SUPERUSER at start: created once, verified and a superuser; an existing account is left alone; a second
// instance creating it at the same moment is no error, any other failure is. Rows are read with plain queries.
import { Writable } from 'node:stream';
import { eq, sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PasswordHasher, ServiceBusyError, WorkQueue } from '../../src/core/password-hasher.js';
import type { Database } from '../../src/db/client.js';
import { users } from '../../src/db/schema.js';
import { ensureFirstSuperuser } from '../../src/services/first-superuser.js';
import { testConfig } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/database.js';
import { randomEmail } from '../helpers/users.js';

const hasher = new PasswordHasher({ memoryCost: 4096, timeCost: 1, parallelism: 1 });
const PASSWORD = 'first admin password';

function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level: 'info' }, stream), lines };
}

const configFor = (email: string) => testConfig({ FIRST_SUPERUSER: email, FIRST_SUPERUSER_PASSWORD: PASSWORD });
const rowsFor = (database: Database, email: string) => database.db.select().from(users).where(eq(users.email, email));

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

describe('ensureFirstSuperuser', () => {
  it('does nothing without FIRST_SUPERUSER', async () => {
    const { log, lines } = capturingLogger();
    const [before] = await database.db.select({ count: sql<number>`count(*)::int` }).from(users);
    await ensureFirstSuperuser(database.db, hasher, testConfig(), log);
    const [after] = await database.db.select({ count: sql<number>`count(*)::int` }).from(users);
    expect(after!.count).toBe(before!.count);
    expect(lines).toEqual([]);
  });

  it('creates a verified, active superuser whose password verifies, and says so in the log', async () => {
    const email = randomEmail();
    const { log, lines } = capturingLogger();
    await ensureFirstSuperuser(database.db, hasher, configFor(email), log);
    const [row, ...more] = await rowsFor(database, email);
    expect(more).toEqual([]);
    expect(row).toMatchObject({ email, is_superuser: true, is_verified: true, is_active: true });
    expect(await hasher.verify(PASSWORD, row!.hashed_password)).toEqual({ valid: true, needsRehash: false });
    expect(lines).toEqual([expect.objectContaining({ level: 30, email, msg: 'first superuser created' })]);
  });

  it('leaves an existing account alone, whatever its letter case: no new row, no new password, no log', async () => {
    const email = randomEmail();
    await ensureFirstSuperuser(database.db, hasher, configFor(email), capturingLogger().log);
    const [created] = await rowsFor(database, email);
    await database.db.update(users).set({ hashed_password: await hasher.hash('changed since') }).where(eq(users.id, created!.id));

    const { log, lines } = capturingLogger();
    await ensureFirstSuperuser(database.db, hasher, configFor(email.toUpperCase().replace(/@.*$/, (domain) => domain.toLowerCase())), log);
    const rows = await database.db.select().from(users).where(sql`lower(${users.email}) = lower(${email})`);
    expect(rows).toHaveLength(1);
    expect((await hasher.verify('changed since', rows[0]!.hashed_password)).valid).toBe(true);
    expect(lines).toEqual([]);
  });

  it('hashes nothing at start when the account exists', async () => {
    const email = randomEmail();
    await ensureFirstSuperuser(database.db, hasher, configFor(email), capturingLogger().log);
    // A hasher that refuses all work: any attempt to hash would reject with a 503.
    const queue = new WorkQueue(1, 0);
    let release!: () => void;
    const running = queue.run(() => new Promise<void>((resolve) => (release = resolve)));
    try {
      await expect(ensureFirstSuperuser(database.db, new PasswordHasher(hasher.params, queue), configFor(email), capturingLogger().log)).resolves.toBeUndefined();
    } finally {
      release();
      await running;
    }
  });

  it('is no error when another instance creates the account at the same moment', async () => {
    const email = randomEmail();
    const { log, lines } = capturingLogger();
    // Both look the e-mail up before either inserts (hashing takes a while): the second insert meets the unique index.
    await expect(
      Promise.all([ensureFirstSuperuser(database.db, hasher, configFor(email), log), ensureFirstSuperuser(database.db, hasher, configFor(email), log)]),
    ).resolves.toEqual([undefined, undefined]);
    expect(await rowsFor(database, email)).toHaveLength(1);
    expect(lines).toHaveLength(1);
  });

  it('passes on any other failure', async () => {
    const queue = new WorkQueue(1, 0);
    const busy = new PasswordHasher(hasher.params, queue);
    let release!: () => void;
    const running = queue.run(() => new Promise<void>((resolve) => (release = resolve)));
    const email = randomEmail();
    try {
      await expect(ensureFirstSuperuser(database.db, busy, configFor(email), capturingLogger().log)).rejects.toBeInstanceOf(ServiceBusyError);
    } finally {
      release();
      await running;
    }
    expect(await rowsFor(database, email)).toEqual([]);
  });
});
