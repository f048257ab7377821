// /admin/users as the first superuser (admin@example.com): the count and the paging, finding a user by e-mail,
// editing every field, a user's security history, and deleting with confirmation. Only superusers get the page.
import { type APIRequestContext, type Page } from '@playwright/test';
import { apiResponse } from './support/api.js';
import { expect, test } from './support/fixtures.js';
import { ADMIN, apiToken, logIn, randomEmail, randomPassword, registerUser, type TestUser } from './support/users.js';

/** The table rows that are users (they have an "Edit" button), not the header row. */
function userRows(page: Page) {
  return page.getByRole('row').filter({ has: page.getByRole('button', { name: 'Edit', exact: true }) });
}

function rowOf(page: Page, email: string) {
  return userRows(page).filter({ hasText: email });
}

async function search(page: Page, text: string): Promise<void> {
  const box = page.getByLabel('Search by email');
  await box.fill(text);
  await expect(box).toHaveValue(text); // (typing lands nowhere while a modal dialog keeps the page inert)
  await expect(page.getByText(/^\d+ users?$/)).toBeVisible();
}

async function adminGet(request: APIRequestContext, token: string, path: string) {
  const response = await request.get(path, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status(), body: (await response.json()) as Record<string, unknown> };
}

test.describe('user administration', () => {
  test('an ordinary user has no Admin link and no admin page', async ({ page, request }) => {
    const user = await registerUser(request);
    await logIn(page, user.email, user.password);
    await page.goto('/');
    await expect(page.getByRole('link', { name: 'Admin' })).toHaveCount(0);
    await page.goto('/admin/users');
    await expect(page.getByLabel('Search by email')).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Edit', exact: true })).toHaveCount(0);
  });

  test('count, paging and search', async ({ page, request }) => {
    // 25 accounts sharing a tag in their address: searching for the tag gives a set no other test touches.
    const tag = `page${Date.now().toString(36)}`;
    const made: TestUser[] = [];
    for (let i = 0; i < 25; i++) made.push(await registerUser(request, { email: `${tag}-${String(i).padStart(2, '0')}@example.com` }));

    await logIn(page, ADMIN.email, ADMIN.password);
    await page.goto('/');
    await page.getByRole('link', { name: 'Admin' }).click();
    await expect(page).toHaveURL(/\/admin\/users$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveCount(1);
    await expect(page.getByText(/^\d+ users?$/)).toBeVisible();

    await search(page, tag.toUpperCase()); // the search ignores letter case
    await expect(page.getByText('25 users', { exact: true })).toBeVisible();
    const previous = page.getByRole('button', { name: 'Previous' });
    const next = page.getByRole('button', { name: 'Next' });
    await expect(previous).toBeDisabled();
    const perPage = await userRows(page).count();
    expect(perPage, 'a page shows fewer than 25 users, so there is a next page').toBeLessThan(25);
    expect(perPage).toBeGreaterThan(0);
    await expect(next).toBeEnabled();

    const seen = new Set<string>();
    const collect = async () => {
      for (const text of await userRows(page).allTextContents()) {
        const match = text.match(new RegExp(`${tag}-\\d\\d@example\\.com`));
        if (match) seen.add(match[0]);
      }
    };
    await collect();
    let pages = 1;
    while (await next.isEnabled()) {
      const firstBefore = await userRows(page).first().textContent();
      await next.click();
      await expect(userRows(page).first()).not.toHaveText(firstBefore ?? '');
      await expect(previous).toBeEnabled();
      await collect();
      pages++;
      expect(pages, 'paging ends').toBeLessThanOrEqual(25);
    }
    expect(pages).toBe(Math.ceil(25 / perPage));
    expect(seen.size, 'every user is on exactly one page').toBe(25);
    await previous.click();
    await expect(next).toBeEnabled();

    // One address: exactly that user.
    await search(page, made[7]!.email);
    await expect(page.getByText('1 user', { exact: true })).toBeVisible();
    await expect(userRows(page)).toHaveCount(1);
    await expect(rowOf(page, made[7]!.email)).toBeVisible();
  });

  test('edit every field, see the history, delete with confirmation', async ({ page, request }) => {
    const user = await registerUser(request, { full_name: 'Katherine Johnson' });
    await apiToken(request, user.email, user.password); // a log-in, for the history
    const newEmail = `edited-${user.email}`;
    const newPassword = randomPassword();

    await logIn(page, ADMIN.email, ADMIN.password);
    await page.goto('/admin/users');
    await search(page, user.email);
    await expect(page.getByText('1 user', { exact: true })).toBeVisible();
    const row = rowOf(page, user.email);
    await expect(row).toContainText('Katherine Johnson');

    await row.getByRole('button', { name: 'Edit', exact: true }).click();
    // The edit form is the only one open: its labels are unique on the page ("Email" exactly, not "Search by email").
    await expect(page.getByLabel('Email', { exact: true })).toHaveValue(user.email);
    await expect(page.getByLabel('Full name', { exact: true })).toHaveValue('Katherine Johnson');
    await expect(page.getByLabel('Active')).toBeChecked();
    await expect(page.getByLabel('Superuser')).not.toBeChecked();
    await page.getByLabel('Full name', { exact: true }).fill('Mary Jackson');
    await page.getByLabel('Email', { exact: true }).fill(newEmail);
    await page.getByLabel('New password').fill(newPassword);
    await page.getByLabel('Active').uncheck();
    await page.getByLabel('Superuser').check();
    const saved = apiResponse(page, 'PATCH', `/api/v1/users/${user.id}`);
    await page.getByRole('button', { name: 'Save' }).click();
    expect((await saved).status()).toBe(200);
    await expect(page.getByRole('dialog')).toHaveCount(0);

    await search(page, newEmail);
    await expect(rowOf(page, newEmail)).toContainText('Mary Jackson');

    // Stored as edited: the API shows the flags, and the new password is the right one (an inactive account is
    // told "Inactive user" only once its password is right).
    const token = await apiToken(request, ADMIN.email, ADMIN.password);
    const stored = await adminGet(request, token, `/api/v1/users/${user.id}`);
    expect(stored.body).toMatchObject({ email: newEmail, full_name: 'Mary Jackson', is_active: false, is_superuser: true });
    const withNew = await request.post('/api/v1/login/access-token', { form: { username: newEmail, password: newPassword } });
    expect(await withNew.json()).toEqual({ detail: 'Inactive user' });
    const withOld = await request.post('/api/v1/login/access-token', { form: { username: newEmail, password: user.password } });
    expect(await withOld.json()).toEqual({ detail: 'Incorrect email or password' });

    // The history shows the account's security events, newest first (the admin's changes above among them).
    await rowOf(page, newEmail).getByRole('button', { name: 'History' }).click();
    const events = await adminGet(request, token, `/api/v1/users/${user.id}/events`);
    expect(events.status).toBe(200);
    expect(Array.isArray(events.body) && events.body.length).toBeGreaterThan(0);
    const history = page.getByRole('dialog', { name: /history/i });
    await expect(history).toBeVisible();
    await expect(history).toContainText(newEmail);
    // Newest first: the admin's changes (new password, new address) come before the user's own log-in.
    const rows = history.getByRole('row').filter({ has: page.getByRole('cell') });
    await expect(rows.first()).toBeVisible();
    expect(await rows.count()).toBe((events.body as unknown as unknown[]).length);
    await expect(history).toContainText(/password/i);
    await expect(rows.last()).toContainText(/log(ged)?[ -]?in/i);

    // Delete: Cancel keeps the user, Delete removes it.
    await page.keyboard.press('Escape');
    await expect(history).toHaveCount(0);
    await search(page, newEmail);
    await rowOf(page, newEmail).getByRole('button', { name: 'Delete', exact: true }).click();
    const dialog = page.getByRole('dialog').filter({ has: page.getByRole('button', { name: 'Cancel' }) });
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText(newEmail);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();
    await expect(rowOf(page, newEmail)).toBeVisible();

    await rowOf(page, newEmail).getByRole('button', { name: 'Delete', exact: true }).click();
    const deleted = apiResponse(page, 'DELETE', `/api/v1/users/${user.id}`);
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    expect((await deleted).status()).toBe(200);
    await expect(page.getByText('0 users', { exact: true })).toBeVisible();
    await expect(rowOf(page, newEmail)).toHaveCount(0);
    expect((await adminGet(request, token, `/api/v1/users/${user.id}`)).status).toBe(404);
  });
});

test('the superuser creates a user with the "Create user" form', async ({ page, request }) => {
  const email = randomEmail('created');
  const password = randomPassword();
  await logIn(page, ADMIN.email, ADMIN.password);
  await page.goto('/admin/users');
  await page.getByRole('button', { name: 'Create user' }).click();
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Full name', { exact: true }).fill('Dorothy Vaughan');
  await expect(page.getByLabel('Active')).toBeChecked();
  await expect(page.getByLabel('Superuser')).not.toBeChecked();
  const created = apiResponse(page, 'POST', '/api/v1/users');
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  expect((await created).status()).toBe(200);
  await expect(page.getByRole('dialog')).toHaveCount(0);

  await search(page, email);
  await expect(rowOf(page, email)).toContainText('Dorothy Vaughan');
  expect(await apiToken(request, email, password)).toBeTruthy();
});
