// Turns the measurements into the Markdown printed at the end, next to the original Python system's published numbers.
import type { LoadStats } from './load.js';

export interface DatabaseResult {
  database: string;
  /** Why this database was not measured (e.g. Postgres unreachable). */
  skipped?: string;
  /** What went wrong part-way; the phases before it still have numbers. */
  error?: string;
  readyAlone?: LoadStats;
  register?: LoadStats;
  storm?: { register: LoadStats; ready: LoadStats };
  /** One registration on the idle server (the faster of two), ms. */
  idleRegisterMs?: number;
  /** How long the server needed, after each autocannon run, to finish the registrations it had accepted (ms). */
  drainMs: number[];
  /** Lines the server printed at LOG_LEVEL=warn (0 on a healthy run). */
  serverLogLines: number;
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  node: string;
  os: string;
  uvThreadpoolSize: string;
}

/**
 * Quoted from /work/shared/reference/seed-fastapi/README.md ("Benchmark" and known problem 3). Measured there, on
 * another machine (2 shared cores, 1 uvicorn worker, wrk -t2 -c50 -d10s, five runs), not by this script.
 */
export const REFERENCE = {
  source: '/work/shared/reference/seed-fastapi/README.md, "Benchmark" section and known problem 3',
  setup: '1 worker, wrk -t2 -c50 -d10s, 5 runs, 2 cores shared with PostgreSQL and wrk; bcrypt cost 12 on the event loop',
  getUserById: { rps: '755–857', p50: '49–59 ms', p99: '229–402 ms' },
  register10s: { rps: '0.9–2.5', p50: '6.9–9.0 s', p99: '9.6–9.9 s (capped by the 10 s run)' },
  sequentialGetsDuring8Registrations: { alone: 'median 2 ms / max 5 ms', during: 'max 1.4–1.8 s' },
} as const;

export function ms(value: number): string {
  if (value >= 1000) return `${(value / 1000).toFixed(2)} s`;
  if (value >= 10) return `${value.toFixed(0)} ms`;
  return `${value.toFixed(2)} ms`;
}

const rps = (stats: LoadStats) => (stats.rps >= 100 ? stats.rps.toFixed(0) : stats.rps.toFixed(1));

function statuses(stats: LoadStats): string {
  const other = Object.entries(stats.status)
    .filter(([code]) => !code.startsWith('2'))
    .map(([code, count]) => `${code}×${count}`);
  const failures = stats.errors + stats.timeouts > 0 ? `; errors ${stats.errors}, timeouts ${stats.timeouts}` : '';
  return `${stats.requests}: 2xx ${stats.ok2xx} / 4xx ${stats.client4xx} / 5xx ${stats.server5xx}; non-2xx ${stats.non2xx}${other.length ? ` (${other.join(', ')})` : ''}${failures}`;
}

type Row = [label: string, cell: (result: DatabaseResult) => string | undefined];

export function markdown(results: DatabaseResult[], machine: Machine, connections: number, seconds: number): string {
  const load = `${connections} conns, ${seconds} s`;
  const rows: Row[] = [
    [`POST /register alone (${load}): req/s`, (r) => r.register && rps(r.register)],
    ['… latency p50 / p90 / p99', (r) => r.register && `${ms(r.register.p50)} / ${ms(r.register.p90)} / ${ms(r.register.p99)}`],
    ['… responses', (r) => r.register && statuses(r.register)],
    ['GET /ready alone (1 sequential client): req/s', (r) => r.readyAlone && rps(r.readyAlone)],
    ['… latency p50 / p99 / max', (r) => r.readyAlone && `${ms(r.readyAlone.p50)} / ${ms(r.readyAlone.p99)} / ${ms(r.readyAlone.max)}`],
    [`Storm: POST /register (${load}): req/s`, (r) => r.storm && rps(r.storm.register)],
    ['… latency p50 / p90 / p99', (r) => r.storm && `${ms(r.storm.register.p50)} / ${ms(r.storm.register.p90)} / ${ms(r.storm.register.p99)}`],
    ['… responses', (r) => r.storm && statuses(r.storm.register)],
    ['Storm: GET /ready (1 sequential client): req/s', (r) => r.storm && rps(r.storm.ready)],
    ['… latency p50 / p99 / max', (r) => r.storm && `${ms(r.storm.ready.p50)} / ${ms(r.storm.ready.p99)} / ${ms(r.storm.ready.max)}`],
    ['… responses', (r) => r.storm && statuses(r.storm.ready)],
    ['One registration on the idle server', (r) => (r.idleRegisterMs === undefined ? undefined : ms(r.idleRegisterMs))],
    ['Drain after each POST run', (r) => (r.drainMs.length ? r.drainMs.map(ms).join(', ') : undefined)],
    ['Server log lines at warn+', (r) => (r.skipped ? undefined : String(r.serverLogLines))],
  ];
  const cell = (r: DatabaseResult, value: string | undefined) => value ?? (r.skipped ? 'skipped' : r.error ? 'failed' : '—');
  const lines = [
    `Machine: ${machine.cpus} CPUs (${machine.cpuModel}), Node ${machine.node}, ${machine.os}, UV_THREADPOOL_SIZE ${machine.uvThreadpoolSize}; ` +
      'the load generator runs on the same machine as the server.',
    '',
    `| measured here | ${results.map((r) => r.database).join(' | ')} |`,
    `| --- | ${results.map(() => '---').join(' | ')} |`,
    ...rows.map(([label, value]) => `| ${label} | ${results.map((r) => cell(r, value(r))).join(' | ')} |`),
  ];
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
  );
  return lines.join('\n');
}
