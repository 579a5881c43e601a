import { Flags } from '@oclif/core';
import { UserError } from '../errors.js';

/** Parses a whole number within [min, max], or throws one clear line naming the flag. */
export function parseWholeNumber(flag: string, raw: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const text = raw.trim();
  if (!/^[-+]?\d+$/.test(text)) throw new UserError(`--${flag} must be a whole number, got "${raw}"`);
  const value = Number(text);
  if (value < min || value > max) {
    throw new UserError(`--${flag} must be ${max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `between ${min} and ${max}`}, got ${value}`);
  }
  return value;
}

/** Parses a finite decimal number within [min, max]. */
export function parseDecimal(flag: string, raw: string, min = -Infinity, max = Infinity): number {
  const text = raw.trim();
  const value = Number(text);
  if (text === '' || !Number.isFinite(value)) throw new UserError(`--${flag} must be a number, got "${raw}"`);
  if (value < min || value > max) throw new UserError(`--${flag} must be between ${min} and ${max}, got ${value}`);
  return value;
}

export const DEFAULT_SEED = 1;

/** Flags shared by every command that simulates. */
export const seedFlag = Flags.custom<number>({
  description: 'master random seed (same seed and inputs give byte-identical output)',
  default: DEFAULT_SEED,
  parse: async (raw) => parseWholeNumber('seed', raw, 0, 2 ** 31 - 1),
});

export const replicationsFlag = (defaultCount: number, confidencePercent = 95) =>
  Flags.custom<number>({
    description: `independent replications (results are means with ${confidencePercent} % intervals over them)`,
    default: defaultCount,
    parse: async (raw) => parseWholeNumber('replications', raw, 1, 100000),
  });

export const progressFlag = Flags.boolean({ description: 'show progress on stderr even when it is not a terminal (on a terminal it always shows)', default: false });

export const jsonFlag = Flags.boolean({ description: 'print machine-readable JSON on stdout', default: false });
