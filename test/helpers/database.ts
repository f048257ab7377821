// A fresh, migrated database for one test file: PGlite restored from the template tarball, or a Postgres database
// created from the template database and dropped when closed. Like the original's testing database, but per file.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { inject } from 'vitest';
import { createDatabase, type Database } from '../../src/db/client.js';
import { databaseUrlFor } from './postgres-url.js';

export const usingPostgres = Boolean(process.env.TEST_DATABASE_URL);

/** Runs one statement on the TEST_DATABASE_URL server (create or drop a database). */
export async function adminQuery(text: string): Promise<void> {
  const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(text);
  } finally {
    await admin.end();
  }
}

/** Opens a throwaway migrated database; its close() also drops it (Postgres). */
export async function createTestDatabase(): Promise<Database> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    const template = new Blob([readFileSync(inject('pgliteTemplate'))]);
    return createDatabase('memory://', { loadDataDir: template });
  }
  const name = `cnlearn_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`create database ${name} template ${inject('postgresTemplate')}`);
  const database = await createDatabase(databaseUrlFor(adminUrl, name), { poolSize: 10 });
  return {
    ...database,
    close: async () => {
      await database.close();
      await adminQuery(`drop database if exists ${name} with (force)`);
    },
  };
}
