/**
 * Fits model parameters to observed runs: Nelder-Mead (fmin) on the loss of
 * loss.ts, each parameter searched in its bounded transformed space
 * (transform.ts), predictions with common random numbers (predict-run.ts).
 *
 * Procedure: start from the base parameters (calibration + --set); the
 * simplex starts at the start point with a step of STEP in every internal
 * coordinate (about x2.1 for a log-scale parameter with default bounds);
 * when the simplex has collapsed (f spread and size below `tolerance`) the
 * search restarts once from the best point with half the step, the usual
 * guard against a premature collapse on a rugged surface. The search stops
 * early after `maxEvaluations` fresh model evaluations (each = runs x
 * replications simulations; repeated points are answered from a cache) and
 * keeps the best point seen. Fitted values are rounded to SIGNIFICANT
 * digits and the per-run table is computed with the rounded values, so the
 * calibration file reproduces it exactly with `capsim predict`.
 */
import { UserError } from '../errors.js';
import { type ModelParameters, type ParameterName, withOverrides } from '../model/parameters.js';
import { type LossTerm, runLoss, type Weights } from './loss.js';
import type { RunMetrics } from './metrics.js';
import { nelderMead } from './nelder-mead.js';
import { predictRunMetrics, type SimulationSettings } from './predict-run.js';
import type { ObservedRun } from './run-file.js';
import { type Bounds, parameterTransform, type ParameterTransform } from './transform.js';

/** Initial simplex step in internal coordinates. */
export const STEP = 0.5;
/** Significant digits kept in fitted values. */
export const SIGNIFICANT = 5;

export interface FitProgress {
  phase: string;
  evaluation: number;
  maxEvaluations: number;
  loss: number;
  bestLoss: number;
  best: Record<string, number>;
}

export interface FitRequest {
  runs: ObservedRun[];
  /** Parameters the fit starts from; everything not fitted stays as here. */
  base: ModelParameters;
  fit: ParameterName[];
  bounds?: Partial<Record<ParameterName, Bounds>>;
  simulation: SimulationSettings;
  weights: Weights;
  maxEvaluations: number;
  /** Nelder-Mead stop: f spread and simplex size (internal units) both below this. */
  tolerance?: number;
  /** Name of this fit in progress reports (e.g. "fit", "leave out run3"). */
  phase?: string;
  onProgress?: (progress: FitProgress) => void;
}

export interface RunFit {
  label: string;
  loss: number;
  observed: RunMetrics;
  predicted: RunMetrics;
  terms: LossTerm[];
}

export interface FitResult {
  /** Fitted values (rounded). */
  values: Record<string, number>;
  /** Starting values. */
  start: Record<string, number>;
  /** Search space of each fitted parameter. */
  space: Record<string, { kind: 'log' | 'linear'; lo: number; hi: number }>;
  /** Base parameters with the fitted values. */
  params: ModelParameters;
  loss: number;
  startLoss: number;
  evaluations: number;
  stopReason: 'converged' | 'max-evaluations';
  runs: RunFit[];
}

class BudgetSpent extends Error {}

/** Rounds to `digits` significant digits. */
export function roundSignificant(value: number, digits = SIGNIFICANT): number {
  if (value === 0 || !Number.isFinite(value)) return value;
  return Number(value.toPrecision(digits));
}

/** Loss of every run under `params`, with the per-run tables. */
export function evaluateRuns(runs: ObservedRun[], params: ModelParameters, simulation: SimulationSettings, weights: Weights): { loss: number; runs: RunFit[] } {
  const fits = runs.map((run) => {
    const predicted = predictRunMetrics(run, params, simulation);
    const { loss, terms } = runLoss(run.observed, predicted, weights);
    return { label: run.label, loss, observed: run.observed, predicted, terms };
  });
  return { loss: fits.reduce((sum, f) => sum + f.loss, 0), runs: fits };
}

/** Fits `request.fit` to `request.runs`. */
export function fitParameters(request: FitRequest): FitResult {
  if (request.fit.length === 0) throw new UserError('--fit needs at least one parameter name');
  if (request.runs.length === 0) throw new UserError('give at least one --run FILE');
  const transforms: ParameterTransform[] = request.fit.map((name) => parameterTransform(name, request.base[name], request.bounds?.[name]));
  const z0 = transforms.map((t) => t.toInternal(t.start));
  const phase = request.phase ?? 'fit';
  const valuesAt = (u: readonly number[]): Record<string, number> => Object.fromEntries(transforms.map((t, i) => [t.name, t.fromInternal(z0[i] + u[i])]));
  const paramsWith = (values: Record<string, number>) => withOverrides(request.base, values, 'calibrate');

  const cache = new Map<string, number>();
  let evaluations = 0;
  let best = { loss: Infinity, u: z0.map(() => 0) };
  let startLoss = NaN;
  const objective = (u: number[]): number => {
    const values = valuesAt(u);
    const key = transforms.map((t) => values[t.name]).join(',');
    const cached = cache.get(key);
    if (cached !== undefined) return cached;
    if (evaluations >= request.maxEvaluations) throw new BudgetSpent();
    evaluations++;
    const { loss } = evaluateRuns(request.runs, paramsWith(values), request.simulation, request.weights);
    cache.set(key, loss);
    if (evaluations === 1) startLoss = loss;
    if (loss < best.loss) best = { loss, u: u.slice() };
    request.onProgress?.({ phase, evaluation: evaluations, maxEvaluations: request.maxEvaluations, loss, bestLoss: best.loss, best: valuesAt(best.u) });
    return loss;
  };

  const tolerance = request.tolerance ?? 1e-4;
  // Nelder-Mead sees the loss relative to the start's, so the tolerance is relative too.
  const relative = (u: number[]) => {
    const loss = objective(u);
    return startLoss > 0 ? loss / startLoss : loss;
  };
  let stopReason: FitResult['stopReason'] = 'converged';
  try {
    nelderMead(relative, z0.map(() => 0), { zeroDelta: STEP, minErrorDelta: tolerance, maxIterations: 100_000 });
    const restartFrom = best.u.slice();
    nelderMead(
      (d) => relative(d.map((v, i) => v + restartFrom[i])),
      z0.map(() => 0),
      { zeroDelta: STEP / 2, minErrorDelta: tolerance, maxIterations: 100_000 },
    );
  } catch (error) {
    if (!(error instanceof BudgetSpent)) throw error;
    stopReason = 'max-evaluations';
  }

  const values = Object.fromEntries(Object.entries(valuesAt(best.u)).map(([name, v]) => [name, roundSignificant(v)]));
  const params = paramsWith(values);
  const final = evaluateRuns(request.runs, params, request.simulation, request.weights);
  return {
    values,
    start: Object.fromEntries(request.fit.map((name) => [name, request.base[name]])),
    space: Object.fromEntries(transforms.map((t) => [t.name, { kind: t.kind, lo: t.lo, hi: t.hi }])),
    params,
    loss: final.loss,
    startLoss,
    evaluations,
    stopReason,
    runs: final.runs,
  };
}
