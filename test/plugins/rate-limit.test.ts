// Rate limits through the whole app: per-IP limits on the five routes, the client IP behind a proxy, brute-force
// protection of login, RATE_LIMIT_ENABLED=false, and the Redis store (shared by two instances, or unreachable).
// Limits are switched on explicitly here, so these tests hold whatever the helpers' default is.
import { randomInt } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse as Response } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LimitName } from '../../src/plugins/rate-limit.js';
import { UserRepository } from '../../src/repositories/user.js';
import { accountKey, guardKey } from '../../src/services/login-guard.js';
import { clientKey } from '../../src/services/rate-limits.js';
import { buildTestApp } from '../helpers/app.js';
import { createUser } from '../helpers/auth.js';
import { randomEmail, userCreate } from '../helpers/users.js';

const REDIS_URL = 'redis://127.0.0.1:6379';
const TOO_MANY = { detail: 'Too many requests' };
const ON = { RATE_LIMIT_ENABLED: 'true' };
const SMALL_LIMITS = {
  ...ON,
  ...Object.fromEntries(['LOGIN', 'REFRESH', 'REGISTER', 'RECOVERY', 'RESET'].map((name) => [`RATE_LIMIT_${name}_PER_MINUTE`, '3'])),
};
/** Two free failures, then 1 s blocks; plenty of logins per IP so that only the guard answers 429. */
const BRUTE_FORCE = { ...ON, LOGIN_FREE_FAILURES: '2', LOGIN_MAX_LOCKOUT_SECONDS: '1', RATE_LIMIT_LOGIN_PER_MINUTE: '1000' };
const NAMES = ['login', 'refresh', 'register', 'recovery', 'reset'] as const satisfies LimitName[];

/** A fresh client address: keys in a shared Redis never meet those of another test or run. */
const randomIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

const login = (app: FastifyInstance, username: string, password: string, remoteAddress = randomIp()) =>
  app.inject({
    method: 'POST',
    url: '/api/v1/login/access-token',
    remoteAddress,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ username, password }).toString(),
  });

/** Every e-mail a failed login was sent for: the Redis tests clear their counts, which live for weeks. */
const triedEmails: string[] = [];

/** One request to each limited route: harmless, and never a 429 from the login guard (a new e-mail each time). */
function call(app: FastifyInstance, name: (typeof NAMES)[number], remoteAddress: string, headers: Record<string, string> = {}) {
  const post = (url: string, payload?: object) => app.inject({ method: 'POST', url, remoteAddress, headers, ...(payload && { payload }) });
  switch (name) {
    case 'login':
      triedEmails.push(randomEmail());
      return login(app, triedEmails.at(-1)!, 'wrong password', remoteAddress);
    case 'refresh':
      return post('/api/v1/login/refresh', { refresh_token: 'not a token' });
    case 'register':
      return post('/api/v1/users/register', userCreate());
    case 'recovery':
      return post(`/api/v1/password-recovery/${randomEmail()}`);
    case 'reset':
      return post('/api/v1/reset-password/', { token: 'not a token', new_password: 'a long enough password' });
  }
}

function expectTooMany(response: Response, retryAfter?: string) {
  expect(response.statusCode).toBe(429);
  expect(response.json()).toEqual(TOO_MANY);
  const seconds = Number(response.headers['retry-after']);
  expect(Number.isInteger(seconds) && seconds >= 1).toBe(true);
  if (retryAfter) expect(response.headers['retry-after']).toBe(retryAfter);
}

/** Statuses of `count` requests from one address; none may be a 5xx. */
async function statuses(count: number, send: () => Promise<Response>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i += 1) out.push((await send()).statusCode);
  expect(out.every((status) => status < 500)).toBe(true);
  return out;
}

