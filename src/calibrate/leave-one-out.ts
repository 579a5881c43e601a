/**
 * Leave-one-out prediction error: with three or more runs, each run in turn
 * is left out, the parameters are refitted on the others (same start, bounds,
 * weights, budget and common random numbers as the full fit), and the left-out
 * run is predicted with the refitted values. The relative errors
 * (predicted - observed) / observed of its metrics say how well a calibration
 * predicts a run it has not seen, which the in-sample loss cannot.
 */
import { UserError } from '../errors.js';
import { evaluateRuns, fitParameters, type FitProgress, type FitRequest } from './fit.js';
import type { LossTerm } from './loss.js';

export const LEAVE_ONE_OUT_MIN_RUNS = 3;

export interface LeftOutRun {
  label: string;
  /** Parameter values fitted without this run. */
  values: Record<string, number>;
  evaluations: number;
  /** Loss of the left-out run under those values. */
  loss: number;
  terms: LossTerm[];
}

export interface LeaveOneOut {
  runs: LeftOutRun[];
  /** Mean over left-out runs of |relative error|, per metric. */
  meanAbsRelativeError: Record<string, number>;
}

/** Refits without each run in turn and predicts it. */
export function leaveOneOut(request: FitRequest, onProgress?: (progress: FitProgress) => void): LeaveOneOut {
  if (request.runs.length < LEAVE_ONE_OUT_MIN_RUNS) throw new UserError(`leave-one-out needs at least ${LEAVE_ONE_OUT_MIN_RUNS} runs (got ${request.runs.length})`);
  const runs = request.runs.map((held, i) => {
    const others = request.runs.filter((_, j) => j !== i);
    const fit = fitParameters({ ...request, runs: others, phase: `leave out ${held.label}`, onProgress });
    const predicted = evaluateRuns([held], fit.params, request.simulation, request.weights).runs[0];
    return { label: held.label, values: fit.values, evaluations: fit.evaluations, loss: predicted.loss, terms: predicted.terms };
  });
  const sums = new Map<string, { total: number; n: number }>();
  for (const run of runs) {
    for (const term of run.terms) {
      if (term.relativeError === null) continue;
      const entry = sums.get(term.metric) ?? { total: 0, n: 0 };
      entry.total += Math.abs(term.relativeError);
      entry.n += 1;
      sums.set(term.metric, entry);
    }
  }
  const meanAbsRelativeError = Object.fromEntries([...sums].map(([metric, { total, n }]) => [metric, total / n]));
  return { runs, meanAbsRelativeError };
}
