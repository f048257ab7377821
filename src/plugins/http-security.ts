// Security headers (@fastify/helmet), CORS for BACKEND_CORS_ORIGINS (none by default: no CORS headers at all),
// and a warning when requests carry X-Forwarded-For while TRUST_PROXY is off: behind a proxy every client would
// share the proxy's address, and the per-IP limits with it.
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import fp from 'fastify-plugin';

export default fp(
  async (app) => {
    // The docs UI loads its scripts and styles from /docs itself: 'self' covers them. No upgrade-insecure-requests:
    // the service is often reached over plain HTTP on a LAN address, where it would break /docs.
    await app.register(helmet, {
      global: true,
      contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
    });
    const origins = app.config.corsOrigins;
    if (origins.length > 0) {
      await app.register(cors, {
        origin: origins,
        credentials: true,
        methods: ['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
        allowedHeaders: ['authorization', 'content-type', 'x-request-id'],
        exposedHeaders: ['retry-after', 'x-request-id'],
        maxAge: 600,
      });
    }
    if (app.config.trustProxy === false) {
      let warned = false;
      app.addHook('onRequest', async (request) => {
        if (warned || request.headers['x-forwarded-for'] === undefined) return;
        warned = true;
        request.log.warn('X-Forwarded-For received but TRUST_PROXY is off: client IPs are the proxy’s (set TRUST_PROXY)');
      });
    }
  },
  { name: 'http-security' },
);
