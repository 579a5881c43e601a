import { nonNegativeInterval, type Interval } from '../sim/stats/interval.js';
import { FAILURE_CAUSES, type FailureCause } from '../model/exchange.js';
import type { InstanceMetrics } from '../model/instance.js';
import type { OperationDistribution } from '../model/recorder.js';
import type { ReplicationResult } from '../model/replication.js';
import { AutoscalingAggregator, type AutoscalingAggregate } from './autoscaling.js';
import { DistributionAverage } from '../sim/stats/distribution.js';

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

const WHOLE_RUN = [
  'operations',
  'errorRate',
  'http5xx',
  'httpRequests',
  'throughputOpsPerSecond',
  'durationSeconds',
  'maxTargetShare',
  'maxInstanceShare',
  'stickyReplacements',
  'taskReplacements',
  'workerRestarts',
] as const;
const OPERATION_FIGURES = ['operations', 'errorRate', 'meanMs', 'meanOkMs', 'p95Ms'] as const;
const INSTANCE_FIGURES = ['cpuUtilPeak', 'cpuUtilMean', 'iowaitPeak', 'memAvailableMinMb', 'swapUsedMaxMb', 'pageCacheHitRate', 'nfsOpsPerRequest'] as const;
const PERCENTILES = ['p50', 'p95', 'p99'] as const;

type Figures<K extends string> = Record<K, number[]>;
const figures = <K extends string>(keys: readonly K[]): Figures<K> => Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Figures<K>;

/**
 * The one aggregation, fed one replication at a time: `add` keeps a replication's figures (a few dozen
 * numbers: whole-run figures, per operation, per instance, the busiest instance, running sums of the
 * latency distributions) and nothing else, so the caller can drop the replication at once and memory
 * stays flat in the replication count. The intervals come out exactly as from a list of replications:
 * the same values, in the same order, through the same statistics.
 */
export class ReplicationAggregator {
  private count = 0;
  private readonly whole = figures(WHOLE_RUN);
  private readonly latencyOk = figures(PERCENTILES);
  private readonly latencyAll = figures(PERCENTILES);
  private readonly failures = figures(FAILURE_CAUSES);
  /** Per operation of the first replication. */
  private operations: Map<string, Figures<(typeof OPERATION_FIGURES)[number]>> | null = null;
  /**
   * Per instance k: its name and tasks in the first replication that had it, how many replications had it and
   * the sums of its figures (autoscaling launches instances, so a replication may have more than another).
   */
  private readonly instances: Array<{ name: string; tasks: number; had: number; sums: Record<(typeof INSTANCE_FIGURES)[number], number> }> = [];
  private readonly busiestSums = { cpuUtilPeak: 0, iowaitPeak: 0, swapUsedMaxMb: 0, memAvailableMinMb: 0 };
  /** Sums over replications of each rank's target share (busiest first; a replication with fewer targets adds 0). */
  private readonly rankedTargetShareSums: number[] = [];
  /** Sums over replications of each instance's share, by instance. */
  private instanceShareSums: number[] | null = null;
  private events = 0;
  /** What autoscaling did; null once a replication ran without it. */
  private autoscaling: AutoscalingAggregator | null | undefined = undefined;
  /** Per operation, the running averages of its distributions; null once a replication came without them. */
  private distributions: Map<string, { ok: DistributionAverage; failed: DistributionAverage }> | null | undefined = undefined;

  add(run: ReplicationResult): void {
    this.count++;
    for (const key of WHOLE_RUN) this.whole[key].push(run[key]);
    for (const key of PERCENTILES) {
      this.latencyOk[key].push(run.latencyMs[key]);
      this.latencyAll[key].push(run.latencyAllMs[key]);
    }
    for (const cause of FAILURE_CAUSES) this.failures[cause].push(run.failures[cause]);
    this.operations ??= new Map(Object.keys(run.perOperation).map((name) => [name, figures(OPERATION_FIGURES)]));
    for (const [name, op] of this.operations) for (const key of OPERATION_FIGURES) op[key].push(run.perOperation[name][key]);
    run.instances.forEach((metrics, i) => {
      const instance = (this.instances[i] ??= { name: metrics.name, tasks: metrics.tasks, had: 0, sums: Object.fromEntries(INSTANCE_FIGURES.map((k) => [k, 0])) as Record<(typeof INSTANCE_FIGURES)[number], number> });
      instance.had++;
      for (const key of INSTANCE_FIGURES) instance.sums[key] += metrics[key];
    });
    const most = (f: (i: InstanceMetrics) => number) => Math.max(...run.instances.map(f));
    const least = (f: (i: InstanceMetrics) => number) => Math.min(...run.instances.map(f));
    this.busiestSums.cpuUtilPeak += most((i) => i.cpuUtilPeak);
    this.busiestSums.iowaitPeak += most((i) => i.iowaitPeak);
    this.busiestSums.swapUsedMaxMb += most((i) => i.swapUsedMaxMb);
    this.busiestSums.memAvailableMinMb += least((i) => i.memAvailableMinMb);
    this.events += run.events;
    run.targetShares
      .slice()
      .sort((a, b) => b - a)
      .forEach((share, k) => (this.rankedTargetShareSums[k] = (this.rankedTargetShareSums[k] ?? 0) + share));
    this.instanceShareSums ??= run.instanceShares.map(() => 0);
    this.instanceShareSums.forEach((sum, i) => (this.instanceShareSums![i] = sum + run.instanceShares[i]));
    if (!run.autoscaling) this.autoscaling = null;
    else if (this.autoscaling !== null) (this.autoscaling ??= new AutoscalingAggregator()).add(run.autoscaling);
    const kept = run.latencyDistribution;
    if (this.distributions === undefined) {
      this.distributions = kept ? new Map(Object.keys(kept).map((name) => [name, { ok: new DistributionAverage(), failed: new DistributionAverage() }])) : null;
    }
    if (!kept) this.distributions = null;
    else if (this.distributions) {
      for (const [name, average] of this.distributions) {
        average.ok.add(kept[name].ok);
        average.failed.add(kept[name].failed);
      }
    }
  }

