// A 429 tells the user how long to wait (from Retry-After). The shared test server runs without limits; this spec
// uses the second instance playwright.config.ts starts with the limits on and tiny: two log-ins per minute per IP.
import { apiResponse } from './support/api.js';
import { expect, test } from './support/fixtures.js';
import { randomEmail, randomPassword } from './support/users.js';

const limited = process.env.CNLEARN_LIMITED_URL;

test('too many log-ins: "Too many attempts. Try again in N seconds."', async ({ page }) => {
  const email = randomEmail('limited');
  const password = randomPassword();
  await page.goto(`${limited}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  const button = page.getByRole('button', { name: 'Log in' });
  const alert = page.getByRole('alert');

  for (let attempt = 1; attempt <= 2; attempt++) {
    const answer = apiResponse(page, 'POST', '/api/v1/login/access-token');
    await button.click();
    expect((await answer).status()).toBe(400);
    await expect(alert).toContainText('Incorrect email or password');
  }

  const refused = apiResponse(page, 'POST', '/api/v1/login/access-token');
  await button.click();
  const response = await refused;
  expect(response.status()).toBe(429);
  const retryAfter = Number(response.headers()['retry-after']);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(60);
  await expect(alert).toHaveText(/Too many attempts\. Try again in (\d+) seconds?\./);
  const shown = Number((await alert.textContent())?.match(/in (\d+) second/)?.[1]);
  expect(shown).toBeGreaterThan(0);
  expect(shown).toBeLessThanOrEqual(retryAfter);
});
