// How the forms show the server's refusals: a 422 entry next to the field its `loc` names (aria-invalid, and the
// message as the field's description), a plain {detail} in the form's alert region.
import { apiResponse } from './support/api.js';
import { expect, test } from './support/fixtures.js';
import { randomEmail, randomPassword, registerUser } from './support/users.js';

test('a refused password is shown next to "Password"', async ({ page }) => {
  await page.goto('/signup');
  await page.getByLabel('Email').fill(randomEmail());
  await page.getByLabel('Full name').fill('Alan Turing');
  const password = page.getByLabel('Password');
  const cases: [string, RegExp][] = [
    ['short', /at least 8 characters/], // the form leaves checking to the server (noValidate)
    ['password', /too common/], // long enough for any check in the browser, but a common password
  ];
  for (const [value, message] of cases) {
    await password.fill(value);
    const answer = apiResponse(page, 'POST', '/api/v1/users/register');
    await page.getByRole('button', { name: 'Sign up' }).click();
    expect((await answer).status()).toBe(422);
    await expect(password).toHaveAttribute('aria-invalid', 'true');
    await expect(password).toHaveAccessibleDescription(message);
    await expect(page.getByLabel('Email')).not.toHaveAttribute('aria-invalid', 'true');
    await expect(page).toHaveURL(/\/signup$/);
  }

  // A good password: the account is made and the form is left.
  await password.fill(randomPassword());
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page).not.toHaveURL(/\/signup$/);
});

test('an address the browser accepts but the server refuses is shown next to "Email"', async ({ page }) => {
  await page.goto('/signup');
  // Valid for <input type=email> (no dot needed in the domain), not for the service's e-mail format.
  await page.getByLabel('Email').fill('someone@localhost');
  await page.getByLabel('Password').fill(randomPassword());
  const answer = apiResponse(page, 'POST', '/api/v1/users/register');
  await page.getByRole('button', { name: 'Sign up' }).click();
  expect((await answer).status()).toBe(422);

  const email = page.getByLabel('Email');
  await expect(email).toHaveAttribute('aria-invalid', 'true');
  await expect(email).toHaveAccessibleDescription(/not a valid email address/);
  await expect(page.getByLabel('Password')).not.toHaveAttribute('aria-invalid', 'true');
});

test('a {detail} refusal is shown in the form\'s alert region', async ({ page, request }) => {
  const taken = await registerUser(request);
  await page.goto('/signup');
  await page.getByLabel('Email').fill(taken.email.toUpperCase());
  await page.getByLabel('Password').fill(randomPassword());
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.getByRole('alert')).toContainText('This email is already in use.');
  await expect(page.getByRole('button', { name: 'Sign up' })).toBeEnabled();
});

test('the submit button is disabled while its request is pending', async ({ page }) => {
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/api/v1/login/access-token', async (route) => {
    await held;
    await route.continue();
  });
  await page.goto('/login');
  await page.getByLabel('Email').fill(randomEmail());
  await page.getByLabel('Password').fill(randomPassword());
  const button = page.getByRole('button', { name: 'Log in' });
  await button.click();
  await expect(button).toBeDisabled();
  release();
  await expect(page.getByRole('alert')).toContainText('Incorrect email or password');
  await expect(button).toBeEnabled();
});
