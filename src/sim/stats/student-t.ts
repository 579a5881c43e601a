import tQuantile from '@stdlib/stats-base-dists-t-quantile';

/**
 * Quantiles of Student's t distribution, for confidence intervals over a
 * handful of replications (stdlib's inverse of the regularized incomplete
 * beta function, accurate to a few ulps).
 */
export function studentTQuantile(p: number, degreesOfFreedom: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`p must be in (0, 1), got ${p}`);
  if (!(degreesOfFreedom > 0)) throw new RangeError(`degrees of freedom must be > 0, got ${degreesOfFreedom}`);
  return tQuantile(p, degreesOfFreedom);
}
