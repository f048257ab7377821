// SIGTERM under load, against the real server process: requests the server had received finish with 200, new
// connections get a 503 or are refused, the database is closed and the process exits 0 within SHUTDOWN_TIMEOUT_MS;
// a request that never completes makes it exit 1 once that timeout passes. The load test runs on the pass's
// database (PGlite, or a Postgres database with TEST_DATABASE_URL); the timeout test only in the PGlite pass.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { hashPassword } from '../../src/core/security.js';
import { adminQuery, usingPostgres } from '../helpers/database.js';
import { databaseUrlFor } from '../helpers/postgres-url.js';
import { median } from '../helpers/statistics.js';
import { randomEmail } from '../helpers/users.js';
import { killAll, logLines, pgliteDataDir, processTestTimeout, scaled, startServer } from '../helpers/server-process.js';
import { waitFor, within } from '../helpers/wait.js';

const REGISTRATIONS = 40;
const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;
const STUCK_SHUTDOWN_TIMEOUT_MS = 1_500;

const dir = mkdtempSync(join(tmpdir(), 'cnlearn-shutdown-'));
const postgresName = `cnlearn_shutdown_${randomBytes(4).toString('hex')}`;

afterAll(async () => {
  await killAll();
  rmSync(dir, { recursive: true, force: true });
  if (usingPostgres) await adminQuery(`drop database if exists ${postgresName} with (force)`);
});

/** The server's DATABASE_URL, and after its exit, proof that it closed that database. */
async function loadDatabase(): Promise<{ url: string; assertClosed(): void }> {
  if (!usingPostgres) {
    const dataDir = pgliteDataDir(join(dir, 'load'));
    // app.close() closes PGlite, which removes the lock file; exit(1) on timeout or a crash would leave it.
    return { url: dataDir, assertClosed: () => expect(existsSync(`${dataDir}.lock`)).toBe(false) };
  }
  await adminQuery(`create database ${postgresName} template ${inject('postgresTemplate')}`);
  // An unclosed pool would make app.close() hang, and the exit code/time assertions catch that instead.
  return { url: databaseUrlFor(process.env.TEST_DATABASE_URL!, postgresName), assertClosed: () => {} };
}

/** One raw HTTP exchange on a new connection: the status line's code, or the socket error's code. */
function probe(port: number, request = 'GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'): Promise<string> {
  return new Promise((resolve) => {
    let answer = '';
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    socket.on('close', () => resolve(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 'closed without an answer'));
  });
}

/** Sends `request` on an open socket and resolves with the status code of the answer, or how the socket ended. */
function exchange(socket: Socket, request: string): Promise<string> {
  return new Promise((resolve) => {
    const done = (answer: string) => {
      socket.off('data', onData).off('close', onClose).off('error', onClose);
      resolve(answer);
    };
    const onData = (chunk: Buffer) => done(/^HTTP\/1\.1 (\d{3})/.exec(chunk.toString())?.[1] ?? 'garbled');
    const onClose = () => done('closed without an answer');
    socket.on('data', onData).on('close', onClose).on('error', onClose);
    socket.write(request);
  });
}

/**
 * How long the server will need to finish REGISTRATIONS registrations on one hashing thread, from Argon2 at the
 * default cost timed here and now (the median of three): what the shutdown under load waits for.
 */
async function drainEstimateMs(): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 3; i += 1) {
    const start = performance.now();
    await hashPassword('a long enough password');
    times.push(performance.now() - start);
  }
  return REGISTRATIONS * median(times);
}

