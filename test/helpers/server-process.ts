// src/server.ts (or a script) as a child process: its log, its port, its exit.
// Every process started here is tracked, so an afterAll can kill whatever a failed test left running.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { inject } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
// node with tsx's loader, not the tsx CLI: the CLI runs the server as a grandchild, so SIGKILL would hit the wrapper
// and leave the real server (and its PGlite lock) running. Here child.pid is the server itself.
const TSX_LOADER = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

/**
 * How long a server may take to listen when the test has measured nothing yet to scale from: a bound for a hang,
 * not a budget. It listens within a few seconds on a quiet 2-core machine, and took up to 20 s with both cores
 * kept busy by other jobs.
 */
export const START_LIMIT_MS = 60_000;

/**
 * Later waits in a test are a multiple of the start it measured (`startupMs`): that start says how fast the machine
 * is right now, and a load that grows threefold during the test still fits.
 */
const PACE = 4;

/** A wait of `factor` measured starts, capped at START_LIMIT_MS so that per-test timeouts can count on that. */
export function scaled(startupMs: number, factor = PACE): number {
  return Math.min(START_LIMIT_MS, factor * startupMs);
}

/**
 * A vitest timeout for a test that waits `waits` times on something bounded by START_LIMIT_MS (a start, or a wait
 * from scaled()), plus `extraMs` of fixed waits (a server's own shutdown timeout, a write phase), plus 10 s for the
 * test's own work. Only a backstop for a hang: each wait fails first, naming what it waited for.
 */
export function processTestTimeout(waits: number, extraMs = 0): number {
  return waits * START_LIMIT_MS + extraMs + 10_000;
}

export interface ServerProcess {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  log(): string;
  /** Resolves with the exit code (null when killed by a signal) and the time of exit (performance.now()). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  /** Resolves with the port once the server logs that it listens. */
  port: Promise<number>;
  /**
   * Resolves, with `port`, with how long the process took from its spawn to listening: the pace of the machine at
   * that moment (module loading, PGlite's WebAssembly, opening the database), from which a test scales its waits.
   */
  startupMs: Promise<number>;
  url(path: string): string;
}

export interface StartOptions {
  /** The script to run instead of src/server.ts, and its arguments. */
  script?: string;
  args?: string[];
  /** `port` rejects if the server has not listened by then (default START_LIMIT_MS). */
  listenWithinMs?: number;
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

export function startServer(cwd: string, env: Record<string, string>, options: StartOptions = {}): ServerProcess {
  const { script = 'src/server.ts', args = [], listenWithinMs = START_LIMIT_MS } = options;
  const spawnedAt = performance.now();
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
  const listening = new Promise<{ port: number; ms: number }>((resolve, reject) => {
    const seconds = Math.round(listenWithinMs / 1000);
    const timer = setTimeout(() => reject(new Error(`server did not listen within ${seconds} s:\n${text}`)), listenWithinMs);
    const look = () => {
      const found = /listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(text)?.[1];
      if (!found) return;
      clearTimeout(timer);
      child.stdout?.off('data', look);
      resolve({ port: Number(found), ms: performance.now() - spawnedAt });
    };
    child.stdout?.on('data', look);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`server exited before listening:\n${text}`));
    });
  });
  const port = listening.then(({ port }) => port);
  const startupMs = listening.then(({ ms }) => ms);
  let known = 0;
  // Handled here so that a test awaiting only one of them (or neither: a CLI run) leaves no unhandled rejection.
  void port.then((value) => (known = value), () => {});
  void startupMs.catch(() => {});
  return { child, log: () => text, exited, port, startupMs, url: (path) => `http://127.0.0.1:${known}${path}` };
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
