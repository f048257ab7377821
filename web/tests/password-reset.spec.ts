// Forgot password → the link from the e-mail → a new password: the new one logs in, the old one no longer does.
import { apiResponse } from './support/api.js';
import { expect, test } from './support/fixtures.js';
import { countMails, linkIn, newestMail } from './support/mail.js';
import { logOutButton, randomPassword, registerUser } from './support/users.js';

test('a reset link from the e-mail sets a new password', async ({ page, request, baseURL }) => {
  const user = await registerUser(request);
  const newPassword = randomPassword();

  await page.goto('/login');
  await page.getByRole('link', { name: 'Forgot password?' }).click();
  await expect(page).toHaveURL(/\/forgot-password$/);
  await page.getByLabel('Email').fill(user.email);
  const sent = apiResponse(page, 'POST', /^\/api\/v1\/password-recovery\/[^/]+$/);
  await page.getByRole('button', { name: 'Send reset link' }).click();
  expect((await sent).status()).toBe(200);

  const mail = await newestMail(user.email, /reset your password/i);
  const link = linkIn(mail, '/reset-password');
  expect(link.origin, 'the link points at this service (PUBLIC_URL)').toBe(new URL(baseURL ?? '').origin);
  expect(link.searchParams.get('token')).toBeTruthy();

  const noticesBefore = countMails(user.email, /password was changed/i);
  await page.goto(link.href);
  await expect(page.getByRole('heading', { level: 1 })).toHaveCount(1);
  await page.getByLabel('New password').fill(newPassword);
  const reset = apiResponse(page, 'POST', '/api/v1/reset-password');
  await page.getByRole('button', { name: 'Set new password' }).click();
  expect((await reset).status()).toBe(200);
  await newestMail(user.email, /password was changed/i, { after: noticesBefore });

  // The link is single-use: opening it again and submitting says so.
  await page.goto(link.href);
  await page.getByLabel('New password').fill(randomPassword());
  await page.getByRole('button', { name: 'Set new password' }).click();
  await expect(page.getByRole('alert')).toContainText(/invalid/i);

  await page.goto('/login');
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert')).toContainText('Incorrect email or password');

  await page.getByLabel('Password').fill(newPassword);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(logOutButton(page)).toBeVisible();
});
