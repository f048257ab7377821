// Counts route handlers still running, including those whose client has gone away, and makes app.close() wait
// for them (in preClose, before the database is closed): a shutdown never cuts a registration off mid-write.
//
// Tracked with hooks, never by wrapping handlers: a wrapper changes what Fastify sees a handler return (an async
// wrapper turned @fastify/static's callback-style handler, which returns undefined and sends later, into an empty
// 200). A request counts from preHandler (its handler is about to run) until its answer starts: onSend runs when
// the handler returned a value, sent one, or threw, even after the client left (Fastify still sends then, into the
// closed socket), so a handler cut off from its client is waited for as well. onResponse is a second release for
// the rare answer that skips onSend; the WeakSet makes releases idempotent, and ignores answers sent before
// preHandler (a 503 from the hash queue, a 401 from onRequest), which were never counted.
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

export default fp(
  async (app) => {
    const running = new WeakSet<FastifyRequest>();
    let count = 0;
    let idle: (() => void) | undefined;

    const release = (request: FastifyRequest) => {
      if (!running.delete(request)) return;
      count -= 1;
      if (count === 0) idle?.();
    };

    // Once per request: reply.callNotFound() runs the 404 handler's preHandler hooks for the same request again.
    app.addHook('preHandler', async (request) => {
      if (running.has(request)) return;
      running.add(request);
      count += 1;
    });
    app.addHook('onSend', async (request, _reply, payload) => {
      release(request);
      return payload;
    });
    app.addHook('onResponse', async (request) => release(request));

    app.addHook('preClose', async () => {
      // Stop listening now (new connections are refused, idle ones closed), not after the wait: Fastify's own
      // server.close() comes later and tolerates the server being closed already.
      if (app.server.listening) app.server.close();
      if (count === 0) return;
      app.log.info({ running: count }, 'waiting for in-flight requests');
      await new Promise<void>((resolve) => (idle = resolve));
    });
  },
  { name: 'in-flight' },
);
