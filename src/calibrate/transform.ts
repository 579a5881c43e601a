/**
 * Bounds for a derivative-free fit: Nelder-Mead works on unconstrained
 * numbers, so each fitted parameter is searched in a transformed space
 * where every real number maps to a value inside its bounds.
 *
 * - `log` (positive scale parameters: ms, MB, ms per file, ...; the schema's
 *   default `scale`): the value moves on a log scale between lo and hi,
 *       value = exp(ln lo + (ln hi - ln lo) * sigmoid(z)).
 *   Default bounds: the starting value divided / multiplied by 20
 *   (LOG_SPAN), clipped to the parameter's own bounds; `--bounds NAME=LO:HI`
 *   sets them, inside the same bounds.
 * - `linear` (`"scale": "linear"` in the schema: fractions in [0, 1] such
 *   as storage.attrCacheMissRate, coefficients of variation in [0, 5]): a
 *   logit,
 *       value = lo + (hi - lo) * sigmoid(z),
 *   default bounds = the schema's [min, max].
 *
 * sigmoid(z) = 1 / (1 + e^-z). The starting value is kept at least 1 % of
 * the (transformed) range away from either bound, so the search can move
 * both ways. Whole-number parameters (alb.nodes, gunicorn.backlog, ...) are
 * not fitted: set them with --set.
 */
import { UserError } from '../errors.js';
import { type ParameterName, parameterRule } from '../model/parameters.js';

/** Default search range of a log-scale parameter: start / LOG_SPAN .. start * LOG_SPAN. */
export const LOG_SPAN = 20;
/** The start is kept this far (fraction of the transformed range) from each bound. */
const EDGE = 0.01;

export interface Bounds {
  lo: number;
  hi: number;
}

export interface ParameterTransform {
  name: ParameterName;
  kind: 'log' | 'linear';
  lo: number;
  hi: number;
  /** The starting value as the search sees it (nudged off a bound if it sat on one). */
  start: number;
  /** Internal (unbounded) coordinate of a value inside (lo, hi). */
  toInternal(value: number): number;
  /** Value inside [lo, hi] of an internal coordinate. */
  fromInternal(z: number): number;
}

const decimal = (x: number): number => Number(x.toPrecision(12));
const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
const logit = (p: number): number => Math.log(p / (1 - p));

/** Builds the transform of one fitted parameter from its starting value and optional bounds. */
export function parameterTransform(name: ParameterName, start: number, bounds?: Bounds): ParameterTransform {
  const rule = parameterRule(name);
  if (rule.integer) throw new UserError(`--fit ${name}: a whole-number parameter cannot be fitted; set it with --set ${name}=VALUE`);
  const kind = rule.scale;
  let lo: number;
  let hi: number;
  if (bounds) {
    ({ lo, hi } = bounds);
    if (!(lo < hi)) throw new UserError(`--bounds ${name}: LO must be below HI (got ${lo}:${hi})`);
    if (lo < rule.min || hi > rule.max) {
      throw new UserError(`--bounds ${name}: must lie within the parameter's bounds [${rule.min}, ${rule.max}] (got ${lo}:${hi})`);
    }
    if (kind === 'log' && !(lo > 0)) throw new UserError(`--bounds ${name}: LO must be > 0 for a log-scale parameter (got ${lo})`);
    if (!(start >= lo && start <= hi)) throw new UserError(`--fit ${name}: the starting value ${start} is outside --bounds ${lo}:${hi} (change it with --set ${name}=VALUE)`);
  } else if (kind === 'log') {
    if (!(start > 0)) {
      throw new UserError(`--fit ${name}: starts at ${start}; a log-scale fit needs a positive start (give one with --set ${name}=VALUE) or --bounds ${name}=LO:HI`);
    }
    // Rounded to 12 significant digits: 0.0014 x 20 is 0.028, not 0.028000000000000004, in the report and the file.
    lo = Math.max(rule.min, decimal(start / LOG_SPAN));
    hi = Math.min(rule.max, decimal(start * LOG_SPAN));
    if (!(lo > 0)) lo = decimal(start / LOG_SPAN);
  } else {
    lo = rule.min;
    hi = rule.max;
  }
  const forward = kind === 'log' ? Math.log : (v: number) => v;
  const backward = kind === 'log' ? Math.exp : (v: number) => v;
  const a = forward(lo);
  const b = forward(hi);
  const position = (value: number) => Math.min(1 - EDGE, Math.max(EDGE, (forward(value) - a) / (b - a)));
  const fromInternal = (z: number) => Math.min(hi, Math.max(lo, backward(a + (b - a) * sigmoid(z))));
  const toInternal = (value: number) => logit(position(value));
  return { name, kind, lo, hi, start: fromInternal(toInternal(start)), toInternal, fromInternal };
}
