import { nonNegativeInterval, type Interval } from '../sim/stats/interval.js';
import { FAILURE_CAUSES, type FailureCause } from '../model/exchange.js';
import type { InstanceMetrics } from '../model/instance.js';
import type { OperationDistribution } from '../model/recorder.js';
import type { ReplicationResult } from '../model/replication.js';
import { aggregateAutoscaling, type AutoscalingAggregate } from './autoscaling.js';
import { averageDistributions } from '../sim/stats/distribution.js';

/**
 * The one aggregation of replications: `predict`, `plan` and `calibrate`
 * all reduce their replication results here, so a figure means the same in
 * each (docs/model.md, "Replications and their aggregation"). Whole-run figures are means with 95 % intervals over replications
 * (NaN replications, e.g. a percentile without a successful operation, are
 * left out). Instance figures come two ways:
 * - per instance (instance k of the placement): means over replications of
 *   its own figures, what `predict` lists per instance;
 * - the busiest instance (see BusiestInstance): in each replication the
 *   highest CPU and iowait peak, the most swap and the least available
 *   memory of any instance, then the mean over replications. That is the
 *   figure one measured run reports (the busiest host of its diagnostics),
 *   so calibrate compares like with like and plan explains a miss with it.
 *   It differs from the highest per-instance mean when the busiest instance
 *   changes between replications (round robin that lands unevenly).
 */

/** Per-instance figures, averaged over replications. */
export type InstancePrediction = Omit<InstanceMetrics, 'cpuCreditsEnd'>;

/** The most loaded instance of each replication, averaged over replications. */
export interface BusiestInstance {
  cpuUtilPeak: number;
  iowaitPeak: number;
  swapUsedMaxMb: number;
  memAvailableMinMb: number;
}

export interface OperationAggregate {
  operations: Interval;
  errorRate: Interval;
  meanMs: Interval;
  meanOkMs: Interval;
  p95Ms: Interval;
}

export interface ReplicationAggregate {
  replications: number;
  operations: Interval;
  errorRate: Interval;
  latencyMs: { p50: Interval; p95: Interval; p99: Interval };
  latencyAllMs: { p50: Interval; p95: Interval; p99: Interval };
  perOperation: Record<string, OperationAggregate>;
  failures: Record<FailureCause, Interval>;
  http5xx: Interval;
  httpRequests: Interval;
  throughputOpsPerSecond: Interval;
  durationSeconds: Interval;
  maxTargetShare: Interval;
  maxInstanceShare: Interval;
  /** Each target's share of the run's burst requests, ranked busiest first in each replication, then averaged. */
  targetShares: number[];
  /** Each instance's share of the run's burst requests, by instance, averaged. */
  instanceShares: number[];
  stickyReplacements: Interval;
  taskReplacements: Interval;
  workerRestarts: Interval;
  instances: InstancePrediction[];
  busiest: BusiestInstance;
  events: number;
  /** Per operation, the replications' latency distributions averaged quantile by quantile (when they were kept). */
  latencyDistribution?: Record<string, OperationDistribution>;
  /** What autoscaling did (null when it was off). */
  autoscaling: AutoscalingAggregate | null;
}

const ci = nonNegativeInterval;

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function percentiles(runs: ReplicationResult[], f: (r: ReplicationResult) => ReplicationResult['latencyMs']) {
  return { p50: ci(runs.map((r) => f(r).p50)), p95: ci(runs.map((r) => f(r).p95)), p99: ci(runs.map((r) => f(r).p99)) };
}

/**
 * Where the bursts went, averaged over replications: targets ranked (the mean
 * of each replication's largest share, second largest, ...: which target is
 * busiest changes between replications, how busy it is does not), instances
 * by instance (instance k's mean share).
 */
function shareAverages(runs: ReplicationResult[]): { targetShares: number[]; instanceShares: number[] } {
  if (runs.length === 0) return { targetShares: [], instanceShares: [] };
  const ranked = runs.map((r) => r.targetShares.slice().sort((a, b) => b - a));
  const targetShares = Array.from({ length: Math.max(...ranked.map((r) => r.length)) }, (_, k) => mean(ranked.map((r) => r[k] ?? 0)));
  const instanceShares = runs[0].instanceShares.map((_, i) => mean(runs.map((r) => r.instanceShares[i])));
  return { targetShares, instanceShares };
}

