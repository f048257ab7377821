// Counts route handlers still running, including those whose client has gone away, and makes app.close() wait
// for them (in preClose, before the database is closed): a shutdown never cuts a registration off mid-write.
import type { RouteHandlerMethod } from 'fastify';
import fp from 'fastify-plugin';

export default fp(
  async (app) => {
    let running = 0;
    let idle: (() => void) | undefined;

    app.addHook('onRoute', (route) => {
      const handler = route.handler as RouteHandlerMethod;
      route.handler = async function tracked(this: unknown, request, reply) {
        running += 1;
        try {
          return await handler.call(this as never, request, reply);
        } finally {
          running -= 1;
          if (running === 0) idle?.();
        }
      } as RouteHandlerMethod;
    });

    app.addHook('preClose', async () => {
      // Stop listening now (new connections are refused, idle ones closed), not after the wait: Fastify's own
      // server.close() comes later and tolerates the server being closed already.
      if (app.server.listening) app.server.close();
      if (running === 0) return;
      app.log.info({ running }, 'waiting for in-flight requests');
      await new Promise<void>((resolve) => (idle = resolve));
    });
  },
  { name: 'in-flight' },
);
