// Turns the measurements into the Markdown printed at the end, next to the original Python system's published numbers.
import type { LoadStats } from './load.js';

export interface DatabaseResult {
  database: string;
  /** Why this database was not measured (e.g. Postgres unreachable). */
  skipped?: string;
  /** What went wrong part-way; the phases before it still have numbers. */
  error?: string;
  /** Scenario "alone". */
  readyAlone?: LoadStats;
  register?: LoadStats;
  /** Scenario "mixed": registrations at BENCH_CONNECTIONS while one client GETs /ready. */
  mixed?: { register: LoadStats; ready: LoadStats };
  /** Scenario "storm", the issue's goal: registrations at BENCH_STORM_CONNECTIONS, /health and /ready probed. */
  storm?: { register: LoadStats; health: LoadStats; ready: LoadStats };
  /** One registration on the idle server (the faster of two), ms. */
  idleRegisterMs?: number;
  /** How long the server needed, after each scenario's load, to finish the registrations it had accepted (ms). */
  drainMs: Partial<Record<string, number>>;
  /** Lines the server printed at LOG_LEVEL=warn (0 on a healthy run). */
  serverLogLines: number;
}

/** How the run was set up: printed above the table. */
export interface RunInfo {
  server: string;
  scenarios: string[];
  connections: number;
  seconds: number;
  stormConnections: number;
  stormSeconds: number;
  /** Variables the bench sets for the server whatever the environment says (RATE_LIMIT_ENABLED=false). */
  fixedEnv: Record<string, string>;
  /** HASH_CONCURRENCY and HASH_QUEUE_LIMIT as the server sees them, or "server default". */
  hashConcurrency: string;
  hashQueueLimit: string;
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  node: string;
  os: string;
  uvThreadpoolSize: string;
}

/**
 * Quoted from /work/shared/reference/seed-fastapi/README.md ("Benchmark" and known problems 3 and 4). Measured there, on
 * another machine (2 shared cores, 1 uvicorn worker, wrk -t2 -c50 -d10s, five runs), not by this script.
 */
export const REFERENCE = {
  source: '/work/shared/reference/seed-fastapi/README.md, "Benchmark" section and known problems 3 and 4',
  setup: '1 worker, wrk -t2 -c50 -d10s, 5 runs, 2 cores shared with PostgreSQL and wrk; bcrypt cost 12 on the event loop',
  getUserById: { rps: '755–857', p50: '49–59 ms', p99: '229–402 ms' },
  register10s: { rps: '0.9–2.5', p50: '6.9–9.0 s', p99: '9.6–9.9 s (capped by the 10 s run)' },
  sequentialGetsDuring8Registrations: { alone: 'median 2 ms / max 5 ms', during: 'max 1.4–1.8 s' },
  storm150For40s: '126×200, 45×500 (QueuePool limit of size 5 overflow 10 reached)',
} as const;

/** The issue's measured goal, which the storm scenario checks. */
export const GOAL = {
  text: '200 concurrent registrations for 20 s → only 200s, 400s and 503s, and a cheap GET\'s p99 stays ≤ 20 ms meanwhile',
  connections: 200,
  seconds: 20,
  statuses: ['200', '400', '503'],
  healthP99Ms: 20,
} as const;

export function ms(value: number): string {
  if (value >= 1000) return `${(value / 1000).toFixed(2)} s`;
  if (value >= 10) return `${value.toFixed(0)} ms`;
  return `${value.toFixed(2)} ms`;
}

const perSecond = (count: number, seconds: number) => {
  const rate = count / seconds;
  return rate >= 100 ? rate.toFixed(0) : rate.toFixed(1);
};
const rps = (stats: LoadStats) => perSecond(stats.requests, stats.seconds);
const failures = (stats: LoadStats) => (stats.errors + stats.timeouts > 0 ? `; errors ${stats.errors}, timeouts ${stats.timeouts}` : '');
const latency = (stats: LoadStats) => `${ms(stats.p50)} / ${ms(stats.p90)} / ${ms(stats.p99)}`;
const probeLatency = (stats: LoadStats) => `${ms(stats.p50)} / ${ms(stats.p99)} / ${ms(stats.max)}`;