describe('clientKey', () => {
  it('keeps IPv4, unwraps IPv4-mapped IPv6 and counts IPv6 per /64', () => {
    expect(clientKey('203.0.113.7')).toBe('203.0.113.7');
    expect(clientKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(clientKey('2001:db8:1:2::1')).toBe(clientKey('2001:0db8:0001:0002:ffff:1:2:3'));
    expect(clientKey('2001:db8:1:2::1')).not.toBe(clientKey('2001:db8:1:3::1'));
  });
});

describe('per-IP limits (memory)', () => {
  let app: FastifyInstance;
  let proxied: FastifyInstance;
  beforeAll(async () => {
    [app, proxied] = await Promise.all([buildTestApp(SMALL_LIMITS), buildTestApp({ ...SMALL_LIMITS, TRUST_PROXY: 'true' })]);
  });
  afterAll(async () => Promise.all([app.close(), proxied.close()]));

  it.each(NAMES)('%s: the 4th request of a minute from one IP is a 429 with Retry-After; other IPs go on', async (name) => {
    const ip = randomIp();
    expect(await statuses(3, () => call(app, name, ip))).not.toContain(429);
    expectTooMany(await call(app, name, ip));
    expect((await call(app, name, randomIp())).statusCode).not.toBe(429);
  });

  it('counts an IPv6 /64 as one client', async () => {
    const prefix = `2001:db8:${randomInt(65536).toString(16)}:1`;
    expect(await statuses(3, () => call(app, 'refresh', `${prefix}::${randomInt(1, 65536).toString(16)}`))).not.toContain(429);
    expectTooMany(await call(app, 'refresh', `${prefix}:a:b:c:d`));
    expect((await call(app, 'refresh', `${prefix.slice(0, -1)}2::1`)).statusCode).not.toBe(429); // the next /64
  });

  it('ignores X-Forwarded-For by default', async () => {
    const ip = randomIp();
    await statuses(3, () => call(app, 'refresh', ip, { 'x-forwarded-for': randomIp() }));
    expectTooMany(await call(app, 'refresh', ip, { 'x-forwarded-for': randomIp() }));
  });

  it('counts by X-Forwarded-For with TRUST_PROXY=true', async () => {
    const client = randomIp();
    const viaProxy = (forwardedFor: string) => call(proxied, 'refresh', '127.0.0.1', { 'x-forwarded-for': forwardedFor });
    expect(await statuses(3, () => viaProxy(client))).not.toContain(429);
    expectTooMany(await viaProxy(client));
    expect((await viaProxy(randomIp())).statusCode).not.toBe(429);
  });
});

describe('behind one load balancer, a client that writes its own X-Forwarded-For', () => {
  /** What the balancer (at 127.0.0.1) forwards: the client's own X-Forwarded-For, then the address it saw. */
  const viaBalancer = (app: FastifyInstance, client: string, spoofed: string) =>
    call(app, 'refresh', '127.0.0.1', { 'x-forwarded-for': `${spoofed}, ${client}` });

  async function withApp(trustProxy: string, test: (app: FastifyInstance) => Promise<void>) {
    const app = await buildTestApp({ ...SMALL_LIMITS, TRUST_PROXY: trustProxy });
    try {
      await test(app);
    } finally {
      await app.close();
    }
  }

  it.each(['127.0.0.1', '127.0.0.0/8'])('TRUST_PROXY=%s: new left-most entries do not dodge the limit', async (trustProxy) => {
    await withApp(trustProxy, async (app) => {
      const client = randomIp();
      expect(await statuses(3, () => viaBalancer(app, client, randomIp()))).not.toContain(429);
      expectTooMany(await viaBalancer(app, client, randomIp()));
      expectTooMany(await viaBalancer(app, client, `${randomIp()}, ${randomIp()}`));
      expect((await viaBalancer(app, randomIp(), randomIp())).statusCode).not.toBe(429); // another client goes on
    });
  });

  it('TRUST_PROXY=1: Fastify ignores hop counts, so every client shares the balancer’s count (hence the warning)', async () => {
    await withApp('1', async (app) => {
      expect(await statuses(3, () => viaBalancer(app, randomIp(), randomIp()))).not.toContain(429);
      expectTooMany(await viaBalancer(app, randomIp(), randomIp()));
    });
  });

  it('TRUST_PROXY=true: the left-most entry counts, so the client picks its IP (hence the warning)', async () => {
    await withApp('true', async (app) => {
      const client = randomIp();
      expect(await statuses(5, () => viaBalancer(app, client, randomIp()))).not.toContain(429);
    });
  });
});

describe('login brute-force protection (memory)', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp(BRUTE_FORCE);
  });
  afterAll(async () => app.close());

  it('after the free failures and one more, even the right password gets a 429, without hashing', async () => {
    const { email, password } = await createUser(app);
    expect(await statuses(3, () => login(app, email, 'wrong password'))).toEqual([400, 400, 400]);
    const verify = vi.spyOn(app.hasher, 'verify');
    expectTooMany(await login(app, email, password), '1');
    expect(verify).not.toHaveBeenCalled();
    verify.mockRestore();
    const other = await createUser(app);
    expect((await login(app, other.email, other.password)).statusCode).toBe(200);
  });

  it('blocks unknown e-mails the same way, whatever their case and spacing', async () => {
    const email = randomEmail();
    const spellings = [email, email.toUpperCase(), ` ${email} `];
    expect(await statuses(3, () => login(app, spellings.shift() ?? email, 'wrong password'))).toEqual([400, 400, 400]);
    expectTooMany(await login(app, email.toUpperCase(), 'wrong password'));
  });

  it('a successful login resets the count', async () => {
    const { email, password } = await createUser(app);
    const attempts = [false, false, true, false, false, false, false];
    const answers = await statuses(attempts.length, () => login(app, email, attempts.shift() ? password : 'wrong password'));
    expect(answers).toEqual([400, 400, 200, 400, 400, 400, 429]);
  });

  it('the block ends after its period', async () => {
    const { email, password } = await createUser(app);
    await statuses(3, () => login(app, email, 'wrong password'));
    expectTooMany(await login(app, email, password), '1');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await login(app, email, password)).statusCode).toBe(200);
  });

  it('after LOGIN_MAX_FAILURES it stays blocked until loginGuard.succeeded() (password reset or change)', async () => {
    const locking = await buildTestApp({ ...ON, LOGIN_FREE_FAILURES: '3', LOGIN_MAX_FAILURES: '3', LOGIN_MAX_LOCKOUT_SECONDS: '900' });
    try {
      const { email, password } = await createUser(locking);
      await statuses(3, () => login(locking, email, 'wrong password'));
      expectTooMany(await login(locking, email, password), '900');
      await locking.loginGuard.succeeded(guardKey(await new UserRepository(locking.db).getByEmail(email), email));
      expect((await login(locking, email, password)).statusCode).toBe(200);
    } finally {
      await locking.close();
    }
  });
});

