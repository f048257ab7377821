// The two kinds of load: autocannon for the registration storm, and a sequential fetch loop for the cheap GET (one
// client, like the reference's "sequential GETs", timed with performance.now(): autocannon's histogram has 1 ms
// resolution, too coarse for a GET that takes a fraction of a millisecond).
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { onCleanup } from './cleanup.js';

/** The slice of autocannon 8's programmatic API used here (the package ships no types, @types/autocannon is absent). */
interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (request: AutocannonRequest, context: Record<string, unknown>) => AutocannonRequest;
}
interface AutocannonOptions {
  url: string;
  connections: number;
  duration: number;
  /** Seconds before a request counts as a timeout. */
  timeout: number;
  requests: AutocannonRequest[];
}
interface Histogram {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  total: number;
}
interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
  '4xx': number;
  '5xx': number;
  statusCodeStats: Record<string, { count: number }>;
  latency: Histogram;
  requests: Histogram;
}
interface AutocannonInstance {
  stop: () => void;
}
type Autocannon = (
  options: AutocannonOptions,
  done: (error: Error | null, result: AutocannonResult) => void,
) => AutocannonInstance;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

export interface LoadStats {
  requests: number;
  seconds: number;
  rps: number;
  /** Responses per status code, e.g. { "200": 512 }. */
  status: Record<string, number>;
  ok2xx: number;
  client4xx: number;
  server5xx: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

const RUN = randomBytes(3).toString('hex');
let registrations = 0;

/** A fresh address every call (unique per script run too), so every request does the full Argon2 + insert work. */
export function registrationBody(): string {
  registrations += 1;
  return JSON.stringify({ email: `bench-${RUN}-${registrations}@example.com`, password: 'bench-password-1', full_name: 'Bench' });
}

/** POST /register with `connections` clients for `seconds`; responses still in flight at the end are not counted. */
export function registerLoad(baseUrl: string, connections: number, seconds: number): Promise<LoadStats> {
  return new Promise((done, fail) => {
    const request: AutocannonRequest = {
      method: 'POST',
      path: '/api/v1/users/register',
      headers: { 'content-type': 'application/json' },
      // Called for every request a client sends, so every body carries a new e-mail address.
      setupRequest: (current) => ({ ...current, body: registrationBody() }),
    };
    let finished = false;
    let cancelled = false;
    // 30 s per-request timeout, like the reference's wrk runs: queued registrations are slow by design.
    const options = { url: baseUrl, connections, duration: seconds, timeout: 30, requests: [request] };
    // The callback runs asynchronously, after `forget` below exists.
    const instance: AutocannonInstance = autocannon(options, (error, result) => {
      finished = true;
      void forget();
      if (error) fail(error);
      else if (cancelled) fail(new Error('interrupted'));
      else done(fromAutocannon(result));
    });
    // Ctrl-C stops the run (its callback then settles this promise); once it has finished there is nothing to stop.
    const forget = onCleanup(() => {
      if (finished) return;
      cancelled = true;
      instance.stop();
    });
  });
}

function fromAutocannon(result: AutocannonResult): LoadStats {
  const status = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count]));
  const requests = result.requests.total;
  return {
    requests,
    seconds: result.duration,
    rps: requests / result.duration,
    status,
    ok2xx: result['2xx'],
    client4xx: result['4xx'],
    server5xx: result['5xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
  };
}

/** Nearest-rank percentile of an ascending array. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/** One client GETting `path` back to back for `seconds`; latency in ms with sub-millisecond precision. */
export async function sequentialGets(baseUrl: string, path: string, seconds: number): Promise<LoadStats> {
  let cancelled = false;
  const cancel = onCleanup(() => void (cancelled = true));
  const times: number[] = [];
  const status: Record<string, number> = {};
  let errors = 0;
  let timeouts = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  while (!cancelled && performance.now() < end) {
    const sent = performance.now();
    try {
      const response = await fetch(`${baseUrl}${path}`, { signal: AbortSignal.timeout(30_000) });
      await response.arrayBuffer();
      status[response.status] = (status[response.status] ?? 0) + 1;
    } catch (error) {
      if (error instanceof DOMException && error.name === 'TimeoutError') timeouts += 1;
      else errors += 1;
    }
    times.push(performance.now() - sent);
  }
  const elapsed = (performance.now() - start) / 1000;
  if (cancelled) throw new Error('interrupted');
  await cancel();
  times.sort((a, b) => a - b);
  const count = (from: number) => Object.entries(status).reduce((sum, [code, n]) => (Math.floor(Number(code) / 100) === from ? sum + n : sum), 0);
  const requests = Object.values(status).reduce((sum, n) => sum + n, 0);
  return {
    requests,
    seconds: elapsed,
    rps: requests / elapsed,
    status,
    ok2xx: count(2),
    client4xx: count(4),
    server5xx: count(5),
    non2xx: requests - count(2),
    errors,
    timeouts,
    p50: percentile(times, 50),
    p90: percentile(times, 90),
    p99: percentile(times, 99),
    max: times[times.length - 1] ?? 0,
  };
}

/** One registration with a fresh address; its latency in ms. */
export async function registerOnce(baseUrl: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${baseUrl}/api/v1/users/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: registrationBody(),
    signal: AbortSignal.timeout(120_000),
  });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`a single registration answered ${response.status}`);
  return performance.now() - started;
}

/**
 * autocannon stops counting at the deadline, but the server still works through the registrations it had accepted;
 * they must finish before the next measurement (and before the server is stopped). A registration queues behind
 * them (the thread pool and the pg pool are FIFO), but hashes run 4 at a time, so one finishing does not prove the
 * others have: repeat until one takes about as long as on an idle server (`idleMs`), then allow a moment for the
 * stragglers' inserts. Returns the time it took, in ms.
 */
export async function drain(baseUrl: string, idleMs: number): Promise<number> {
  const started = performance.now();
  const deadline = started + 120_000;
  while ((await registerOnce(baseUrl)) > 2 * idleMs + 20) {
    if (performance.now() > deadline) throw new Error('the server did not become idle within 120 s after the load');
  }
  await sleep(200);
  return performance.now() - started;
}
