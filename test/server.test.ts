// src/server.ts as a process: serves, keeps secrets out of its log, refuses to share its PGlite directory with the
// CLI, shuts down cleanly on SIGTERM, and refuses a bad configuration. (Shutdown under load, SIGKILL and database
// outages: test/faults/.)
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killAll, pgliteDataDir, startServer } from './helpers/server-process.js';

const dir = mkdtempSync(join(tmpdir(), 'cnlearn-server-'));
afterAll(async () => {
  await killAll(); // a failed test must not leave a server behind
  rmSync(dir, { recursive: true, force: true });
});

describe('server process', () => {
  it('serves, keeps the CLI out of its data directory, and exits 0 on SIGTERM', async () => {
    const dataDir = pgliteDataDir(join(dir, 'data'));
    const server = startServer(dir, { DATABASE_URL: dataDir });
    await server.port;

    const response = await fetch(server.url('/api/v1/users/register'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'server@example.com', password: 'quiet harbour lights' }),
    });
    expect(response.status).toBe(200);
    expect(server.log()).not.toContain('quiet harbour lights'); // nothing secret in the logs

    const cli = startServer(dir, { DATABASE_URL: dataDir }, 'scripts/db.ts', ['migrate']);
    expect((await cli.exited).code).toBe(1);
    expect(cli.log()).toMatch(/in use by process/);

    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
  });

  it('refuses to start with invalid configuration, naming every bad variable', async () => {
    const server = startServer(dir, { DATABASE_URL: join(dir, 'unused'), PORT: 'eighty', LOG_LEVEL: 'loud' });
    expect((await server.exited).code).toBe(1);
    expect(server.log()).toContain('PORT');
    expect(server.log()).toContain('LOG_LEVEL');
    expect(server.log()).not.toMatch(/\n\s+at /); // a message, not a stack trace
  });
});
