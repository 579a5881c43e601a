import { mean, std } from 'mathjs';
import { studentTQuantile } from './student-t.js';

/** Mean of independent replications with a Student-t confidence interval. */
export interface Interval {
  mean: number;
  ciLow: number;
  ciHigh: number;
  /** Number of replications that had a value (NaN values are left out). */
  n: number;
}

/**
 * Mean and two-sided confidence interval (default 95 %) over replications.
 * With one replication the interval collapses to the value; NaN samples
 * (e.g. a percentile of zero successful operations) are ignored.
 */
export function confidenceInterval(values: number[], confidence = 0.95): Interval {
  const finite = values.filter((v) => Number.isFinite(v));
  const n = finite.length;
  if (n === 0) return { mean: NaN, ciLow: NaN, ciHigh: NaN, n: 0 };
  const m = Number(mean(finite));
  if (n === 1) return { mean: m, ciLow: m, ciHigh: m, n };
  const sd = Number(std(finite, 'unbiased'));
  const half = studentTQuantile(0.5 + confidence / 2, n - 1) * (sd / Math.sqrt(n));
  return { mean: m, ciLow: m - half, ciHigh: m + half, n };
}

/** 95 % interval of a quantity that cannot be negative (rates, counts, latencies, times): the low end stops at 0. */
export function nonNegativeInterval(values: number[]): Interval {
  const interval = confidenceInterval(values, 0.95);
  return interval.ciLow < 0 ? { ...interval, ciLow: 0 } : interval;
}