export function aggregateReplications(runs: ReplicationResult[]): ReplicationAggregate {
  const pick = (f: (r: ReplicationResult) => number) => ci(runs.map(f));
  const perOperation: Record<string, OperationAggregate> = {};
  for (const name of Object.keys(runs[0]?.perOperation ?? {})) {
    perOperation[name] = {
      operations: pick((r) => r.perOperation[name].operations),
      errorRate: pick((r) => r.perOperation[name].errorRate),
      meanMs: pick((r) => r.perOperation[name].meanMs),
      meanOkMs: pick((r) => r.perOperation[name].meanOkMs),
      p95Ms: pick((r) => r.perOperation[name].p95Ms),
    };
  }
  const failures = {} as Record<FailureCause, Interval>;
  if (runs.length > 0) for (const cause of FAILURE_CAUSES) failures[cause] = pick((r) => r.failures[cause]);
  // Autoscaling launches instances: instance k is averaged over the replications that had one.
  const instanceCount = runs.reduce((n, r) => Math.max(n, r.instances.length), 0);
  const instances: InstancePrediction[] = Array.from({ length: instanceCount }, (_, i) => {
    const had = runs.filter((r) => r.instances.length > i).map((r) => r.instances[i]);
    const first = had[0];
    return {
      name: first.name,
      tasks: first.tasks,
      cpuUtilPeak: mean(had.map((m) => m.cpuUtilPeak)),
      cpuUtilMean: mean(had.map((m) => m.cpuUtilMean)),
      iowaitPeak: mean(had.map((m) => m.iowaitPeak)),
      memAvailableMinMb: mean(had.map((m) => m.memAvailableMinMb)),
      swapUsedMaxMb: mean(had.map((m) => m.swapUsedMaxMb)),
      pageCacheHitRate: mean(had.map((m) => m.pageCacheHitRate)),
      nfsOpsPerRequest: mean(had.map((m) => m.nfsOpsPerRequest)),
    };
  });
  const kept = runs.filter((r) => r.latencyDistribution !== undefined);
  const latencyDistribution: Record<string, OperationDistribution> | undefined =
    kept.length === runs.length && kept.length > 0
      ? Object.fromEntries(
          Object.keys(kept[0].latencyDistribution!).map((name) => [
            name,
            { ok: averageDistributions(kept.map((r) => r.latencyDistribution![name].ok)), failed: averageDistributions(kept.map((r) => r.latencyDistribution![name].failed)) },
          ]),
        )
      : undefined;
  const most = (f: (i: InstanceMetrics) => number) => mean(runs.map((r) => Math.max(...r.instances.map(f))));
  const least = (f: (i: InstanceMetrics) => number) => mean(runs.map((r) => Math.min(...r.instances.map(f))));
  return {
    replications: runs.length,
    operations: pick((r) => r.operations),
    errorRate: pick((r) => r.errorRate),
    latencyMs: percentiles(runs, (r) => r.latencyMs),
    latencyAllMs: percentiles(runs, (r) => r.latencyAllMs),
    perOperation,
    failures,
    http5xx: pick((r) => r.http5xx),
    httpRequests: pick((r) => r.httpRequests),
    throughputOpsPerSecond: pick((r) => r.throughputOpsPerSecond),
    durationSeconds: pick((r) => r.durationSeconds),
    maxTargetShare: pick((r) => r.maxTargetShare),
    maxInstanceShare: pick((r) => r.maxInstanceShare),
    ...shareAverages(runs),
    stickyReplacements: pick((r) => r.stickyReplacements),
    taskReplacements: pick((r) => r.taskReplacements),
    workerRestarts: pick((r) => r.workerRestarts),
    instances,
    busiest: {
      cpuUtilPeak: most((i) => i.cpuUtilPeak),
      iowaitPeak: most((i) => i.iowaitPeak),
      swapUsedMaxMb: most((i) => i.swapUsedMaxMb),
      memAvailableMinMb: least((i) => i.memAvailableMinMb),
    },
    events: runs.reduce((n, r) => n + r.events, 0),
    ...(latencyDistribution ? { latencyDistribution } : {}),
    autoscaling: runs.length > 0 && runs.every((r) => r.autoscaling) ? aggregateAutoscaling(runs.map((r) => r.autoscaling!)) : null,
  };
}
