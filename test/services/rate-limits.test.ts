// The building blocks of rate limiting on their own: the fail-fast Redis client and its outage log, waiting for
// its first connection, the limiters (memory, or Redis insured by memory), the 429, and the key of a client.
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { HttpError } from '../../src/core/errors.js';
import {
  clientKey,
  createRedisClient,
  firstConnection,
  isRateLimited,
  limiterFactory,
  tooManyRequests,
  TOO_MANY_REQUESTS,
} from '../../src/services/rate-limits.js';

const REDIS_URL = 'redis://127.0.0.1:6379';
/** Nothing listens there: connections are refused at once. */
const UNREACHABLE_URL = 'redis://127.0.0.1:6390';
const PREFIX = `cnlearn-test:${randomBytes(6).toString('hex')}`;

function recordingLog() {
  const warnings: { object: object; message: string }[] = [];
  const infos: string[] = [];
  return { warnings, infos, log: { warn: (object: object, message: string) => warnings.push({ object, message }), info: (message: string) => infos.push(message) } };
}

const clients: Redis[] = [];
function client(url: string, log = recordingLog().log): Redis {
  const made = createRedisClient(url, log);
  clients.push(made);
  return made;
}

afterAll(async () => {
  const admin = new Redis(REDIS_URL);
  const keys = await admin.keys(`${PREFIX}*`);
  if (keys.length > 0) await admin.del(...keys);
  await admin.quit();
  for (const made of clients) made.disconnect();
});

