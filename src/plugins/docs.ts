// OpenAPI 3.1 from the route schemas (@fastify/swagger), served at /openapi.json, with Swagger UI at /docs.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';

export default fp(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'CNLearn API',
          version: '0.1.0',
          description: 'Accounts backend of CNLearn: registration, users and (soon) authentication.',
        },
        tags: [{ name: 'users' }, { name: 'health' }],
      },
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  },
  { name: 'docs' },
);
