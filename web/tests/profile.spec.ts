// /profile's "Profile" section (the full name) and its "Security history" (the account's events, newest first).
import { apiResponse } from './support/api.js';
import { expect, test } from './support/fixtures.js';
import { logIn, registerUser, section } from './support/users.js';

test('changing the full name', async ({ page, request }) => {
  const user = await registerUser(request, { full_name: 'Rosalind Franklin' });
  await logIn(page, user.email, user.password);
  await page.goto('/profile');
  const profile = section(page, 'Profile');
  await expect(profile.getByLabel('Full name')).toHaveValue('Rosalind Franklin');

  await profile.getByLabel('Full name').fill('Lise Meitner');
  const saved = apiResponse(page, 'PATCH', '/api/v1/users/me');
  await profile.getByRole('button', { name: 'Save' }).click();
  expect((await saved).status()).toBe(200);
  await expect(profile.getByRole('alert')).toHaveCount(0);

  await page.reload();
  await expect(section(page, 'Profile').getByLabel('Full name')).toHaveValue('Lise Meitner');
  await page.goto('/');
  await expect(page.getByText('Lise Meitner')).toBeVisible();
});

test('the security history lists the account\'s events, newest first', async ({ page, request }) => {
  const user = await registerUser(request);
  // A failed log-in, then the successful one: two events, the log-in the newer.
  const failed = await request.post('/api/v1/login/access-token', { form: { username: user.email, password: 'not the password at all' } });
  expect(failed.status()).toBe(400);
  await logIn(page, user.email, user.password);
  await page.goto('/profile');
  const rows = section(page, 'Security history').getByRole('row').filter({ has: page.getByRole('cell') });
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText(/log(ged)?[ -]?in/i);
  await expect(rows.nth(0)).not.toContainText(/fail/i);
  await expect(rows.nth(1)).toContainText(/fail/i);
});
