import type { Uniform } from './rng.js';

/**
 * A service-time or delay distribution, pluggable by name from data files.
 * `sample` draws one value from a uniform stream; `mean` is its expectation.
 */
export interface Distribution {
  readonly kind: string;
  readonly mean: number;
  sample(u: Uniform): number;
}

export class Deterministic implements Distribution {
  readonly kind = 'deterministic';
  constructor(readonly mean: number) {}
  sample(): number {
    return this.mean;
  }
}

export class Exponential implements Distribution {
  readonly kind = 'exponential';
  constructor(readonly mean: number) {}
  sample(u: Uniform): number {
    return -this.mean * Math.log(1 - u());
  }
}

/**
 * Two-phase hyperexponential: with probability p an exponential of mean m1,
 * else one of mean m2. `balanced(mean, scv)` builds one with balanced means and
 * the given squared coefficient of variation (> 1).
 */
export class HyperExponential implements Distribution {
  readonly kind = 'hyperexponential';
  readonly mean: number;
  constructor(
    readonly p: number,
    readonly mean1: number,
    readonly mean2: number,
  ) {
    this.mean = p * mean1 + (1 - p) * mean2;
  }

  static balanced(mean: number, scv: number): HyperExponential {
    if (!(scv > 1)) throw new RangeError(`hyperexponential needs scv > 1, got ${scv}`);
    const p = 0.5 * (1 + Math.sqrt((scv - 1) / (scv + 1)));
    return new HyperExponential(p, mean / (2 * p), mean / (2 * (1 - p)));
  }

  sample(u: Uniform): number {
    const m = u() < this.p ? this.mean1 : this.mean2;
    return -m * Math.log(1 - u());
  }
}

/** Lognormal given its mean and coefficient of variation (sd / mean). */
export class LogNormal implements Distribution {
  readonly kind = 'lognormal';
  private readonly mu: number;
  private readonly sigma: number;
  constructor(
    readonly mean: number,
    readonly cv: number,
  ) {
    this.sigma = Math.sqrt(Math.log(1 + cv * cv));
    this.mu = Math.log(mean) - (this.sigma * this.sigma) / 2;
  }
  sample(u: Uniform): number {
    return Math.exp(this.mu + this.sigma * standardNormal(u));
  }
}

export class UniformRange implements Distribution {
  readonly kind = 'uniform';
  readonly mean: number;
  constructor(
    readonly low: number,
    readonly high: number,
  ) {
    this.mean = (low + high) / 2;
  }
  sample(u: Uniform): number {
    return this.low + (this.high - this.low) * u();
  }
}

/** A standard normal draw (Box-Muller, one value per two uniforms; no hidden state). */
export function standardNormal(u: Uniform): number {
  const u1 = 1 - u();
  const u2 = u();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** A distribution as written in a data file. */
export type DistributionSpec =
  | { kind: 'deterministic'; mean: number }
  | { kind: 'exponential'; mean: number }
  | { kind: 'hyperexponential'; mean: number; scv: number }
  | { kind: 'lognormal'; mean: number; cv: number }
  | { kind: 'uniform'; low: number; high: number };

/** Builds a distribution from its data-file form. */
export function distributionFrom(spec: DistributionSpec): Distribution {
  switch (spec.kind) {
    case 'deterministic':
      return new Deterministic(spec.mean);
    case 'exponential':
      return new Exponential(spec.mean);
    case 'hyperexponential':
      return HyperExponential.balanced(spec.mean, spec.scv);
    case 'lognormal':
      return new LogNormal(spec.mean, spec.cv);
    case 'uniform':
      return new UniformRange(spec.low, spec.high);
  }
}
