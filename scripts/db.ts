// Database CLI: `tsx scripts/db.ts <migrate | rollback [--all] | generate [--name foo] | check>`.
// The logic lives in src/db/migrate.ts and src/db/migration-diff.ts; this file parses, prints and sets the exit code.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { createDatabase, isPostgresUrl, type Database } from '../src/db/client.js';
import { appliedTags, MIGRATIONS_FOLDER, migrateDown, migrateUp, readJournal } from '../src/db/migrate.js';

const ROOT = resolve(import.meta.dirname, '..');
const SELF = 'npx tsx scripts/db.ts';
const USAGE = `Usage: ${SELF} <command>
  migrate              apply the pending migrations to DATABASE_URL
  rollback [--all]     undo the last migration (--all: every one)
  generate [--name x]  write a migration for changes to src/db/schema.ts, and every missing .down.sql
  check                fail when src/db/schema.ts and drizzle/ disagree (needs no database)`;

/** A failure whose message is the whole story: printed as is, exit 1. */
class CliError extends Error {}

function describeError(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return error.errors.map(describeError).join('\n');
  if (!(error instanceof Error)) return String(error);
  // Connection errors from pg can have an empty message and only a code.
  const text = error.message || (error as NodeJS.ErrnoException).code || error.name;
  return error.cause instanceof Error ? `${text}\n  caused by: ${describeError(error.cause)}` : text;
}

function target(url: string): string {
  if (!isPostgresUrl(url)) return url;
  const parsed = new URL(url);
  parsed.password = parsed.password ? '***' : '';
  return parsed.toString();
}

async function withDatabase(work: (database: Database) => Promise<void>): Promise<void> {
  const envFile = join(ROOT, '.env');
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  const config = loadConfig(process.env);
  console.log(`Database: ${target(config.databaseUrl)}`);
  const database = await createDatabase(config.databaseUrl, { poolSize: config.databasePoolSize });
  try {
    // A query's failure would print as "Failed query: ..."; a refused connection reads better on its own.
    await database.ping().catch((error: unknown) => {
      throw new CliError(`Cannot reach the database: ${describeError(error)}`);
    });
    await work(database);
  } finally {
    await database.close();
  }
}

async function migrate(): Promise<void> {
  await withDatabase(async (database) => {
    const before = new Set(await appliedTags(database));
    await migrateUp(database);
    const after = await appliedTags(database);
    for (const tag of after.filter((tag) => !before.has(tag))) console.log(`Applied ${tag}`);
    console.log(`Database is up to date (${after.length} migrations applied)`);
  });
}

async function rollback(all: boolean): Promise<void> {
  await withDatabase(async (database) => {
    const undone = await migrateDown(database, all ? Infinity : 1);
    if (undone.length === 0) console.log('Nothing to roll back');
    for (const tag of undone) console.log(`Rolled back ${tag}`);
    console.log(`${(await appliedTags(database)).length} migrations still applied`);
  });
}

async function generate(name: string | undefined): Promise<void> {
  // drizzle-kit/api is large: loaded only by the commands that need it.
  const diff = await import('../src/db/migration-diff.js');
  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  const entriesBefore = readJournal().length;
  const [previous, current] = [diff.lastSnapshot(), diff.currentSnapshot()];
  const renames = diff.findRenameCandidates(previous, current);
  if (renames.length > 0 && !interactive) throw new diff.RenameAmbiguityError(renames);
  const changed = renames.length > 0 || (await diff.diffSnapshots(previous, current)).length > 0;

  const args = ['generate', ...(name === undefined ? [] : ['--name', name])];
  const kit = spawnSync(join(ROOT, 'node_modules', '.bin', 'drizzle-kit'), args, { cwd: ROOT, stdio: 'inherit' });
  if (kit.error) throw new CliError(`Could not run drizzle-kit: ${kit.error.message}`);
  if (kit.status !== 0) throw new CliError(`drizzle-kit generate failed (exit ${kit.status ?? kit.signal})`);
  if (changed && readJournal().length === entriesBefore) {
    throw new CliError('src/db/schema.ts differs from the last snapshot, yet drizzle-kit wrote no migration.');
  }

  if (renames.length > 0) {
    console.log('The down migration asks the same rename questions in reverse: answer them the same way.');
  }
  for (const path of await diff.writeMissingDowns(MIGRATIONS_FOLDER, interactive)) {
    console.log(`Wrote ${relative(ROOT, path)}`);
  }
}

async function check(): Promise<void> {
  const diff = await import('../src/db/migration-diff.js');
  const missing = diff.missingMigrationFiles();
  if (missing.length > 0) {
    throw new CliError(`Missing migration files in drizzle/ (run \`${SELF} generate\`):\n  ${missing.join('\n  ')}`);
  }
  const pending = await diff.pendingSchemaChanges();
  if (pending.length > 0) {
    throw new CliError(
      `src/db/schema.ts and the migrations disagree; run \`${SELF} generate\`. Missing SQL:\n${pending.join('\n')}`,
    );
  }
  console.log(`Schema and migrations agree (${readJournal().length} migrations)`);
}

function renameAdvice(): string {
  const terminal = process.stdin.isTTY && process.stdout.isTTY ? '' : ' (stdin/stdout here is not a terminal)';
  return (
    `Renames are interactive in drizzle-kit${terminal}: run \`${SELF} generate\` in a terminal and answer the ` +
    'prompt, or split the change into two migrations (add the new one and generate, then drop the old one and ' +
    'generate). A missing down migration can also be written by hand as drizzle/<tag>.down.sql.'
  );
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { all: { type: 'boolean' }, name: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const [command, ...extra] = positionals;
  if (values.help) return console.log(USAGE);
  if (extra.length > 0) throw new CliError(`Unexpected arguments: ${extra.join(' ')}\n${USAGE}`);
  if (values.all && command !== 'rollback') throw new CliError('--all is for rollback only');
  if (values.name !== undefined && command !== 'generate') throw new CliError('--name is for generate only');
  if (command === 'migrate') return migrate();
  if (command === 'rollback') return rollback(values.all ?? false);
  if (command === 'generate') return generate(values.name);
  if (command === 'check') return check();
  throw new CliError(command === undefined ? USAGE : `Unknown command "${command}"\n${USAGE}`);
}

try {
  await main(process.argv.slice(2));
} catch (error) {
  console.error(describeError(error));
  if (error instanceof Error && error.name === 'RenameAmbiguityError') console.error(renameAdvice());
  process.exitCode = 1;
}
