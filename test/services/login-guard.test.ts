// The login guard on its own, on both stores: the growth of the block, the hard lock, the gate under concurrency,
// expiry, sharing through Redis, and a Redis that cannot be reached. Redis keys get a prefix unique to this run.
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpError } from '../../src/core/errors.js';
import { accountKey, guardKey, createLoginGuard, FAILURE_MEMORY_SECONDS, lockoutSeconds, noLoginGuard } from '../../src/services/login-guard.js';
import type { LoginGuardSettings } from '../../src/services/login-guard.js';
import { createRedisClient, firstConnection, limiterFactory } from '../../src/services/rate-limits.js';
import { randomEmail } from '../helpers/users.js';

const REDIS_URL = 'redis://127.0.0.1:6379';
const PREFIX = `cnlearn-test:${randomBytes(6).toString('hex')}`;
const SETTINGS: LoginGuardSettings = { freeFailures: 2, maxLockoutSeconds: 1, maxFailures: 100 };
const silent = { warn: () => {}, info: () => {} };

const redis = new Redis(REDIS_URL, { connectionName: 'cnlearn-rate-limit-test' });
const unreachable = createRedisClient('redis://127.0.0.1:6390', silent);

// The limiters skip a client that is not ready yet (they count in memory then): start with a connected one.
beforeAll(async () => {
  if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
});

