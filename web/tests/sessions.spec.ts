// The "Logins" section of /profile with three devices (three browser contexts): one login ended with its row's
// "Log out", then "Log out everywhere else" ends the rest, and the device doing it stays logged in.
import { type Browser, type Page } from '@playwright/test';
import { apiResponse } from './support/api.js';
import { expect, test } from './support/fixtures.js';
import { logIn, logOutButton, registerUser, section } from './support/users.js';

async function device(browser: Browser, baseURL: string | undefined, name: string): Promise<Page> {
  const context = await browser.newContext({ baseURL, userAgent: `CNLearn test ${name}` });
  return context.newPage();
}

/** Loads the home page, which tries the refresh cookie first, and tells which face it shows once that is settled. */
async function isLoggedIn(page: Page): Promise<boolean> {
  const refresh = apiResponse(page, 'POST', '/api/v1/login/refresh');
  await page.goto('/');
  await refresh;
  await expect(logOutButton(page).or(page.getByRole('link', { name: 'Log in' }))).toBeVisible();
  return logOutButton(page).isVisible();
}

test('ending one login, then every other login', async ({ page, request, browser, baseURL }) => {
  const user = await registerUser(request);
  const second = await device(browser, baseURL, 'second device');
  const third = await device(browser, baseURL, 'third device');
  try {
    await logIn(second, user.email, user.password);
    await logIn(third, user.email, user.password);
    await logIn(page, user.email, user.password);

    await page.goto('/profile');
    const logins = section(page, 'Logins');
    const rows = logins.getByRole('row').filter({ has: page.getByRole('button', { name: 'Log out', exact: true }) });
    await expect(rows).toHaveCount(3);
    await expect(rows.filter({ hasText: 'This device' })).toHaveCount(1);

    const others = rows.filter({ hasNotText: 'This device' });
    const ended = apiResponse(page, 'DELETE', /^\/api\/v1\/users\/me\/sessions\/[^/]+$/);
    await others.first().getByRole('button', { name: 'Log out', exact: true }).click();
    expect((await ended).status()).toBe(204);
    await expect(rows).toHaveCount(2);

    const stillIn = [await isLoggedIn(second), await isLoggedIn(third)];
    expect(stillIn.filter(Boolean), 'exactly one of the other devices was logged out').toHaveLength(1);

    await page.reload();
    await expect(rows).toHaveCount(2);
    const endedAll = apiResponse(page, 'DELETE', '/api/v1/users/me/sessions');
    await logins.getByRole('button', { name: 'Log out everywhere else' }).click();
    expect((await endedAll).status()).toBe(200);
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText('This device');

    expect(await isLoggedIn(second)).toBe(false);
    expect(await isLoggedIn(third)).toBe(false);
    expect(await isLoggedIn(page)).toBe(true);
  } finally {
    await Promise.allSettled([second.context().close(), third.context().close()]);
  }
});
