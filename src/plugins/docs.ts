// OpenAPI 3.1 from the route schemas (@fastify/swagger), served at /openapi.json, with Swagger UI at /docs.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';

/** `security` of routes that need a bearer token: the Authorize button of /docs logs in through the form. */
export const BEARER_SECURITY = [{ OAuth2PasswordBearer: [] }];

export default fp(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'CNLearn API',
          version: '0.1.0',
          description: 'Accounts backend of CNLearn: registration, log-in, self-service and administration of users.',
        },
        tags: [{ name: 'login' }, { name: 'users' }, { name: 'health' }],
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
