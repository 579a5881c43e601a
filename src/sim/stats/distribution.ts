/**
 * A compact latency distribution: the seed tool's percentiles (sorted[int(q n)])
 * at a fixed grid of cumulative fractions, finer in the tail (every 1 % up to
 * 90 %, every 0.5 % up to 99 %, every 0.1 % to 100 %): 119 numbers describe a
 * run's CDF well enough to draw it, and the values at 0.5, 0.95 and 0.99 are
 * exactly the run's P50, P95 and P99. Replications combine by averaging the
 * quantiles at each fraction, the way their P95s are averaged.
 */
import { seedPercentile, sortedCopy } from './percentile.js';

export interface CompactDistribution {
  /** Samples described. */
  count: number;
  /** Cumulative fractions, ascending from 0 to 1. */
  p: number[];
  /** The seed-rule percentile at each fraction, in the samples' unit (ms). */
  values: number[];
}

const round4 = (x: number) => Math.round(x * 10000) / 10000;

/** The fractions every compact distribution uses. */
export const DISTRIBUTION_GRID: readonly number[] = Object.freeze([
  ...Array.from({ length: 91 }, (_, i) => round4(i / 100)),
  ...Array.from({ length: 18 }, (_, i) => round4((181 + i) / 200)),
  ...Array.from({ length: 10 }, (_, i) => round4((991 + i) / 1000)),
]);

/** The compact distribution of a sample; null when it is empty. */
export function compactDistribution(samples: ArrayLike<number>): CompactDistribution | null {
  if (samples.length === 0) return null;
  const sorted = sortedCopy(samples);
  return { count: sorted.length, p: [...DISTRIBUTION_GRID], values: DISTRIBUTION_GRID.map((q) => seedPercentile(sorted, q)) };
}

/**
 * The average of distributions on the grid (quantile averaging), fed one at a time: running sums per
 * fraction, so the distributions themselves need not be kept. `count` is the mean over all of them (an
 * absent one counts 0); null when none is present.
 */
export class DistributionAverage {
  private total = 0;
  private present = 0;
  private counts = 0;
  private readonly sums = DISTRIBUTION_GRID.map(() => 0);

  add(distribution: CompactDistribution | null): void {
    this.total++;
    if (distribution === null) return;
    this.present++;
    this.counts += distribution.count;
    for (let i = 0; i < this.sums.length; i++) this.sums[i] += distribution.values[i];
  }

  result(): CompactDistribution | null {
    if (this.present === 0) return null;
    return { count: this.counts / this.total, p: [...DISTRIBUTION_GRID], values: this.sums.map((sum) => sum / this.present) };
  }
}

/** Averages distributions on the grid (quantile averaging); `count` is the mean over all of them (an absent one counts 0). Null when none is present. */
export function averageDistributions(distributions: ReadonlyArray<CompactDistribution | null>): CompactDistribution | null {
  const average = new DistributionAverage();
  for (const d of distributions) average.add(d);
  return average.result();
}
