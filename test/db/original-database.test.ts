// A database the original FastAPI service created (its Alembic migration, rows written by it) is adopted by
// `migrate`: same schema as a fresh one afterwards, its users log in with their bcrypt passwords, ids continue.
import { randomBytes } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { createDatabase, rowsOf, type Database } from '../../src/db/client.js';
import { migrateUp } from '../../src/db/migrate.js';
import { testConfig } from '../helpers/app.js';
import { login } from '../helpers/auth.js';
import { adminQuery, usingPostgres } from '../helpers/database.js';
import { databaseUrlFor } from '../helpers/postgres-url.js';

/** What `alembic upgrade head` (revision dca2834959fc) made, statement by statement. */
const ORIGINAL_SCHEMA = [
  `CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))`,
  `INSERT INTO alembic_version (version_num) VALUES ('dca2834959fc')`,
  `CREATE TABLE users (id SERIAL NOT NULL, full_name VARCHAR, email VARCHAR NOT NULL, hashed_password VARCHAR NOT NULL,
    is_active BOOLEAN, is_superuser BOOLEAN, PRIMARY KEY (id))`,
  `CREATE UNIQUE INDEX ix_users_email ON users (email)`,
  `CREATE INDEX ix_users_full_name ON users (full_name)`,
  `CREATE INDEX ix_users_id ON users (id)`,
];

const names: string[] = [];
afterAll(async () => {
  for (const name of names) await adminQuery(`drop database if exists ${name} with (force)`);
});

/** An empty database (not the migrated test template). */
async function emptyDatabase(): Promise<Database> {
  if (!usingPostgres) return createDatabase('memory://');
  const name = `cnlearn_original_${randomBytes(4).toString('hex')}`;
  names.push(name);
  await adminQuery(`create database ${name}`);
  return createDatabase(databaseUrlFor(process.env.TEST_DATABASE_URL!, name), { poolSize: 2 });
}

async function schemaOf(database: Database) {
  const rows = async (query: ReturnType<typeof sql>) => rowsOf<unknown>(await database.db.execute(query));
  return {
    columns: await rows(sql`select column_name, data_type, is_nullable, column_default, is_identity
      from information_schema.columns where table_schema = 'public' and table_name = 'users' order by column_name`),
    indexes: await rows(sql`select indexname, indexdef from pg_indexes where tablename = 'users' order by indexname`),
  };
}

describe('a database of the original service', () => {
  it('is adopted by migrate and served: same schema, bcrypt logins, ids continue', { timeout: 60_000 }, async () => {
    const fresh = await emptyDatabase();
    await migrateUp(fresh);
    const expected = await schemaOf(fresh);
    await fresh.close();

    const original = await emptyDatabase();
    for (const statement of ORIGINAL_SCHEMA) await original.db.execute(sql.raw(statement));
    const legacyHash = await bcrypt.hash('original password', 4);
    await original.db.execute(sql`
      insert into users (email, hashed_password, full_name, is_active, is_superuser) values
        ('first@example.com', ${legacyHash}, 'First', true, false),
        ('nulls@example.com', ${legacyHash}, null, null, null)`);
    await migrateUp(original);
    expect(await schemaOf(original)).toEqual(expected);

    const app = await buildApp(testConfig({ MIGRATE_ON_START: 'true' }), { database: original });
    try {
      expect((await login(app, 'FIRST@example.com', 'original password')).statusCode).toBe(200);
      expect((await login(app, 'nulls@example.com', 'original password')).statusCode).toBe(200); // NULL flags → defaults
      const registered = await app.inject({
        method: 'POST',
        url: '/api/v1/users/register',
        payload: { email: 'third@example.com', password: 'a fresh passphrase' },
      });
      expect(registered.statusCode).toBe(200);
      expect(registered.json().id).toBe(3);
      const duplicate = await app.inject({
        method: 'POST',
        url: '/api/v1/users/register',
        payload: { email: 'First@Example.com', password: 'a fresh passphrase' },
      });
      expect(duplicate.json()).toEqual({ detail: 'This email is already in use.' });
    } finally {
      await app.close();
    }
  });
});
