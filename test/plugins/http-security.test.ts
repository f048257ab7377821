// Security headers on every answer (the docs UI included), CORS only for configured origins.
import { afterAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../helpers/app.js';

const apps: FastifyInstance[] = [];
afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
});
async function build(overrides: Record<string, string> = {}) {
  const app = await buildTestApp(overrides);
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
