// Waiting for the page's own API calls, to check what the server answered. Paths are compared without a trailing
// slash or query, so the tests do not depend on which spelling the generated client uses.
import type { Page, Response } from '@playwright/test';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** The next response to `method` on `path` (a path, or a RegExp tested against the path without trailing slash). */
export function apiResponse(page: Page, method: Method, path: string | RegExp): Promise<Response> {
  return page.waitForResponse((response) => {
    if (response.request().method() !== method) return false;
    const pathname = new URL(response.url()).pathname.replace(/\/+$/, '');
    return typeof path === 'string' ? pathname === path.replace(/\/+$/, '') : path.test(pathname);
  });
}
