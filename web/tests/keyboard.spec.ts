// Keyboard only: from the home page to a new account with Tab, typing and Enter; no clicks. Focus must reach every
// control in a sensible order and stay visible.
import { type Locator, type Page } from '@playwright/test';
import { apiResponse } from './support/api.js';
import { expect, test } from './support/fixtures.js';
import { apiToken, logOutButton, randomEmail, randomPassword } from './support/users.js';

/** Presses Tab until `target` has the focus (at most `max` times). */
async function tabTo(page: Page, target: Locator, max = 25): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await target.evaluate((element) => element === document.activeElement)) return;
  }
  throw new Error(`Tab never reached ${target.toString()}`);
}

test('sign up with the keyboard only', async ({ page, request }) => {
  const email = randomEmail('keys');
  const password = randomPassword();

  await page.goto('/');
  await tabTo(page, page.getByRole('link', { name: 'Sign up' }));
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/signup$/);

  const fields: [Locator, string][] = [
    [page.getByLabel('Email'), email],
    [page.getByLabel('Password'), password],
    [page.getByLabel('Full name'), 'Hedy Lamarr'],
  ];
  for (const [field, value] of fields) {
    await tabTo(page, field);
    await page.keyboard.type(value);
    await expect(field).toHaveValue(value);
  }
  const answer = apiResponse(page, 'POST', '/api/v1/users/register');
  await page.keyboard.press('Enter'); // submits the form from its last field
  expect((await answer).status()).toBe(200);
  await expect(page).not.toHaveURL(/\/signup$/);
  expect(await apiToken(request, email, password)).toBeTruthy();
});

test('log in and out with the keyboard only', async ({ page, request }) => {
  const email = randomEmail('keys');
  const password = randomPassword();
  expect((await request.post('/api/v1/users/register', { data: { email, password } })).status()).toBe(200);

  await page.goto('/');
  await tabTo(page, page.getByRole('link', { name: 'Log in' }));
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/login$/);
  await tabTo(page, page.getByLabel('Email'));
  await page.keyboard.type(email);
  await tabTo(page, page.getByLabel('Password'));
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');
  const logOut = logOutButton(page);
  await expect(logOut).toBeVisible();

  await tabTo(page, logOut);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('link', { name: 'Log in' })).toBeVisible();
});
