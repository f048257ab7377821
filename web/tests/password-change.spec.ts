// Changing the password on /profile: a wrong current password is refused; afterwards only the new one logs in, the
// account's address gets a notice, and every login (this one included) has ended.
import { apiResponse } from './support/api.js';
import { expect, test } from './support/fixtures.js';
import { countMails, newestMail } from './support/mail.js';
import { logIn, logOutButton, randomPassword, registerUser, section } from './support/users.js';

test('changing the password', async ({ page, request }) => {
  const user = await registerUser(request);
  const newPassword = randomPassword();
  await logIn(page, user.email, user.password);

  await page.goto('/profile');
  const passwordSection = section(page, 'Password');
  await passwordSection.getByLabel('Current password').fill('not the password at all');
  await passwordSection.getByLabel('New password').fill(newPassword);
  await passwordSection.getByRole('button', { name: 'Change password' }).click();
  await expect(passwordSection.getByRole('alert')).toContainText('Incorrect password');

  const noticesBefore = countMails(user.email, /password was changed/i);
  await passwordSection.getByLabel('Current password').fill(user.password);
  await passwordSection.getByLabel('New password').fill(newPassword);
  const changed = apiResponse(page, 'PATCH', '/api/v1/users/me/password');
  await passwordSection.getByRole('button', { name: 'Change password' }).click();
  expect((await changed).status()).toBe(200);
  await newestMail(user.email, /password was changed/i, { after: noticesBefore });

  // Every login ended, this one too: a reload finds no login to refresh.
  await page.reload();
  await expect(logOutButton(page)).toHaveCount(0);

  await page.goto('/login');
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert')).toContainText('Incorrect email or password');
  await logIn(page, user.email, newPassword);
});
