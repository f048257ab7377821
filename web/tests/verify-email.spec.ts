// /verify-email?token=… verifies on load and says how it went: the link from the e-mail works once.
import { apiResponse } from './support/api.js';
import { expect, test } from './support/fixtures.js';
import { linkIn, newestMail } from './support/mail.js';
import { apiToken, registerUser } from './support/users.js';

test('the verification link from the e-mail verifies the address, once', async ({ page, request, baseURL }) => {
  const user = await registerUser(request);
  const token = await apiToken(request, user.email, user.password);
  const asked = await request.post('/api/v1/users/me/verify-email', { headers: { authorization: `Bearer ${token}` } });
  expect(asked.status()).toBe(200);

  const link = linkIn(await newestMail(user.email, /confirm your e-mail address/i), '/verify-email');
  expect(link.origin).toBe(new URL(baseURL ?? '').origin);

  const verified = apiResponse(page, 'POST', '/api/v1/verify-email');
  await page.goto(link.href);
  expect((await verified).status()).toBe(200);
  await expect(page.getByRole('heading', { level: 1 })).toHaveCount(1);
  await expect(page.getByText(/verified/i).first()).toBeVisible();

  // Spent: the same link now fails, and the page says so.
  const again = apiResponse(page, 'POST', '/api/v1/verify-email');
  await page.goto(link.href);
  expect((await again).status()).toBe(400);
  await expect(page.getByText(/invalid|expired|no longer/i).first()).toBeVisible();
});
