// What playwright.config.ts needs to start the built service (dist/src/server.js) for the browser tests: where the
// build is, a free port, and the settings of a test instance.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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

/** Passed on from the environment: what a process needs to run, none of the service's settings. */
const INHERITED = ['PATH', 'HOME', 'TMPDIR', 'TZ', 'LANG', 'LC_ALL'];

/** The settings every test server shares (and only these: none leak in from the shell); `overrides` adds some. */
export function serverEnv(port: number, overrides: Record<string, string> = {}): Record<string, string> {
  const base: Record<string, string> = {};
  for (const key of INHERITED) if (process.env[key] !== undefined) base[key] = process.env[key];
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
    SMTP_PORT: requiredEnv('CNLEARN_SMTP_PORT'),
    ...overrides,
  };
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the browser tests with npm run test:web`);
  return value;
}
