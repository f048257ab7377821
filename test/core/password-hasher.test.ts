// The bounded Argon2 queue: at most `concurrency` hashes at once, `queueLimit` waiting, the rest refused (503).
import type { FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { ServiceBusyError, WorkQueue } from '../../src/core/password-hasher.js';
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

  it('frees the slot when a task fails', async () => {
    const queue = new WorkQueue(1, 0);
    await expect(queue.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await queue.run(async () => 'next')).toBe('next');
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
