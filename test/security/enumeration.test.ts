// Login timing must not tell whether an address is registered: an unknown e-mail runs a dummy Argon2id verify with
// the real (OWASP) parameters. 210 logins, interleaved so drift in machine load hits every group alike.
import { performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/app.js';
import { createUser, login } from '../helpers/auth.js';

const ROUNDS = 70; // × 3 groups = 210 logins
const OWASP = { ARGON2_MEMORY_KIB: '19456', ARGON2_ITERATIONS: '2', ARGON2_PARALLELISM: '1' };

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp(OWASP);
});
afterAll(async () => {
  await app.close();
});

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  return sorted.length % 2 ? sorted[Math.floor(middle)]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Kolmogorov–Smirnov statistic: the largest gap between the two empirical distributions (0 = identical). */
function ksStatistic(a: number[], b: number[]): number {
  const xs = [...a, ...b].sort((x, y) => x - y);
  const cdf = (sample: number[], x: number) => sample.filter((v) => v <= x).length / sample.length;
  return Math.max(...xs.map((x) => Math.abs(cdf(a, x) - cdf(b, x))));
}

describe('login timing', () => {
  it('is the same for unknown e-mails, wrong passwords and inactive accounts', { timeout: 120_000 }, async () => {
    const known = await createUser(app);
    const inactive = await createUser(app, { is_active: false });
    const groups = {
      unknown: () => login(app, `nobody-${Math.random()}@example.com`, 'wrong password here'),
      wrongPassword: () => login(app, known.email, 'wrong password here'),
      inactiveWrongPassword: () => login(app, inactive.email, 'wrong password here'),
    };
    const times: Record<keyof typeof groups, number[]> = { unknown: [], wrongPassword: [], inactiveWrongPassword: [] };
    for (const name of Object.keys(groups) as (keyof typeof groups)[]) await groups[name](); // warm-up
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const name of Object.keys(groups) as (keyof typeof groups)[]) {
        const start = performance.now();
        const response = await groups[name]();
        times[name].push(performance.now() - start);
        expect(response.statusCode).toBe(400);
        expect(response.json()).toEqual({ detail: 'Incorrect email or password' });
      }
    }
    const medians = Object.fromEntries(Object.entries(times).map(([name, values]) => [name, median(values)]));
    const ks = ksStatistic(times.unknown, times.wrongPassword);
    // Each round's three logins ran back to back under the same machine load: comparing within rounds keeps a
    // busy neighbour (other test files run in parallel) from passing for a difference between the groups.
    const pairedRatio = (name: keyof typeof groups) => median(times[name].map((ms, round) => ms / times.wrongPassword[round]!));
    const ratios = { unknown: pairedRatio('unknown'), inactiveWrongPassword: pairedRatio('inactiveWrongPassword') };
    console.log(
      `login medians (ms): ${JSON.stringify(medians)}; paired ratios to a wrong password: ${JSON.stringify(ratios)}; ` +
        `KS(unknown, wrong password) = ${ks.toFixed(3)}`,
    );
    for (const ratio of Object.values(ratios)) expect(Math.abs(ratio - 1)).toBeLessThan(0.1);
    // Two-sample KS test at α = 0.001: the samples are not distinguishable (a 1-in-1000 false alarm).
    expect(ks).toBeLessThan(1.95 * Math.sqrt(2 / ROUNDS));
  });
});
