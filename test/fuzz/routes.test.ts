// Property-based fuzzing of every route: random JSON, mutated valid bodies, wrong content types, huge and deeply
// nested values, NUL bytes, lone surrogates and invalid UTF-8, hostile query strings and path segments. Whatever is
// sent: no 5xx, no hash or stack trace in a body, `{ detail }` errors, no database write by a refused request.
// FUZZ_RUNS cases in all (300 by default, split over the routes); FUZZ_SEED replays a reported seed.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { caseArb } from './cases.js';
import { Fuzzer } from './harness.js';
import { ROUTES, routeName } from './route-table.js';

const TOTAL_RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const RUNS_PER_ROUTE = Math.max(1, Math.ceil(TOTAL_RUNS / ROUTES.length));

let fuzzer: Fuzzer;
let failures = 0;

beforeAll(async () => {
  fuzzer = await Fuzzer.start();
});

afterAll(async () => {
  const statuses = [...fuzzer.statuses].sort(([a], [b]) => a - b).map(([status, count]) => `${status}×${count}`);
  console.log(`fuzz: ${fuzzer.requests} requests, ${failures} failures (answers: ${statuses.join(' ')})`);
  await fuzzer.app.close();
});

describe('fuzzing every route', () => {
  for (const route of ROUTES) {
    it(
      routeName(route),
      async () => {
        try {
          await fc.assert(
            fc.asyncProperty(caseArb(route), (fuzzCase) => fuzzer.send(fuzzCase)),
            { numRuns: RUNS_PER_ROUTE, ...(SEED !== undefined && { seed: SEED }) },
          );
        } catch (error) {
          failures += 1;
          throw error;
        }
      },
      600_000,
    );
  }
});
