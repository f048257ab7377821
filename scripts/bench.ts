// `npm run bench`: load-tests the real server (built JS in a child process) on PGlite and on PostgreSQL, with
// RATE_LIMIT_ENABLED=false (all load comes from one IP). Scenarios per database (BENCH_SCENARIOS, default all):
//   alone  GET /ready alone, then POST /register alone (BENCH_CONNECTIONS, BENCH_DURATION)
//   mixed  both at once: does Argon2 on the thread pool keep the event loop free, unlike the reference's bcrypt?
//   storm  the measured goal: BENCH_STORM_CONNECTIONS=200 registering for BENCH_STORM_DURATION=20 s must
//          get only 200/400/503, while a sequential GET /health keeps p99 ≤ 20 ms (GET /ready probed beside it)
// Prints a Markdown table and writes bench-results.json to the OS temp dir. Other settings: BENCH_DATABASES=pglite,
// postgres  BENCH_CONNECTIONS=50  BENCH_DURATION=10 (s)  BENCH_SERVER=dist|tsx
// BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres (admin database); HASH_CONCURRENCY, HASH_QUEUE_LIMIT
// and the server's other variables pass through to it.
import { writeFile } from 'node:fs/promises';
import { cpus, platform, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupAll, describeError } from './bench/cleanup.js';
import { markdown, REFERENCE, type DatabaseResult, type Machine, type RunInfo } from './bench/report.js';
import { runScenarios, SCENARIOS, type ScenarioSettings } from './bench/scenarios.js';
import { build, FIXED_ENV, scratchPglite, scratchPostgres, serverSetting, startServer } from './bench/server.js';
import type { Scratch, Server, ServerMode } from './bench/server.js';

const DATABASES = ['pglite', 'postgres'] as const;
type DatabaseKind = (typeof DATABASES)[number];

class UsageError extends Error {}

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new UsageError(`${name}=${JSON.stringify(raw)}: expected a positive integer`);
  return Number(raw);
}

/** A comma-separated subset of `all` from the variable `name` (all of them when unset), in `all`'s order. */
function selection<T extends string>(name: string, all: readonly T[]): T[] {
  const names = (process.env[name] ?? all.join(',')).split(',').map((item) => item.trim().toLowerCase()).filter(Boolean);
  const unknown = names.filter((item) => !(all as readonly string[]).includes(item));
  if (unknown.length > 0 || names.length === 0) throw new UsageError(`${name}: expected a list of ${all.join(', ')}`);
  return all.filter((item) => names.includes(item));
}

/** The admin URL without its password, for messages. */
function safeUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

interface Settings extends ScenarioSettings {
  mode: ServerMode;
  adminUrl: string;
}

function readSettings(): Settings {
  const server = process.env.BENCH_SERVER ?? 'dist';
  if (server !== 'dist' && server !== 'tsx') throw new UsageError('BENCH_SERVER: expected dist or tsx');
  return {
    scenarios: selection('BENCH_SCENARIOS', SCENARIOS),
    connections: positiveInt('BENCH_CONNECTIONS', 50),
    seconds: positiveInt('BENCH_DURATION', 10),
    stormConnections: positiveInt('BENCH_STORM_CONNECTIONS', 200),
    stormSeconds: positiveInt('BENCH_STORM_DURATION', 20),
    mode: server,
    adminUrl: process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  };
}

const log = (text: string) => console.log(`[bench] ${text}`);

async function benchDatabase(kind: DatabaseKind, settings: Settings): Promise<DatabaseResult> {
  const { mode, adminUrl } = settings;
  const result: DatabaseResult = { database: kind, drainMs: {}, serverLogLines: 0 };
  let scratch: Scratch;
  try {
    scratch = kind === 'pglite' ? await scratchPglite() : await scratchPostgres(adminUrl);
  } catch (error) {
    if (kind !== 'postgres') throw error;
    result.skipped = `PostgreSQL at ${safeUrl(adminUrl)} is unreachable or refused to create a database: ${describeError(error)}`;
    log(`postgres: skipped (${result.skipped})`);
    return result;
  }
  let server: Server | undefined;
  try {
    log(`${kind}: starting the server (${mode}) on ${kind === 'pglite' ? scratch.databaseUrl : safeUrl(scratch.databaseUrl)}`);
    server = await startServer(scratch.databaseUrl, mode);
    await runScenarios(server.baseUrl, settings, result, log);
  } catch (error) {
    // After Ctrl-C the failures are our own doing (server stopped under the load): say nothing.
    result.error = interrupted ? 'interrupted' : describeError(error);
    if (!interrupted) log(`${kind}: failed: ${result.error}`);
  } finally {
    await server?.stop();
    result.serverLogLines = server?.logLines() ?? 0;
    if (server && result.serverLogLines > 0) log(`${kind}: server output (last lines):\n  ${server.logTail().slice(-10).join('\n  ')}`);
    await scratch.remove();
  }
  return result;
}

async function main(): Promise<void> {
  const databases = selection('BENCH_DATABASES', DATABASES);
  const settings = readSettings();
  const { scenarios, connections, seconds, stormConnections, stormSeconds } = settings;
  const run: RunInfo = {
    server: settings.mode === 'dist' ? 'built JS (dist/src/server.js)' : 'src/ through tsx',
    scenarios,
    connections,
    seconds,
    stormConnections,
    stormSeconds,
    fixedEnv: FIXED_ENV,
    hashConcurrency: await serverSetting('HASH_CONCURRENCY'),
    hashQueueLimit: await serverSetting('HASH_QUEUE_LIMIT'),
  };
  const { hashConcurrency, hashQueueLimit } = run;
  log(`scenarios ${scenarios.join(', ')}; RATE_LIMIT_ENABLED=false, HASH_CONCURRENCY ${hashConcurrency}, HASH_QUEUE_LIMIT ${hashQueueLimit}`);
  if (settings.mode === 'dist') {
    log('building (npx tsc -p tsconfig.build.json)');
    build();
  }
  const results: DatabaseResult[] = [];
  for (const kind of databases) {
    results.push(await benchDatabase(kind, settings));
    if (interrupted) return;
  }

  const cpu = cpus();
  const machine: Machine = {
    cpus: cpu.length,
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    node: process.version,
    os: `${platform()} ${release()}`,
    uvThreadpoolSize: process.env.UV_THREADPOOL_SIZE ?? '4 (default)',
  };
  console.log(`\n${markdown(results, machine, run)}\n`);
  const file = join(tmpdir(), 'bench-results.json');
  const json = { date: new Date().toISOString(), machine, settings: { ...run, databases }, results, reference: REFERENCE };
  await writeFile(file, `${JSON.stringify(json, null, 2)}\n`);
  console.log(`Results written to ${file}`);
  if (results.some((r) => r.error)) process.exitCode = 1;
}

// Ctrl-C (or a SIGTERM from a CI runner): stop the load, the server and drop the database before exiting.
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    log(`${signal}: cleaning up (server, database, temporary files)…`);
    void cleanupAll().finally(() => process.exit(130));
  });
}

try {
  await main();
} catch (error) {
  console.error(`bench: ${describeError(error)}`);
  process.exitCode = 1;
} finally {
  await cleanupAll();
}
