// Test data and the few steps many flows share. Accounts are made through the API (fast, and not what those tests
// are about); everything a test checks goes through the pages.
import { randomBytes } from 'node:crypto';
import { expect, type APIRequestContext, type Page } from '@playwright/test';

export const ADMIN = { email: 'admin@example.com', password: 'a long admin password' } as const;

export interface TestUser {
  id: number;
  email: string;
  password: string;
  full_name: string;
}

const WORDS = ['amber', 'harbor', 'lantern', 'quartz', 'meadow', 'violet', 'cobalt', 'saffron', 'glacier', 'thistle'];

/** A fresh address (unique per call) on a reserved domain, with a recognisable name part. */
export function randomEmail(name = 'user'): string {
  return `${name}-${randomBytes(5).toString('hex')}@example.com`;
}

/** A password the policy accepts: long, not common, and never containing an address made by randomEmail. */
export function randomPassword(): string {
  const pick = () => WORDS[randomBytes(1)[0]! % WORDS.length];
  return `${pick()} ${pick()} ${pick()} ${randomBytes(3).toString('hex')}`;
}

export async function registerUser(request: APIRequestContext, overrides: Partial<Omit<TestUser, 'id'>> = {}): Promise<TestUser> {
  const user = { email: randomEmail(), password: randomPassword(), full_name: 'Grace Hopper', ...overrides };
  const response = await request.post('/api/v1/users/register', { data: user });
  expect(response.status(), await response.text()).toBe(200);
  const body = (await response.json()) as { id: number };
  return { ...user, id: body.id };
}

/** An access token for API-side set-up (a JSON client's log-in, not the page's). */
export async function apiToken(request: APIRequestContext, email: string, password: string): Promise<string> {
  const response = await request.post('/api/v1/login/access-token', { form: { username: email, password } });
  expect(response.status(), await response.text()).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

/** Logs in through /login and waits for the home page to show the account. */
export async function logIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(logOutButton(page)).toBeVisible();
  await expect(page.getByText(email).first()).toBeVisible();
}

/** A titled part of a page (<section aria-labelledby="…heading…">): role region, named by its heading. */
export function section(page: Page, name: string) {
  return page.getByRole('region', { name, exact: true });
}

/** The header's "Log out" (the Logins table on /profile has its own "Log out" buttons, one per login). */
export function logOutButton(page: Page) {
  return page.getByRole('banner').getByRole('button', { name: 'Log out', exact: true });
}
