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
import { clusterUnsupported, createCluster, freePort, type Cluster } from './cluster.js';

const skipReason = process.env.TEST_DATABASE_URL
  ? clusterUnsupported()
  : 'Postgres-only: runs in the TEST_DATABASE_URL pass';

const UNAVAILABLE = { detail: 'Database unavailable' };

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

async function until(probe: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const start = performance.now();
  while (performance.now() - start < timeoutMs) {
    if (await probe()) return performance.now() - start;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`not recovered within ${timeoutMs} ms`);
}

describe.skipIf(skipReason)(`PostgreSQL outage (own cluster)${skipReason ? ` — skipped: ${skipReason}` : ''}`, () => {
  let cluster: Cluster | undefined;
  let app: FastifyInstance | undefined;

  beforeAll(async () => {
    cluster = await createCluster();
    await cluster.start();
    app = await buildApp(config(cluster.url, true));
  });

  afterAll(async () => {
    try {
      await app?.close();
    } finally {
      await cluster?.drop(); // even when a test failed half-way with the cluster stopped
    }
  });

  it('answers 503 within 2 s while the cluster is stopped, then recovers without a restart', async () => {
    const first = userCreate();
    expect((await register(app!, first)).response.statusCode).toBe(200);

    await cluster!.stop();
    const down = await register(app!, userCreate());
    expect(down.response.statusCode).toBe(503);
    expect(down.response.body).toBe(JSON.stringify(UNAVAILABLE));
    expect(down.ms).toBeLessThan(2_000);
    const ready = await timed(app!, '/ready');
    expect(ready.response.statusCode).toBe(503);
    expect(ready.ms).toBeLessThan(2_000);
    expect((await login(app!, first.email, first.password)).json()).toEqual(UNAVAILABLE);

    await cluster!.start();
    const recoveredMs = await until(async () => (await app!.inject('/ready')).statusCode === 200, 10_000);
    expect((await register(app!, userCreate())).response.statusCode).toBe(200);
    const duplicate = await register(app!, first);
    expect(duplicate.response.statusCode).toBe(400); // the user written before the outage is still there
    expect((await login(app!, first.email, first.password)).statusCode).toBe(200);
    console.info(
      `outage: register 503 in ${Math.round(down.ms)} ms, /ready 503 in ${Math.round(ready.ms)} ms; ` +
        `ready again ${Math.round(recoveredMs)} ms after pg_ctlcluster start returned`,
    );
  });

  it('serves straight after a restart: pooled connections the restart killed are not reused', async () => {
    expect((await register(app!, userCreate())).response.statusCode).toBe(200); // the pool holds a live client
    await cluster!.stop();
    await cluster!.start();
    expect((await register(app!, userCreate())).response.statusCode).toBe(200);
    expect((await app!.inject('/ready')).statusCode).toBe(200);
  });

  // A query sent on a pooled connection to a host that stopped answering ends with the pool's query_timeout.
  it('a hung database (SIGSTOP) → 503 within 2 s on a pooled connection, not a hang', async () => {
    expect((await register(app!, userCreate())).response.statusCode).toBe(200); // leaves an idle pooled client
    await cluster!.freeze();
    // Register alone first, so that it is the query handed the idle pooled client (run side by side, /ready
    // could take it instead and register would only meet the 2 s connect timeout of a new connection).
    const pending = register(app!, userCreate());
    try {
      const down = await Promise.race([pending, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 2_000))]);
      expect(down, 'register still waiting after 2 s').toBeDefined();
      expect(down!.response.statusCode).toBe(503);
      const ready = await timed(app!, '/ready'); // /ready has its own 1.5 s race: it answers either way
      expect(ready.response.statusCode).toBe(503);
      expect(ready.ms).toBeLessThan(2_000);
    } finally {
      cluster!.thaw();
      await pending; // completes once the backend runs again; nothing is left dangling into the next test
    }
  });

  it('never there: nothing listening on the port → 503 within 2 s', async () => {
    const port = await freePort();
    const nowhere = await buildApp(config(`postgres://postgres@127.0.0.1:${port}/postgres`, false));
    try {
      const down = await register(nowhere, userCreate());
      expect(down.response.statusCode).toBe(503);
      expect(down.response.json()).toEqual(UNAVAILABLE);
      expect(down.ms).toBeLessThan(2_000);
      const ready = await timed(nowhere, '/ready');
      expect(ready.response.statusCode).toBe(503);
      expect(ready.ms).toBeLessThan(2_000);
    } finally {
      await nowhere.close();
    }
  });

  it('a server that accepts but never answers → 503 once the 1.5 s connect timeout fires, not a hang', async () => {
    // A hung host or a firewall that swallows packets gives no ECONNREFUSED: only the pool's connectionTimeoutMillis
    // (1500 ms) ends the wait, so the answer comes within 2 s.
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => sockets.add(socket));
    const port = await freePort();
    await new Promise<void>((resolve) => silent.listen(port, '127.0.0.1', resolve));
    const hung = await buildApp(config(`postgres://postgres@127.0.0.1:${port}/postgres`, false));
    try {
      const [down, ready] = await Promise.all([register(hung, userCreate()), timed(hung, '/ready')]);
      expect(down.response.statusCode).toBe(503);
      expect(down.response.json()).toEqual(UNAVAILABLE);
      expect(down.ms).toBeLessThan(2_000);
      expect(ready.response.statusCode).toBe(503);
      expect(ready.ms).toBeLessThan(2_000);
    } finally {
      await hung.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
