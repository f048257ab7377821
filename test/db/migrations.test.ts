// Every migration must round-trip: its down restores exactly the schema before it, and its up then restores the
// schema after it. References come from applying the journal one entry at a time, so each level is compared with
// what the up migrations alone produce. Runs on PGlite, and on PostgreSQL when TEST_DATABASE_URL is set.
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { generateDrizzleJson } from 'drizzle-kit/api';
import { integer, pgEnum, pgSchema, pgTable, text } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, isPostgresUrl, rowsOf, type Database } from '../../src/db/client.js';
import { MIGRATIONS_FOLDER, migrateDown, migrateUp, readJournal } from '../../src/db/migrate.js';
import {
  diffSnapshots,
  findRenameCandidates,
  missingMigrationFiles,
  pendingSchemaChanges,
  RenameAmbiguityError,
} from '../../src/db/migration-diff.js';
import { databaseUrlFor } from '../helpers/postgres-url.js';

const TAGS = readJournal().map((entry) => entry.tag);
const TIMEOUT = 120_000;

async function rows(database: Database, query: ReturnType<typeof sql>): Promise<unknown[]> {
  return rowsOf<unknown>(await database.db.execute(query));
}

async function captureSchema(database: Database) {
  return {
    columns: await rows(database, sql`
      select table_name, column_name, data_type, is_nullable, column_default, is_identity
      from information_schema.columns where table_schema = 'public' order by table_name, column_name`),
    indexes: await rows(database, sql`
      select tablename, indexname, indexdef from pg_indexes where schemaname = 'public' order by tablename, indexname`),
    // Before PostgreSQL 18, NOT NULL shows up here as a CHECK named after the table's oid, which changes on every
    // re-create; nullability is already compared through is_nullable.
    constraints: await rows(database, sql`
      select constraint_name, constraint_type, table_name from information_schema.table_constraints
      where table_schema = 'public' and constraint_name !~ '^[0-9]+_[0-9]+_[0-9]+_not_null$'
      order by table_name, constraint_name, constraint_type`),
  };
}

async function publicObjects(database: Database): Promise<unknown[]> {
  return rows(database, sql`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public'
    union all
    select t.typname from pg_type t join pg_namespace n on n.oid = t.typnamespace where n.nspname = 'public'`);
}

