// The OpenAPI document as client generators read it: operationIds, named schemas behind $ref, a description and
// every possible status on each response, servers, explicit security and request examples.
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finishDocument, operationIdOf } from '../../src/core/openapi.js';
import docsPlugin from '../../src/plugins/docs.js';
import { buildTestApp, testConfig } from '../helpers/app.js';

interface Operation {
  operationId: string;
  security: object[];
  requestBody?: { required: boolean; content: Record<string, { schema: object; example?: unknown }> };
  responses: Record<string, { description: string; headers?: object; content?: Record<string, { schema: object }> }>;
}
type Document = {
  servers: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, object> };
};

let app: FastifyInstance;
let document: Document;
let operations: [string, Operation][];
beforeAll(async () => {
  app = await buildTestApp({ PUBLIC_URL: 'https://cnlearn.example.com/' });
  document = (await app.inject('/openapi.json')).json();
  operations = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => [`${method.toUpperCase()} ${path}`, operation] as [string, Operation]),
  );
});
afterAll(async () => {
  await app.close();
});

const byId = (id: string) => operations.find(([, operation]) => operation.operationId === id)?.[1];

describe('the OpenAPI document', () => {
  it('names every operation after its handler, in snake_case, once', () => {
    const ids = operations.map(([, operation]) => operation.operationId);
    expect(ids.every((id) => /^[a-z]+(_[a-z]+)*$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(['register_user', 'login_access_token', 'refresh_access_token', 'read_users', 'read_user_me', 'update_user', 'reset_password']));
  });

  it('refers to named component schemas instead of repeating them', () => {
    const names = Object.keys(document.components.schemas);
    for (const name of ['UserPublic', 'UsersPublic', 'Token', 'HTTPError', 'HTTPValidationError', 'ValidationError', 'Message', 'SessionPublic', 'SecurityEventPublic', 'UserRegister', 'NewPassword']) {
      expect(names).toContain(name);
    }
    expect(names).not.toContain('User');
    expect(byId('register_user')!.responses['200']!.content!['application/json']!.schema).toEqual({ $ref: '#/components/schemas/UserPublic' });
    expect(document.components.schemas.UsersPublic).toMatchObject({ properties: { data: { items: { $ref: '#/components/schemas/UserPublic' } } } });
    // No schema with a title is left inline: each is a component.
    expect(JSON.stringify(document.paths)).not.toContain('"title"');
    const refs = [...JSON.stringify(document).matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)].map((match) => match[1]);
    expect(new Set(refs)).toEqual(new Set(names));
  });

  it('describes every response, with Retry-After on 429 and 503', () => {
    for (const [name, operation] of operations) {
      for (const [status, response] of Object.entries(operation.responses)) {
        expect(response.description, `${name} ${status}`).not.toMatch(/^(Default Response|Response)?$/);
        if (status === '429' || status === '503') expect(response.headers, `${name} ${status}`).toHaveProperty('Retry-After');
      }
    }
  });

  it('lists the answers every route can give: 422 always; 400, 413 and 415 with a body; 503 on /api; 401 with a token', () => {
    for (const [name, operation] of operations) {
      const statuses = Object.keys(operation.responses);
      expect(statuses, name).toContain('422');
      if (/^(POST|PATCH|PUT|DELETE) /.test(name)) expect(statuses, name).toEqual(expect.arrayContaining(['400', '413', '415']));
      if (name.includes(' /api/')) expect(statuses, name).toContain('503');
      if (operation.security.length > 0) expect(statuses, name).toContain('401');
    }
  });

  it('documents 503 "Service busy" on every route that hashes or checks a password, and 429 where limited', () => {
    const hashing = ['login_access_token', 'register_user', 'create_user', 'update_user', 'update_user_me', 'update_password_me', 'reset_password'];
    for (const id of hashing) expect(byId(id)!.responses['503']!.description, id).toMatch(/^Service busy/);
    expect(byId('read_user_me')!.responses['503']!.description).toMatch(/^Database unavailable/);
    const limited = ['login_access_token', 'refresh_access_token', 'register_user', 'recover_password', 'reset_password', 'request_email_verification', 'update_user_me', 'update_password_me'];
    for (const id of limited) expect(Object.keys(byId(id)!.responses), id).toContain('429');
  });

  it('names the server from PUBLIC_URL and makes security explicit', () => {
    expect(document.servers).toEqual([{ url: 'https://cnlearn.example.com' }]);
    expect(byId('register_user')!.security).toEqual([]);
    expect(byId('read_health')!.security).toEqual([]);
    expect(byId('read_user_me')!.security).toEqual([{ OAuth2PasswordBearer: [] }]);
  });

  it('gives every request body an example; the refresh body is optional (web clients send none)', () => {
    for (const [name, operation] of operations) {
      for (const [type, media] of Object.entries(operation.requestBody?.content ?? {})) expect(media.example, `${name} ${type}`).toBeDefined();
    }
    expect(byId('refresh_access_token')!.requestBody!.required).toBe(false);
    expect(byId('register_user')!.requestBody!.required).toBe(true);
    expect(document.components.schemas.Token).toMatchObject({ required: ['access_token', 'token_type', 'expires_in'] });
  });

  it('documents no trailing slashes (the router ignores them)', () => {
    expect(Object.keys(document.paths).filter((path) => path.endsWith('/'))).toEqual([]);
  });
});

describe('operationIdOf', () => {
  it('turns handler names into FastAPI-style snake_case', () => {
    expect(operationIdOf('registerUser')).toBe('register_user');
    expect(operationIdOf('readUserMe')).toBe('read_user_me');
    expect(operationIdOf('logout')).toBe('logout');
    expect(operationIdOf('readHTTPStatus')).toBe('read_http_status');
  });
});

describe('mistakes that stop the start', () => {
  async function bareDocsApp() {
    const bare = Fastify();
    bare.decorate('config', testConfig());
    await bare.register(docsPlugin);
    return bare;
  }

  it('two handlers with one name', async () => {
    const bare = await bareDocsApp();
    bare.get('/a', { schema: {} }, async function readThing() {});
    expect(() => bare.get('/b', { schema: {} }, async function readThing() {})).toThrow(/GET \/b: operationId read_thing is already GET \/a's/);
    await bare.close();
  });

  it('an anonymous handler', async () => {
    const bare = await bareDocsApp();
    expect(() => bare.get('/c', { schema: {} }, async () => {})).toThrow(/GET \/c: name its handler/);
    bare.get('/hidden', { schema: { hide: true } }, async () => {}); // not documented: no name needed
    await bare.close();
  });

  it('two different schemas under one name', () => {
    const paths = {
      '/a': { get: { responses: { 200: { description: 'x', content: { 'application/json': { schema: { title: 'Thing', type: 'string' } } } } } } },
      '/b': { get: { responses: { 200: { description: 'x', content: { 'application/json': { schema: { title: 'Thing', type: 'integer' } } } } } } },
    };
    expect(() => finishDocument({ paths }, 'http://x')).toThrow(/two different schemas are named Thing/);
  });
});
