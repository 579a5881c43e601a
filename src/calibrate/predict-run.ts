/**
 * What the model predicts for an observed run: `replications` replications
 * of the run's scenario at its sizing, each metric averaged over them (as
 * `capsim predict` reports means). Common random numbers: replication r of
 * every evaluation uses the same seed and stream index r (`replicate`), so
 * two parameter vectors are compared on the same arrivals and draws and the
 * loss surface is a deterministic function of the parameters.
 *
 * Instance figures: the busiest instance's peak CPU and iowait, the lowest
 * available memory of any instance (like the diagnostics of a run).
 * Per-operation mean: the model's `meanOkMs` (successful operations, the
 * seed tool's definition) when the replication result has it, else its
 * `meanMs`, which includes failed operations (the same when none fail).
 */
import type { ModelParameters } from '../model/parameters.js';
import { replicate } from '../model/replication.js';
import type { ReplicationResult } from '../model/replication.js';
import type { RunMetrics } from './metrics.js';
import type { ObservedRun } from './run-file.js';

export interface SimulationSettings {
  replications: number;
  seed: number;
}

/** The replications of a run's sizing and scenario under `params` (replication r uses stream r of the seed). */
export function simulateRun(run: Pick<ObservedRun, 'resolvedSizing' | 'scenario'>, params: ModelParameters, settings: SimulationSettings): ReplicationResult[] {
  const results: ReplicationResult[] = [];
  for (let r = 0; r < settings.replications; r++) {
    results.push(replicate({ sizing: run.resolvedSizing, scenario: run.scenario, params, seed: settings.seed }, r));
  }
  return results;
}

/** Simulates a run's sizing and scenario with `params`; metrics are means over replications. */
export function predictRunMetrics(run: Pick<ObservedRun, 'resolvedSizing' | 'scenario'>, params: ModelParameters, settings: SimulationSettings): Required<RunMetrics> {
  return averageMetrics(simulateRun(run, params, settings));
}

/** Mean of finite values, or null when there is none (e.g. no successful operation in any replication). */
function meanOf(values: number[]): number | null {
  const finite = values.filter((v) => Number.isFinite(v));
  return finite.length === 0 ? null : finite.reduce((a, b) => a + b, 0) / finite.length;
}

function operationMean(op: ReplicationResult['perOperation'][string]): number {
  const withOk = op as typeof op & { meanOkMs?: number };
  return typeof withOk.meanOkMs === 'number' ? withOk.meanOkMs : op.meanMs;
}

/** Averages replication results into the fit's metrics. */
export function averageMetrics(results: ReplicationResult[]): Required<RunMetrics> {
  const perOperationMeanMs: Record<string, number> = {};
  for (const name of Object.keys(results[0]?.perOperation ?? {})) {
    const mean = meanOf(results.map((r) => operationMean(r.perOperation[name])));
    if (mean !== null) perOperationMeanMs[name] = mean;
  }
  const instanceMax = (r: ReplicationResult, f: (i: ReplicationResult['instances'][number]) => number) => Math.max(...r.instances.map(f));
  const instanceMin = (r: ReplicationResult, f: (i: ReplicationResult['instances'][number]) => number) => Math.min(...r.instances.map(f));
  return {
    errorRate: meanOf(results.map((r) => r.errorRate)) ?? 0,
    p50Ms: meanOf(results.map((r) => r.latencyMs.p50)),
    p95Ms: meanOf(results.map((r) => r.latencyMs.p95)),
    p99Ms: meanOf(results.map((r) => r.latencyMs.p99)),
    throughputOpsPerSecond: meanOf(results.map((r) => r.throughputOpsPerSecond)) ?? 0,
    perOperationMeanMs,
    cpuUtilPeak: meanOf(results.map((r) => instanceMax(r, (i) => i.cpuUtilPeak))) ?? 0,
    iowaitPeak: meanOf(results.map((r) => instanceMax(r, (i) => i.iowaitPeak))) ?? 0,
    memAvailableMinMb: meanOf(results.map((r) => instanceMin(r, (i) => i.memAvailableMinMb))) ?? 0,
  };
}
