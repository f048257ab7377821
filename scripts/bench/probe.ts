// The cheap-GET probe (probe-worker.ts) in a worker thread of its own. On this thread it would share the event loop
// with autocannon, whose hundreds of connections delay every callback here: the probe would report the load
// generator's own delays as server latency, and the ≤ 20 ms goal would measure the bench rather than the server.
import { Worker } from 'node:worker_threads';
import { onCleanup } from './cleanup.js';
import type { LoadStats } from './load.js';
import type { ProbeMessage, ProbeTarget } from './probe-worker.js';

// Node 20 does not hand tsx's loader hooks on to workers (a .ts entry fails with ERR_UNKNOWN_FILE_EXTENSION), so the
// worker starts as a line of JavaScript that loads its TypeScript entry through tsx's API.
const ENTRY = new URL('./probe-worker.ts', import.meta.url).href;
const TSX_API = import.meta.resolve('tsx/esm/api');
const BOOT = `import(${JSON.stringify(TSX_API)}).then(({ tsImport }) => tsImport(${JSON.stringify(ENTRY)}, ${JSON.stringify(import.meta.url)}));`;

export interface Probe {
  /** One client GETting the path back to back for `seconds`, from now; latency in ms, sub-millisecond precision. */
  run: (seconds: number) => Promise<LoadStats>;
}

/**
 * Starts a probe's worker and resolves once it has made one untimed GET, so that a probe started together with a
 * load begins measuring when the load begins, without its start-up in the numbers.
 */
export async function startProbe(baseUrl: string, path: string): Promise<Probe> {
  const target: ProbeTarget = { baseUrl, path };
  const worker = new Worker(BOOT, { eval: true, workerData: target });
  // Ctrl-C terminates the worker; after a result, terminating it closes its keep-alive connection, which could
  // otherwise keep the worker alive.
  const stop = onCleanup(async () => void (await worker.terminate()));
  let pending: { done: (message: ProbeMessage) => void; fail: (error: Error) => void } | undefined;
  let failure: Error | undefined;
  worker.on('message', (message: ProbeMessage) => pending?.done(message));
  worker.on('error', (error) => pending?.fail((failure = error)));
  // Without an error first, only terminate() (a Ctrl-C) ends the worker before its result.
  worker.on('exit', () => pending?.fail((failure ??= new Error('interrupted'))));
  const next = () => new Promise<ProbeMessage>((done, fail) => (failure ? fail(failure) : (pending = { done, fail })));
  try {
    await next();
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    run: async (seconds) => {
      worker.postMessage({ seconds });
      try {
        const message = await next();
        if (!('stats' in message)) throw new Error(`the GET ${path} probe sent no result`);
        return message.stats;
      } finally {
        await stop();
      }
    },
  };
}

/** A probe started and run at once, for when nothing else starts beside it. */
export async function probe(baseUrl: string, path: string, seconds: number): Promise<LoadStats> {
  return (await startProbe(baseUrl, path)).run(seconds);
}
