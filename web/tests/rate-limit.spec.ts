// A 429 tells the user how long to wait (from Retry-After). The shared test server runs without limits, so this spec
// starts its own instance with the limits on and tiny: two log-in requests per minute per IP.
import { join } from 'node:path';
import { expect, test } from './support/fixtures.js';
import { startServer, type RunningServer } from './support/server.js';
import { randomEmail, randomPassword } from './support/users.js';

let server: RunningServer;

test.beforeAll(async () => {
  const logFile = join(process.env.CNLEARN_WEB_TMP ?? '.', 'server-rate-limited.log');
  server = await startServer({ RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_LOGIN_PER_MINUTE: '2' }, logFile);
});

test.afterAll(async () => {
  await server?.stop();
});

test('too many log-ins: "Too many attempts. Try again in N seconds."', async ({ page }) => {
  const email = randomEmail('limited');
  const password = randomPassword();
  await page.goto(`${server.url}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  const button = page.getByRole('button', { name: 'Log in' });
  const alert = page.getByRole('alert');

  for (let attempt = 1; attempt <= 2; attempt++) {
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/login/access-token'));
    await button.click();
    expect((await answer).status()).toBe(400);
    await expect(alert).toContainText('Incorrect email or password');
  }

  const limited = page.waitForResponse((r) => r.url().endsWith('/api/v1/login/access-token'));
  await button.click();
  const response = await limited;
  expect(response.status()).toBe(429);
  const retryAfter = Number(response.headers()['retry-after']);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(60);
  await expect(alert).toHaveText(/Too many attempts\. Try again in (\d+) seconds?\./);
  const shown = Number((await alert.textContent())?.match(/in (\d+) second/)?.[1]);
  expect(shown).toBeGreaterThan(0);
  expect(shown).toBeLessThanOrEqual(retryAfter);
});