/** Copies of the migrations folder whose journal stops after `level` entries: index 0 (none) to TAGS.length. */
function truncatedFolders(): { folders: string[]; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'cnlearn-migr-'));
  const journal = { version: '7', dialect: 'postgresql', entries: readJournal() };
  const folders = TAGS.map((_, index) => index).concat(TAGS.length).map((level) => {
    const folder = join(root, String(level));
    cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
    writeFileSync(join(folder, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries: journal.entries.slice(0, level) }));
    return folder;
  });
  return { folders, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

interface Opened {
  database: Database;
  dispose(): Promise<void>;
}

function roundTripSuite(open: () => Promise<Opened>): void {
  let opened: Opened | undefined;
  let truncated: ReturnType<typeof truncatedFolders> | undefined;
  const references: Awaited<ReturnType<typeof captureSchema>>[] = [];
  const db = (): Database => opened!.database;

  beforeAll(async () => {
    opened = await open();
    truncated = truncatedFolders();
    for (const folder of truncated.folders) {
      await migrateUp(db(), folder);
      references.push(await captureSchema(db()));
    }
  }, TIMEOUT);

  afterAll(async () => {
    truncated?.cleanup();
    await opened?.dispose();
  }, TIMEOUT);

  it('has migrations to test, and applying them all changes the schema', () => {
    expect(TAGS.length).toBeGreaterThan(0);
    expect(references.at(-1)).not.toEqual(references[0]);
  });

  it('downs every migration to an empty public schema, then ups to the same schema', async () => {
    expect(await migrateDown(db(), Infinity)).toEqual([...TAGS].reverse());
    expect(await publicObjects(db())).toEqual([]);
    expect(await captureSchema(db())).toEqual(references[0]);
    await migrateUp(db());
    expect(await captureSchema(db())).toEqual(references.at(-1));
  }, TIMEOUT);

  it('downs each migration, newest first, to the schema before it, and ups it again', async () => {
    for (let index = TAGS.length - 1; index >= 0; index -= 1) {
      expect(await migrateDown(db(), 1)).toEqual([TAGS[index]]);
      expect(await captureSchema(db()), `after the down of ${TAGS[index]}`).toEqual(references[index]);
      await migrateUp(db(), truncated!.folders[index + 1]);
      expect(await captureSchema(db()), `after re-applying ${TAGS[index]}`).toEqual(references[index + 1]);
      expect(await migrateDown(db(), 1)).toEqual([TAGS[index]]);
    }
    expect(await publicObjects(db())).toEqual([]);
    await migrateUp(db());
    expect(await captureSchema(db())).toEqual(references.at(-1));
  }, TIMEOUT);
}

describe('migrations round-trip on PGlite', () => {
  roundTripSuite(async () => {
    const database = await createDatabase('memory://');
    return { database, dispose: () => database.close() };
  });
});

const adminUrl = process.env.TEST_DATABASE_URL;

describe.skipIf(!adminUrl || !isPostgresUrl(adminUrl))('migrations round-trip on PostgreSQL', () => {
  roundTripSuite(async () => {
    const name = `cnlearn_migr_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    try {
      const database = await createDatabase(databaseUrlFor(adminUrl!, name), { poolSize: 2 });
      return {
        database,
        dispose: async () => {
          await database.close().finally(() => admin.query(`drop database if exists ${name} with (force)`));
          await admin.end();
        },
      };
    } catch (error) {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
      throw error;
    }
  });
});

describe('schema vs migrations', () => {
  const table = (columns: 'a' | 'b') => pgTable('t', { id: integer('id'), [columns]: text(columns) });

  it('the committed migrations match src/db/schema.ts and have their down and snapshot files', async () => {
    expect(missingMigrationFiles()).toEqual([]);
    expect(await pendingSchemaChanges()).toEqual([]);
  });

  it('finds a column dropped while another is added in the same table', () => {
    const prev = generateDrizzleJson({ t: table('a') });
    const cur = generateDrizzleJson({ t: table('b') });
    expect(findRenameCandidates(prev, cur)).toEqual([{ kind: 'column', table: 't', dropped: ['a'], added: ['b'] }]);
  });

  it('finds tables, across schemas too, and enums; a table pair hides its columns', () => {
    const other = pgSchema('other');
    const prev = generateDrizzleJson({ t: table('a'), mood: pgEnum('mood', ['x']) });
    const cur = generateDrizzleJson({ other, u: other.table('u', { id: integer('id') }), feel: pgEnum('feel', ['x']) });
    expect(findRenameCandidates(prev, cur)).toEqual([
      { kind: 'enum', dropped: ['mood'], added: ['feel'] },
      { kind: 'table', dropped: ['t'], added: ['other.u'] },
    ]);
  });

  it('finds nothing when things are only added or only dropped', () => {
    const small = generateDrizzleJson({ t: pgTable('t', { id: integer('id') }) });
    const large = generateDrizzleJson({ t: table('a'), u: pgTable('u', { id: integer('id') }) });
    expect(findRenameCandidates(small, large)).toEqual([]);
    expect(findRenameCandidates(large, small)).toEqual([]);
  });

  it('refuses to diff an ambiguous change without a terminal, naming the columns', async () => {
    const diff = diffSnapshots(generateDrizzleJson({ t: table('a') }), generateDrizzleJson({ t: table('b') }));
    await expect(diff).rejects.toBeInstanceOf(RenameAmbiguityError);
    await expect(diff).rejects.toThrow('table "t": column "a" dropped while column "b" added');
  });
});
