// The timing tests' statistics against published values (SciPy 1.17, the signed-rank and KS tables), and the
// property the enumeration test relies on: on a noisy, drifting machine a real 30 % difference between paired
// samples is detected at α = 0.001, and no difference is flagged about once in a thousand runs, not more.
import { describe, expect, it } from 'vitest';
import { erfc, ksCriticalValue, ksStatistic, median, normalCdf, signedRankTest } from './statistics.js';

/** Exact null distribution of W+ for n untied ranks: P(W+ = w), from the counts of subsets of 1…n summing to w. */
function exactSignedRank(n: number): number[] {
  let probabilities = [1];
  for (let k = 1; k <= n; k += 1) {
    const next = new Array<number>(probabilities.length + k).fill(0);
    probabilities.forEach((p, w) => {
      next[w]! += p / 2; // rank k negative
      next[w + k]! += p / 2; // rank k positive
    });
    probabilities = next;
  }
  return probabilities;
}

/** P(W+ ≤ w) under the null, exactly. */
function exactLowerTail(n: number, w: number): number {
  return exactSignedRank(n)
    .slice(0, w + 1)
    .reduce((sum, p) => sum + p, 0);
}

/** Deterministic pseudo-random numbers (mulberry32), so that the simulations below are the same on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * Paired login times on a busy machine: each round runs under its own load (a factor of up to about ×3 either
 * way), each login has its own jitter, and one in ten is hit by a 0–30 ms preemption. `shift` slows the second
 * group by that fraction.
 */
function busyMachineRounds(seed: number, rounds: number, shift: number): { a: number[]; b: number[] } {
  const next = random(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  const login = (load: number, factor: number) =>
    25 * load * factor * Math.exp(0.1 * normal()) + (next() < 0.1 ? 30 * next() : 0);
  const a: number[] = [];
  const b: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const load = Math.exp(0.6 * normal());
    a.push(login(load, 1));
    b.push(login(load, 1 + shift));
  }
  return { a, b };
}

const ALPHA = 0.001;
const ROUNDS = 72; // as in test/security/enumeration.test.ts

describe('median', () => {
  it('is the middle value, or the mean of the two middle values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow();
  });
});

describe('normal distribution', () => {
  it('matches the tables to 6 decimals', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.158655254, 6);
    expect(normalCdf(0.5)).toBeCloseTo(0.691462461, 6);
    expect(erfc(1)).toBeCloseTo(0.157299207, 6);
  });

  it('keeps its relative precision in the far tail, where α = 0.001 is decided', () => {
    expect(normalCdf(-3.290526731491926) / 0.0005).toBeCloseTo(1, 5);
    expect(normalCdf(-5) / 2.866515718791939e-7).toBeCloseTo(1, 5);
  });
});

describe('Kolmogorov–Smirnov', () => {
  it('is 0 for the same sample, 1 for samples that do not overlap', () => {
    expect(ksStatistic([1, 2, 3], [3, 1, 2])).toBe(0);
    expect(ksStatistic([1, 2, 3], [4, 5, 6])).toBe(1);
  });

  it('matches scipy.stats.ks_2samp', () => {
    const a = [0.61, 0.29, 0.06, 0.59, -1.73, -0.74, 0.51, -0.56, 0.39, 1.64, 0.05, -0.06, 0.64, -0.82, 0.37, 1.77, 1.09,
      -1.28, 2.36, 1.31, 1.05, -0.32, -0.4, 1.06, -2.47];
    const b = [2.2, 1.66, 1.38, 0.2, 0.36, 0, 0.96, 1.56, 0.44, 1.5, -0.3, 0.66, 2.31, 3.29, -0.27, -0.37, 0.38, 0.7, 0.52,
      -1.03, -0.15, 0.76, 1.2, 0.05, -0.47, 1.25];
    expect(ksStatistic(a, b)).toBeCloseTo(0.22, 10);
  });

  it('has the tabulated critical coefficients c(α)', () => {
    // n = m = 2 makes √((n + m)/(n·m)) = 1, leaving c(α).
    expect(ksCriticalValue(2, 2, 0.05)).toBeCloseTo(1.358, 3);
    expect(ksCriticalValue(2, 2, 0.01)).toBeCloseTo(1.628, 3);
    expect(ksCriticalValue(2, 2, 0.001)).toBeCloseTo(1.949, 3);
    expect(ksCriticalValue(70, 70, 0.001)).toBeCloseTo(1.949 * Math.sqrt(2 / 70), 3);
  });
});

