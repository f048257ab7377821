// createDatabase(url): one Drizzle `Db` over either driver. A postgres:// URL gets a node-postgres pool; anything
// else is a PGlite data directory (`memory://` for a throwaway in-memory one). Each driver is imported when it is
// used: loading the other one too (pg, or PGlite's WebAssembly) would only slow every start down.
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema.js';
import { acquireDirectoryLock } from './lock.js';

export type Schema = typeof schema;
/** What repositories take: a database or a transaction of either driver. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

/** Rows of a raw `db.execute()`: both drivers answer `{ rows }`, which the shared Db type cannot name. */
export function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Runs a trivial query: for readiness checks. */
  ping(): Promise<void>;
  /** Applies the pending migrations in `folder` (drizzle's migrator), one migrating process at a time. */
  migrate(folder: string): Promise<void>;
  close(): Promise<void>;
  /** PGlite only: the data directory as a tarball, which `loadDataDir` restores (migrated test templates). */
  dumpDataDir?(): Promise<Blob>;
}

export interface DatabaseOptions {
  poolSize?: number;
  /** PGlite only: start from a copy of this data directory dump (tests restore a migrated template). */
  loadDataDir?: Blob;
}

const MIGRATION_LOCK_KEY = 727_001; // any constant shared by every instance of this service

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

export async function createDatabase(url: string, options: DatabaseOptions = {}): Promise<Database> {
  if (isPostgresUrl(url)) return createPostgres(url, options.poolSize ?? 10);
  return createPglite(url, options.loadDataDir);
}

async function createPostgres(url: string, max: number): Promise<Database> {
  const [{ default: pg }, { drizzle: drizzlePg }] = await Promise.all([import('pg'), import('drizzle-orm/node-postgres')]);
  // A request must learn within 2 s that the database is gone: 1.5 s to connect, 1.5 s for any one query (ours
  // take milliseconds), so a stopped, unreachable or hung server gives a 503 rather than a request that hangs.
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 1_500, query_timeout: 1_500 });
  // An idle client whose server went away emits 'error'; without a listener that would crash the process.
  pool.on('error', () => {});
  const db = drizzlePg(pool, { schema });
  return {
    db,
    kind: 'postgres',
    ping: async () => {
      await pool.query('select 1');
    },
    migrate: async (migrationsFolder) => {
      // Several instances may start at once with MIGRATE_ON_START: a session advisory lock serialises them. A
      // client of its own, without the pool's query timeout: waiting for the lock or a long migration is fine.
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
      await client.connect();
      try {
        await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
        try {
          const { migrate: migratePg } = await import('drizzle-orm/node-postgres/migrator');
          await migratePg(drizzlePg(client, { schema }), { migrationsFolder });
        } finally {
          await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
        }
      } finally {
        await client.end();
      }
    },
    close: () => pool.end(),
  };
}

async function createPglite(location: string, loadDataDir?: Blob): Promise<Database> {
  const inMemory = location === 'memory://' || location.startsWith('memory://');
  const release = inMemory ? undefined : await acquireDirectoryLock(location);
  try {
    const [{ PGlite }, { drizzle: drizzlePglite }] = await Promise.all([import('@electric-sql/pglite'), import('drizzle-orm/pglite')]);
    const client = await PGlite.create({ ...(!inMemory && { dataDir: location }), ...(loadDataDir && { loadDataDir }) });
    const db = drizzlePglite(client, { schema });
    return {
      db,
      kind: 'pglite',
      ping: async () => {
        await client.query('select 1');
      },
      migrate: async (migrationsFolder) => {
        const { migrate: migratePglite } = await import('drizzle-orm/pglite/migrator');
        await migratePglite(db, { migrationsFolder });
      },
      dumpDataDir: () => client.dumpDataDir('none'),
      close: async () => {
        await client.close();
        release?.();
      },
    };
  } catch (error) {
    release?.();
    throw error;
  }
}