  get replications(): number {
    return this.count;
  }

  result(): ReplicationAggregate {
    const n = this.count;
    const interval = (values: number[]) => ci(values);
    const perOperation: Record<string, OperationAggregate> = {};
    for (const [name, op] of this.operations ?? []) {
      perOperation[name] = { operations: interval(op.operations), errorRate: interval(op.errorRate), meanMs: interval(op.meanMs), meanOkMs: interval(op.meanOkMs), p95Ms: interval(op.p95Ms) };
    }
    const failures = {} as Record<FailureCause, Interval>;
    if (n > 0) for (const cause of FAILURE_CAUSES) failures[cause] = interval(this.failures[cause]);
    const instances: InstancePrediction[] = this.instances.map((i) => ({
      name: i.name,
      tasks: i.tasks,
      ...(Object.fromEntries(INSTANCE_FIGURES.map((k) => [k, i.sums[k] / i.had])) as Record<(typeof INSTANCE_FIGURES)[number], number>),
    }));
    const percentiles = (f: Figures<(typeof PERCENTILES)[number]>) => ({ p50: interval(f.p50), p95: interval(f.p95), p99: interval(f.p99) });
    const latencyDistribution =
      this.distributions && n > 0 ? Object.fromEntries([...this.distributions].map(([name, d]) => [name, { ok: d.ok.result(), failed: d.failed.result() }])) : undefined;
    return {
      replications: n,
      operations: interval(this.whole.operations),
      errorRate: interval(this.whole.errorRate),
      latencyMs: percentiles(this.latencyOk),
      latencyAllMs: percentiles(this.latencyAll),
      perOperation,
      failures,
      http5xx: interval(this.whole.http5xx),
      httpRequests: interval(this.whole.httpRequests),
      throughputOpsPerSecond: interval(this.whole.throughputOpsPerSecond),
      durationSeconds: interval(this.whole.durationSeconds),
      maxTargetShare: interval(this.whole.maxTargetShare),
      maxInstanceShare: interval(this.whole.maxInstanceShare),
      // Where the bursts went: targets ranked (which target is busiest changes between replications, how busy
      // it is does not), instances by instance.
      targetShares: n > 0 ? this.rankedTargetShareSums.map((sum) => sum / n) : [],
      instanceShares: n > 0 ? (this.instanceShareSums ?? []).map((sum) => sum / n) : [],
      stickyReplacements: interval(this.whole.stickyReplacements),
      taskReplacements: interval(this.whole.taskReplacements),
      workerRestarts: interval(this.whole.workerRestarts),
      instances,
      busiest: {
        cpuUtilPeak: this.busiestSums.cpuUtilPeak / n,
        iowaitPeak: this.busiestSums.iowaitPeak / n,
        swapUsedMaxMb: this.busiestSums.swapUsedMaxMb / n,
        memAvailableMinMb: this.busiestSums.memAvailableMinMb / n,
      },
      events: this.events,
      ...(latencyDistribution ? { latencyDistribution } : {}),
      autoscaling: this.autoscaling ? this.autoscaling.result() : null,
    };
  }
}

/** The aggregate of replications already at hand (plan and calibrate keep theirs for racing and sensitivity). */
export function aggregateReplications(runs: readonly ReplicationResult[]): ReplicationAggregate {
  const aggregator = new ReplicationAggregator();
  for (const run of runs) aggregator.add(run);
  return aggregator.result();
}
