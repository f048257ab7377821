// Security headers (@fastify/helmet), CORS for BACKEND_CORS_ORIGINS (none by default: no CORS headers at all),
// and warnings about TRUST_PROXY, which decides the client IP of the per-IP limits: when requests carry
// X-Forwarded-For while it is off (every client behind a proxy shares the proxy's address, and its limits), and at
// start when it is `true` (every entry trusted: a client writes its own X-Forwarded-For and picks its IP) or a hop
// count (Fastify ≥ 5.12.1 trusts no proxy for a bare count, since it cannot check who sent the header).
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import fp from 'fastify-plugin';

export default fp(
  async (app) => {
    // Helmet's default policy, but styles from 'self' only: the pages need no inline style (the docs UI relaxes
    // that for itself, in plugins/docs.ts). Scripts are 'self' only everywhere: the pages and the docs UI load
    // theirs from this origin. No upgrade-insecure-requests: the service is often reached over plain HTTP on a LAN
    // address, where it would break every page.
    await app.register(helmet, {
      global: true,
      contentSecurityPolicy: { directives: { upgradeInsecureRequests: null, styleSrc: ["'self'"] } },
    });
    const origins = app.config.corsOrigins;
    if (origins.length > 0) {
      await app.register(cors, {
        origin: origins,
        credentials: true,
        methods: ['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
        allowedHeaders: ['authorization', 'content-type', 'x-request-id', 'x-cnlearn-client'],
        exposedHeaders: ['retry-after', 'x-request-id'],
        maxAge: 600,
      });
    }
    const trustProxy = app.config.trustProxy;
    const safeSetting = 'set the proxies’ addresses or CIDRs instead (TRUST_PROXY=10.0.0.0/8 for example)';
    if (trustProxy === true) {
      app.log.warn(`TRUST_PROXY=true trusts every X-Forwarded-For entry, so a client can choose its IP and dodge the per-IP limits: ${safeSetting}`);
    } else if (typeof trustProxy === 'number' && trustProxy > 0) {
      app.log.warn(`TRUST_PROXY=${trustProxy}: Fastify ignores a hop count, so every client shares the proxy’s address and its limits: ${safeSetting}`);
    }
    if (!trustProxy) {
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
