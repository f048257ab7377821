// Deleting one's account from /profile: a confirmation dialog first ("Cancel" keeps the account), then it is gone
// and its credentials no longer log in.
import { apiResponse } from './support/api.js';
import { expect, test } from './support/fixtures.js';
import { logIn, logOutButton, registerUser, section } from './support/users.js';

test('deleting the account asks for confirmation first', async ({ page, request }) => {
  const user = await registerUser(request);
  await logIn(page, user.email, user.password);
  await page.goto('/profile');
  const danger = section(page, 'Delete account');

  await danger.getByRole('button', { name: 'Delete account' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await page.reload();
  await expect(section(page, 'Email').getByLabel('Email')).toHaveValue(user.email);

  await section(page, 'Delete account').getByRole('button', { name: 'Delete account' }).click();
  await expect(dialog).toBeVisible();
  // Escape closes the dialog too, like Cancel.
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  await section(page, 'Delete account').getByRole('button', { name: 'Delete account' }).click();
  const deleted = apiResponse(page, 'DELETE', '/api/v1/users/me');
  await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
  expect((await deleted).status()).toBe(200);
  await expect(logOutButton(page)).toHaveCount(0);

  await page.goto('/login');
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert')).toContainText('Incorrect email or password');
});
