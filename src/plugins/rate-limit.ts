// Decorates `app.rateLimit(name, scope)`, a per-client-IP (or, after app.authenticate, per-account) guard,
// `app.loginGuard`, per-account brute-force protection of password checks (services/login-guard.ts), and
// `app.allowMailTo(address)`, one recovery e-mail per address and minute. The guards answer 429
// `{ "detail": "Too many requests" }` with Retry-After; nothing waits inside a request.
//
// Per IP (or account) and minute (RATE_LIMIT_<NAME>_PER_MINUTE): login 20 (also password checks of the account
// routes), refresh 60, register 10, recovery 5, reset 10, verify 5 (verification e-mails), profile 10 (PATCH
// /users/me). The IP is request.ip: X-Forwarded-For counts only when TRUST_PROXY says so; IPv6 clients count per /64.
// Counters live in this process, or in Redis when REDIS_URL is set so that every instance shares them (keys
// `cnlearn:rl:<name>:…`). While Redis is unreachable each instance counts in memory instead of failing requests.
// RATE_LIMIT_ENABLED=false (benchmarks, load tests) makes both no-ops and opens no Redis connection.
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { canonicalEmail } from '../core/email.js';
import { accountKey, createLoginGuard, noLoginGuard, type LoginGuard } from '../services/login-guard.js';
import { clientKey, createRedisClient, firstConnection, isRateLimited, limiterFactory, tooManyRequests } from '../services/rate-limits.js';

export type { LoginGuard } from '../services/login-guard.js';

export type LimitName = 'login' | 'refresh' | 'register' | 'recovery' | 'reset' | 'verify' | 'profile';
/** `account` counts per authenticated user (after app.authenticate), `ip` per client address. */
export type LimitScope = 'ip' | 'account';

const KEY_PREFIX = 'cnlearn:rl';

declare module 'fastify' {
  interface FastifyInstance {
    rateLimit: (name: LimitName, scope?: LimitScope) => (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
    loginGuard: LoginGuard;
    /** False when a recovery e-mail went to this address less than a minute ago (the caller sends nothing). */
    allowMailTo: (address: string) => Promise<boolean>;
  }
}

const LIMIT_NAMES: LimitName[] = ['login', 'refresh', 'register', 'recovery', 'reset', 'verify', 'profile'];

export default fp(
  async (app) => {
    const settings = app.config.rateLimit;
    if (!settings.enabled) {
      app.decorate('rateLimit', () => async () => {});
      app.decorate('loginGuard', noLoginGuard);
      app.decorate('allowMailTo', async () => true);
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
      LIMIT_NAMES.flatMap((name) => [
        [`${name}:ip`, makeLimiter({ keyPrefix: `${KEY_PREFIX}:${name}`, points: settings.perMinute[name], duration: 60 })],
        [`${name}:account`, makeLimiter({ keyPrefix: `${KEY_PREFIX}:${name}-account`, points: settings.perMinute[name], duration: 60 })],
      ]),
    );
    app.decorate('rateLimit', (name: LimitName, scope: LimitScope = 'ip') => {
      const limiter = limiters.get(`${name}:${scope}`)!;
      return async function rateLimit(request: FastifyRequest) {
        try {
          await limiter.consume(scope === 'ip' ? clientKey(request.ip) : `user:${request.user.id}`);
        } catch (error) {
          if (isRateLimited(error)) throw tooManyRequests(error.msBeforeNext);
          throw error;
        }
      };
    });

    const mailPerAddress = makeLimiter({ keyPrefix: `${KEY_PREFIX}:recovery-address`, points: 1, duration: 60 });
    app.decorate('allowMailTo', async (address: string) => {
      try {
        await mailPerAddress.consume(accountKey(canonicalEmail(address)));
        return true;
      } catch (error) {
        if (isRateLimited(error)) return false;
        throw error;
      }
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
