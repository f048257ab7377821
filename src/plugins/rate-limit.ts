// Decorates `app.rateLimit(name)`, a per-client-IP onRequest guard, and `app.loginGuard`, per-account brute-force
// protection of password login (services/login-guard.ts). Both answer 429 `{ "detail": "Too many requests" }` with
// Retry-After; nothing waits inside a request.
//
// Per IP and minute (RATE_LIMIT_<NAME>_PER_MINUTE): login 20, refresh 60, register 10, recovery 5, reset 10. The IP
// is request.ip: X-Forwarded-For counts only when TRUST_PROXY says so; IPv6 clients count per /64.
// Counters live in this process, or in Redis when REDIS_URL is set so that every instance shares them (keys
// `cnlearn:rl:<name>:…`). While Redis is unreachable each instance counts in memory instead of failing requests.
// RATE_LIMIT_ENABLED=false (benchmarks, load tests) makes both no-ops and opens no Redis connection.
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { createLoginGuard, noLoginGuard, type LoginGuard } from '../services/login-guard.js';
import { clientKey, createRedisClient, firstConnection, isRateLimited, limiterFactory, tooManyRequests } from '../services/rate-limits.js';

export type { LoginGuard } from '../services/login-guard.js';

export type LimitName = 'login' | 'refresh' | 'register' | 'recovery' | 'reset';

const KEY_PREFIX = 'cnlearn:rl';

declare module 'fastify' {
  interface FastifyInstance {
    rateLimit: (name: LimitName) => (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
    loginGuard: LoginGuard;
  }
}

const LIMIT_NAMES: LimitName[] = ['login', 'refresh', 'register', 'recovery', 'reset'];

export default fp(
  async (app) => {
    const settings = app.config.rateLimit;
    if (!settings.enabled) {
      app.decorate('rateLimit', () => async () => {});
      app.decorate('loginGuard', noLoginGuard);
      return;
    }

    const redis = settings.redisUrl ? createRedisClient(settings.redisUrl, app.log) : undefined;
    if (redis) {
      app.addHook('onClose', async () => {
        // quit() lets pending commands finish; a client that is not connected has none and would only retry.
        if (redis.status === 'ready') await redis.quit();
        else redis.disconnect();
      });
      // Counting starts shared from the first request, unless Redis is down: then boot goes on without it.
      await firstConnection(redis);
    }
    const makeLimiter = limiterFactory(redis);

    const limiters = new Map(
      LIMIT_NAMES.map((name) => [
        name,
        makeLimiter({ keyPrefix: `${KEY_PREFIX}:${name}`, points: settings.perMinute[name], duration: 60 }),
      ]),
    );
    app.decorate('rateLimit', (name: LimitName) => {
      const limiter = limiters.get(name)!;
      return async function rateLimit(request: FastifyRequest) {
        try {
          await limiter.consume(clientKey(request.ip));
        } catch (error) {
          if (isRateLimited(error)) throw tooManyRequests(error.msBeforeNext);
          throw error;
        }
      };
    });

    app.decorate(
      'loginGuard',
      createLoginGuard(
        {
          freeFailures: settings.loginFreeFailures,
          maxLockoutSeconds: settings.loginMaxLockoutSeconds,
          maxFailures: settings.loginMaxFailures,
        },
        makeLimiter,
        KEY_PREFIX,
      ),
    );
  },
  { name: 'rate-limit', dependencies: ['errors'] },
);
