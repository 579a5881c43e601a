import seedrandom from 'seedrandom';

/** A uniform random source on [0, 1). */
export type Uniform = () => number;

/**
 * Independent named random streams derived from one master seed. Each model
 * component draws from its own stream ("arrivals", "service", "routing", ...),
 * so changing how one component uses randomness does not shift the others and
 * two configurations run under the same seed see the same arrivals (common
 * random numbers). Streams use seedrandom's Alea generator.
 */
export class RngStreams {
  readonly seed: number;

  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
    this.seed = seed;
  }

  /** The stream called `name` (a fresh generator each call, positioned at its start). */
  stream(name: string): Uniform {
    const alea = seedrandom.alea(`capsim:${this.seed}:${name}`);
    return () => alea();
  }

  /** Streams for replication `index`: independent of every other replication. */
  replication(index: number): RngStreams {
    return new RngStreams(deriveSeed(this.seed, index));
  }
}

/** Mixes a seed and an index into a new 31-bit seed (splitmix-style), deterministically. */
export function deriveSeed(seed: number, index: number): number {
  let x = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d) >>> 0;
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b) >>> 0;
  x = (x ^ (x >>> 16)) >>> 0;
  return x & 0x7fffffff;
}