function statuses(stats: LoadStats): string {
  const other = Object.entries(stats.status)
    .filter(([code]) => !code.startsWith('2'))
    .map(([code, count]) => `${code}×${count}`);
  return `${stats.requests}: 2xx ${stats.ok2xx} / 4xx ${stats.client4xx} / 5xx ${stats.server5xx}; non-2xx ${stats.non2xx}${other.length ? ` (${other.join(', ')})` : ''}${failures(stats)}`;
}

/** Responses outside the goal's 200/400/503, then failed requests: empty when the goal's first half holds. */
function unexpected(stats: LoadStats): string[] {
  const codes = Object.entries(stats.status).filter(([code]) => !(GOAL.statuses as readonly string[]).includes(code));
  const failed = [stats.errors && `errors ${stats.errors}`, stats.timeouts && `timeouts ${stats.timeouts}`];
  return [...codes.map(([code, count]) => `${code}×${count}`), ...failed.filter((text) => typeof text === 'string')];
}

function stormStatuses(stats: LoadStats): string {
  const counted = GOAL.statuses.map((code) => `${code}×${stats.status[code] ?? 0}`).join(' / ');
  const other = unexpected(stats).filter((text) => text.includes('×'));
  return `${stats.requests}: ${counted} / other ${other.length ? other.join(', ') : 0}; errors ${stats.errors}, timeouts ${stats.timeouts}`;
}

function probeCell(stats: LoadStats): string {
  const bad = stats.requests - stats.ok2xx;
  return `${stats.requests}; ${probeLatency(stats)}${bad > 0 ? `; non-2xx ${bad}` : ''}${failures(stats)}`;
}

/** The goal's two verdict lines for one database's storm. */
function verdicts(database: string, { register, health }: NonNullable<DatabaseResult['storm']>): string[] {
  const wrong = unexpected(register);
  const healthFailed = health.requests - health.ok2xx + health.errors + health.timeouts;
  const fast = health.requests > 0 && healthFailed === 0 && health.p99 <= GOAL.healthP99Ms;
  const why = healthFailed > 0 ? `, ${healthFailed} of ${health.requests + health.errors + health.timeouts} probes failed` : '';
  return [
    `- ${database}: only 200/400/503: ${wrong.length === 0 ? 'yes' : `no (${wrong.join(', ')})`}`,
    `- ${database}: GET /health p99 ≤ ${GOAL.healthP99Ms} ms: ${fast ? 'yes' : 'no'} (${ms(health.p99)}${why})`,
  ];
}

type Row = [label: string, cell: (result: DatabaseResult) => string | undefined];

function rows(run: RunInfo): Row[] {
  const load = `${run.connections} conns, ${run.seconds} s`;
  const storm = `${run.stormConnections} conns, ${run.stormSeconds} s`;
  const alone: Row[] = [
    [`POST /register alone (${load}): req/s`, (r) => r.register && rps(r.register)],
    ['… latency of the 2xx p50 / p90 / p99', (r) => r.register && latency(r.register)],
    ['… responses', (r) => r.register && statuses(r.register)],
    ['GET /ready alone (1 sequential client): req/s', (r) => r.readyAlone && rps(r.readyAlone)],
    ['… latency p50 / p99 / max', (r) => r.readyAlone && probeLatency(r.readyAlone)],
  ];
  const mixed: Row[] = [
    [`Mixed: POST /register (${load}): req/s`, (r) => r.mixed && rps(r.mixed.register)],
    ['… latency of the 2xx p50 / p90 / p99', (r) => r.mixed && latency(r.mixed.register)],
    ['… responses', (r) => r.mixed && statuses(r.mixed.register)],
    ['Mixed: GET /ready meanwhile (1 sequential client): req/s', (r) => r.mixed && rps(r.mixed.ready)],
    ['… latency p50 / p99 / max', (r) => r.mixed && probeLatency(r.mixed.ready)],
    ['… responses', (r) => r.mixed && statuses(r.mixed.ready)],
  ];
  const goal: Row[] = [
    [`Storm (goal): POST /register (${storm}): responses`, (r) => r.storm && stormStatuses(r.storm.register)],
    ['… req/s of 200s', (r) => r.storm && perSecond(r.storm.register.status['200'] ?? 0, r.storm.register.seconds)],
    ['… latency of the 200s p50 / p90 / p99', (r) => r.storm && latency(r.storm.register)],
    ['Storm: GET /health meanwhile (no database): count; p50 / p99 / max', (r) => r.storm && probeCell(r.storm.health)],
    ['Storm: GET /ready meanwhile (1 DB round trip): count; p50 / p99 / max', (r) => r.storm && probeCell(r.storm.ready)],
  ];
  const chosen = { alone, mixed, storm: goal };
  return [
    ...Object.entries(chosen).flatMap(([name, group]) => (run.scenarios.includes(name) ? group : [])),
    ['One registration on the idle server', (r) => (r.idleRegisterMs === undefined ? undefined : ms(r.idleRegisterMs))],
    ['Drain after each scenario', (r) => Object.entries(r.drainMs).map(([name, value]) => `${name} ${ms(value ?? 0)}`).join(', ') || undefined],
    ['Server log lines at warn+', (r) => (r.skipped ? undefined : String(r.serverLogLines))],
  ];
}

