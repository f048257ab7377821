// Login timing must not tell whether an address is registered: an unknown e-mail runs a dummy Argon2id verify with
// the real (OWASP) parameters. The three groups are timed in interleaved rounds, each round's three logins back to
// back in an order that cycles through all six, so machine load (other test files run alongside) and a login's
// place in its round weigh on every group alike; the per-round ratios then go to a signed-rank test.
import { performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/app.js';
import { createUser, login } from '../helpers/auth.js';
import { ksCriticalValue, ksStatistic, median, signedRankTest } from '../helpers/statistics.js';

const GROUPS = ['unknown', 'wrongPassword', 'inactiveWrongPassword'] as const;
type Group = (typeof GROUPS)[number];
const ORDERS: Group[][] = [
  ['unknown', 'wrongPassword', 'inactiveWrongPassword'],
  ['unknown', 'inactiveWrongPassword', 'wrongPassword'],
  ['wrongPassword', 'unknown', 'inactiveWrongPassword'],
  ['wrongPassword', 'inactiveWrongPassword', 'unknown'],
  ['inactiveWrongPassword', 'unknown', 'wrongPassword'],
  ['inactiveWrongPassword', 'wrongPassword', 'unknown'],
];
const ROUNDS = 72; // 12 times each order; × 3 groups = 216 logins
// A false alarm in one run in a thousand per comparison (three of them): a difference is reported only when
// chance is a very poor explanation. A 30 % difference still gives p far below this (test/helpers/statistics.test.ts).
const ALPHA = 0.001;
// One OWASP-cost login takes about 25 ms on an idle 2-core machine and 90 ms with both cores busy elsewhere.
const LOGIN_LIMIT_MS = 500;
const OWASP = { ARGON2_MEMORY_KIB: '19456', ARGON2_ITERATIONS: '2', ARGON2_PARALLELISM: '1' };

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp(OWASP);
});
afterAll(async () => {
  await app.close();
});

describe('login timing', () => {
  const logins = (ROUNDS + 1) * GROUPS.length; // with the warm-up round
  it('is the same for unknown e-mails, wrong passwords and inactive accounts', { timeout: logins * LOGIN_LIMIT_MS }, async () => {
    const known = await createUser(app);
    const inactive = await createUser(app, { is_active: false });
    const attempt: Record<Group, () => ReturnType<typeof login>> = {
      unknown: () => login(app, `nobody-${Math.random()}@example.com`, 'wrong password here'),
      wrongPassword: () => login(app, known.email, 'wrong password here'),
      inactiveWrongPassword: () => login(app, inactive.email, 'wrong password here'),
    };
    const times: Record<Group, number[]> = { unknown: [], wrongPassword: [], inactiveWrongPassword: [] };
    for (const group of GROUPS) await attempt[group](); // warm-up
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const group of ORDERS[round % ORDERS.length]!) {
        const start = performance.now();
        const response = await attempt[group]();
        times[group].push(performance.now() - start);
        expect(response.statusCode).toBe(400);
        expect(response.json()).toEqual({ detail: 'Incorrect email or password' });
      }
    }

    // Within a round the logins ran under the same load: compare them there, not across the whole run. On the log
    // scale, as load multiplies a login's time and a leak would be a share of it (a difference of logs is a ratio).
    const paired = (group: Group) => {
      const logRatios = times[group].map((ms, round) => Math.log(ms / times.wrongPassword[round]!));
      return { ...signedRankTest(logRatios), medianRatio: Math.exp(median(logRatios)) };
    };
    const comparisons = { unknown: paired('unknown'), inactiveWrongPassword: paired('inactiveWrongPassword') };
    const ks = ksStatistic(times.unknown, times.wrongPassword);
    const ksCritical = ksCriticalValue(ROUNDS, ROUNDS, ALPHA);
    const medians = GROUPS.map((group) => `${group} ${median(times[group]).toFixed(1)}`).join(', ');
    const shown = Object.entries(comparisons).map(
      ([group, c]) => `${group}: median ratio ${c.medianRatio.toFixed(3)}, z ${c.z.toFixed(2)}, p ${c.p.toPrecision(2)}`,
    );
    console.log(
      `login medians (ms): ${medians}; paired with a wrong password (signed-rank): ${shown.join('; ')}; ` +
        `KS(unknown, wrong password) = ${ks.toFixed(3)} (critical ${ksCritical.toFixed(3)})`,
    );
    // Wilcoxon signed-rank test at α: the per-round ratios lean no more to one side than chance makes them.
    for (const [group, comparison] of Object.entries(comparisons)) {
      expect(comparison.p, `${group} vs wrong password: p`).toBeGreaterThanOrEqual(ALPHA);
    }
    // Two-sample KS test at α: nor do the two distributions differ in shape (a leak on some logins only).
    expect(ks).toBeLessThan(ksCritical);
  });
});
