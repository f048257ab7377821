// The things a benchmark run needs around the load itself: a build, a scratch database, and the real server as a
// child process (what `npm start` runs), each registered for cleanup so nothing outlives the script.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseEnv } from 'node:util';
import pg from 'pg';
import { onCleanup } from './cleanup.js';

export const ROOT = resolve(import.meta.dirname, '..', '..');
const HEALTH_TIMEOUT_MS = 30_000;
/** The server's own SHUTDOWN_TIMEOUT_MS is 10 s; after that plus a margin it is killed outright. */
const STOP_TIMEOUT_MS = 15_000;

export type ServerMode = 'dist' | 'tsx';

/** Set for every benchmarked server, overriding the environment; the report says so. */
export const FIXED_ENV = { RATE_LIMIT_ENABLED: 'false' } as const;

/**
 * A server setting as the benchmarked server will see it, for the report: from our environment (which passes
 * through), else from the .env the server loads from its working directory, else "server default".
 */
export async function serverSetting(name: string): Promise<string> {
  const fromEnv = process.env[name]?.trim();
  if (fromEnv) return fromEnv;
  const dotenv: Record<string, string | undefined> = await readFile(join(ROOT, '.env'), 'utf8').then(parseEnv, () => ({}));
  const fromFile = dotenv[name]?.trim();
  return fromFile ? `${fromFile} (from .env)` : 'server default';
}

/** Compiles src/ to dist/ as `npm run build` does, so the benchmark measures the JS that `npm start` runs. */
export function build(): void {
  const result = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim() || String(result.error ?? 'no output');
    throw new Error(`build failed (npx tsc -p tsconfig.build.json):\n${output}\n(BENCH_SERVER=tsx runs src/ without building)`);
  }
}

export interface Scratch {
  databaseUrl: string;
  /** Drops the database or deletes the directory; also run by cleanupAll on Ctrl-C. */
  remove: () => Promise<void>;
}

/** A PGlite data directory inside a fresh temporary directory (the server creates and migrates it). */
export async function scratchPglite(): Promise<Scratch> {
  const dir = await mkdtemp(join(tmpdir(), 'cnlearn-bench-pglite-'));
  const remove = onCleanup(() => rm(dir, { recursive: true, force: true }));
  return { databaseUrl: join(dir, 'data'), remove };
}

/** Throws when the server cannot be reached; the caller turns that into "skipped". */
export async function scratchPostgres(adminUrl: string): Promise<Scratch> {
  const admin = () => new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  // Lower-case hex only, so the name needs no quoting in SQL.
  const name = `cnlearn_bench_${randomBytes(6).toString('hex')}`;
  const client = admin();
  try {
    await client.connect();
    await client.query(`create database ${name}`);
  } finally {
    await client.end().catch(() => undefined);
  }
  const remove = onCleanup(async () => {
    const dropper = admin();
    try {
      await dropper.connect();
      // FORCE (PostgreSQL 13+) ends sessions a killed server may have left behind.
      await dropper.query(`drop database if exists ${name} with (force)`);
    } finally {
      await dropper.end().catch(() => undefined);
    }
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { databaseUrl: url.toString(), remove };
}

/** Asks the OS for an unused port; another process could take it before the server binds, which is unlikely here. */
async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port ? done(port) : fail(new Error('could not find a free port'))));
    });
  });
}

export interface Server {
  baseUrl: string;
  /** SIGTERM, wait for exit (SIGKILL after 15 s); safe to call twice. */
  stop: () => Promise<void>;
  /** Lines the server printed (LOG_LEVEL=warn, so any line is worth a look); the last 50 are kept. */
  logTail: () => string[];
  logLines: () => number;
}

/**
 * A pino JSON line shortened to what matters: drizzle's error message starts with the whole SQL statement and ends
 * with the driver's reason (pino appends the causes' messages), so keep its end.
 */
function summarise(line: string): string {
  try {
    const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { type?: string; message?: string } };
    const reason = entry.err?.message ?? '';
    const error = entry.err ? ` ${entry.err.type ?? 'Error'}: ${reason.length > 240 ? `…${reason.slice(-240)}` : reason}` : '';
    return `level ${entry.level ?? '?'} ${entry.msg ?? ''}${error}`;
  } catch {
    return line.length > 300 ? `${line.slice(0, 300)}…` : line;
  }
}

export async function startServer(databaseUrl: string, mode: ServerMode): Promise<Server> {
  const port = await freePort();
  // `node --import tsx` rather than `npx tsx`: no wrapper process between our signals and the server.
  const args = mode === 'dist' ? [join(ROOT, 'dist', 'src', 'server.js')] : ['--import', 'tsx', join(ROOT, 'src', 'server.ts')];
  // The rest of our environment passes through (ARGON2_*, HASH_*, DATABASE_POOL_SIZE... can be tuned); a random
  // SECRET_KEY unless one is set, so the server's "no SECRET_KEY" warning does not hide the warnings that matter here.
  // Rate limits off whatever the environment says: all the load comes from one IP, and a per-IP limit of 10
  // registrations a minute would turn the benchmark into a measurement of 429s.
  const env = { HOST: '127.0.0.1', PORT: String(port), DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn', MIGRATE_ON_START: 'true' };
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { SECRET_KEY: randomBytes(32).toString('base64url'), ...process.env, ...env, ...FIXED_ENV },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail: string[] = [];
  let lines = 0;
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n').filter((text) => text.trim() !== '')) {
      lines += 1;
      tail.push(summarise(line));
      if (tail.length > 50) tail.shift();
    }
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<string>((done) => {
    child.once('exit', (code, signal) => done(signal ?? `code ${String(code)}`));
    child.once('error', (error) => done(error.message));
  });
  // Last resort if this script dies without running its cleanups: never leave the server behind.
  const killOnExit = () => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = onCleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
    process.off('exit', killOnExit);
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(baseUrl, exited, () => tail);
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseUrl, stop, logTail: () => [...tail], logLines: () => lines };
}

async function waitForHealth(baseUrl: string, exited: Promise<string>, tail: () => string[]): Promise<void> {
  let exit: string | undefined;
  void exited.then((how) => (exit = how));
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  const output = () => (tail().length > 0 ? `; its output:\n  ${tail().slice(-15).join('\n  ')}` : '');
  while (Date.now() < deadline) {
    if (exit !== undefined) throw new Error(`the server exited during start-up (${exit})${output()}`);
    const ok = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(1_000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`GET /health did not answer 200 within ${HEALTH_TIMEOUT_MS / 1000} s${output()}`);
}
