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

  it('requires a long SECRET_KEY in production, and draws one elsewhere', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/SECRET_KEY: required in production/);
    expect(() => loadConfig({ NODE_ENV: 'production', SECRET_KEY: 'short' })).toThrow(/SECRET_KEY: must be a random string/);
    expect(() => loadConfig({ SECRET_KEY: 'changethis' })).toThrow(/SECRET_KEY/);
    const secret = 'k'.repeat(40);
    const production = { NODE_ENV: 'production', SECRET_KEY: secret, SMTP_HOST: 'mail.example.com' };
    expect(loadConfig(production)).toMatchObject({ secretKey: secret, secretKeyGenerated: false });
    const development = loadConfig({});
    expect(development.secretKeyGenerated).toBe(true);
    expect(development.secretKey.length).toBeGreaterThanOrEqual(32);
    expect(loadConfig({}).secretKey).not.toBe(development.secretKey);
  });

  it('never echoes a secret value in its error', () => {
    try {
      loadConfig({ SMTP_PORT: 'x', SMTP_PASSWORD: '', FIRST_SUPERUSER: 'not-an-email', FIRST_SUPERUSER_PASSWORD: 'hunter2-secret' });
    } catch (error) {
      expect((error as Error).message).toContain('FIRST_SUPERUSER');
      expect((error as Error).message).not.toContain('hunter2-secret');
      return;
    }
    throw new Error('expected a ConfigError');
  });

  it('refuses weak hashing and recovery without mail in production (self-check)', () => {
    const base = { NODE_ENV: 'production', SECRET_KEY: 's'.repeat(48) };
    expect(() => loadConfig(base)).toThrow(/SMTP_HOST: password recovery is enabled/);
    expect(loadConfig({ ...base, PASSWORD_RECOVERY_ENABLED: 'false' }).passwordRecoveryEnabled).toBe(false);
    const weak = () => loadConfig({ ...base, SMTP_HOST: 'mail', ARGON2_MEMORY_KIB: '4096', ARGON2_ITERATIONS: '1' });
    expect(weak).toThrow(/ARGON2_MEMORY_KIB: below the OWASP minimum/);
    expect(weak).toThrow(/ARGON2_ITERATIONS: below the OWASP minimum/);
    expect(loadConfig({ ARGON2_MEMORY_KIB: '4096' }).argon2.memoryCost).toBe(4096); // allowed outside production
  });

  it('refuses a FIRST_SUPERUSER_PASSWORD the password policy refuses, in production only, never echoing it', () => {
    const base = { NODE_ENV: 'production', SECRET_KEY: 's'.repeat(48), SMTP_HOST: 'mail', FIRST_SUPERUSER: 'mei.lin@example.com' };
    const weak = { tooShort: 'Zq7#mK', common: 'qwertyuiop', personal: 'mei.lin rules the admin desk', belowMinimum: 'unusual words' };
    for (const password of Object.values(weak)) {
      const production = () => loadConfig({ ...base, FIRST_SUPERUSER_PASSWORD: password, PASSWORD_MIN_LENGTH: '15' });
      expect(production).toThrow(/FIRST_SUPERUSER_PASSWORD: refused by the password policy/);
      expect(production).not.toThrow(password);
      const elsewhere = loadConfig({ ...base, NODE_ENV: 'development', FIRST_SUPERUSER_PASSWORD: password, PASSWORD_MIN_LENGTH: '15' });
      expect(elsewhere.firstSuperuser?.password).toBe(password); // a warning at start instead (services/first-superuser)
    }
    const strong = loadConfig({ ...base, FIRST_SUPERUSER_PASSWORD: 'correct horse battery staple', PASSWORD_MIN_LENGTH: '15' });
    expect(strong.firstSuperuser).toEqual({ email: 'mei.lin@example.com', password: 'correct horse battery staple' });
  });

  it('parses TRUST_PROXY, CORS origins and the rate-limit switch', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy).toBe('10.0.0.0/8, 127.0.0.1');
    expect(loadConfig({}).corsOrigins).toEqual([]);
    expect(loadConfig({ BACKEND_CORS_ORIGINS: 'https://a.example, http://localhost:5173/' }).corsOrigins).toEqual([
      'https://a.example',
      'http://localhost:5173',
    ]);
    expect(loadConfig({}).rateLimit.enabled).toBe(true);
    expect(loadConfig({ RATE_LIMIT_ENABLED: 'false' }).rateLimit.enabled).toBe(false);
  });

  it('PUBLIC_URL defaults to http://HOST:PORT as a browser here would type it; FRONTEND_URL defaults to it', () => {
    const urls = (env: Record<string, string>) => {
      const config = loadConfig(env);
      return [config.publicUrl, config.frontendUrl];
    };
    expect(urls({})).toEqual(['http://127.0.0.1:8000', 'http://127.0.0.1:8000']);
    expect(urls({ HOST: '0.0.0.0', PORT: '9000' })).toEqual(['http://127.0.0.1:9000', 'http://127.0.0.1:9000']);
    expect(urls({ HOST: '::' })[0]).toBe('http://localhost:8000');
    expect(urls({ HOST: '::1' })[0]).toBe('http://[::1]:8000');
    expect(urls({ HOST: 'cnlearn.internal' })[0]).toBe('http://cnlearn.internal:8000');
    expect(urls({ PUBLIC_URL: 'https://cnlearn.example.com/' })).toEqual(['https://cnlearn.example.com', 'https://cnlearn.example.com']);
    expect(urls({ PUBLIC_URL: 'https://api.example.com', FRONTEND_URL: 'https://app.example.com/' })).toEqual([
      'https://api.example.com',
      'https://app.example.com',
    ]);
    // An origin only: the pages and the API live at its root.
    for (const bad of ['cnlearn.example.com', 'ftp://x.example', 'https://x.example/app', 'https://x.example?a=1']) {
      expect(() => loadConfig({ PUBLIC_URL: bad }), bad).toThrow(/PUBLIC_URL/);
    }
  });
});