describe('SIGTERM', () => {
  // Waits: the start, the registrations' arrival, the shutdown log line, the keep-alive connection's close (or its
  // answer), and the exit (the shutdown timeout, itself at most a start's limit, and a measured start's worth).
  const loadTimeout = processTestTimeout(7);
  it('under load: received requests complete 200, new connections are refused or 503, exit 0', { timeout: loadTimeout }, async () => {
    const database = await loadDatabase();
    // Default Argon2 cost and one hashing thread: 40 registrations queue for a second or two on an idle machine. The
    // shutdown timeout leaves them four times what they should take now, and never less than the default.
    const shutdownTimeoutMs = Math.max(DEFAULT_SHUTDOWN_TIMEOUT_MS, scaled(await drainEstimateMs()));
    const server = startServer(dir, {
      DATABASE_URL: database.url,
      HASH_CONCURRENCY: '1',
      SHUTDOWN_TIMEOUT_MS: String(Math.round(shutdownTimeoutMs)),
    });
    const port = await server.port;
    const startupMs = await server.startupMs;

    const requests = Array.from({ length: REGISTRATIONS }, () =>
      fetch(server.url('/api/v1/users/register'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: randomEmail(), password: 'a long enough password' }),
      }).then(
        async (response) => ({ status: response.status, body: await response.text() }),
        (error: Error) => ({ status: 0, body: String(error.cause ?? error) }),
      ),
    );
    // A keep-alive connection opened before the signal, idle when it comes.
    const keepAlive = connect(port, '127.0.0.1');
    keepAlive.on('error', () => {});
    const health = 'GET /health HTTP/1.1\r\nHost: x\r\n\r\n';
    expect(await exchange(keepAlive, health)).toBe('200');
    // "incoming request" is logged after Fastify's closing check: these 40 are in the server's hands.
    await waitFor(
      () => logLines(server.log(), 'incoming request') >= REGISTRATIONS + 1,
      `${REGISTRATIONS} received registrations`,
      scaled(startupMs),
    );
    const completedBeforeSignal = logLines(server.log(), 'request completed') - 1; // less the /health above
    const signalledAt = performance.now();
    server.child.kill('SIGTERM');
    let gone = false;
    void server.exited.then(() => (gone = true));
    await waitFor(() => server.log().includes('"msg":"shutting down"'), 'the shutdown log line', scaled(startupMs));

    // in-flight.ts stops listening as the shutdown starts, which also closes idle keep-alive connections: this one
    // is closed by the server while it still drains (or, if a request slips in first, answered 503 with Connection:
    // close). A close that comes only with the exit does not count.
    let timer: NodeJS.Timeout | undefined;
    const closedByServer = await new Promise<boolean>((resolve) => {
      if (keepAlive.destroyed) return resolve(true);
      keepAlive.once('close', () => resolve(!gone));
      void server.exited.then(() => resolve(false));
      timer = setTimeout(() => resolve(false), scaled(startupMs));
    });
    clearTimeout(timer);
    const onKeepAlive = closedByServer
      ? 'closed'
      : await within(exchange(keepAlive, health), scaled(startupMs), 'an answer on the keep-alive connection');
    keepAlive.destroy();

    // New connections while it drains and after it stops listening, one at a time until the process is gone.
    const probes: string[] = [];
    let refusedWhileAlive = 0; // connections refused before the exit: the server had stopped listening
    const exitBy = signalledAt + shutdownTimeoutMs + scaled(startupMs); // exit 0 or 1 by then, in any case
    while (!gone && performance.now() < exitBy) {
      const answer = await probe(port);
      probes.push(answer);
      if (answer === 'ECONNREFUSED' && !gone) refusedWhileAlive += 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    const { code, at } = await within(server.exited, Math.max(0, exitBy - performance.now()), 'the exit after SIGTERM');
    const results = await Promise.all(requests);
    const log = server.log();
    expect(results.filter((result) => result.status !== 200)).toEqual([]);
    expect(completedBeforeSignal).toBeLessThan(REGISTRATIONS); // the signal really came while requests were in flight
    expect(probes.length).toBeGreaterThan(0);
    // The server stops listening when the shutdown starts: new connections are refused (a probe racing that moment
    // may see a 503 or a reset: the kernel drops connections still in the accept queue).
    expect(probes.join(' ')).toMatch(/^(503 )*((ECONNRESET|closed without an answer) )?(ECONNREFUSED ?)*$/);
    expect(refusedWhileAlive).toBeGreaterThan(0);
    expect(['closed', '503']).toContain(onKeepAlive);
    // Exit 0: the requests were done before SHUTDOWN_TIMEOUT_MS, else the server would have exited 1 at that point.
    expect(code).toBe(0);
    expect(log).not.toMatch(/unhandled error|error while shutting down|shutdown timed out/);
    database.assertClosed();
    console.info(
      `shutdown under load: listening after ${Math.round(startupMs)} ms; ${completedBeforeSignal}/${REGISTRATIONS} done ` +
        `at SIGTERM, all → 200, exit 0 after ${Math.round(at - signalledAt)} ms (SHUTDOWN_TIMEOUT_MS=` +
        `${Math.round(shutdownTimeoutMs)}); new connections: ${summarise(probes)} (${refusedWhileAlive} refused ` +
        `while the process lived); request on an idle keep-alive connection: ${onKeepAlive}`,
    );
  });

  // Waits: the start, the stuck request's arrival, the shutdown log line, and the exit (up to a start's worth beyond
  // the 1.5 s shutdown timeout); and the refused connection, within that timeout.
  const stuckTimeout = processTestTimeout(4, 2 * STUCK_SHUTDOWN_TIMEOUT_MS);
  it.skipIf(usingPostgres)('SHUTDOWN_TIMEOUT_MS bounds it: a request whose body never arrives → listening stops, exit 1 after the timeout', { timeout: stuckTimeout }, async () => {
    const server = startServer(dir, {
      DATABASE_URL: pgliteDataDir(join(dir, 'stuck')),
      SHUTDOWN_TIMEOUT_MS: String(STUCK_SHUTDOWN_TIMEOUT_MS),
    });
    const port = await server.port;
    const startupMs = await server.startupMs;

    // Headers and a tenth of the promised body: the request is received but never complete, so no handler runs
    // and the connection is never idle — server.close() waits on it until the 30 s request timeout, far beyond
    // SHUTDOWN_TIMEOUT_MS.
    const stuck = connect(port, '127.0.0.1');
    await new Promise((resolve) => stuck.once('connect', resolve));
    stuck.on('error', () => {}); // reset when the process exits
    stuck.write(
      'POST /api/v1/users/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n' +
        '{"email":"stuck@example.com","password":"',
    );
    await waitFor(() => logLines(server.log(), 'incoming request') >= 1, 'the stuck request', scaled(startupMs));

    const signalledAt = performance.now();
    server.child.kill('SIGTERM');
    let exitedYet = false;
    void server.exited.then(() => (exitedYet = true));
    const signalHandledMs = await waitFor(
      () => server.log().includes('"msg":"shutting down"'),
      'the shutdown log line',
      scaled(startupMs),
    );
    // No handler is running, so close() goes straight to server.close(): the listening socket is closed while the
    // process lives on, held by the stuck connection. New connections are refused from then on.
    const refusedAfterMs = await waitFor(
      async () => exitedYet || (await probe(port)) === 'ECONNREFUSED',
      'a refused connection',
      STUCK_SHUTDOWN_TIMEOUT_MS,
    );
    expect(exitedYet, 'listening stopped only with the process').toBe(false);

    // The exit comes SHUTDOWN_TIMEOUT_MS after the server handled the signal. Handling it, ending the process and
    // hearing of it here take a few milliseconds on an idle machine and seconds on a busy one: allow 1.5 s, or as
    // long as the start took if that was longer. Well short of the 30 s request timeout, which would end it with 0.
    const exitAllowanceMs = Math.max(1_500, startupMs);
    const exitBy = signalledAt + STUCK_SHUTDOWN_TIMEOUT_MS + exitAllowanceMs;
    const { code, at } = await within(server.exited, Math.max(0, exitBy - performance.now()), 'the exit after SIGTERM');
    stuck.destroy();
    expect(code).toBe(1);
    expect(at - signalledAt).toBeGreaterThanOrEqual(STUCK_SHUTDOWN_TIMEOUT_MS - 100);
    expect(at - signalledAt).toBeLessThan(STUCK_SHUTDOWN_TIMEOUT_MS + exitAllowanceMs);
    expect(server.log()).toContain('"msg":"shutdown timed out"');
    console.info(
      `stuck upload: listening after ${Math.round(startupMs)} ms; shutdown logged ${Math.round(signalHandledMs)} ms ` +
        `after SIGTERM, a connection refused ${Math.round(refusedAfterMs)} ms later; exit 1 after ` +
        `${Math.round(at - signalledAt)} ms (SHUTDOWN_TIMEOUT_MS=${STUCK_SHUTDOWN_TIMEOUT_MS})`,
    );
  });
});

function summarise(answers: string[]): string {
  const counts = new Map<string, number>();
  for (const answer of answers) counts.set(answer, (counts.get(answer) ?? 0) + 1);
  return [...counts].map(([answer, count]) => `${count}× ${answer}`).join(', ');
}
