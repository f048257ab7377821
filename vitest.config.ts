import { defineConfig } from 'vitest/config';

/** Files that replace modules with vi.mock: they need a module registry of their own. */
const MOCKING = ['test/repositories/user.test.ts'];

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Vitest would use one worker on a 2-core machine; the tests wait on I/O and Argon2 threads often enough for 2.
    maxWorkers: 2,
    projects: [
      // Importing the app (Fastify, Drizzle, PGlite, Swagger) costs about a second per file: files share a worker's
      // module cache instead. They hold no module-level state of their own, so nothing leaks between them.
      { extends: true, test: { name: 'shared', isolate: false, include: ['test/**/*.test.ts'], exclude: MOCKING } },
      { extends: true, test: { name: 'isolated', include: MOCKING } },
    ],
  },
});
