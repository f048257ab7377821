// Browser tests of the pages (web/tests/<flow>.spec.ts) against the BUILT service, exactly as `npm start` serves it:
// node dist/src/server.js on an in-memory database, with e-mail going to an SMTP sink that writes each message to a
// JSON-lines file (CNLEARN_MAIL_LOG) the specs read. Chromium is Debian's (/usr/bin/chromium); none is downloaded.
//
// This file is evaluated by the runner and again by every worker: the ports and the log folder are chosen once, in
// the runner, and handed on through environment variables, which the workers inherit. After a run,
// dist/test-web/service/ holds server.log and mail.jsonl, dist/test-web/results/ the failures' screenshots and traces,
// dist/test-web/report/ the HTML report.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';
import { ROOT, SERVER_ENTRY, assertBuilt, freePortSync, serverEnv } from './tests/support/server.js';

assertBuilt();

if (!process.env.CNLEARN_WEB_TMP) {
  // The runner (not yet a worker): a clean folder for this run's service log and mail log, kept for reading after.
  process.env.CNLEARN_WEB_TMP = join(ROOT, 'dist/test-web/service');
  rmSync(process.env.CNLEARN_WEB_TMP, { recursive: true, force: true });
  mkdirSync(process.env.CNLEARN_WEB_TMP, { recursive: true });
}
process.env.CNLEARN_MAIL_LOG ??= join(process.env.CNLEARN_WEB_TMP, 'mail.jsonl');
process.env.CNLEARN_SMTP_PORT ??= String(freePortSync());
process.env.CNLEARN_WEB_PORT ??= String(freePortSync());
process.env.CNLEARN_LIMITED_PORT ??= String(freePortSync());
process.env.CNLEARN_LIMITED_URL ??= `http://127.0.0.1:${process.env.CNLEARN_LIMITED_PORT}`;

const tmp = process.env.CNLEARN_WEB_TMP;
const port = Number(process.env.CNLEARN_WEB_PORT);
const baseURL = `http://127.0.0.1:${port}`;
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: './tests',
  outputDir: join(ROOT, 'dist/test-web/results'),
  fullyParallel: false,
  forbidOnly: true,
  retries: 0,
  workers: 2,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['html', { outputFolder: join(ROOT, 'dist/test-web/report'), open: 'never' }]],
  use: {
    baseURL,
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath: chromiumPath,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
  webServer: [
    {
      name: 'smtp-sink',
      command: `"${process.execPath}" --import tsx web/tests/support/smtp-sink.ts`,
      cwd: ROOT,
      port: Number(process.env.CNLEARN_SMTP_PORT),
      reuseExistingServer: false,
      stdout: 'ignore',
      gracefulShutdown: { signal: 'SIGTERM', timeout: 2_000 },
    },
    {
      name: 'cnlearn',
      // The service's JSON log goes to a file beside the mail log: open it when a test fails. It runs in that folder
      // so that a developer's .env (read from the working directory) cannot change the settings below.
      command: `"${process.execPath}" "${SERVER_ENTRY}" >> server.log 2>&1`,
      cwd: tmp,
      url: `${baseURL}/health`,
      env: serverEnv(port),
      reuseExistingServer: false,
      timeout: 60_000,
      gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
    },
    {
      // A second instance with the limits on and tiny, for rate-limit.spec.ts (429 and Retry-After). Started here,
      // before the browsers, rather than by the spec: a start under the full load of the run is slower.
      name: 'cnlearn-limited',
      command: `"${process.execPath}" "${SERVER_ENTRY}" >> server-limited.log 2>&1`,
      cwd: tmp,
      url: `${process.env.CNLEARN_LIMITED_URL}/health`,
      env: serverEnv(Number(process.env.CNLEARN_LIMITED_PORT), { RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_LOGIN_PER_MINUTE: '2' }),
      reuseExistingServer: false,
      timeout: 60_000,
      gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
    },
  ],
});
