// PostgreSQL going away under a running app: requests answer 503 quickly instead of hanging, /ready says 503, and
// the same app instance recovers once the database is back. The database is a cluster this file creates on its own
// port and drops at the end; the machine's main cluster is never stopped. Postgres-only, so it runs in the CI pass
// that sets TEST_DATABASE_URL and not in the PGlite one.
import { createServer, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { testConfig } from '../helpers/app.js';
import { login } from '../helpers/auth.js';
import { userCreate } from '../helpers/users.js';
import { waitFor } from '../helpers/wait.js';
import { CLUSTER_COMMAND_LIMIT_MS, clusterUnsupported, createCluster, freePort, type Cluster } from './cluster.js';

const skipReason = process.env.TEST_DATABASE_URL
  ? clusterUnsupported()
  : 'Postgres-only: runs in the TEST_DATABASE_URL pass';

const UNAVAILABLE = { detail: 'Database unavailable' };

// The longest the app waits on the database: the pool's connect and query timeouts (src/db/client.ts) and /ready's
// own race (src/routes/health.ts) are all 1.5 s.
const DATABASE_TIMEOUT_MS = 1_500;

/**
 * How soon a request must be answered when the database is down or hung: the database timeout plus the request's
 * own work, taken as four times an ordinary request timed on the healthy app just before (at least 0.5 s: on an
 * idle machine, 2 s in all). Hanging on the database would overrun it by far.
 */
function answerBound(ordinaryMs: number): number {
  return DATABASE_TIMEOUT_MS + Math.max(500, 4 * ordinaryMs);
}

/** Any one request, whatever it meets: an ordinary one, or one that ends with the database timeout. */
const REQUEST_LIMIT_MS = 10_000;

/** A vitest timeout for `commands` cluster commands (pg_ctlcluster and the like) and `requests` requests. */
function clusterTestTimeout(commands: number, requests: number): number {
  return commands * CLUSTER_COMMAND_LIMIT_MS + requests * REQUEST_LIMIT_MS;
}

function config(databaseUrl: string, migrate: boolean) {
  return testConfig({ DATABASE_URL: databaseUrl, MIGRATE_ON_START: String(migrate), RATE_LIMIT_ENABLED: 'false' });
}

/** The response and how long it took: the point of these tests is that nothing waits on a dead database. */
async function timed(app: FastifyInstance, request: InjectOptions | string) {
  const start = performance.now();
  const response = await app.inject(request);
  return { response, ms: performance.now() - start };
}

const register = (app: FastifyInstance, body: object) =>
  timed(app, { method: 'POST', url: '/api/v1/users/register', payload: body });

/** Runs `action` and resolves with how long it took. */
async function duration(action: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await action();
  return performance.now() - start;
}

describe.skipIf(skipReason)(`PostgreSQL outage (own cluster)${skipReason ? ` — skipped: ${skipReason}` : ''}`, () => {
  let cluster: Cluster | undefined;
  let app: FastifyInstance | undefined;

  // Creating and starting the cluster, then the app's migrations.
  beforeAll(async () => {
    cluster = await createCluster();
    await cluster.start();
    app = await buildApp(config(cluster.url, true));
  }, clusterTestTimeout(2, 3));

  afterAll(async () => {
    try {
      await app?.close();
    } finally {
      await cluster?.drop(); // even when a test failed half-way with the cluster stopped
    }
  }, clusterTestTimeout(1, 1));

  // Cluster commands: stop, start and up to four starts' worth of recovery; requests: eight, and the /ready polls.
  it('answers 503 within the database timeout while the cluster is stopped, then recovers without a restart', { timeout: clusterTestTimeout(6, 10) }, async () => {
    const first = userCreate();
    const ordinary = await register(app!, first);
    expect(ordinary.response.statusCode).toBe(200);
    const bound = answerBound(ordinary.ms);

    await cluster!.stop();
    const down = await register(app!, userCreate());
    expect(down.response.statusCode).toBe(503);
    expect(down.response.body).toBe(JSON.stringify(UNAVAILABLE));
    expect(down.ms).toBeLessThan(bound);
    const ready = await timed(app!, '/ready');
    expect(ready.response.statusCode).toBe(503);
    expect(ready.ms).toBeLessThan(bound);
    expect((await login(app!, first.email, first.password)).json()).toEqual(UNAVAILABLE);

    const startMs = await duration(() => cluster!.start());
    // The pool reconnects on the next query: /ready turns 200 at once, within a few cluster starts on a busy machine.
    const recoveredMs = await waitFor(
      async () => (await app!.inject('/ready')).statusCode === 200,
      '/ready to answer 200 again',
      Math.max(10_000, 4 * startMs),
      200,
    );
    expect((await register(app!, userCreate())).response.statusCode).toBe(200);
    const duplicate = await register(app!, first);
    expect(duplicate.response.statusCode).toBe(400); // the user written before the outage is still there
    expect((await login(app!, first.email, first.password)).statusCode).toBe(200);
    console.info(
      `outage: ordinary register ${Math.round(ordinary.ms)} ms; register 503 in ${Math.round(down.ms)} ms, /ready 503 ` +
        `in ${Math.round(ready.ms)} ms (bound ${Math.round(bound)} ms); ready again ${Math.round(recoveredMs)} ms after ` +
        `pg_ctlcluster start returned (${Math.round(startMs)} ms)`,
    );
  });

  it('serves straight after a restart: pooled connections the restart killed are not reused', { timeout: clusterTestTimeout(2, 3) }, async () => {
    expect((await register(app!, userCreate())).response.statusCode).toBe(200); // the pool holds a live client
    await cluster!.stop();
    await cluster!.start();
    expect((await register(app!, userCreate())).response.statusCode).toBe(200);
    expect((await app!.inject('/ready')).statusCode).toBe(200);
  });

  // A query sent on a pooled connection to a host that stopped answering ends with the pool's query_timeout.
  it('a hung database (SIGSTOP) → 503 within the database timeout on a pooled connection, not a hang', { timeout: clusterTestTimeout(1, 4) }, async () => {
    const ordinary = await register(app!, userCreate()); // leaves an idle pooled client
    expect(ordinary.response.statusCode).toBe(200);
    const bound = answerBound(ordinary.ms);
    await cluster!.freeze();
    // Register alone first, so that it is the query handed the idle pooled client (run side by side, /ready
    // could take it instead and register would only meet the 1.5 s connect timeout of a new connection).
    const pending = register(app!, userCreate());
    try {
      const down = await Promise.race([pending, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), bound))]);
      expect(down, `register still waiting after ${Math.round(bound)} ms`).toBeDefined();
      expect(down!.response.statusCode).toBe(503);
      const ready = await timed(app!, '/ready'); // /ready has its own 1.5 s race: it answers either way
      expect(ready.response.statusCode).toBe(503);
      expect(ready.ms).toBeLessThan(bound);
    } finally {
      cluster!.thaw();
      await pending; // completes once the backend runs again; nothing is left dangling into the next test
    }
  });

  it('never there: nothing listening on the port → 503 within the database timeout', { timeout: clusterTestTimeout(0, 4) }, async () => {
    const ordinary = await register(app!, userCreate());
    expect(ordinary.response.statusCode).toBe(200);
    const bound = answerBound(ordinary.ms);
    const port = await freePort();
    const nowhere = await buildApp(config(`postgres://postgres@127.0.0.1:${port}/postgres`, false));
    try {
      const down = await register(nowhere, userCreate());
      expect(down.response.statusCode).toBe(503);
      expect(down.response.json()).toEqual(UNAVAILABLE);
      expect(down.ms).toBeLessThan(bound);
      const ready = await timed(nowhere, '/ready');
      expect(ready.response.statusCode).toBe(503);
      expect(ready.ms).toBeLessThan(bound);
    } finally {
      await nowhere.close();
    }
  });

  it('a server that accepts but never answers → 503 once the 1.5 s connect timeout fires, not a hang', { timeout: clusterTestTimeout(0, 4) }, async () => {
    // A hung host or a firewall that swallows packets gives no ECONNREFUSED: only the pool's connectionTimeoutMillis
    // (1500 ms) ends the wait, so the answer comes within 2 s on an idle machine.
    const ordinary = await register(app!, userCreate());
    expect(ordinary.response.statusCode).toBe(200);
    const bound = answerBound(ordinary.ms);
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => sockets.add(socket));
    const port = await freePort();
    await new Promise<void>((resolve) => silent.listen(port, '127.0.0.1', resolve));
    const hung = await buildApp(config(`postgres://postgres@127.0.0.1:${port}/postgres`, false));
    try {
      const [down, ready] = await Promise.all([register(hung, userCreate()), timed(hung, '/ready')]);
      expect(down.response.statusCode).toBe(503);
      expect(down.response.json()).toEqual(UNAVAILABLE);
      expect(down.ms).toBeLessThan(bound);
      expect(ready.response.statusCode).toBe(503);
      expect(ready.ms).toBeLessThan(bound);
    } finally {
      await hung.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
