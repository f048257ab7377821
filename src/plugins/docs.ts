// OpenAPI 3.1 from the route schemas (@fastify/swagger), served at /openapi.json, with Swagger UI at /docs. What
// client generators need on top of the route schemas (operationIds, named schemas, …) comes from core/openapi.ts.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifySchema } from 'fastify';
import fp from 'fastify-plugin';
import { documentRoute, finishDocument, operationIdOf } from '../core/openapi.js';

/** `security` of routes that need a bearer token: the Authorize button of /docs logs in through the form. */
export const BEARER_SECURITY = [{ OAuth2PasswordBearer: [] }];

export default fp(
  async (app) => {
    // operationIds come from the handlers' names: a missing or repeated one stops the start, not a client's build.
    const operations = new Map<string, string>();
    app.addHook('onRoute', (route) => {
      if (route.schema?.hide || route.method === 'HEAD') return;
      const where = `${String(route.method)} ${route.url}`;
      const name = route.handler.name;
      if (!name || name === 'anonymous') throw new Error(`${where}: name its handler, the operationId is made from it`);
      const id = operationIdOf(name);
      const other = operations.get(id);
      if (other) throw new Error(`${where}: operationId ${id} is already ${other}'s (rename a handler)`);
      operations.set(id, where);
    });

    await app.register(swagger, {
      // The router ignores trailing slashes: paths are documented without them.
      transform: ({ schema, url, route }) => ({ url: url.replace(/(?<=.)\/+$/, ''), schema: schema && (documentRoute(schema as FastifySchema & Record<string, unknown>, route) as typeof schema) }),
      transformObject: (document) => finishDocument(('openapiObject' in document ? document.openapiObject : {}) as Record<string, unknown>, app.config.publicUrl),
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'CNLearn API',
          version: '0.1.0',
          description: 'Accounts backend of CNLearn: registration, log-in, self-service and administration of users.',
        },
        tags: [
          { name: 'login', description: 'Log-in, refresh, logout and the current token' },
          { name: 'users', description: 'Registration, self-service, sessions, security history and administration' },
          { name: 'health', description: 'Liveness and readiness probes' },
        ],
        components: {
          securitySchemes: {
            OAuth2PasswordBearer: {
              type: 'oauth2',
              flows: { password: { tokenUrl: '/api/v1/login/access-token', scopes: {} } },
            },
          },
        },
      },
    });
    // Swagger UI renders descriptions as HTML that may carry style attributes: its page keeps helmet's default
    // style-src ('self' https: 'unsafe-inline'); its scripts stay 'self' only.
    await app.register(swaggerUi, {
      routePrefix: '/docs',
      uiHooks: {
        onRequest: async (_request, reply) => {
          const policy = String(reply.getHeader('content-security-policy') ?? '');
          reply.header('content-security-policy', policy.replace("style-src 'self'", "style-src 'self' https: 'unsafe-inline'"));
        },
      },
    });
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  },
  { name: 'docs' },
);
