// Starting the built service (dist/src/server.js) for the browser tests: the shared one (playwright.config.ts, as a
// webServer) and the extra ones a spec needs with other settings (startServer, e.g. with the rate limits on).
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const SERVER_ENTRY = join(ROOT, 'dist/src/server.js');
export const WEB_INDEX = join(ROOT, 'dist/web/index.html');

/** Refuses to go on without a build: the tests run what `npm run build` produced, never the sources. */
export function assertBuilt(): void {
  const missing = [SERVER_ENTRY, WEB_INDEX].filter((file) => !existsSync(file));
  if (missing.length > 0) {
    throw new Error(`The browser tests need the built service: ${missing.join(' and ')} missing. Run npm run build first.`);
  }
}

/**
 * A TCP port free right now on 127.0.0.1, found synchronously (the Playwright config is synchronous) by a child
 * process that binds port 0. Another process could take it before we do; the server would then fail to start loudly.
 */
export function freePortSync(): number {
  const script =
    "const s=require('node:net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})";
  return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
}

/** The settings every test server shares; `overrides` adds or replaces some. */
export function serverEnv(port: number, overrides: Record<string, string> = {}): Record<string, string> {
  const base: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) base[key] = value;
  return {
    ...base,
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: 'memory://',
    RATE_LIMIT_ENABLED: 'false',
    LOG_LEVEL: 'info',
    FIRST_SUPERUSER: 'admin@example.com',
    FIRST_SUPERUSER_PASSWORD: 'a long admin password',
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: process.env.CNLEARN_SMTP_PORT ?? '2525',
    ...overrides,
  };
}

export interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

/** Starts another instance of the built service with `overrides`, waits for /health, logs to `logFile`. */
export async function startServer(overrides: Record<string, string>, logFile: string): Promise<RunningServer> {
  assertBuilt();
  const port = freePortSync();
  const url = `http://127.0.0.1:${port}`;
  const log = createWriteStream(logFile, { flags: 'a' });
  const child: ChildProcess = spawn(process.execPath, [SERVER_ENTRY], { cwd: ROOT, env: serverEnv(port, overrides), stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode} before answering; see ${logFile}`);
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the server did not answer /health within 30 s; see ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      log.end();
    },
  };
}
