// /docs (Swagger UI over /openapi.json): every operation of the document is listed, and the Authorize button's
// OAuth2 password form logs in, after which "Try it out" → "Execute" on GET /api/v1/login/me answers 200.
import { apiResponse } from './support/api.js';
import { expect, test } from './support/fixtures.js';
import { ADMIN } from './support/users.js';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** An operation's summary button: "GET /api/v1/login/me …" (Swagger UI puts zero-width spaces before the slashes). */
function operationName(method: string, path: string): RegExp {
  const escaped = path
    .split('/')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('\\u200b?/');
  return new RegExp(`^${method.toUpperCase()}\\s+\\u200b?${escaped}(\\s|$)`);
}

test('every operation of /openapi.json is shown', async ({ page, request }) => {
  const document = (await (await request.get('/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
  const operations = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((key) => METHODS.includes(key))
      .map((method) => ({ method, path })),
  );
  expect(operations.length).toBeGreaterThan(20);

  await page.goto('/docs');
  await expect(page.getByRole('button', { name: 'Authorize' })).toBeVisible();
  const summaries = page.getByRole('button', { name: /^(GET|PUT|POST|DELETE|OPTIONS|HEAD|PATCH|TRACE)\s/ });
  await expect(summaries).toHaveCount(operations.length);
  for (const { method, path } of operations) {
    await expect(page.getByRole('button', { name: operationName(method, path) }), `${method} ${path}`).toHaveCount(1);
  }
});

test('Authorize with the password form, then Try it out → Execute on GET /api/v1/login/me', async ({ page }) => {
  await page.goto('/docs');
  await page.getByRole('button', { name: 'Authorize' }).click();
  await expect(page.getByRole('heading', { name: /OAuth2PasswordBearer \(OAuth2, password\)/ })).toBeVisible();
  await page.getByRole('textbox', { name: 'username:' }).fill(ADMIN.email);
  await page.getByRole('textbox', { name: 'password:' }).fill(ADMIN.password);
  const token = apiResponse(page, 'POST', '/api/v1/login/access-token');
  await page.getByRole('button', { name: 'Apply given OAuth2 credentials' }).click();
  expect((await token).status()).toBe(200);
  await expect(page.getByRole('button', { name: 'Remove authorization' })).toBeVisible();
  await page.getByRole('button', { name: 'Close' }).click();

  await page.getByRole('button', { name: operationName('get', '/api/v1/login/me') }).click();
  await page.getByRole('button', { name: 'Try it out' }).click();
  const me = apiResponse(page, 'GET', '/api/v1/login/me');
  await page.getByRole('button', { name: 'Execute' }).click();
  const response = await me;
  expect(response.status()).toBe(200);
  expect(await response.request().headerValue('authorization')).toMatch(/^Bearer /);
  expect(await response.json()).toMatchObject({ email: ADMIN.email, is_superuser: true });

  const serverResponse = page.getByRole('table').filter({ has: page.getByRole('cell', { name: 'Details', exact: true }) });
  await expect(serverResponse.getByRole('cell', { name: '200', exact: true })).toBeVisible();
  await expect(serverResponse).toContainText(ADMIN.email);
});