describe('Wilcoxon signed-rank test', () => {
  it('matches SciPy on the textbook example (one zero difference dropped, one tie)', () => {
    // Wikipedia's example: 10 pairs; scipy.stats.wilcoxon(d, method='asymptotic', correction=True) → p 0.63529
    const result = signedRankTest([15, -7, 5, 20, 0, -9, 17, -12, 5, -10]);
    expect(result.n).toBe(9);
    expect(result.wPlus).toBe(27);
    expect(result.p).toBeCloseTo(0.6352893188352069, 6);
  });

  it('matches SciPy on 72 differences with ties and a zero', () => {
    const d = [0.11, -2.22, -0.24, 0.25, 0.41, -1.23, -0.18, -0.68, -0.51, 1.36, -0.51, 0.27, 1.18, -0.28, 0.19, 0.41,
      0.36, -0.93, 0.38, 1.66, -1.25, 1.16, 0.42, -0.34, 2.3, 1.06, -0.9, 0.37, 0.88, 0.11, 0.98, 0.23, 0.97, 1.74, -0.38,
      0.5, -0.16, 0.43, -0.89, -0.28, 0.1, 1.2, 1.45, -1.02, -0.49, 0.95, -1.69, -0.16, 0.2, 1.56, 0.99, -0.03, -0.07, 0.05,
      1.82, -0.13, -0, 0.65, 0.18, 0.1, -0.81, 0.29, -0.14, 1.47, 0.95, 0.28, 0.97, -0.04, 1.35, 0.29, 0.88, -0.99];
    const result = signedRankTest(d);
    expect(result.n).toBe(71);
    expect(result.wPlus).toBe(1687.5); // SciPy's statistic is the smaller sum, 868.5 = 71·72/2 − 1687.5
    expect(result.z).toBeGreaterThan(0);
    expect(result.p).toBeCloseTo(0.01909967584783774, 6);
  });

  it('is symmetric: swapping the groups flips z, not p', () => {
    const d = [3, -1, 4, 1, -5, 9, 2, 6, -5, 3, 5];
    const swapped = signedRankTest(d.map((x) => -x));
    expect(swapped.z).toBeCloseTo(-signedRankTest(d).z, 12);
    expect(swapped.p).toBeCloseTo(signedRankTest(d).p, 12);
  });

  it('the exact distribution used below reproduces the published critical values', () => {
    // Two-sided critical values of min(W+, W−): the largest w with P(W+ ≤ w) ≤ α/2.
    for (const [n, alpha, critical] of [[10, 0.05, 8], [20, 0.05, 52], [30, 0.05, 137], [10, 0.01, 3], [20, 0.01, 37], [30, 0.01, 109]]) {
      expect(exactLowerTail(n!, critical!)).toBeLessThanOrEqual(alpha! / 2);
      expect(exactLowerTail(n!, critical! + 1)).toBeGreaterThan(alpha! / 2);
    }
  });

  it(`the normal approximation errs on the safe side at n = ${ROUNDS}, by at most a third around α = ${ALPHA}`, () => {
    // The signed-rank distribution has lighter tails than the normal: the approximate p is a little too large, so a
    // test that asks for p < α raises false alarms less often than α, never more.
    const exact = exactSignedRank(ROUNDS);
    let tail = 0;
    for (let w = 0; 2 * tail < 10 * ALPHA; w += 1) {
      tail += exact[w]!;
      if (2 * tail < ALPHA / 2) continue;
      const ratio = signedRankTest(differencesWithWPlus(ROUNDS, w)).p / (2 * tail);
      expect(ratio, `W+ = ${w}`).toBeGreaterThanOrEqual(1);
      expect(ratio, `W+ = ${w}`).toBeLessThan(4 / 3);
    }
  });

  it(`detects a real 30 % difference between paired samples on a busy machine at α = ${ALPHA}`, () => {
    for (let seed = 1; seed <= 50; seed += 1) {
      const { a, b } = busyMachineRounds(seed, ROUNDS, 0.3);
      const result = signedRankTest(b.map((ms, round) => Math.log(ms / a[round]!)));
      expect(result.p, `seed ${seed}`).toBeLessThan(ALPHA);
      expect(result.z).toBeGreaterThan(0);
    }
  });

  it(`on the same busy machine, equal groups are flagged about as often as α = ${ALPHA} says`, () => {
    let falseAlarms = 0;
    for (let seed = 1; seed <= 2000; seed += 1) {
      const { a, b } = busyMachineRounds(seed, ROUNDS, 0);
      if (signedRankTest(b.map((ms, round) => Math.log(ms / a[round]!))).p < ALPHA) falseAlarms += 1;
    }
    expect(falseAlarms).toBeLessThanOrEqual(8); // 2 expected; 9 or more would come by chance less than once in 4000 runs
  });
});

/** n distinct magnitudes 1…n whose positive ranks sum to exactly w (0 ≤ w ≤ n(n+1)/2): greedy from the top. */
function differencesWithWPlus(n: number, w: number): number[] {
  const signs = new Array<number>(n).fill(-1);
  let left = w;
  for (let rank = n; rank >= 1 && left > 0; rank -= 1) {
    if (rank <= left) {
      signs[rank - 1] = 1;
      left -= rank;
    }
  }
  return signs.map((sign, i) => sign * (i + 1));
}
