// Unknown page addresses get the pages' "Page not found"; unknown API addresses stay JSON 404s (never the pages).
import { expect, test } from './support/fixtures.js';

test('an unknown page shows "Page not found" with a way home', async ({ page }) => {
  await page.goto('/no/such/page');
  await expect(page.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toHaveCount(1);
  await page.getByRole('link', { name: 'Home' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Page not found' })).toHaveCount(0);
});

test('API, docs and probe addresses never fall back to the pages', async ({ request }) => {
  for (const path of ['/api/v1/no-such-route', '/api/nothing', '/docs/no-such-file', '/openapi.json/extra', '/health/extra']) {
    const response = await request.get(path);
    expect(response.status(), path).toBe(404);
    expect(response.headers()['content-type'], path).toContain('application/json');
  }
});

test('pages are served with a strict Content-Security-Policy', async ({ request }) => {
  for (const path of ['/', '/login', '/admin/users', '/no/such/page']) {
    const response = await request.get(path, { headers: { accept: 'text/html,application/xhtml+xml' } }); // as a browser asks
    expect(response.status(), path).toBe(200);
    expect(response.headers()['content-type'], path).toContain('text/html');
    const csp = response.headers()['content-security-policy'] ?? '';
    expect(csp, path).toMatch(/script-src 'self'(;|$)/);
    expect(csp, path).toMatch(/style-src 'self'(;|$)/);
  }
});
