// Builds one migrated template database per run; every test file then starts from a copy of it
// (test/helpers/database.ts). PGlite: a data-directory tarball. Postgres (TEST_DATABASE_URL): a template database.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createDatabase } from '../src/db/client.js';
import { MIGRATIONS_FOLDER, migrateUp } from '../src/db/migrate.js';
import { databaseUrlFor } from './helpers/postgres-url.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    postgresTemplate: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (adminUrl) {
    const name = `cnlearn_template_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    const database = await createDatabase(databaseUrlFor(adminUrl, name), { poolSize: 1 });
    await migrateUp(database);
    await database.close();
    project.provide('postgresTemplate', name);
    project.provide('pgliteTemplate', '');
    return async () => {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    };
  }
  project.provide('pgliteTemplate', await pgliteTemplate());
  project.provide('postgresTemplate', '');
  return async () => {};
}

/**
 * The migrated PGlite data directory as a tarball, cached under node_modules/.cache by a hash of the migrations
 * and the PGlite version: building it costs seconds, reading it milliseconds.
 */
async function pgliteTemplate(): Promise<string> {
  const root = join(import.meta.dirname, '..');
  const hash = createHash('sha256').update(readFileSync(join(root, 'node_modules', '@electric-sql', 'pglite', 'package.json')));
  for (const file of readdirSync(MIGRATIONS_FOLDER, { recursive: true, encoding: 'utf8' }).sort()) {
    const path = join(MIGRATIONS_FOLDER, file);
    if (statSync(path).isFile()) hash.update(file).update(readFileSync(path));
  }
  const dir = join(root, 'node_modules', '.cache', 'cnlearn-api');
  const path = join(dir, `pglite-template-${hash.digest('hex').slice(0, 16)}.tar`);
  if (existsSync(path)) return path;
  const database = await createDatabase('memory://');
  await migrateUp(database);
  const dump = await database.dumpDataDir!();
  await database.close();
  mkdirSync(dir, { recursive: true });
  const partial = `${path}.${process.pid}`;
  writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
  renameSync(partial, path); // atomic: a concurrent run never reads half a file
  return path;
}