export function markdown(results: DatabaseResult[], machine: Machine, run: RunInfo): string {
  const cell = (r: DatabaseResult, value: string | undefined) => value ?? (r.skipped ? 'skipped' : r.error ? 'failed' : '—');
  const fixed = Object.entries(run.fixedEnv).map(([name, value]) => `${name}=${value}`).join(', ');
  const lines = [
    `Machine: ${machine.cpus} CPUs (${machine.cpuModel}), Node ${machine.node}, ${machine.os}, UV_THREADPOOL_SIZE ${machine.uvThreadpoolSize}; ` +
      'the load generator runs on the same machine as the server.',
    `Server: ${run.server}; ${fixed} (set by the bench: every request comes from 127.0.0.1, so per-IP limits would ` +
      `answer 429s); HASH_CONCURRENCY ${run.hashConcurrency}, HASH_QUEUE_LIMIT ${run.hashQueueLimit}.`,
    `Scenarios: ${run.scenarios.join(', ')}. Each GET probe is one sequential client on a worker thread of its own; in the ` +
      'storm, the GET /health and GET /ready probes run in parallel, side by side for the whole storm.',
    '',
    `| measured here | ${results.map((r) => r.database).join(' | ')} |`,
    `| --- | ${results.map(() => '---').join(' | ')} |`,
    ...rows(run).map(([label, value]) => `| ${label} | ${results.map((r) => cell(r, value(r))).join(' | ')} |`),
  ];
  const storms = results.flatMap((r) => (r.storm ? verdicts(r.database, r.storm) : []));
  if (storms.length > 0) {
    const differs = run.stormConnections !== GOAL.connections || run.stormSeconds !== GOAL.seconds;
    const setup = differs ? ` This run: ${run.stormConnections} connections for ${run.stormSeconds} s, not the goal's.` : '';
    lines.push('', `Measured goal: ${GOAL.text}.${setup}`, '', ...storms);
  }
  for (const r of results) {
    if (r.skipped) lines.push('', `${r.database}: skipped — ${r.skipped}`);
    if (r.error) lines.push('', `${r.database}: failed — ${r.error}`);
  }
  const ref = REFERENCE;
  lines.push(
    '',
    `Reference — the original Python system's published numbers (${ref.source}); ${ref.setup}:`,
    '',
    '| reference, published (not measured here) | req/s | p50 | p99 / max |',
    '| --- | --- | --- | --- |',
    `| GET /api/v1/users/{id} (one SELECT) | ${ref.getUserById.rps} | ${ref.getUserById.p50} | p99 ${ref.getUserById.p99} |`,
    `| POST /api/v1/users/register, 10 s runs | ${ref.register10s.rps} | ${ref.register10s.p50} | p99 ${ref.register10s.p99} |`,
    `| sequential GETs, alone → while 8 registrations were in flight | — | ${ref.sequentialGetsDuring8Registrations.alone} alone | ${ref.sequentialGetsDuring8Registrations.during} during |`,
    `| 150 concurrent registrations for 40 s: responses | — | — | ${ref.storm150For40s} |`,
  );
  return lines.join('\n');
}
