// The `test` every spec uses: Playwright's, plus a watch on each page for what a user would not see but must not
// happen: uncaught script errors, Content-Security-Policy refusals (an inline script or style the strict CSP
// blocks fails silently otherwise) and missing built assets. Any of them fails the test after it ran.
import { test as base, expect, type Page } from '@playwright/test';

export const test = base.extend<{ pageProblems: string[] }>({
  pageProblems: [
    async ({ context }, use) => {
      const problems: string[] = [];
      const watch = (page: Page) => {
        page.on('pageerror', (error) => problems.push(`${page.url()}: uncaught ${error.name}: ${error.message}`));
        // A missing script or stylesheet: the page was built for other assets (a stale index.html or a rebuild).
        page.on('response', (response) => {
          if (new URL(response.url()).pathname.startsWith('/assets/') && response.status() >= 400) {
            problems.push(`${page.url()}: ${response.status()} for ${response.url()}`);
          }
        });
        page.on('console', (message) => {
          if (message.type() === 'error' && /Content Security Policy|Refused to (apply|execute|load)/i.test(message.text())) {
            problems.push(`${page.url()}: ${message.text()}`);
          }
        });
      };
      context.pages().forEach(watch);
      context.on('page', watch);
      await use(problems);
      expect(problems, 'script errors, CSP refusals or missing assets in the page').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
