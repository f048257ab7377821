// PGlite durability: a server SIGKILLed in the middle of a stream of registrations leaves a data directory that
// opens again (the dead process's lock file is taken over) with every registration it acknowledged with a 200.
// PGlite-only, so it runs in the pass without TEST_DATABASE_URL.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usingPostgres } from '../helpers/database.js';
import { randomEmail } from '../helpers/users.js';
import {
  killAll,
  logLines,
  pgliteDataDir,
  processTestTimeout,
  scaled,
  startServer,
  type ServerProcess,
} from '../helpers/server-process.js';
import { within } from '../helpers/wait.js';

const WRITERS = 8;
const WRITE_MS = 1_000; // at least; longer (up to MAX_WRITE_MS) until MIN_ACKNOWLEDGED on a loaded machine
const MAX_WRITE_MS = 8_000;
const MIN_ACKNOWLEDGED = 20;
const PASSWORD = 'a long enough password';
const SHUTDOWN_TIMEOUT_MS = 10_000; // the default: past it the server exits 1 by itself
// Waits: two starts, the killed process's exit, the writers' end, the check (two: a start's and a write phase's
// worth), the write afterwards and the final exit; plus the write phase and the shutdown timeout.
const TIMEOUT = processTestTimeout(8, MAX_WRITE_MS + SHUTDOWN_TIMEOUT_MS);

function register(server: ServerProcess, email: string): Promise<Response> {
  return fetch(server.url('/api/v1/users/register'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
}

describe.skipIf(usingPostgres)('PGlite killed mid-write', () => {
  // Made here, not at module level: a skipped describe runs no hooks, and the directory would be left behind.
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cnlearn-kill-'));
  });
  afterAll(async () => {
    await killAll();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reopens after SIGKILL with every acknowledged registration', { timeout: TIMEOUT }, async () => {
    const dataDir = pgliteDataDir(join(dir, 'data'));
    // Cheap Argon2 so that the database, not hashing, is what the writers keep busy.
    const env = { DATABASE_URL: dataDir, ARGON2_MEMORY_KIB: '1024', ARGON2_ITERATIONS: '1' };
    const first = startServer(dir, env);
    const startupMs = await first.startupMs;

    const acknowledged: string[] = [];
    const unexpected: string[] = [];
    let killed = false;
    const writer = async () => {
      while (!killed) {
        const email = randomEmail();
        try {
          const response = await register(first, email);
          if (response.status === 200) acknowledged.push(email);
          else if (!killed) unexpected.push(`${response.status} ${await response.text()}`);
        } catch {
          // The connection reset by the kill, or refused after it: not acknowledged, so not promised.
        }
      }
    };
    const writers = Array.from({ length: WRITERS }, writer);
    const started = performance.now();
    const elapsed = () => performance.now() - started;
    while (elapsed() < MAX_WRITE_MS && (elapsed() < WRITE_MS || acknowledged.length < MIN_ACKNOWLEDGED)) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const wroteMs = Math.round(elapsed());
    // Received but not yet answered when killed: the writes most likely to be cut off half-way.
    const inFlightAtKill = logLines(first.log(), 'incoming request') - logLines(first.log(), 'request completed');
    first.child.kill('SIGKILL');
    killed = true;
    const { signal } = await within(first.exited, scaled(startupMs), 'the killed process to exit');
    await within(Promise.all(writers), scaled(startupMs), 'the writers to stop'); // refused at once now
    expect(signal).toBe('SIGKILL');
    expect(unexpected).toEqual([]);
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(existsSync(`${dataDir}.lock`)).toBe(true); // left by the dead process: the restart must take it over

    // The same start as the first, plus replaying the WAL the kill left: a few times the first start at most.
    const second = startServer(dir, env, { listenWithinMs: scaled(startupMs) });
    const restartMs = await second.startupMs; // rejects with the log if the directory does not open
    const missing: string[] = [];
    const check = async () => {
      for (let next = 0; next < acknowledged.length; ) {
        const batch = acknowledged.slice(next, (next += WRITERS));
        await Promise.all(
          batch.map(async (email) => {
            const response = await register(second, email);
            const body = (await response.json()) as { detail?: unknown };
            if (response.status !== 400 || body.detail !== 'This email is already in use.') missing.push(email);
          }),
        );
      }
    };
    // As many requests as the writers made (cheaper: a duplicate is refused before hashing), by as many clients.
    await within(check(), scaled(startupMs) + scaled(wroteMs), `${acknowledged.length} registrations to be checked`);
    // And the recovered directory takes writes again.
    const afterwards = await within(register(second, randomEmail()), scaled(startupMs), 'a new registration');
    const signalledAt = performance.now();
    second.child.kill('SIGTERM');
    const { code, at } = await within(second.exited, SHUTDOWN_TIMEOUT_MS + scaled(startupMs), 'the exit after SIGTERM');
    expect(missing).toEqual([]);
    expect(afterwards.status).toBe(200);
    expect(code).toBe(0);
    expect(second.log()).not.toMatch(/unhandled error/);
    console.info(
      `PGlite SIGKILL: listening after ${Math.round(startupMs)} ms; ${acknowledged.length} registrations ` +
        `acknowledged in ${wroteMs} ms by ${WRITERS} writers (${inFlightAtKill} in flight at the kill); restarted in ` +
        `${Math.round(restartMs)} ms, ${acknowledged.length - missing.length} found; exit 0 ${Math.round(at - signalledAt)} ms after SIGTERM`,
    );
  });
});

