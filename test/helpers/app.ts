// buildTestApp(): the real app from the factory, on a fresh test database, with test configuration.
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppDeps } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createTestDatabase } from './database.js';

/**
 * Test configuration. Argon2 runs with small parameters here (hundreds of hashes per run); the OWASP defaults
 * themselves are exercised in test/core/security.test.ts and wherever a test passes its own ARGON2_* values.
 */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: 'memory://',
    ARGON2_MEMORY_KIB: '4096',
    ARGON2_ITERATIONS: '1',
    // Per-IP limits would turn suites of many requests from one address into 429s; their own tests turn them on.
    RATE_LIMIT_ENABLED: 'false',
    ...overrides,
  });
}

export async function buildTestApp(overrides: Record<string, string> = {}, deps: AppDeps = {}): Promise<FastifyInstance> {
  return buildApp(testConfig(overrides), { database: await createTestDatabase(), ...deps });
}
