// `npm run bench`: load-tests the real server (built JS in a child process) on PGlite and on PostgreSQL.
// Per database: GET /ready alone, POST /register alone, then both at once (does Argon2 on the thread pool keep the
// event loop free, unlike the reference's bcrypt?). Prints a Markdown table and writes bench-results.json to the
// OS temp dir. Settings: BENCH_DATABASES=pglite,postgres  BENCH_CONNECTIONS=50  BENCH_DURATION=10 (s)
// BENCH_SERVER=dist|tsx  BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres (admin database).
import { writeFile } from 'node:fs/promises';
import { cpus, platform, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupAll, describeError } from './bench/cleanup.js';
import { drain, registerLoad, registerOnce, sequentialGets } from './bench/load.js';
import { markdown, REFERENCE, type DatabaseResult, type Machine } from './bench/report.js';
import { build, scratchPglite, scratchPostgres, startServer, type Scratch, type Server, type ServerMode } from './bench/server.js';

const DATABASES = ['pglite', 'postgres'] as const;
type DatabaseKind = (typeof DATABASES)[number];

class UsageError extends Error {}

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new UsageError(`${name}=${JSON.stringify(raw)}: expected a positive integer`);
  return Number(raw);
}

function selectedDatabases(): DatabaseKind[] {
  const names = (process.env.BENCH_DATABASES ?? DATABASES.join(',')).split(',').map((name) => name.trim().toLowerCase()).filter(Boolean);
  const unknown = names.filter((name) => !(DATABASES as readonly string[]).includes(name));
  if (unknown.length > 0 || names.length === 0) throw new UsageError(`BENCH_DATABASES: expected a list of ${DATABASES.join(', ')}`);
  return [...new Set(names)] as DatabaseKind[];
}

/** The admin URL without its password, for messages. */
function safeUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

interface Settings {
  connections: number;
  seconds: number;
  mode: ServerMode;
  adminUrl: string;
}

function readSettings(): Settings {
  const server = process.env.BENCH_SERVER ?? 'dist';
  if (server !== 'dist' && server !== 'tsx') throw new UsageError('BENCH_SERVER: expected dist or tsx');
  return {
    connections: positiveInt('BENCH_CONNECTIONS', 50),
    seconds: positiveInt('BENCH_DURATION', 10),
    mode: server,
    adminUrl: process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  };
}

const log = (text: string) => console.log(`[bench] ${text}`);

async function benchDatabase(kind: DatabaseKind, { connections, seconds, mode, adminUrl }: Settings): Promise<DatabaseResult> {
  const result: DatabaseResult = { database: kind, drainMs: [], serverLogLines: 0 };
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
    const base = server.baseUrl;
    // Warm-up (JIT, Argon2's first allocation, the connection pool), then the idle latency of one registration,
    // which tells drain() when the queue left by a load run is empty.
    for (let i = 0; i < 3; i += 1) await registerOnce(base);
    await sequentialGets(base, '/ready', 1);
    const idle = Math.min(await registerOnce(base), await registerOnce(base));
    result.idleRegisterMs = idle;

    log(`${kind}: GET /ready alone, ${seconds} s`);
    result.readyAlone = await sequentialGets(base, '/ready', seconds);
    log(`${kind}: POST /register alone, ${connections} connections, ${seconds} s`);
    result.register = await registerLoad(base, connections, seconds);
    result.drainMs.push(await drain(base, idle));
    log(`${kind}: POST /register storm + GET /ready, ${seconds} s`);
    const [register, ready] = await Promise.all([registerLoad(base, connections, seconds), sequentialGets(base, '/ready', seconds)]);
    result.storm = { register, ready };
    result.drainMs.push(await drain(base, idle));
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
  const databases = selectedDatabases();
  const settings = readSettings();
  const { connections, seconds, mode } = settings;
  if (mode === 'dist') {
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
  console.log(`\n${markdown(results, machine, connections, seconds)}\n`);
  const file = join(tmpdir(), 'bench-results.json');
  const run = { connections, durationSeconds: seconds, server: mode, databases };
  await writeFile(file, `${JSON.stringify({ date: new Date().toISOString(), machine, settings: run, results, reference: REFERENCE }, null, 2)}\n`);
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
