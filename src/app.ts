// buildApp(config, deps): the whole service as a Fastify instance, plugins and routes in one visible order.
// It never listens: src/server.ts does, and tests use app.inject().
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import pino, { type DestinationStream } from 'pino';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from './config.js';
import type { Database } from './db/client.js';
import { systemClock, type Clock } from './core/clock.js';
import { PasswordHasher, WorkQueue } from './core/password-hasher.js';
import { validatorCompiler } from './core/validation.js';
import authPlugin from './plugins/auth.js';
import dbPlugin from './plugins/db.js';
import docsPlugin from './plugins/docs.js';
import errorsPlugin from './plugins/errors.js';
import httpSecurityPlugin from './plugins/http-security.js';
import inFlightPlugin from './plugins/in-flight.js';
import mailPlugin from './plugins/mail.js';
import pagesPlugin from './plugins/pages.js';
import rateLimitPlugin from './plugins/rate-limit.js';
import retentionPlugin from './plugins/retention.js';
import healthRoutes from './routes/health.js';
import loginRoutes from './routes/login.js';
import passwordRoutes from './routes/password.js';
import securityEventRoutes from './routes/security-events.js';
import sessionRoutes from './routes/sessions.js';
import usersAdminRoutes from './routes/users-admin.js';
import usersMeRoutes from './routes/users-me.js';
import usersRoutes from './routes/users.js';
import verificationRoutes from './routes/verification.js';
import { ensureFirstSuperuser } from './services/first-superuser.js';
import type { Mailer } from './services/mailer.js';

export interface AppDeps {
  /** An already opened database (tests); otherwise one is opened from config.databaseUrl. */
  database?: Database;
  /** The time source of tokens and expiries (tests move it). */
  clock?: Clock;
  /** Where e-mail goes; by default SMTP when SMTP_HOST is set, else the log. */
  mailer?: Mailer;
  /** Where the JSON log lines go (tests read them); by default standard output. */
  logStream?: DestinationStream;
  /** The built web pages (tests use a small fake); by default <project>/dist/web. */
  pagesRoot?: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    /** The time source of tokens and expiries (deps.clock in tests). */
    clock: Clock;
    /** Argon2 with a bounded queue (HASH_CONCURRENCY, HASH_QUEUE_LIMIT): every password hash and check goes here. */
    hasher: PasswordHasher;
  }
}

const REQUEST_ID = /^[\w.:-]{1,64}$/;

/** Keeps a caller's X-Request-Id when it is short and plain (it is logged), else makes one. */
function requestId(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * Errors as pino writes them, minus what must not reach a log: drizzle puts a failed query's parameters (a
 * password hash, an e-mail) into its message and a `params` field.
 */
function errorSerializer(error: Error) {
  const serialized = pino.stdSerializers.err(error) as ReturnType<typeof pino.stdSerializers.err> & Record<string, unknown>;
  const strip = (text: unknown) => (typeof text === 'string' ? text.replace(/\nparams: [\s\S]*$/, '\nparams: [redacted]') : text);
  serialized.message = strip(serialized.message) as string;
  serialized.stack = strip(serialized.stack) as string;
  delete serialized.params;
  return serialized;
}

