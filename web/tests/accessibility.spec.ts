// axe-core (WCAG 2.0/2.1 A and AA) on every page, logged in where the page needs it, and on the states that add
// markup: field errors, the confirmation dialog, the admin's edit form. No serious or critical violation may remain.
import { expect, test } from './support/fixtures.js';
import { expectNoSeriousA11yViolations } from './support/axe.js';
import { ADMIN, logIn, randomEmail, registerUser, section } from './support/users.js';

const PUBLIC_PAGES: { path: string; ready: string }[] = [
  { path: '/', ready: 'link:Sign up' },
  { path: '/signup', ready: 'button:Sign up' },
  { path: '/login', ready: 'button:Log in' },
  { path: '/forgot-password', ready: 'button:Send reset link' },
  { path: '/reset-password?token=not-a-real-token', ready: 'button:Set new password' },
  { path: '/verify-email?token=not-a-real-token', ready: 'text:invalid' },
  { path: '/no/such/page', ready: 'heading:Page not found' },
];

for (const { path, ready } of PUBLIC_PAGES) {
  test(`axe: ${path}`, async ({ page }, testInfo) => {
    await page.goto(path);
    const [kind, name] = ready.split(':') as [string, string];
    const marker =
      kind === 'link'
        ? page.getByRole('link', { name })
        : kind === 'button'
          ? page.getByRole('button', { name })
          : kind === 'heading'
            ? page.getByRole('heading', { name })
            : page.getByText(new RegExp(name, 'i')).first();
    await expect(marker).toBeVisible();
    await expect(page.getByRole('heading', { level: 1 })).toHaveCount(1);
    await expectNoSeriousA11yViolations(page, testInfo, path);
  });
}

test('axe: /signup showing field errors', async ({ page }, testInfo) => {
  await page.goto('/signup');
  await page.getByLabel('Email').fill('someone@localhost');
  await page.getByLabel('Password').fill('password');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.getByLabel('Email')).toHaveAttribute('aria-invalid', 'true');
  await expectNoSeriousA11yViolations(page, testInfo, '/signup (errors)');
});

test('axe: / and /profile logged in, with the delete dialog open', async ({ page, request }, testInfo) => {
  const user = await registerUser(request);
  await logIn(page, user.email, user.password);
  await page.goto('/');
  await expect(page.getByRole('link', { name: 'Profile' })).toBeVisible();
  await expectNoSeriousA11yViolations(page, testInfo, '/ (logged in)');

  await page.goto('/profile');
  await expect(section(page, 'Logins').getByText('This device')).toBeVisible();
  await expectNoSeriousA11yViolations(page, testInfo, '/profile');

  await section(page, 'Delete account').getByRole('button', { name: 'Delete account' }).click();
  await expect(page.getByRole('dialog')).toBeVisible();
  await expectNoSeriousA11yViolations(page, testInfo, '/profile (delete dialog)');
});

test('axe: /admin/users as the superuser, with the edit form and the create form', async ({ page, request }, testInfo) => {
  const user = await registerUser(request, { email: randomEmail('axe') });
  await logIn(page, ADMIN.email, ADMIN.password);
  await page.goto('/admin/users');
  await expect(page.getByText(/^\d+ users?$/)).toBeVisible();
  await expectNoSeriousA11yViolations(page, testInfo, '/admin/users');

  await page.getByLabel('Search by email').fill(user.email);
  await expect(page.getByText('1 user', { exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Edit', exact: true }).click();
  await expect(page.getByLabel('New password')).toBeVisible();
  await expectNoSeriousA11yViolations(page, testInfo, '/admin/users (edit form)');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);

  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.getByRole('button', { name: 'Create', exact: true })).toBeVisible();
  await expectNoSeriousA11yViolations(page, testInfo, '/admin/users (create form)');
});
