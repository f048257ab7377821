// Probes, the OpenAPI document, docs UI, unknown routes and an unreachable database.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { buildTestApp, testConfig } from '../helpers/app.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(async () => {
  await app.close();
});

describe('service routes', () => {
  it('GET /health → 200 ok', async () => {
    const response = await app.inject('/health');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('GET /ready → 200 when the database answers', async () => {
    expect((await app.inject('/ready')).json()).toEqual({ status: 'ok' });
  });

  it('unknown routes → 404 {detail: "Not Found"}', async () => {
    for (const url of ['/nope', '/api/v1/users/1/nope', '/api/v2/users/register']) {
      const response = await app.inject(url);
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({ detail: 'Not Found' });
    }
  });

  it('echoes a plain X-Request-Id and replaces an unsafe one', async () => {
    expect((await app.inject({ url: '/health', headers: { 'x-request-id': 'abc-123' } })).headers['x-request-id']).toBe('abc-123');
    const unsafe = await app.inject({ url: '/health', headers: { 'x-request-id': 'a\nb c' } });
    expect(unsafe.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('GET /openapi.json describes register with its request and response schemas', async () => {
    const response = await app.inject('/openapi.json');
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.openapi).toBe('3.1.0');
    const component = (schema: { $ref: string }) => document.components.schemas[schema.$ref.replace('#/components/schemas/', '')];
    const register = document.paths['/api/v1/users/register'].post;
    expect(component(register.requestBody.content['application/json'].schema).required).toEqual(['email', 'password']);
    expect(Object.keys(register.responses)).toEqual(expect.arrayContaining(['200', '400', '422']));
    const user = component(register.responses['200'].content['application/json'].schema);
    expect(Object.keys(user.properties).sort()).toEqual(['email', 'full_name', 'id', 'is_active', 'is_superuser']);
    expect(document.paths['/health'].get.responses['200']).toBeDefined();
    expect(document.components.securitySchemes.OAuth2PasswordBearer.flows.password.tokenUrl).toBe('/api/v1/login/access-token');
    const loginForm = document.paths['/api/v1/login/access-token'].post.requestBody.content;
    expect(Object.keys(loginForm)).toEqual(['application/x-www-form-urlencoded']);
    expect(document.paths['/api/v1/login/me'].get.security).toEqual([{ OAuth2PasswordBearer: [] }]);
  });

  it('serves the docs UI at /docs', async () => {
    const response = await app.inject('/docs/');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/html');
  });
});

describe('an unreachable database', () => {
  it('answers 503 on /ready and on register, never a 500', async () => {
    const down = await buildApp(testConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere' }));
    try {
      const ready = await down.inject('/ready');
      expect(ready.statusCode).toBe(503);
      const register = await down.inject({
        method: 'POST',
        url: '/api/v1/users/register',
        payload: { email: 'x@example.com', password: 'long enough' },
      });
      expect(register.statusCode).toBe(503);
      expect(register.json()).toEqual({ detail: 'Database unavailable' });
    } finally {
      await down.close();
    }
  });
});
