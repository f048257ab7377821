// The pure side of the db:* scripts: snapshots, rename ambiguity, schema-vs-migrations drift and down migrations.
// It imports drizzle-kit (a devDependency), so only scripts and tests may import it, never the server.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { generateDrizzleJson, generateMigration, type DrizzleSnapshotJSON } from 'drizzle-kit/api';
import * as schema from './schema.js';
import { MIGRATIONS_FOLDER, readJournal } from './migrate.js';

export type Snapshot = DrizzleSnapshotJSON;

/** drizzle-kit's own separator in the up files, so splitStatements() reads both directions alike. */
export const STATEMENT_BREAKPOINT = '--> statement-breakpoint\n';

export interface RenameCandidate {
  kind: 'schema' | 'enum' | 'sequence' | 'role' | 'table' | 'column' | 'policy' | 'view';
  /** For columns and table policies: the table they belong to. */
  table?: string;
  dropped: string[];
  added: string[];
}

export class RenameAmbiguityError extends Error {
  override name = 'RenameAmbiguityError';
  constructor(
    readonly candidates: RenameCandidate[],
    context = 'The schema change',
  ) {
    super(`${context} has possible renames, which drizzle-kit asks about interactively:\n${describeRenameCandidates(candidates)}`);
  }
}

export function currentSnapshot(): Snapshot {
  return generateDrizzleJson(schema);
}

/** The state before the first migration: what a down of migration 0000 leads to. */
export function emptySnapshot(): Snapshot {
  return generateDrizzleJson({});
}

export function snapshotPath(tag: string, folder = MIGRATIONS_FOLDER): string {
  // drizzle-kit names snapshots by the tag's prefix (0000, or a timestamp in the other prefix modes).
  return join(folder, 'meta', `${tag.split('_')[0]}_snapshot.json`);
}

export function readSnapshot(tag: string, folder = MIGRATIONS_FOLDER): Snapshot {
  const path = snapshotPath(tag, folder);
  if (!existsSync(path)) throw new Error(`Migration ${tag} has no snapshot (${path})`);
  return JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
}

export function lastSnapshot(folder = MIGRATIONS_FOLDER): Snapshot {
  const last = readJournal(folder).at(-1);
  return last ? readSnapshot(last.tag, folder) : emptySnapshot();
}

type Keyed = Record<string, { name: string; schema?: string }> | undefined;

function qualified(item: { name: string; schema?: string }): string {
  return item.schema && item.schema !== 'public' ? `${item.schema}.${item.name}` : item.name;
}

/** Same rule as drizzle-kit's differ: items are matched by record key; any dropped+added pair is a prompt. */
function pair(kind: RenameCandidate['kind'], prev: Keyed, cur: Keyed, table?: string): RenameCandidate[] {
  const before = prev ?? {};
  const after = cur ?? {};
  const dropped = Object.keys(before).filter((key) => !(key in after)).map((key) => qualified(before[key]!));
  const added = Object.keys(after).filter((key) => !(key in before)).map((key) => qualified(after[key]!));
  if (dropped.length === 0 || added.length === 0) return [];
  return [{ kind, ...(table === undefined ? {} : { table }), dropped, added }];
}

/** Everything drizzle-kit would stop and ask about going from `prev` to `cur` (tables across schemas count too). */
export function findRenameCandidates(prev: Snapshot, cur: Snapshot): RenameCandidate[] {
  const schemas = (snapshot: Snapshot): Keyed =>
    Object.fromEntries(Object.keys(snapshot.schemas).map((name) => [name, { name }]));
  const found = [
    ...pair('schema', schemas(prev), schemas(cur)),
    ...pair('enum', prev.enums, cur.enums),
    ...pair('sequence', prev.sequences, cur.sequences),
    ...pair('role', prev.roles, cur.roles),
    ...pair('table', prev.tables, cur.tables),
  ];
  // Columns and policies are compared only in tables both sides share; the others are already a table prompt.
  for (const key of Object.keys(cur.tables)) {
    const [before, table] = [prev.tables[key], cur.tables[key]];
    if (!before || !table) continue;
    found.push(...pair('column', before.columns, table.columns, qualified(table)));
    found.push(...pair('policy', before.policies, table.policies, qualified(table)));
  }
  found.push(...pair('policy', prev.policies, cur.policies), ...pair('view', prev.views, cur.views));
  return found;
}

export function describeRenameCandidates(candidates: RenameCandidate[]): string {
  const list = (names: string[]) => names.map((name) => `"${name}"`).join(', ');
  return candidates
    .map(({ kind, table, dropped, added }) => {
      const where = table === undefined ? '' : `table "${table}": `;
      return `  ${where}${kind} ${list(dropped)} dropped while ${kind} ${list(added)} added`;
    })
    .join('\n');
}

/** generateMigration() prompts (or, without a TTY, throws) on a possible rename: refuse first, with names. */
export async function diffSnapshots(prev: Snapshot, cur: Snapshot, interactive = false, context?: string): Promise<string[]> {
  const candidates = findRenameCandidates(prev, cur);
  if (candidates.length > 0 && !interactive) throw new RenameAmbiguityError(candidates, context);
  return generateMigration(prev, cur);
}

/** SQL that src/db/schema.ts needs beyond the committed migrations; [] when they agree. */
export async function pendingSchemaChanges(folder = MIGRATIONS_FOLDER): Promise<string[]> {
  return diffSnapshots(lastSnapshot(folder), currentSnapshot());
}

/** Files a journal entry needs (up, down, and the snapshot the next down is diffed from) that are missing. */
export function missingMigrationFiles(folder = MIGRATIONS_FOLDER): string[] {
  return readJournal(folder)
    .flatMap(({ tag }) => [`${tag}.sql`, `${tag}.down.sql`, relative(folder, snapshotPath(tag, folder))])
    .filter((file) => !existsSync(join(folder, file)));
}

/** The down of journal entry `index`: the diff from its snapshot back to the one before it. */
export async function downStatements(index: number, folder = MIGRATIONS_FOLDER, interactive = false): Promise<string[]> {
  const journal = readJournal(folder);
  const entry = journal[index];
  if (!entry) throw new Error(`No migration at journal index ${index}`);
  const previous = index === 0 ? emptySnapshot() : readSnapshot(journal[index - 1]!.tag, folder);
  return diffSnapshots(readSnapshot(entry.tag, folder), previous, interactive, `The down of ${entry.tag}`);
}

/** Writes `<tag>.down.sql` for every migration without one; returns the files written. Existing ones are kept. */
export async function writeMissingDowns(folder = MIGRATIONS_FOLDER, interactive = false): Promise<string[]> {
  const written: string[] = [];
  for (const [index, { tag }] of readJournal(folder).entries()) {
    const path = join(folder, `${tag}.down.sql`);
    if (existsSync(path)) continue;
    const statements = await downStatements(index, folder, interactive);
    writeFileSync(path, statements.join(STATEMENT_BREAKPOINT));
    written.push(path);
  }
  return written;
}