describe('RATE_LIMIT_ENABLED=false', () => {
  it('answers no 429 at all and opens no Redis connection', async () => {
    // A database index of its own: other files' limiters (same connection name) use database 0.
    const off = { RATE_LIMIT_ENABLED: 'false', REDIS_URL: `${REDIS_URL}/13`, LOGIN_FREE_FAILURES: '1' };
    const app = await buildTestApp({ ...SMALL_LIMITS, ...off });
    try {
      for (const name of NAMES) expect(await statuses(5, () => call(app, name, '127.0.0.1'))).not.toContain(429);
      const { email, password } = await createUser(app);
      await statuses(5, () => login(app, email, 'wrong password'));
      expect((await login(app, email, password)).statusCode).toBe(200);
      expect(await rateLimitConnections(13)).toBe(0);
    } finally {
      await app.close();
    }
  });
});

const admin = new Redis(REDIS_URL, { connectionName: 'cnlearn-rate-limit-admin' });
afterAll(async () => admin.quit());

/** Connections the app's limiters hold to Redis (the plugin names them), to any database or to `db` only. */
async function rateLimitConnections(db?: number): Promise<number> {
  const list = (await admin.call('CLIENT', 'LIST')) as string;
  const ours = (line: string) => line.includes(' name=cnlearn-rate-limit ') && (db === undefined || line.includes(` db=${db} `));
  return list.split('\n').filter(ours).length;
}

describe('Redis store', () => {
  let one: FastifyInstance;
  let two: FastifyInstance;
  beforeAll(async () => {
    const overrides = { ...SMALL_LIMITS, ...BRUTE_FORCE, RATE_LIMIT_LOGIN_PER_MINUTE: '3', REDIS_URL };
    [one, two] = await Promise.all([buildTestApp(overrides), buildTestApp(overrides)]);
    // Boot goes on without Redis after 2 s (each instance then counts alone): on a busy machine, wait for both.
    await vi.waitFor(async () => expect(await rateLimitConnections()).toBeGreaterThanOrEqual(2), { timeout: 20_000, interval: 100 });
  });
  afterAll(async () => {
    await Promise.all(triedEmails.map((email) => one.loginGuard.succeeded(guardKey(undefined, email))));
    await Promise.all([one.close(), two.close()]);
  });

  it.each(NAMES)('%s: two instances share one per-IP count', async (name) => {
    const ip = randomIp();
    for (const app of [one, two, one]) expect((await call(app, name, ip)).statusCode).not.toBe(429);
    expectTooMany(await call(two, name, ip));
    expectTooMany(await call(one, name, ip));
    expect(await admin.exists(`cnlearn:rl:${name}:${ip}`)).toBe(1);
  });

  it('two instances share the login failures of an e-mail', async () => {
    // Each test app has a database of its own: an address registered in neither is keyed alike by both.
    const email = randomEmail();
    triedEmails.push(email);
    expect(await statuses(3, () => login(one, email, 'wrong password'))).toEqual([400, 400, 400]);
    expect(await admin.get(`cnlearn:rl:login-failures:${accountKey(guardKey(undefined, email))}`)).toBe('3');
    expectTooMany(await login(two, email, 'wrong password'), '1');
    await one.loginGuard.succeeded(guardKey(undefined, email));
    expect((await login(two, email, 'wrong password')).statusCode).toBe(400);
  });

  it('closes its connection with the app', async () => {
    expect(await rateLimitConnections()).toBeGreaterThanOrEqual(2);
    const app = await buildTestApp({ ...ON, REDIS_URL });
    const before = await rateLimitConnections();
    await app.close();
    await vi.waitFor(async () => expect(await rateLimitConnections()).toBe(before - 1));
  });
});

describe('Redis unreachable', () => {
  it('still answers every request, with the limits counted in memory', async () => {
    const unreachable = 'redis://127.0.0.1:6390'; // nothing listens there
    const app = await buildTestApp({ ...SMALL_LIMITS, ...BRUTE_FORCE, RATE_LIMIT_LOGIN_PER_MINUTE: '3', REDIS_URL: unreachable });
    try {
      for (const name of NAMES) {
        const ip = randomIp();
        expect(await statuses(3, () => call(app, name, ip))).not.toContain(429);
        expectTooMany(await call(app, name, ip));
      }
      const email = randomEmail();
      expect(await statuses(3, () => login(app, email, 'wrong password'))).toEqual([400, 400, 400]);
      expectTooMany(await login(app, email, 'wrong password'));
    } finally {
      await app.close();
    }
  });
});