/** The recovery route's path segment, in any letter case, ending the path or followed by the address. */
const RECOVERY_PATH = /\/password-recovery(?=[/?#;]|$)/i;

/**
 * A URL as it may be logged: `POST /api/v1/password-recovery/{email}` holds an e-mail address, so whatever follows
 * that segment (path, query) becomes `[redacted]`. Matched after decoding `%XX` escapes of ASCII characters, as the
 * router reads them; near misses the router answers 404 (other case, doubled slashes) are covered as well.
 */
function loggedUrl(url: string): string {
  const decoded = url.replace(/%([0-7][0-9a-f])/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  const match = RECOVERY_PATH.exec(decoded);
  if (!match) return url;
  const end = match.index + match[0].length;
  return /^\/*$/.test(decoded.slice(end)) ? decoded : `${decoded.slice(0, end)}/[redacted]`;
}

/** Fastify's request serializer (pino-http's fields), with the URL as loggedUrl() gives it. */
function requestSerializer(request: FastifyRequest) {
  return {
    method: request.method,
    url: loggedUrl(request.url),
    version: request.headers['accept-version']?.toString(),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

/** Malformed or over-long URLs are refused by the router before any hook: answer them in the one error shape. */
function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
  request.log.info({ code: error.code }, 'refused by the router');
  return reply.code(tooLong ? 414 : 400).send({ detail: tooLong ? 'URI Too Long' : 'Malformed URL' });
}

function loggerOptions(config: Config, stream?: DestinationStream) {
  return {
    level: config.logLevel,
    serializers: { err: errorSerializer, req: requestSerializer },
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.hashed_password', 'password'],
      censor: '[redacted]',
    },
    ...(stream
      ? { stream }
      : process.stdout.isTTY && config.env !== 'production' && { transport: { target: 'pino-pretty' } }),
  };
}

export async function buildApp(config: Config, deps: AppDeps = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(config, deps.logStream),
    genReqId: requestId,
    requestIdHeader: false,
    bodyLimit: config.bodyLimit,
    // A request must arrive whole within 30 s: slow uploads (slowloris) cannot hold connections, or a shutdown.
    requestTimeout: 30_000,
    // A hop count reaches Fastify as a number, which it accepts but, since 5.12.1, treats as trusting no proxy (its
    // docs; its types no longer name numbers): plugins/http-security.ts warns about that at start.
    trustProxy: config.trustProxy as boolean | string,
    routerOptions: { maxParamLength: 768, ignoreTrailingSlash: true },
    // The db plugin creates the embedded database on a first start (initdb): 2–3 s on an idle machine, measured over
    // 8 s on a busy one, where Fastify's default 10 s per plugin stopped the start.
    pluginTimeout: 60_000,
    frameworkErrors,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  // JSON only: without this Fastify would parse text/plain bodies, which no route takes (415 instead).
  app.removeContentTypeParser('text/plain');
  // Clients often send `Content-Type: application/json` with an empty body to routes that take none (logout):
  // with no body to read, the header means nothing, so it is dropped instead of failing the request as empty JSON.
  app.addHook('onRequest', async (request) => {
    if (request.headers['content-length'] === '0' && !request.routeOptions.schema?.body) delete request.headers['content-type'];
  });
  app.decorate('config', config);
  app.decorate('clock', deps.clock ?? systemClock);
  app.decorate('hasher', new PasswordHasher(config.argon2, new WorkQueue(config.hashing.concurrency, config.hashing.queueLimit)));
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await app.register(inFlightPlugin);
  await app.register(errorsPlugin);
  await app.register(httpSecurityPlugin);
  await app.register(dbPlugin, deps.database ? { database: deps.database } : {});
  await app.register(mailPlugin, deps.mailer ? { mailer: deps.mailer } : {});
  await app.register(authPlugin);
  await app.register(rateLimitPlugin);
  await app.register(retentionPlugin);
  await app.register(docsPlugin);
  await app.register(healthRoutes);
  await app.register(loginRoutes, { prefix: '/api/v1' });
  await app.register(usersRoutes, { prefix: '/api/v1/users' });
  await app.register(usersMeRoutes, { prefix: '/api/v1/users' });
  await app.register(sessionRoutes, { prefix: '/api/v1/users' });
  await app.register(securityEventRoutes, { prefix: '/api/v1/users' });
  await app.register(usersAdminRoutes, { prefix: '/api/v1/users' });
  await app.register(passwordRoutes, { prefix: '/api/v1' });
  await app.register(verificationRoutes, { prefix: '/api/v1' });
  await app.register(pagesPlugin, { root: deps.pagesRoot });
  app.addHook('onReady', async () => ensureFirstSuperuser(app.db, app.hasher, config, app.log));
  if (config.secretKeyGenerated) {
    app.log.warn('SECRET_KEY is not set: using a random key, so tokens stop working when the process restarts');
  }

  await app.ready();
  return app;
}
