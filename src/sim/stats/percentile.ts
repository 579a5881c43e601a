/**
 * Percentiles exactly as the seed's stress tool computes them: sort the
 * samples and take sorted[int(q * n)] (nearest rank, no interpolation).
 * Returns NaN for an empty sample.
 */
export function seedPercentile(sortedAscending: ArrayLike<number>, q: number): number {
  const n = sortedAscending.length;
  if (n === 0) return NaN;
  if (!(q >= 0 && q <= 1)) throw new RangeError(`percentile must be within [0, 1], got ${q}`);
  const index = Math.min(n - 1, Math.floor(q * n));
  return sortedAscending[index];
}

/** Sorts a copy of the samples ascending (numeric). */
export function sortedCopy(samples: ArrayLike<number>): Float64Array {
  const copy = Float64Array.from(samples);
  copy.sort();
  return copy;
}

/** The seed-tool percentile of unsorted samples. */
export function percentileOf(samples: ArrayLike<number>, q: number): number {
  return seedPercentile(sortedCopy(samples), q);
}
