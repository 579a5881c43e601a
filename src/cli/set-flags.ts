import { UserError } from '../errors.js';
import { type ModelParameters, withOverrides } from '../model/parameters.js';

/** The number of a NAME=VALUE entry, or one line naming the flag and the name. */
export function finiteNumber(flag: string, name: string, raw: string): number {
  const value = Number(raw.trim());
  if (raw.trim() === '' || !Number.isFinite(value)) throw new UserError(`${flag} ${name}: value must be a number, got "${raw}"`);
  return value;
}

/**
 * `NAME=VALUE` entries (--set, --weight) -> { NAME: VALUE }. A name given twice is an error naming both
 * values: keeping the last one silently would hide a typo in a long command line.
 */
export function parseAssignments(flag: string, entries: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  const raw: Record<string, string> = {};
  for (const entry of entries) {
    const match = /^([\w.]+)=(.*)$/.exec(entry.trim());
    if (!match) throw new UserError(`${flag} expects NAME=VALUE, got "${entry}"`);
    const [, name, value] = match;
    if (name in out) throw new UserError(`${flag} names ${name} twice (${name}=${raw[name]} and ${name}=${value}): give each once`);
    out[name] = finiteNumber(flag, name, value);
    raw[name] = value;
  }
  return out;
}

/** Applies `--set NAME=VALUE` overrides (checked like a calibration file's, every problem at once). */
export function applySetFlags(params: ModelParameters, sets: string[]): ModelParameters {
  return withOverrides(params, parseAssignments('--set', sets), '--set');
}
