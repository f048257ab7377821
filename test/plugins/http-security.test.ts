// Security headers on every answer (the docs UI included), CORS only for configured origins, and the warnings
// about TRUST_PROXY.
import { afterAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../src/app.js';
import { buildTestApp } from '../helpers/app.js';
import { captureLogs } from '../helpers/logs.js';

const apps: FastifyInstance[] = [];
afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
});
async function build(overrides: Record<string, string> = {}, deps: AppDeps = {}) {
  const app = await buildTestApp(overrides, deps);
  apps.push(app);
  return app;
}

describe('security headers', () => {
  it('are on API answers, errors and the docs UI', async () => {
    const app = await build();
    for (const url of ['/health', '/nope', '/docs/', '/openapi.json']) {
      const response = await app.inject(url);
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(response.headers['content-security-policy']).toContain("script-src 'self'");
      expect(response.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    }
    const docs = await app.inject('/docs/');
    expect(docs.statusCode).toBe(200);
    // Every script the docs page loads is served by the app itself, as the CSP requires.
    for (const [, src] of docs.body.matchAll(/<script src="\.\/([^"]+)"/g)) {
      expect((await app.inject(`/docs/${src}`)).statusCode).toBe(200);
    }
  });
});

describe('CORS', () => {
  it('sends no CORS headers by default', async () => {
    const app = await build();
    const response = await app.inject({ url: '/health', headers: { origin: 'https://evil.example' } });
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('allows exactly the configured origins, preflight included', async () => {
    const app = await build({ BACKEND_CORS_ORIGINS: 'https://app.example, http://localhost:5173' });
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/api/v1/users/register',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://app.example');
    const other = await app.inject({ url: '/health', headers: { origin: 'https://evil.example' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('TRUST_PROXY', () => {
  /** The warnings an app logs at start (and for one request carrying X-Forwarded-For) with this TRUST_PROXY. */
  async function warnings(trustProxy: string) {
    const logs = captureLogs();
    const app = await build({ TRUST_PROXY: trustProxy, LOG_LEVEL: 'warn', SECRET_KEY: 'k'.repeat(40) }, { logStream: logs.stream });
    await app.inject({ url: '/health', headers: { 'x-forwarded-for': '203.0.113.9' } });
    return logs.lines.filter((line) => line.level === 40).map((line) => String(line.msg));
  }

  it('true: warns at start that a client can choose its IP, and names the safe setting', async () => {
    const [warning, ...others] = await warnings('true');
    expect(warning).toMatch(/TRUST_PROXY=true .*client can choose its IP/);
    expect(warning).toMatch(/addresses or CIDRs/);
    expect(others).toEqual([]);
  });

  it('a hop count: warns at start that Fastify ignores it, so every client shares the proxy’s address', async () => {
    for (const trustProxy of ['1', '2']) {
      const [warning, ...others] = await warnings(trustProxy);
      expect(warning).toMatch(new RegExp(`TRUST_PROXY=${trustProxy}: .*hop count`));
      expect(warning).toMatch(/addresses or CIDRs/);
      expect(others).toEqual([]);
    }
  });

  it('the proxies’ addresses or CIDRs: no warning', async () => {
    expect(await warnings('10.0.0.0/8, 127.0.0.1')).toEqual([]);
  });

  it('off: warns once X-Forwarded-For arrives', async () => {
    expect(await warnings('false')).toEqual([expect.stringMatching(/X-Forwarded-For received but TRUST_PROXY is off/)]);
  });
});
