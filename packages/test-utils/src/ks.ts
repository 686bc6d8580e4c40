/**
 * One-sample Kolmogorov-Smirnov statistic `D = sup_x |F_n(x) - F(x)|` of `samples` against the
 * continuous CDF `cdf`.
 */
export function ksStatistic(samples: ArrayLike<number>, cdf: (x: number) => number): number {
  const sorted = Float64Array.from(samples).sort();
  const n = sorted.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(sorted[i]!);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  return d;
}

/**
 * Asymptotic p-value of the KS statistic (Kolmogorov distribution with the Stephens correction
 * `sqrt(n) + 0.12 + 0.11/sqrt(n)`; Stephens 1970), accurate for n >= 35.
 */
export function ksPValue(d: number, n: number): number {
  const sn = Math.sqrt(n);
  const lambda = (sn + 0.12 + 0.11 / sn) * d;
  if (lambda < 1e-3) return 1;
  let sum = 0;
  for (let j = 1; j <= 200; j++) {
    const term = 2 * (-1) ** (j - 1) * Math.exp(-2 * j * j * lambda * lambda);
    sum += term;
    if (Math.abs(term) < 1e-16) break;
  }
  return Math.min(1, Math.max(0, sum));
}

/** KS test: statistic, p-value and sample size. */
export function ksTest(
  samples: ArrayLike<number>,
  cdf: (x: number) => number,
): { statistic: number; pValue: number; n: number } {
  const statistic = ksStatistic(samples, cdf);
  return { statistic, pValue: ksPValue(statistic, samples.length), n: samples.length };
}
