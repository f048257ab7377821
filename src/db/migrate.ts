// Migrations up and down, shared by the server, the db:* scripts and the tests. Up is drizzle's migrator
// (drizzle.__drizzle_migrations records what ran); down runs the `NNNN_name.down.sql` written beside each migration
// by `npm run db:generate`, newest first, and removes the record in the same transaction.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sql } from 'drizzle-orm';
import { rowsOf, type Database } from './client.js';

/** The committed migrations folder, found from this file (src/ or dist/src/), never from the working directory. */
export const MIGRATIONS_FOLDER = findMigrationsFolder(import.meta.dirname);

function findMigrationsFolder(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, 'drizzle');
    if (existsSync(join(candidate, 'meta', '_journal.json'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`No drizzle/meta/_journal.json above ${start}`);
  }
}

interface JournalEntry {
  idx: number;
  when: number;
  tag: string;
}

export function readJournal(folder = MIGRATIONS_FOLDER): JournalEntry[] {
  const journal = JSON.parse(readFileSync(join(folder, 'meta', '_journal.json'), 'utf8')) as { entries: JournalEntry[] };
  return journal.entries;
}

export function splitStatements(text: string): string[] {
  return text
    .split('--> statement-breakpoint')
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0);
}

export async function migrateUp(database: Database, folder = MIGRATIONS_FOLDER): Promise<void> {
  await database.migrate(folder);
}

interface AppliedRow {
  id: number;
  created_at: string | number;
}

/** Records of applied migrations, newest first (empty before the first migration). */
async function appliedMigrations(database: Database): Promise<AppliedRow[]> {
  const [table] = rowsOf<{ present: boolean }>(
    await database.db.execute(sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`),
  );
  if (!table?.present) return [];
  return rowsOf<AppliedRow>(
    await database.db.execute(sql`select id, created_at from drizzle.__drizzle_migrations order by created_at desc, id desc`),
  );
}

/** Journal tags of the applied migrations, oldest first. */
export async function appliedTags(database: Database, folder = MIGRATIONS_FOLDER): Promise<string[]> {
  const applied = new Set((await appliedMigrations(database)).map((row) => Number(row.created_at)));
  return readJournal(folder)
    .filter((entry) => applied.has(entry.when))
    .map((entry) => entry.tag);
}

/** Undoes the last `steps` applied migrations (all of them with `Infinity`); returns the tags undone, newest first. */
export async function migrateDown(database: Database, steps = 1, folder = MIGRATIONS_FOLDER): Promise<string[]> {
  const journal = readJournal(folder);
  const undone: string[] = [];
  for (const row of (await appliedMigrations(database)).slice(0, steps)) {
    const entry = journal.find((candidate) => candidate.when === Number(row.created_at));
    if (!entry) throw new Error(`Applied migration ${row.id} (created_at ${row.created_at}) is not in the journal`);
    const downPath = join(folder, `${entry.tag}.down.sql`);
    if (!existsSync(downPath)) throw new Error(`Migration ${entry.tag} has no down migration (${downPath})`);
    const statements = splitStatements(readFileSync(downPath, 'utf8'));
    await database.db.transaction(async (tx) => {
      for (const statement of statements) await tx.execute(sql.raw(statement));
      await tx.execute(sql`delete from drizzle.__drizzle_migrations where id = ${row.id}`);
    });
    undone.push(entry.tag);
  }
  return undone;
}
