// Sign up → log in → a reload keeps the login (silent refresh from the HttpOnly cookie) → log out. The refresh token
// never reaches script: not in document.cookie, not in the log-in answer, not in localStorage/sessionStorage.
import { apiResponse } from './support/api.js';
import { expect, test } from './support/fixtures.js';
import { logOutButton, randomEmail, randomPassword } from './support/users.js';

const REFRESH_COOKIE = 'cnlearn_refresh';
const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]+/;

test('sign up, log in, stay logged in across a reload, log out', async ({ page, context, request }) => {
  const email = randomEmail('signup');
  const password = randomPassword();

  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Log in' })).toBeVisible();
  await page.getByRole('link', { name: 'Sign up' }).click();
  await expect(page).toHaveURL(/\/signup$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveCount(1);

  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByLabel('Full name').fill('Ada Lovelace');
  const registered = apiResponse(page, 'POST', '/api/v1/users/register');
  await page.getByRole('button', { name: 'Sign up' }).click();
  expect((await registered).status()).toBe(200);
  await expect(page).not.toHaveURL(/\/signup$/);

  // Whatever sign-up does next, start the log-in from a browser that holds no login.
  await context.clearCookies();
  await page.goto('/login');
  await expect(page.getByRole('link', { name: 'Forgot password?' })).toBeVisible();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  const loggedIn = apiResponse(page, 'POST', '/api/v1/login/access-token');
  await page.getByRole('button', { name: 'Log in' }).click();
  const login = await loggedIn;
  expect(login.status()).toBe(200);
  expect(await login.request().headerValue('x-cnlearn-client')).toBe('web');
  const body = (await login.json()) as Record<string, unknown>;
  expect(body).not.toHaveProperty('refresh_token');
  const accessToken = String(body.access_token);

  await page.goto('/');
  await expect(page.getByText(email)).toBeVisible();
  await expect(page.getByText('Ada Lovelace')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Profile' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Admin' })).toHaveCount(0); // not a superuser
  await expect(logOutButton(page)).toBeVisible();

  // The refresh token lives only in an HttpOnly, SameSite=Strict cookie scoped to the refresh route.
  const cookie = (await context.cookies()).find((c) => c.name === REFRESH_COOKIE);
  expect(cookie, 'the refresh cookie is set').toBeDefined();
  expect(cookie?.httpOnly).toBe(true);
  expect(cookie?.sameSite).toBe('Strict');
  expect(cookie?.path).toBe('/api/v1/login/refresh');
  expect(await page.evaluate(() => document.cookie)).not.toContain(REFRESH_COOKIE);
  const stored = await page.evaluate(() => {
    const dump = (s: Storage) => Array.from({ length: s.length }, (_, i) => `${s.key(i)}=${s.getItem(s.key(i) ?? '')}`);
    return [...dump(localStorage), ...dump(sessionStorage)];
  });
  for (const entry of stored) {
    expect(entry, 'no token in web storage').not.toMatch(JWT);
    expect(entry).not.toContain(accessToken);
    expect(entry).not.toContain(cookie?.value ?? '');
  }

  // A reload loses the in-memory access token; the cookie brings the login back.
  const refreshed = apiResponse(page, 'POST', '/api/v1/login/refresh');
  await page.reload();
  expect((await refreshed).status()).toBe(200);
  await expect(page.getByText(email)).toBeVisible();
  await expect(logOutButton(page)).toBeVisible();
  const rotated = (await context.cookies()).find((c) => c.name === REFRESH_COOKIE);
  expect(rotated?.value, 'the refresh cookie rotates').not.toBe(cookie?.value);

  await logOutButton(page).click();
  await expect(page.getByRole('link', { name: 'Log in' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Sign up' })).toBeVisible();
  await expect(page.getByText(email)).toHaveCount(0);
  expect((await context.cookies()).find((c) => c.name === REFRESH_COOKIE), 'log-out clears the cookie').toBeUndefined();
  await page.reload();
  await expect(page.getByRole('link', { name: 'Log in' })).toBeVisible();

  // The login is over on the server too: the last cookie value no longer refreshes.
  const replay = await request.post('/api/v1/login/refresh', {
    headers: { 'X-CNLearn-Client': 'web', cookie: `${REFRESH_COOKIE}=${rotated?.value}` },
  });
  expect(replay.status()).toBe(401);
});

test('the refresh cookie is refused without the X-CNLearn-Client header (CSRF defence)', async ({ page, context, request }) => {
  const email = randomEmail('csrf');
  const password = randomPassword();
  expect((await request.post('/api/v1/users/register', { data: { email, password } })).status()).toBe(200);
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(logOutButton(page)).toBeVisible();
  const cookie = (await context.cookies()).find((c) => c.name === REFRESH_COOKIE);
  expect(cookie).toBeDefined();

  const forged = await request.post('/api/v1/login/refresh', { headers: { cookie: `${REFRESH_COOKIE}=${cookie?.value}` } });
  expect(forged.status()).toBe(403);
  expect(await forged.json()).toEqual({ detail: 'Missing X-CNLearn-Client header' });
  // …and that refused attempt did not spend the cookie: the page still refreshes with it.
  await page.reload();
  await expect(logOutButton(page)).toBeVisible();
});
