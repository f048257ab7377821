// The bounded Argon2 queue: at most `concurrency` hashes at once, `queueLimit` waiting, the rest refused (503).
import type { FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { HttpError } from '../../src/core/errors.js';
import { PasswordHasher, ServiceBusyError, WorkQueue } from '../../src/core/password-hasher.js';
import { hashPassword, OWASP_ARGON2 } from '../../src/core/security.js';
import { buildTestApp } from '../helpers/app.js';
import { userCreate } from '../helpers/users.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('WorkQueue', () => {
  it('runs `concurrency` tasks, queues `queueLimit`, refuses the rest, then drains in order', async () => {
    const queue = new WorkQueue(2, 1);
    const gates = [deferred(), deferred(), deferred()];
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    const task = (i: number) => async () => {
      running += 1;
      peak = Math.max(peak, running);
      await gates[i]!.promise;
      running -= 1;
      order.push(i);
      return i;
    };
    const runs = [0, 1, 2].map((i) => queue.run(task(i)));
    await expect(queue.run(async () => 'refused')).rejects.toBeInstanceOf(ServiceBusyError);
    gates[1]!.resolve();
    gates[0]!.resolve();
    gates[2]!.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2]);
    expect(peak).toBe(2);
    expect(await queue.run(async () => 'free again')).toBe('free again');
  });

  it('is full only when every slot runs and the waiting room is taken, and not once a task ends', async () => {
    const queue = new WorkQueue(2, 1);
    const gates = [deferred(), deferred(), deferred()];
    expect(queue.full).toBe(false);
    const first = queue.run(() => gates[0]!.promise);
    expect(queue.full).toBe(false); // one of two slots taken
    const second = queue.run(() => gates[1]!.promise);
    expect(queue.full).toBe(false); // both slots taken, the waiting room free
    const third = queue.run(() => gates[2]!.promise);
    expect(queue.full).toBe(true);
    await expect(queue.run(async () => 'refused')).rejects.toBeInstanceOf(ServiceBusyError);
    gates[0]!.resolve();
    await first;
    expect(queue.full).toBe(false); // the waiting task took the freed slot: the waiting room is free again
    gates[1]!.resolve();
    gates[2]!.resolve();
    await Promise.all([second, third]);
    expect(queue.full).toBe(false);
  });

  it('with no waiting room, is full as soon as every slot runs', async () => {
    const queue = new WorkQueue(1, 0);
    const gate = deferred();
    const running = queue.run(() => gate.promise);
    expect(queue.full).toBe(true);
    await expect(queue.run(async () => 'refused')).rejects.toBeInstanceOf(ServiceBusyError);
    gate.resolve();
    await running;
    expect(queue.full).toBe(false);
    expect(await queue.run(async () => 'admitted')).toBe('admitted');
  });

  it('frees the slot when a task fails', async () => {
    const queue = new WorkQueue(1, 0);
    await expect(queue.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await queue.run(async () => 'next')).toBe('next');
  });
});

describe('ServiceBusyError', () => {
  it('is a 503 asking the client to retry after a second on a new connection', () => {
    const error = new ServiceBusyError();
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ statusCode: 503, detail: 'Service busy, retry later' });
    expect(error.headers).toEqual({ 'retry-after': '1', connection: 'close' });
  });
});

describe('PasswordHasher', () => {
  const SMALL = { memoryCost: 4096, timeCost: 1, parallelism: 1 };

  it('hashes with its parameters and judges stored hashes against them', async () => {
    const hasher = new PasswordHasher(SMALL);
    const stored = await hasher.hash('pw-12345');
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=4096,t=1,p=1\$/);
    expect(await hasher.verify('pw-12345', stored)).toEqual({ valid: true, needsRehash: false });
    expect(await hasher.verify('pw-54321', stored)).toEqual({ valid: false, needsRehash: false });
    // Stronger parameters configured since the hash was stored: the login that proves the password upgrades it.
    expect(await new PasswordHasher({ ...SMALL, timeCost: 2 }).verify('pw-12345', stored)).toEqual({ valid: true, needsRehash: true });
  });

  it('uses the OWASP parameters and never refuses by default', async () => {
    const hasher = new PasswordHasher();
    expect(hasher.params).toEqual(OWASP_ARGON2);
    const stored = await hashPassword('pw-12345', SMALL);
    const results = await Promise.all(Array.from({ length: 8 }, () => hasher.verify('pw-12345', stored)));
    expect(results.every((result) => result.valid && result.needsRehash)).toBe(true);
    expect(() => hasher.admit()).not.toThrow();
  });

  it('refuses hashing, verifying and admission while its queue is full, and admits again once it drains', async () => {
    const queue = new WorkQueue(1, 0);
    const hasher = new PasswordHasher(SMALL, queue);
    const gate = deferred();
    const busy = queue.run(() => gate.promise);
    expect(() => hasher.admit()).toThrow(ServiceBusyError);
    await expect(hasher.admission()).rejects.toBeInstanceOf(ServiceBusyError);
    await expect(hasher.hash('pw-12345')).rejects.toBeInstanceOf(ServiceBusyError);
    await expect(hasher.verify('pw-12345', '$argon2id$whatever')).rejects.toBeInstanceOf(ServiceBusyError);
    gate.resolve();
    await busy;
    expect(() => hasher.admit()).not.toThrow();
    await expect(hasher.admission()).resolves.toBeUndefined();
    expect(await hasher.hash('pw-12345')).toMatch(/^\$argon2id\$/);
  });
});

describe('registration storm against a tiny queue', () => {
  let app: FastifyInstance;
  afterAll(async () => {
    await app.close();
  });

  it('answers only 200 and 503 {detail, Retry-After}, never a 500', async () => {
    app = await buildTestApp({ HASH_CONCURRENCY: '1', HASH_QUEUE_LIMIT: '2', RATE_LIMIT_ENABLED: 'false' });
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => app.inject({ method: 'POST', url: '/api/v1/users/register', payload: userCreate() })),
    );
    const busy = responses.filter((response) => response.statusCode === 503);
    expect(responses.every((response) => [200, 503].includes(response.statusCode))).toBe(true);
    expect(busy.length).toBeGreaterThan(0);
    expect(responses.filter((response) => response.statusCode === 200).length).toBeGreaterThanOrEqual(3);
    for (const response of busy) {
      expect(response.json()).toEqual({ detail: 'Service busy, retry later' });
      expect(response.headers['retry-after']).toBe('1');
      expect(response.headers.connection).toBe('close');
    }
  });
});
