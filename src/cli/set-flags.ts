import { UserError } from '../errors.js';
import { type ModelParameters, withOverrides } from '../model/parameters.js';

/** Applies `--set NAME=VALUE` overrides (checked like a calibration file's, every problem at once). */
export function applySetFlags(params: ModelParameters, sets: string[]): ModelParameters {
  const overrides: Record<string, number> = {};
  for (const entry of sets) {
    const match = /^([\w.]+)=(.+)$/.exec(entry.trim());
    if (!match) throw new UserError(`--set expects NAME=VALUE, got "${entry}"`);
    const value = Number(match[2]);
    if (!Number.isFinite(value)) throw new UserError(`--set ${match[1]}: value must be a number, got "${match[2]}"`);
    overrides[match[1]] = value;
  }
  return withOverrides(params, overrides, '--set');
}
