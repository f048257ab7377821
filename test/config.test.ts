import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ host: '127.0.0.1', port: 8000, databaseUrl: './data', migrateOnStart: false, logLevel: 'info' });
    expect(config.argon2).toEqual({ memoryCost: 19_456, timeCost: 2, parallelism: 1 });
  });

  it('reads and converts values', () => {
    const config = loadConfig({ PORT: '9000', MIGRATE_ON_START: 'true', DATABASE_URL: 'postgres://x/y', DATABASE_POOL_SIZE: '3' });
    expect(config).toMatchObject({ port: 9000, migrateOnStart: true, databaseUrl: 'postgres://x/y', databasePoolSize: 3 });
  });

  it('names every bad variable in one error', () => {
    const attempt = () => loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', MIGRATE_ON_START: 'maybe', PORT_UNUSED: 'x' });
    expect(attempt).toThrow(ConfigError);
    const message = (() => {
      try {
        attempt();
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    })();
    for (const name of ['PORT', 'LOG_LEVEL', 'MIGRATE_ON_START']) expect(message).toContain(name);
    expect(message).not.toContain('PORT_UNUSED');
  });
});
