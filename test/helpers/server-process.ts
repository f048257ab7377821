// src/server.ts (or a script) as a child process: its log, its port, its exit.
// Every process started here is tracked, so an afterAll can kill whatever a failed test left running.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inject } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
// node with tsx's loader, not the tsx CLI: the CLI runs the server as a grandchild, so SIGKILL would hit the wrapper
// and leave the real server (and its PGlite lock) running. Here child.pid is the server itself.
const TSX_LOADER = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

export interface ServerProcess {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  log(): string;
  /** Resolves with the exit code (null when killed by a signal) and the time of exit (performance.now()). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  /** Resolves with the port once the server logs that it listens. */
  port: Promise<number>;
  url(path: string): string;
}

const running = new Set<ChildProcess>();

/**
 * A PGlite data directory at `path`, already migrated: the run's template tarball (test/global-setup.ts) unpacked,
 * which saves the server about 2 s of initdb. Without a template (the Postgres pass) the server creates it.
 */
export function pgliteDataDir(path: string): string {
  const template = inject('pgliteTemplate');
  if (template) {
    mkdirSync(path, { recursive: true });
    execFileSync('tar', ['-xf', template, '-C', path], { stdio: 'ignore' });
  }
  return path;
}

export function startServer(cwd: string, env: Record<string, string>, script = 'src/server.ts', args: string[] = []): ServerProcess {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, join(ROOT, script), ...args], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      PORT: '0',
      LOG_LEVEL: 'info',
      RATE_LIMIT_ENABLED: 'false',
      SECRET_KEY: 'fault-test-secret-key-that-is-long-enough-0123456789',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal, at: performance.now() });
    }),
  );
  const port = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not listen within 30 s:\n${text}`)), 30_000);
    const look = () => {
      const found = /listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(text)?.[1];
      if (!found) return;
      clearTimeout(timer);
      child.stdout?.off('data', look);
      resolve(Number(found));
    };
    child.stdout?.on('data', look);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`server exited before listening:\n${text}`));
    });
  });
  let known = 0;
  void port.then((value) => (known = value), () => {});
  return { child, log: () => text, exited, port, url: (path) => `http://127.0.0.1:${known}${path}` };
}

/** SIGKILLs every server process still running (afterAll): no test leaves a process behind. */
export async function killAll(): Promise<void> {
  await Promise.all(
    [...running].map((child) => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      return exited;
    }),
  );
}

/** Lines of the JSON log with this `msg`. */
export function logLines(log: string, msg: string): number {
  return log.split('\n').filter((line) => line.includes(`"msg":"${msg}"`)).length;
}
