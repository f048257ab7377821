// buildTestApp(): the real app from the factory, on a fresh test database, with test configuration.
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppDeps } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createTestDatabase } from './database.js';

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: 'memory://', ...overrides });
}

export async function buildTestApp(overrides: Record<string, string> = {}, deps: AppDeps = {}): Promise<FastifyInstance> {
  return buildApp(testConfig(overrides), { database: await createTestDatabase(), ...deps });
}
