// The registration load: autocannon for the storms, single timed registrations for the warm-up and for drain().
// The cheap-GET probe that runs beside a storm is in probe.ts.
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
  /** Failed requests other than timeouts (connection refused or reset, …). */
  errors: number;
  timeouts: number;
  /** Latency, ms; autocannon records it for the 2xx responses only. */
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

const RUN = randomBytes(3).toString('hex');
let registrations = 0;

/**
 * A fresh address every call (unique per script run too), so every request does the full Argon2 + insert work. The
 * password policy refuses common passwords and any containing the e-mail's local part or the full name (3+ letters):
 * a random hex password ending in "-pass" can contain neither `bench-<run>-<n>` (which ends in digits) nor "load test".
 */
export function registrationBody(): string {
  registrations += 1;
  const password = `bench-${randomBytes(6).toString('hex')}-pass`;
  return JSON.stringify({ email: `bench-${RUN}-${registrations}@example.com`, password, full_name: 'Load Test' });
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
    // autocannon counts a timeout in both.
    errors: result.errors - result.timeouts,
    timeouts: result.timeouts,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
  };
}

interface Attempt {
  status: number;
  ms: number;
  body: string;
}

/** One registration with a fresh address: its status, latency in ms and body. */
async function registerAttempt(baseUrl: string): Promise<Attempt> {
  const started = performance.now();
  const response = await fetch(`${baseUrl}/api/v1/users/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: registrationBody(),
    signal: AbortSignal.timeout(120_000),
  });
  const body = await response.text();
  return { status: response.status, ms: performance.now() - started, body };
}

/** One registration that must succeed; its latency in ms. */
export async function registerOnce(baseUrl: string): Promise<number> {
  const { status, ms, body } = await registerAttempt(baseUrl);
  if (status !== 200) throw new Error(`a single registration answered ${status}: ${body.slice(0, 300)}`);
  return ms;
}

/**
 * autocannon stops counting at the deadline, but the server still works through the registrations it had accepted;
 * they must finish before the next measurement (and before the server is stopped). A registration queues behind
 * them (the hash queue and the pg pool are FIFO), but HASH_CONCURRENCY hashes run at once, so one finishing does not
 * prove the others have: repeat until one takes about as long as on an idle server (`idleMs`), then allow a moment
 * for the stragglers' inserts. A 503 means the hash queue is still full. Returns the time it took, in ms.
 */
export async function drain(baseUrl: string, idleMs: number): Promise<number> {
  const started = performance.now();
  const deadline = started + 120_000;
  for (;;) {
    const { status, ms, body } = await registerAttempt(baseUrl);
    if (status === 200 && ms <= 2 * idleMs + 20) break;
    if (status !== 200 && status !== 503) throw new Error(`a registration after the load answered ${status}: ${body.slice(0, 300)}`);
    if (performance.now() > deadline) throw new Error('the server did not become idle within 120 s after the load');
    // Sooner than the 503's Retry-After (1 s): the queue empties in well under that, and waiting longer only pads
    // the drain time reported.
    if (status === 503) await sleep(100);
  }
  await sleep(200);
  return performance.now() - started;
}
