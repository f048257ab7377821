// Worker-thread entry of probe.ts: one client GETting a path back to back, each request timed with performance.now()
// (autocannon's histogram has 1 ms resolution, too coarse for a GET that takes a fraction of a millisecond).
// Protocol: one untimed GET, then `{ ready: true }` to the parent; on `{ seconds }` the timed run, then `{ stats }`.
// The untimed GET keeps the worker's start-up (tsx, loading fetch, opening the connection) out of the timed run, and
// lets the parent start the load and every timed run together: otherwise a probe would start late, partly after
// the storm it is meant to watch.
import { parentPort, workerData } from 'node:worker_threads';
import type { LoadStats } from './load.js';

export interface ProbeTarget {
  baseUrl: string;
  path: string;
}

export type ProbeMessage = { ready: true } | { stats: LoadStats };

/** Nearest-rank percentile of an ascending array. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

async function sequentialGets({ baseUrl, path }: ProbeTarget, seconds: number): Promise<LoadStats> {
  const times: number[] = [];
  const status: Record<string, number> = {};
  let errors = 0;
  let timeouts = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
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

const port = parentPort;
if (port) {
  const target = workerData as ProbeTarget;
  await fetch(`${target.baseUrl}${target.path}`, { signal: AbortSignal.timeout(30_000) }).then((response) => response.arrayBuffer());
  port.once('message', async ({ seconds }: { seconds: number }) => {
    const stats = await sequentialGets(target, seconds);
    port.postMessage({ stats } satisfies ProbeMessage);
  });
  port.postMessage({ ready: true } satisfies ProbeMessage);
}
