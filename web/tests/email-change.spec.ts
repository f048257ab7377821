// Changing the e-mail address on /profile: it takes the current password (a wrong one is refused), the old address
// is told of the change, and the new address is the one that logs in afterwards.
import { apiResponse } from './support/api.js';
import { expect, test } from './support/fixtures.js';
import { countMails, newestMail } from './support/mail.js';
import { logIn, logOutButton, randomEmail, registerUser, section } from './support/users.js';

test('changing the e-mail needs the current password and notifies the old address', async ({ page, request }) => {
  const user = await registerUser(request);
  const newEmail = randomEmail('moved');
  await logIn(page, user.email, user.password);

  await page.goto('/profile');
  const emailSection = section(page, 'Email');
  await expect(emailSection.getByLabel('Email')).toHaveValue(user.email);

  await emailSection.getByLabel('Email').fill(newEmail);
  await emailSection.getByLabel('Current password').fill('not the password at all');
  await emailSection.getByRole('button', { name: 'Change email' }).click();
  await expect(emailSection.getByRole('alert')).toContainText('Incorrect password');

  const noticesBefore = countMails(user.email, /e-mail address was changed/i);
  await emailSection.getByLabel('Current password').fill(user.password);
  const changed = apiResponse(page, 'PATCH', '/api/v1/users/me');
  await emailSection.getByRole('button', { name: 'Change email' }).click();
  expect((await changed).status()).toBe(200);
  await expect(emailSection.getByRole('alert')).toHaveCount(0);

  const notice = await newestMail(user.email, /e-mail address was changed/i, { after: noticesBefore });
  expect(notice.text).toContain(newEmail);

  // The page shows the new address, and it survives a reload (this login was the one that made the change).
  await page.reload();
  await expect(section(page, 'Email').getByLabel('Email')).toHaveValue(newEmail);

  await logOutButton(page).click();
  await page.goto('/login');
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert')).toContainText('Incorrect email or password');
  await logIn(page, newEmail, user.password);
});
