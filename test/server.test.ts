// src/server.ts as a process: serves, refuses to share its PGlite directory, shuts down cleanly on SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const dir = mkdtempSync(join(tmpdir(), 'cnlearn-server-'));
const dataDir = join(dir, 'data');

const children: ChildProcess[] = [];
afterAll(() => {
  // A failed or timed-out test must not leave a server behind.
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function run(script: string, args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(TSX, [join(ROOT, script), ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', DATABASE_URL: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return child;
}

function output(child: ChildProcess): () => string {
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return () => text;
}

const exitOf = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

async function waitFor<T>(probe: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  for (const start = Date.now(); Date.now() - start < timeoutMs; await new Promise((r) => setTimeout(r, 100))) {
    const value = probe();
    if (value !== undefined) return value;
  }
  throw new Error('timed out');
}

describe('server process', () => {
  it('serves, keeps the CLI out of its data directory, and exits 0 on SIGTERM', async () => {
    const server = run('src/server.ts', [], { PORT: '0', LOG_LEVEL: 'info' });
    const log = output(server);
    const exited = exitOf(server);
    const port = await waitFor(() => /listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(log())?.[1]);

    const response = await fetch(`http://127.0.0.1:${port}/api/v1/users/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'server@example.com', password: 'quiet harbour lights' }),
    });
    expect(response.status).toBe(200);
    expect(log()).not.toContain('quiet harbour lights'); // nothing secret in the logs

    const cli = run('scripts/db.ts', ['migrate'], {});
    const cliLog = output(cli);
    expect(await exitOf(cli)).toBe(1);
    expect(cliLog()).toMatch(/in use by process/);

    server.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(`${dataDir}.lock`)).toBe(false);

    // The directory opens again with the registration in it.
    const again = run('src/server.ts', [], { PORT: '0' });
    const againLog = output(again);
    const againExit = exitOf(again);
    const againPort = await waitFor(() => /listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(againLog())?.[1]);
    const duplicate = await fetch(`http://127.0.0.1:${againPort}/api/v1/users/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'SERVER@example.com', password: 'quiet harbour lights' }),
    });
    expect(duplicate.status).toBe(400);
    again.kill('SIGINT');
    expect(await againExit).toBe(0);
  });

  it('refuses to start with invalid configuration, naming every bad variable', async () => {
    const server = run('src/server.ts', [], { PORT: 'eighty', LOG_LEVEL: 'loud' });
    const log = output(server);
    expect(await exitOf(server)).toBe(1);
    expect(log()).toContain('PORT');
    expect(log()).toContain('LOG_LEVEL');
    expect(log()).not.toMatch(/\n\s+at /); // a message, not a stack trace
  });
});
