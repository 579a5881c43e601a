/**
 * What the model predicts for an observed run: `replications` replications
 * of the run's scenario at its sizing, each metric averaged over them (as
 * `capsim predict` reports means). Common random numbers: replication r of
 * every evaluation uses the same seed and stream index r (`replicate`), so
 * two parameter vectors are compared on the same arrivals and draws and the
 * loss surface is a deterministic function of the parameters.
 *
 * Instance figures: the busiest instance's peak CPU and iowait, the lowest
 * available memory of any instance (like the diagnostics of a run), from the
 * one aggregation of replications (src/prediction/replications.ts).
 * Per-operation mean: the model's `meanOkMs` (successful operations, the
 * seed tool's definition).
 */
import type { ModelParameters } from '../model/parameters.js';
import { replicate } from '../model/replication.js';
import { stackConfig } from '../model/stack.js';
import type { ReplicationResult } from '../model/replication.js';
import { aggregateReplications } from '../prediction/replications.js';
import type { Interval } from '../sim/stats/interval.js';
import type { RunMetrics } from './metrics.js';
import type { ObservedRun } from './run-file.js';

export interface SimulationSettings {
  replications: number;
  seed: number;
}

/** The replications of a run's sizing and scenario under `params` (replication r uses stream r of the seed). */
export function simulateRun(run: Pick<ObservedRun, 'resolvedSizing' | 'scenario'>, params: ModelParameters, settings: SimulationSettings): ReplicationResult[] {
  const config = stackConfig(run.resolvedSizing, run.scenario, params);
  const results: ReplicationResult[] = [];
  for (let r = 0; r < settings.replications; r++) results.push(replicate({ config, params, seed: settings.seed }, r));
  return results;
}

/** Simulates a run's sizing and scenario with `params`; metrics are means over replications. */
export function predictRunMetrics(run: Pick<ObservedRun, 'resolvedSizing' | 'scenario'>, params: ModelParameters, settings: SimulationSettings): Required<RunMetrics> {
  return averageMetrics(simulateRun(run, params, settings));
}

/** A mean that may be NaN (no replication had a value, e.g. no successful operation) as null. */
function meanOrNull(interval: Interval): number | null {
  return Number.isFinite(interval.mean) ? interval.mean : null;
}

/** Averages replication results into the fit's metrics (the aggregation predict and plan use). */
export function averageMetrics(results: ReplicationResult[]): Required<RunMetrics> {
  const runs = aggregateReplications(results);
  const perOperationMeanMs: Record<string, number> = {};
  for (const [name, op] of Object.entries(runs.perOperation)) {
    const mean = meanOrNull(op.meanOkMs);
    if (mean !== null) perOperationMeanMs[name] = mean;
  }
  return {
    errorRate: meanOrNull(runs.errorRate) ?? 0,
    p50Ms: meanOrNull(runs.latencyMs.p50),
    p95Ms: meanOrNull(runs.latencyMs.p95),
    p99Ms: meanOrNull(runs.latencyMs.p99),
    throughputOpsPerSecond: meanOrNull(runs.throughputOpsPerSecond) ?? 0,
    perOperationMeanMs,
    cpuUtilPeak: runs.busiest.cpuUtilPeak,
    iowaitPeak: runs.busiest.iowaitPeak,
    memAvailableMinMb: runs.busiest.memAvailableMinMb,
  };
}
