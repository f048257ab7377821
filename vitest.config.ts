import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Vitest would use one worker on a 2-core machine; the tests wait on I/O and Argon2 threads often enough for 2.
    maxWorkers: 2,
  },
});
