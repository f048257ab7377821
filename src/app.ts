// buildApp(config, deps): the whole service as a Fastify instance, plugins and routes in one visible order.
// It never listens: src/server.ts does, and tests use app.inject().
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from './config.js';
import type { Database } from './db/client.js';
import { validatorCompiler } from './core/validation.js';
import dbPlugin from './plugins/db.js';
import docsPlugin from './plugins/docs.js';
import errorsPlugin from './plugins/errors.js';
import healthRoutes from './routes/health.js';
import usersRoutes from './routes/users.js';

export interface AppDeps {
  /** An already opened database (tests); otherwise one is opened from config.databaseUrl. */
  database?: Database;
}

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
  }
}

const REQUEST_ID = /^[\w.:-]{1,64}$/;

/** Keeps a caller's X-Request-Id when it is short and plain (it is logged), else makes one. */
function requestId(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

function loggerOptions(config: Config) {
  return {
    level: config.logLevel,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.hashed_password', 'password'],
      censor: '[redacted]',
    },
    ...(process.stdout.isTTY && config.env !== 'production' && { transport: { target: 'pino-pretty' } }),
  };
}

export async function buildApp(config: Config, deps: AppDeps = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(config),
    genReqId: requestId,
    requestIdHeader: false,
    bodyLimit: config.bodyLimit,
    ajv: { customOptions: { coerceTypes: false } },
    routerOptions: { maxParamLength: 200 },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  // JSON only: without this Fastify would parse text/plain bodies, which no route takes (415 instead).
  app.removeContentTypeParser('text/plain');
  app.decorate('config', config);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await app.register(errorsPlugin);
  await app.register(dbPlugin, { config, ...(deps.database && { database: deps.database }) });
  await app.register(docsPlugin);
  await app.register(healthRoutes);
  await app.register(usersRoutes, { prefix: '/api/v1/users', config });

  await app.ready();
  return app;
}
