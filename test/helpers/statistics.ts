// Small statistics for timing tests. A timing test on a shared machine cannot use a fixed bound on a ratio: load
// from elsewhere moves it. It measures the groups it compares in interleaved rounds and asks whether the per-round
// differences could be chance (the signed-rank test), at a small false-alarm rate α chosen up front.

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  return sorted.length % 2 ? sorted[Math.floor(middle)]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Two-sample Kolmogorov–Smirnov statistic: the largest gap between the two empirical distributions (0 = identical). */
export function ksStatistic(a: readonly number[], b: readonly number[]): number {
  const xs = [...a, ...b].sort((x, y) => x - y);
  const cdf = (sample: readonly number[], x: number) => sample.filter((v) => v <= x).length / sample.length;
  return Math.max(...xs.map((x) => Math.abs(cdf(a, x) - cdf(b, x))));
}

/**
 * The asymptotic critical value of the two-sample KS statistic at level `alpha` for samples of n and m:
 * c(α)·√((n + m)/(n·m)) with c(α) = √(−ln(α/2)/2) (1.358 at 0.05, 1.949 at 0.001).
 */
export function ksCriticalValue(n: number, m: number, alpha: number): number {
  return Math.sqrt(-Math.log(alpha / 2) / 2) * Math.sqrt((n + m) / (n * m));
}

/** The complementary error function (Numerical Recipes' erfcc: fractional error below 1.2e-7 everywhere). */
export function erfc(x: number): number {
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const poly =
    -1.26551223 +
    t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 +
    t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const value = t * Math.exp(-x * x + poly);
  return x >= 0 ? value : 2 - value;
}

/** P(Z ≤ z) for a standard normal Z. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

export interface SignedRank {
  /** Differences that were not zero: the ones ranked. */
  n: number;
  /** Sum of the ranks of the positive differences. */
  wPlus: number;
  /** Standardised W+: positive when the differences lean positive. */
  z: number;
  /** Two-sided p-value: how likely differences this lopsided are if each was as likely positive as negative. */
  p: number;
}

/**
 * Wilcoxon signed-rank test of paired differences against "symmetric about zero", two-sided, by the normal
 * approximation (good from about n = 20; timing tests use 70 and more): zero differences dropped (Wilcoxon's
 * method), tied magnitudes given their mean rank with the matching variance correction, and a continuity correction
 * of ½ (so a borderline case errs towards "no difference"). The same results as SciPy's
 * `wilcoxon(d, method='approx', correction=True)`.
 */
export function signedRankTest(differences: readonly number[]): SignedRank {
  const ranked = differences.filter((d) => d !== 0).sort((a, b) => Math.abs(a) - Math.abs(b));
  const n = ranked.length;
  if (n === 0) return { n, wPlus: 0, z: 0, p: 1 };
  let wPlus = 0;
  let ties = 0; // Σ (t³ − t) over groups of t equal magnitudes
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && Math.abs(ranked[end]!) === Math.abs(ranked[start]!)) end += 1;
    const rank = (start + 1 + end) / 2; // the mean of ranks start+1 … end
    for (let i = start; i < end; i += 1) if (ranked[i]! > 0) wPlus += rank;
    ties += (end - start) ** 3 - (end - start);
    start = end;
  }
  const mean = (n * (n + 1)) / 4;
  const sd = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - ties / 48);
  const z = Math.sign(wPlus - mean) * Math.max(0, Math.abs(wPlus - mean) - 0.5) / sd;
  return { n, wPlus, z, p: Math.min(1, 2 * normalCdf(-Math.abs(z))) };
}
