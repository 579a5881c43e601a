import { Flags } from '@oclif/core';
import { UserError } from '../errors.js';

/**
 * Parses a whole number within [min, max], or throws one clear line naming the flag. The message quotes
 * what was typed: a number past 2^53 is not echoed as the double it rounds to.
 */
export function parseWholeNumber(flag: string, raw: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const text = raw.trim();
  if (!/^[-+]?\d+$/.test(text)) throw new UserError(`--${flag} must be a whole number, got "${raw}"`);
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UserError(`--${flag} must be ${max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `between ${min} and ${max}`}, got ${text}`);
  }
  return value;
}

/** Parses a finite decimal number within [min, max]. */
export function parseDecimal(flag: string, raw: string, min = -Infinity, max = Infinity): number {
  const text = raw.trim();
  const value = Number(text);
  if (text === '' || !Number.isFinite(value)) throw new UserError(`--${flag} must be a number, got "${raw}"`);
  if (value < min || value > max) {
    const range = min === -Infinity ? `at most ${max}` : max === Infinity ? `at least ${min}` : `between ${min} and ${max}`;
    throw new UserError(`--${flag} must be ${range}, got ${text}`);
  }
  return value;
}

export const DEFAULT_SEED = 1;

/** The largest seed: replication streams mix the seed as a 31-bit integer (src/sim/rng.ts). */
export const MAX_SEED = 2 ** 31 - 1;

/** Flags shared by every command that simulates. */
export const seedFlag = Flags.custom<number>({
  description: `master random seed, 0 to ${MAX_SEED} (same seed and inputs give byte-identical output)`,
  default: DEFAULT_SEED,
  parse: async (raw) => parseWholeNumber('seed', raw, 0, MAX_SEED),
});

/**
 * Most replications a command accepts: what a person can wait for. A prediction of the seed's burst takes
 * 10-50 ms a replication here, a plan multiplies it by its candidates, a theory check takes about 0.2 s.
 */
export const MAX_REPLICATIONS = 1000;

export const replicationsFlag = (defaultCount: number, confidencePercent = 95, max = MAX_REPLICATIONS) =>
  Flags.custom<number>({
    description: `independent replications, 1 to ${max} (results are means with ${confidencePercent} % intervals over them)`,
    default: defaultCount,
    parse: async (raw) => parseWholeNumber('replications', raw, 1, max),
  });

export const progressFlag = Flags.boolean({ description: 'show progress on stderr even when it is not a terminal (on a terminal it always shows)', default: false });

export const jsonFlag = Flags.boolean({ description: 'print machine-readable JSON on stdout', default: false });
