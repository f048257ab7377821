// src/server.ts as a process: serves, keeps secrets out of its log, refuses to share its PGlite directory with the
// CLI, shuts down cleanly on SIGTERM, and refuses a bad configuration. (Shutdown under load, SIGKILL and database
// outages: test/faults/.)
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, describe, expect, it } from 'vitest';
import { killAll, pgliteDataDir, processTestTimeout, scaled, START_LIMIT_MS, startServer } from './helpers/server-process.js';
import { within } from './helpers/wait.js';

const SHUTDOWN_TIMEOUT_MS = 10_000; // the default: past it the server exits 1 by itself

const dir = mkdtempSync(join(tmpdir(), 'cnlearn-server-'));
afterAll(async () => {
  await killAll(); // a failed test must not leave a server behind
  rmSync(dir, { recursive: true, force: true });
});

describe('server process', () => {
  // Waits: the start, the registration, the CLI, and the exit (beyond the server's own shutdown timeout).
  const serveTimeout = processTestTimeout(4, SHUTDOWN_TIMEOUT_MS);
  it('serves, keeps the CLI out of its data directory, and exits 0 on SIGTERM', { timeout: serveTimeout }, async () => {
    const dataDir = pgliteDataDir(join(dir, 'data'));
    const server = startServer(dir, { DATABASE_URL: dataDir });
    const startupMs = await server.startupMs;

    const response = await within(
      fetch(server.url('/api/v1/users/register'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'server@example.com', password: 'quiet harbour lights' }),
      }),
      scaled(startupMs),
      'a registration',
    );
    expect(response.status).toBe(200);
    expect(server.log()).not.toContain('quiet harbour lights'); // nothing secret in the logs

    const cliStartedAt = performance.now();
    const cli = startServer(dir, { DATABASE_URL: dataDir }, { script: 'scripts/db.ts', args: ['migrate'] });
    const cliExit = await within(cli.exited, scaled(startupMs), 'the CLI to refuse the directory');
    expect(cliExit.code).toBe(1);
    expect(cli.log()).toMatch(/in use by process/);

    const signalledAt = performance.now();
    server.child.kill('SIGTERM');
    const serverExit = await within(server.exited, SHUTDOWN_TIMEOUT_MS + scaled(startupMs), 'the exit after SIGTERM');
    expect(serverExit.code).toBe(0);
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
    console.info(
      `server process: listening after ${Math.round(startupMs)} ms, CLI refused after ${Math.round(cliExit.at - cliStartedAt)} ms, ` +
        `exit 0 ${Math.round(serverExit.at - signalledAt)} ms after SIGTERM`,
    );
  });

  it('refuses to start with invalid configuration, naming every bad variable', { timeout: processTestTimeout(1) }, async () => {
    const server = startServer(dir, { DATABASE_URL: join(dir, 'unused'), PORT: 'eighty', LOG_LEVEL: 'loud' });
    expect((await within(server.exited, START_LIMIT_MS, 'the refusal')).code).toBe(1);
    expect(server.log()).toContain('PORT');
    expect(server.log()).toContain('LOG_LEVEL');
    expect(server.log()).not.toMatch(/\n\s+at /); // a message, not a stack trace
  });
});
