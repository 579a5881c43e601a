/**
 * The one place that touches fmin (npm "fmin" 0.0.4, Ben Frederickson's
 * Nelder-Mead). Its package says `"type": "module"` but its main file is a
 * UMD bundle: imported from ESM it exports nothing and assigns
 * `globalThis.fmin` (or, where CommonJS globals leak in, writes somewhere
 * else), and its src/ uses extension-less imports Node cannot resolve. So we
 * read the bundle and run it once with a private `module.exports`, the UMD's
 * CommonJS branch: no global is touched.
 *
 * fmin 0.0.4 has a bug: its shrink step assigns an undeclared `i`, a
 * ReferenceError in the bundle's strict mode the first time the simplex
 * shrinks. The function the bundle runs in declares a parameter `i`, so that
 * loop counter resolves to it (nelderMead is not re-entered while it runs).
 *
 * fmin's quirks worth knowing: the initial simplex steps each coordinate of
 * x0 by `x * nonZeroDelta`, or to `zeroDelta` when it is 0 (callers here start
 * at the origin of a shifted space so `zeroDelta` is the step); it stops when
 * both the spread of f over the simplex and the simplex size are below
 * `minErrorDelta` (the same option sets both), or after `maxIterations`.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export interface NelderMeadOptions {
  maxIterations?: number;
  /** Stop when the simplex's f spread and its size are both below this. */
  minErrorDelta?: number;
  /** Initial step of a coordinate that is 0 in x0. */
  zeroDelta?: number;
  /** Initial step factor of a non-zero coordinate. */
  nonZeroDelta?: number;
}

export interface NelderMeadResult {
  x: number[];
  fx: number;
}

type NelderMead = (f: (x: number[]) => number, x0: number[], options?: NelderMeadOptions) => NelderMeadResult;

function loadFmin(): NelderMead {
  const bundlePath = createRequire(import.meta.url).resolve('fmin');
  const source = readFileSync(bundlePath, 'utf8');
  const module = { exports: {} as { nelderMead?: NelderMead } };
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  new Function('exports', 'module', 'define', 'i', source)(module.exports, module, undefined, 0);
  const found = module.exports.nelderMead;
  if (typeof found !== 'function') throw new Error(`fmin bundle ${bundlePath} did not export nelderMead`);
  return found;
}

const fminNelderMead: NelderMead = loadFmin();

/** Minimizes f from x0 with fmin's Nelder-Mead (x0 is not modified). */
export function nelderMead(f: (x: number[]) => number, x0: readonly number[], options: NelderMeadOptions = {}): NelderMeadResult {
  const result = fminNelderMead((x) => f(x.slice()), x0.slice(), options);
  return { x: result.x.slice(), fx: result.fx };
}