afterAll(async () => {
  unreachable.disconnect();
  const keys = await redis.keys(`${PREFIX}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

function guardOn(store: 'memory' | 'redis', settings: LoginGuardSettings = SETTINGS) {
  return createLoginGuard(settings, limiterFactory(store === 'redis' ? redis : undefined), PREFIX);
}

/** The rejection of check(), or undefined when it passes. */
async function refusal(promise: Promise<void>): Promise<HttpError | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
}

describe('lockoutSeconds', () => {
  const defaults: LoginGuardSettings = { freeFailures: 5, maxLockoutSeconds: 900, maxFailures: 100 };
  it.each([
    [1, 0],
    [5, 0],
    [6, 2],
    [7, 4],
    [14, 512],
    [15, 900],
    [99, 900],
  ])('failure %i blocks for %i s (defaults)', (failures, seconds) => {
    expect(lockoutSeconds(failures, defaults)).toBe(seconds);
  });
});

describe('limiterFactory', () => {
  it('refuses memory windows longer than a Node timer can wait', () => {
    expect(() => limiterFactory()({ keyPrefix: 'x', points: 1, duration: 30 * 86_400 })).toThrow(/cannot remember longer/);
    expect(() => limiterFactory()({ keyPrefix: 'x', points: 1, duration: FAILURE_MEMORY_SECONDS })).not.toThrow();
  });
});

describe('noLoginGuard (RATE_LIMIT_ENABLED=false)', () => {
  it('lets everything through and never locks', async () => {
    for (let i = 0; i < 200; i += 1) expect(await noLoginGuard.failed('user:1')).toEqual({ locked: false });
    await expect(noLoginGuard.check('user:1')).resolves.toBeUndefined();
    await expect(noLoginGuard.succeeded('user:1')).resolves.toBeUndefined();
  });
});

describe('guardKey and accountKey', () => {
  it('keys an existing account by its id, whatever spelling of its address was typed', () => {
    expect(guardKey({ id: 7 }, 'İris@example.com')).toBe('user:7');
    expect(guardKey({ id: 7 }, 'iris@example.com')).toBe(guardKey({ id: 7 }, 'IRIS@EXAMPLE.COM'));
    expect(guardKey({ id: 8 }, 'iris@example.com')).not.toBe(guardKey({ id: 7 }, 'iris@example.com'));
  });

  it('keys an unknown address by its canonical form (NFKC, trimmed, lower-cased)', () => {
    expect(guardKey(undefined, '  Someone@Example.COM ')).toBe('email:someone@example.com');
    expect(guardKey(undefined, 'ｓｏｍｅｏｎｅ@example.com')).toBe('email:someone@example.com'); // full-width
    expect(guardKey(undefined, '\u212Aim@example.com')).toBe('email:kim@example.com'); // Kelvin sign
    expect(guardKey(undefined, 'other@example.com')).not.toBe(guardKey(undefined, 'someone@example.com'));
  });

  it('hashes the key: stored keys hold no address', () => {
    expect(accountKey('email:someone@example.com')).not.toContain('example');
    expect(accountKey('email:someone@example.com')).toMatch(/^[\w-]{43}$/);
    expect(accountKey('email:other@example.com')).not.toBe(accountKey('email:someone@example.com'));
  });
});

describe.each(['memory', 'redis'] as const)('login guard (%s)', (store) => {
  it('lets the free failures through, then blocks one attempt per period with Retry-After', async () => {
    const guard = guardOn(store);
    const email = randomEmail();
    for (let i = 0; i < SETTINGS.freeFailures; i += 1) {
      await guard.check(email);
      await guard.failed(email);
    }
    await guard.check(email); // past the free ones: takes the gate
    const refused = await refusal(guard.check(email));
    expect(refused?.statusCode).toBe(429);
    expect(refused?.detail).toBe('Too many requests');
    expect(refused?.headers['retry-after']).toBe('1');
    expect(await refusal(guard.check(randomEmail()))).toBeUndefined();
    if (store === 'redis') expect(await redis.get(`${PREFIX}:login-failures:${accountKey(email)}`)).toBe(String(SETTINGS.freeFailures));
  });

  it('lets exactly one of many concurrent attempts through once past the free failures', async () => {
    const guard = guardOn(store);
    const email = randomEmail();
    for (let i = 0; i < SETTINGS.freeFailures; i += 1) await guard.failed(email);
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => refusal(guard.check(email))));
    expect(outcomes.filter((outcome) => outcome === undefined)).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome?.statusCode === 429)).toHaveLength(7);
  });

  it('locks the address for good after maxFailures, until succeeded() clears it', async () => {
    const guard = guardOn(store, { freeFailures: 3, maxLockoutSeconds: 900, maxFailures: 3 });
    const email = randomEmail();
    for (let i = 0; i < 3; i += 1) await guard.failed(email);
    const refused = await refusal(guard.check(email));
    expect(refused?.statusCode).toBe(429);
    expect(refused?.headers['retry-after']).toBe('900');
    if (store === 'redis') expect(await redis.pttl(`${PREFIX}:login-locked:${accountKey(email)}`)).toBe(-1); // no expiry
    await guard.succeeded(email);
    expect(await refusal(guard.check(email))).toBeUndefined();
  });

  it('failed() says locked exactly once: on the failure that reaches maxFailures', async () => {
    const guard = guardOn(store, { freeFailures: 3, maxLockoutSeconds: 900, maxFailures: 3 });
    const key = guardKey(undefined, randomEmail());
    const locked = [];
    for (let i = 0; i < 5; i += 1) locked.push((await guard.failed(key)).locked);
    expect(locked).toEqual([false, false, true, false, false]);
  });

  it('the hard lock alone refuses, even once the failure count is gone', async () => {
    const guard = guardOn(store, { freeFailures: 3, maxLockoutSeconds: 900, maxFailures: 3 });
    const key = guardKey(undefined, randomEmail());
    for (let i = 0; i < 3; i += 1) await guard.failed(key);
    const failures = limiterFactory(store === 'redis' ? redis : undefined)({ keyPrefix: `${PREFIX}:login-failures`, points: 3, duration: FAILURE_MEMORY_SECONDS });
    await failures.delete(accountKey(key)); // the memory store's twin is another instance: only Redis shares it
    if (store === 'redis') expect((await refusal(guard.check(key)))?.headers['retry-after']).toBe('900');
  });

  it('a block after the free failures lasts the period its failure earned (Retry-After)', async () => {
    const guard = guardOn(store, { freeFailures: 1, maxLockoutSeconds: 900, maxFailures: 100 });
    const key = guardKey(undefined, randomEmail());
    await guard.failed(key);
    await guard.check(key); // takes the gate for 2^1 s
    expect((await refusal(guard.check(key)))?.headers['retry-after']).toBe('2');
  });

  it('remembers failures across time (not only within one tick)', async () => {
    const guard = guardOn(store);
    const email = randomEmail();
    for (let i = 0; i < SETTINGS.freeFailures; i += 1) {
      await guard.failed(email);
      await new Promise((resolve) => setTimeout(resolve, 10)); // an overflowing expiry timer would fire by now
    }
    await guard.check(email);
    expect((await refusal(guard.check(email)))?.statusCode).toBe(429);
  });

  it('succeeded() resets the count', async () => {
    const guard = guardOn(store);
    const email = randomEmail();
    for (let i = 0; i < SETTINGS.freeFailures; i += 1) await guard.failed(email);
    await guard.succeeded(email);
    for (let i = 0; i < SETTINGS.freeFailures; i += 1) await guard.failed(email);
    await guard.check(email);
    await guard.succeeded(email);
    expect(await refusal(guard.check(email))).toBeUndefined();
  });
});

describe('login guard across stores', () => {
  it('blocks expire (one wait for both stores)', async () => {
    const guards = [guardOn('memory'), guardOn('redis')];
    const email = randomEmail();
    for (const guard of guards) {
      for (let i = 0; i < SETTINGS.freeFailures; i += 1) await guard.failed(email);
      await guard.check(email);
      await guard.failed(email);
      expect((await refusal(guard.check(email)))?.statusCode).toBe(429);
    }
    await new Promise((resolve) => setTimeout(resolve, 1100));
    for (const guard of guards) expect(await refusal(guard.check(email))).toBeUndefined();
  });

  it('two guards on one Redis share their counts', async () => {
    const [one, two] = [guardOn('redis'), guardOn('redis')];
    const email = randomEmail();
    for (let i = 0; i < SETTINGS.freeFailures; i += 1) await one.failed(email);
    await two.check(email);
    expect((await refusal(one.check(email)))?.statusCode).toBe(429);
    await one.succeeded(email);
    expect(await refusal(two.check(email))).toBeUndefined();
  });

  it('keeps counting, in memory, while Redis cannot be reached', async () => {
    const guard = createLoginGuard(SETTINGS, limiterFactory(unreachable), PREFIX);
    const email = randomEmail();
    for (let i = 0; i < SETTINGS.freeFailures; i += 1) await guard.failed(email);
    await guard.check(email);
    expect((await refusal(guard.check(email)))?.statusCode).toBe(429);
  });

  it('goes on counting, in memory, when Redis is lost mid-run', async () => {
    // A TCP relay to Redis that the test cuts, as a failing network would.
    const sockets = new Set<net.Socket>();
    const relay = net.createServer((socket) => {
      const upstream = net.connect(6379, '127.0.0.1');
      socket.pipe(upstream).pipe(socket);
      for (const end of [socket, upstream]) sockets.add(end.on('error', () => {}));
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    const client = createRedisClient(`redis://127.0.0.1:${(relay.address() as net.AddressInfo).port}`, silent);
    try {
      await firstConnection(client);
      expect(client.status).toBe('ready');
      const guard = createLoginGuard(SETTINGS, limiterFactory(client), PREFIX);
      const email = randomEmail();
      await guard.failed(email);
      relay.close();
      for (const socket of sockets) socket.destroy();
      for (let i = 0; i < SETTINGS.freeFailures; i += 1) await guard.failed(email);
      await guard.check(email);
      expect((await refusal(guard.check(email)))?.statusCode).toBe(429);
    } finally {
      client.disconnect();
    }
  });
});
