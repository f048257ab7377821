// The building blocks of rate limiting: counters from rate-limiter-flexible, in this process's memory or in Redis
// (shared by every instance), and the 429 they turn into. Used by plugins/rate-limit.ts and the login guard.
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import type { Redis } from 'ioredis';
import type * as IORedis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { HttpError } from '../core/errors.js';

export const TOO_MANY_REQUESTS = 'Too many requests';

export interface LimiterOptions {
  /** Redis key prefix, e.g. `cnlearn:rl:login`. */
  keyPrefix: string;
  points: number;
  /** Window in whole seconds (Redis counts in seconds); 0 means the key never expires. */
  duration: number;
}

export type MakeLimiter = (options: LimiterOptions) => RateLimiterAbstract;

interface Logger {
  warn(object: object, message: string): void;
  info(message: string): void;
}

/**
 * An ioredis client that fails fast instead of queueing: while Redis is away, commands reject at once and the
 * limiters fall back to their in-memory insurance, so no request waits for Redis or ends in a 500.
 */
export function createRedisClient(url: string, log: Logger): Redis {
  // Loaded here, synchronously (ioredis is CommonJS), and only with REDIS_URL: it would slow every other start down.
  const { Redis: RedisClient } = createRequire(import.meta.url)('ioredis') as typeof IORedis;
  const client = new RedisClient(url, {
    connectionName: 'cnlearn-rate-limit',
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    // A Redis that accepts connections but hangs must not hang logins either.
    commandTimeout: 500,
    connectTimeout: 2000,
  });
  // Without a listener ioredis's 'error' events would crash the process; one line per outage, not per retry.
  let down = false;
  client.on('error', (error: Error) => {
    if (!down) log.warn({ err: error }, 'Redis unreachable: rate limits count in this process only until it is back');
    down = true;
  });
  client.on('ready', () => {
    if (down) log.info('Redis reachable again: rate limits are shared again');
    down = false;
  });
  return client;
}

/** Resolves once the client is ready, its first connection fails, or `timeoutMs` passes: boot never hangs on Redis. */
export async function firstConnection(client: Redis, timeoutMs = 2000): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      client.off('ready', done).off('error', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    client.once('ready', done).once('error', done);
  });
}

/** Node timers cap at 2^31 − 1 ms; RateLimiterMemory expires keys by timer, and a longer one fires at once. */
const MEMORY_MAX_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** Memory limiters, or Redis ones insured by a memory twin that takes over while Redis cannot be reached. */
export function limiterFactory(redis?: Redis): MakeLimiter {
  return (options) => {
    if (options.duration > MEMORY_MAX_SECONDS) {
      throw new Error(`${options.keyPrefix}: a memory limiter cannot remember longer than ${MEMORY_MAX_SECONDS} s`);
    }
    const insurance = new RateLimiterMemory(options);
    if (!redis) return insurance;
    return new RateLimiterRedis({ ...options, storeClient: redis, rejectIfRedisNotReady: true, insuranceLimiter: insurance });
  };
}

/** rate-limiter-flexible rejects with a RateLimiterRes when points run out, with an Error when the store fails. */
export function isRateLimited(error: unknown): error is RateLimiterRes {
  return error instanceof RateLimiterRes;
}

/** The 429 every limit answers; Retry-After in whole seconds, at least 1 (`msBeforeNext` is -1 for no expiry). */
export function tooManyRequests(msBeforeNext: number): HttpError {
  const seconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new HttpError(429, TOO_MANY_REQUESTS, { 'retry-after': String(seconds) });
}

/**
 * The key of a client address. IPv6 hosts usually get a whole /64, so one address each would let a single host
 * rotate through endless "clients": those count per /64. IPv4-mapped IPv6 (::ffff:a.b.c.d) counts as the IPv4.
 */
export function clientKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (isIP(ip) !== 6) return ip;
  const address = ip.split('%')[0]!.toLowerCase(); // a zone (fe80::1%eth0) names an interface, not a host
  const [head = '', tail] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  // A dotted IPv4 tail (64:ff9b::1.2.3.4) stands for two groups.
  const missing = 8 - left.length - right.length - (address.includes('.') ? 1 : 0);
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, missing)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
