/**
 * The loss `capsim calibrate` minimizes.
 *
 *   loss = sum over runs r, metrics m of  w_m * e_rm^2
 *   e_rm = ln( (predicted + f_m) / (observed + f_m) )
 *
 * e is a log ratio with a small floor f_m: for values well above the floor
 * it is the relative error (ln(1.1) ~ 0.095: 10 % too high costs about
 * what 10 % too low costs), near zero it becomes an absolute error in units
 * of the floor, so an observed 0 % error rate does not demand an exact 0.
 *
 * | metric                 | weight | floor   |
 * |------------------------|--------|---------|
 * | errorRate              | 1      | 0.005 (half a percentage point) |
 * | p50Ms                  | 0.5    | 1 ms    |
 * | p95Ms                  | 1      | 1 ms    |
 * | p99Ms                  | 0.5    | 1 ms    |
 * | throughputOpsPerSecond | 0.5    | 0.01/s  |
 * | perOperationMeanMs     | 1 (shared: each of the n operations gets 1/n) | 1 ms |
 * | cpuUtilPeak            | 0 (off)| 0.02    |
 * | iowaitPeak             | 0 (off)| 0.02    |
 * | memAvailableMinMb      | 0.5    | 16 MB   |
 *
 * A metric enters only when the run observed it (optional metrics, a null
 * percentile when no operation succeeded, operations the model's flow also
 * has). When the model predicts nothing where something was observed (no
 * successful operation in any replication), e = MISSING_ERROR. `--weight
 * METRIC=W` changes a weight; 0 leaves the metric out.
 *
 * Why the CPU figures are off unless asked for (--weight cpuUtilPeak=0.25):
 * the model's cpuUtilPeak and iowaitPeak are the highest 1-s values of a
 * replication, while a run's diagnostics are averages over a sampling
 * window during a burst (lower by definition), and the 1-s peaks are very
 * noisy: the iowait peak of one replication varies by a factor of two
 * between seeds, the CPU peak of a lightly loaded run by +-30 %, enough to
 * drag a fit of NFS latency 10 % off on its own. memAvailableMinMb has
 * neither problem and is on.
 */
import type { MetricName, RunMetrics, ScalarMetric } from './metrics.js';
import { SCALAR_METRICS } from './metrics.js';

export const DEFAULT_WEIGHTS: Readonly<Record<MetricName, number>> = Object.freeze({
  errorRate: 1,
  p50Ms: 0.5,
  p95Ms: 1,
  p99Ms: 0.5,
  throughputOpsPerSecond: 0.5,
  perOperationMeanMs: 1,
  cpuUtilPeak: 0,
  iowaitPeak: 0,
  memAvailableMinMb: 0.5,
});

export const FLOORS: Readonly<Record<MetricName, number>> = Object.freeze({
  errorRate: 0.005,
  p50Ms: 1,
  p95Ms: 1,
  p99Ms: 1,
  throughputOpsPerSecond: 0.01,
  perOperationMeanMs: 1,
  cpuUtilPeak: 0.02,
  iowaitPeak: 0.02,
  memAvailableMinMb: 16,
});

/** Log-ratio error charged when the model has no value for an observed metric (a factor of e^3 ~ 20). */
export const MISSING_ERROR = 3;

export type Weights = Record<MetricName, number>;

/** One compared metric of one run. */
export interface LossTerm {
  /** Metric name; per-operation means are "perOperationMeanMs.<operation>". */
  metric: string;
  observed: number;
  predicted: number | null;
  /** (predicted - observed) / observed, null when observed is 0 or nothing was predicted. */
  relativeError: number | null;
  weight: number;
  /** The log-ratio error e. */
  error: number;
  /** weight * error^2. */
  term: number;
}

export interface RunLoss {
  loss: number;
  terms: LossTerm[];
}

function compare(metric: string, observed: number, predicted: number | null | undefined, weight: number, floor: number): LossTerm {
  const has = predicted !== null && predicted !== undefined && Number.isFinite(predicted);
  const error = has ? Math.log((predicted + floor) / (observed + floor)) : MISSING_ERROR;
  return {
    metric,
    observed,
    predicted: has ? predicted : null,
    relativeError: has && observed !== 0 ? (predicted - observed) / observed : null,
    weight,
    error,
    term: weight * error * error,
  };
}

/** The loss of one run: observed against predicted metrics. */
export function runLoss(observed: RunMetrics, predicted: RunMetrics, weights: Weights = { ...DEFAULT_WEIGHTS }): RunLoss {
  const terms: LossTerm[] = [];
  for (const metric of SCALAR_METRICS) {
    const o = observed[metric as ScalarMetric];
    if (o === undefined || o === null || weights[metric] <= 0) continue;
    terms.push(compare(metric, o, predicted[metric as ScalarMetric] as number | null | undefined, weights[metric], FLOORS[metric]));
  }
  const observedOps = observed.perOperationMeanMs ?? {};
  const predictedOps = predicted.perOperationMeanMs ?? {};
  const shared = Object.keys(observedOps).filter((name) => name in predictedOps);
  if (weights.perOperationMeanMs > 0) {
    for (const name of shared) {
      terms.push(compare(`perOperationMeanMs.${name}`, observedOps[name], predictedOps[name], weights.perOperationMeanMs / shared.length, FLOORS.perOperationMeanMs));
    }
  }
  return { loss: terms.reduce((sum, t) => sum + t.term, 0), terms };
}