// Clients made by createRedisClient connect only to an address where nothing listens: a connection named
// cnlearn-rate-limit on the real Redis would be counted by test/plugins/rate-limit.test.ts, running alongside.
describe('createRedisClient', () => {
  it('fails fast while Redis is away: commands reject at once instead of queueing', async () => {
    const redis = client(UNREACHABLE_URL);
    await firstConnection(redis);
    const started = Date.now();
    await expect(redis.get('anything')).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(250);
    // One retry per request, half a second per command, two seconds to connect: a hung Redis hangs no login.
    // The name tells its connections apart in CLIENT LIST.
    expect(redis.options).toMatchObject({
      connectionName: 'cnlearn-rate-limit',
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: 500,
      connectTimeout: 2000,
    });
  });

  it('logs one warning per outage, not one per retry, and one line when Redis is back', async () => {
    const { log, warnings, infos } = recordingLog();
    const redis = client(UNREACHABLE_URL, log);
    redis.emit('ready'); // ready before any outage: nothing to report
    expect(infos).toEqual([]);
    await vi.waitFor(() => expect(warnings.length).toBeGreaterThan(0));
    redis.emit('error', new Error('again'));
    redis.emit('error', new Error('and again'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toBe('Redis unreachable: rate limits count in this process only until it is back');
    expect(warnings[0]!.object).toEqual({ err: expect.any(Error) });
    expect(infos).toEqual([]);

    redis.emit('ready');
    redis.emit('ready');
    expect(infos).toEqual(['Redis reachable again: rate limits are shared again']);
    redis.emit('error', new Error('a second outage'));
    expect(warnings).toHaveLength(2);
    expect(warnings[1]!.object).toEqual({ err: new Error('a second outage') });
  });
});

describe('firstConnection', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** The part of a Redis client firstConnection uses: its status and its events. */
  function fakeClient(status = 'connecting') {
    return Object.assign(new EventEmitter(), { status }) as unknown as Redis;
  }

  it('returns at once for a client that is already ready', async () => {
    vi.useFakeTimers();
    const redis = fakeClient('ready');
    const waiting = firstConnection(redis);
    // Nothing to wait for: no timer set, no listener added.
    expect(vi.getTimerCount()).toBe(0);
    expect(redis.listenerCount('ready') + redis.listenerCount('error')).toBe(0);
    await waiting;
  });

  it.each(['ready', 'error'])('resolves on the first %s, then stops listening and waiting', async (event) => {
    vi.useFakeTimers();
    const redis = fakeClient();
    let resolved = false;
    const waiting = firstConnection(redis, 2000).then(() => (resolved = true));
    await Promise.resolve();
    expect(resolved).toBe(false);
    expect(vi.getTimerCount()).toBe(1);
    redis.emit(event, new Error('refused'));
    await waiting;
    expect(redis.listenerCount('ready') + redis.listenerCount('error')).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('gives up after the timeout (2 s unless told), so boot never hangs on Redis', async () => {
    vi.useFakeTimers();
    const redis = fakeClient();
    let resolved = false;
    const waiting = firstConnection(redis).then(() => (resolved = true));
    await vi.advanceTimersByTimeAsync(1999);
    expect(resolved).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await waiting;
    expect(resolved).toBe(true);
    expect(redis.listenerCount('ready') + redis.listenerCount('error')).toBe(0);

    const quick = fakeClient();
    const short = firstConnection(quick, 50);
    await vi.advanceTimersByTimeAsync(50);
    await short;
    expect(quick.listenerCount('ready') + quick.listenerCount('error')).toBe(0);
  });
});

describe('limiterFactory', () => {
  const key = () => randomBytes(4).toString('hex');

  it('makes memory limiters without Redis, with the points and window asked for', async () => {
    const limiter = limiterFactory()({ keyPrefix: `${PREFIX}:memory`, points: 2, duration: 60 });
    expect(limiter).toBeInstanceOf(RateLimiterMemory);
    const client = key();
    await limiter.consume(client);
    await limiter.consume(client);
    const refusal = await limiter.consume(client).catch((error: unknown) => error);
    expect(isRateLimited(refusal)).toBe(true);
    expect((refusal as RateLimiterRes).msBeforeNext).toBeGreaterThan(55_000);
    expect((refusal as RateLimiterRes).msBeforeNext).toBeLessThanOrEqual(60_000);
  });

  it('makes Redis limiters that count under their key prefix in Redis', async () => {
    const redis = new Redis(REDIS_URL, { connectionName: 'cnlearn-rate-limit-test' });
    clients.push(redis);
    await firstConnection(redis);
    const limiter = limiterFactory(redis)({ keyPrefix: `${PREFIX}:redis`, points: 3, duration: 60 });
    expect(limiter).toBeInstanceOf(RateLimiterRedis);
    const client1 = key();
    await limiter.consume(client1);
    await limiter.consume(client1);
    expect(await redis.get(`${PREFIX}:redis:${client1}`)).toBe('2');
    expect(await redis.ttl(`${PREFIX}:redis:${client1}`)).toBeGreaterThan(55);
  });

  it('keeps limiting in memory while Redis cannot be reached', async () => {
    const redis = client(UNREACHABLE_URL);
    await firstConnection(redis);
    const limiter = limiterFactory(redis)({ keyPrefix: `${PREFIX}:insured`, points: 2, duration: 60 });
    const client1 = key();
    await limiter.consume(client1);
    await limiter.consume(client1);
    expect(isRateLimited(await limiter.consume(client1).catch((error: unknown) => error))).toBe(true);
  });

  it('refuses a window longer than a Node timer can wait, naming the limiter', () => {
    const make = limiterFactory();
    expect(() => make({ keyPrefix: 'ok', points: 1, duration: 2_147_483 })).not.toThrow();
    expect(() => make({ keyPrefix: 'cnlearn:rl:too-long', points: 1, duration: 2_147_484 })).toThrow(
      'cnlearn:rl:too-long: a memory limiter cannot remember longer than 2147483 s',
    );
  });
});

describe('isRateLimited', () => {
  it('tells a used-up limit from a failing store', () => {
    expect(isRateLimited(new RateLimiterRes(0, 1000))).toBe(true);
    expect(isRateLimited(new Error('Redis is down'))).toBe(false);
    expect(isRateLimited({ msBeforeNext: 1000, remainingPoints: 0 })).toBe(false);
    expect(isRateLimited(undefined)).toBe(false);
  });
});

describe('tooManyRequests', () => {
  it.each([
    [-1, '1'],
    [0, '1'],
    [1, '1'],
    [999, '1'],
    [1000, '1'],
    [1001, '2'],
    [59_500, '60'],
  ])('answers 429 with Retry-After in whole seconds, at least 1 (%i ms → %s)', (ms, retryAfter) => {
    const error = tooManyRequests(ms);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ statusCode: 429, detail: TOO_MANY_REQUESTS });
    expect(error.headers).toEqual({ 'retry-after': retryAfter });
  });

  it('says "Too many requests"', () => {
    expect(TOO_MANY_REQUESTS).toBe('Too many requests');
  });
});

describe('clientKey', () => {
  it('keeps IPv4 addresses and anything that is not an IP address as they are', () => {
    expect(clientKey('203.0.113.7')).toBe('203.0.113.7');
    expect(clientKey('unknown')).toBe('unknown');
    expect(clientKey('')).toBe('');
    expect(clientKey('::ffff:1.2.3.4.5')).toBe('::ffff:1.2.3.4.5'); // no address: nothing is taken out of it
  });

  it('counts an IPv4-mapped IPv6 address as the IPv4 one, whatever the case', () => {
    expect(clientKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(clientKey('::FFFF:10.0.0.1')).toBe('10.0.0.1');
    expect(clientKey('::ffff:192.168.100.200')).toBe('192.168.100.200');
  });

  it('counts an IPv6 address that merely ends like a mapped one as IPv6', () => {
    expect(clientKey('2001:db8::ffff:1.2.3.4')).toBe('2001:db8:0:0::/64');
  });

  it('counts IPv6 addresses per /64, in one spelling', () => {
    expect(clientKey('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:0DB8:0001:0002:ffff:1:2:3')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
    expect(clientKey('::')).toBe('0:0:0:0::/64');
    expect(clientKey('1:2:3:4:5:6:7::')).toBe('1:2:3:4::/64');
    expect(clientKey('::2:3:4:5:6:7:8')).toBe('0:2:3:4::/64');
    expect(clientKey('1::3:4:5:6:7:8')).toBe('1:0:3:4::/64');
  });

  it('strips leading zeros only, keeping one zero of an all-zero group', () => {
    expect(clientKey('0000:00ab:1000:0:1:2:3:4')).toBe('0:ab:1000:0::/64');
  });

  it('counts a dotted IPv4 tail as the two groups it stands for', () => {
    expect(clientKey('64:ff9b::1.2.3.4')).toBe('64:ff9b:0:0::/64');
    expect(clientKey('::5:6:7:8:9:1.2.3.4')).toBe('0:5:6:7::/64');
    expect(clientKey('a:b:c:d:e:f:1.2.3.4')).toBe('a:b:c:d::/64');
  });
});
