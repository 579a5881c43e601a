import type { Interval } from '../sim/stats/interval.js';
import { profileAsWritten } from '../scenario/load.js';
import type { Scenario } from '../scenario/types.js';
import { monthlyCost, type MonthlyCost } from '../cost/monthly-cost.js';
import type { FailureCause } from '../model/exchange.js';
import type { ModelParameters } from '../model/parameters.js';
import type { InstanceSeriesData } from '../model/instance-series.js';
import type { BurstWindow, OperationDistribution, TimelineBin } from '../model/recorder.js';
import { replicate, type ReplicationResult } from '../model/replication.js';
import { ReplicationAggregator, type InstancePrediction, type ReplicationAggregate } from './replications.js';
import type { AutoscalingPolicy } from '../model/autoscaling/policy.js';
import { type AutoscalingPrediction, autoscalingPrediction } from './autoscaling.js';
import type { ResolvedSizing, StackKind } from '../model/sizing.js';
import { stackConfig, type StackConfig } from '../model/stack.js';

export interface PredictInput {
  sizing: ResolvedSizing;
  scenario: Scenario;
  params: ModelParameters;
  /** Name or path of the calibration the parameters came from (recorded in the result). */
  calibration: string;
  replications: number;
  seed: number;
  timeline?: boolean;
  /** Called after each replication (done of total). */
  onReplication?: (done: number, total: number) => void;
  /** The deployed autoscaling; default: the module's for the sizing (on for AWS sizings). */
  autoscaling?: AutoscalingPolicy;
}

export type { InstancePrediction };

/** A prediction: means with 95 % intervals over replications. */
export interface Prediction {
  config: {
    instanceType: string;
    stackKind: StackKind;
    vcpus: number;
    memoryMiB: number;
    instances: number;
    tasks: number;
    tasksPerInstance: number[];
    workers: number;
    workerClass: string;
    algorithm: string;
    lorFeedbackMs: number;
    perConnectionRouting: boolean;
    /** Target-group stickiness (lb_cookie; the sticky nginx on the local stack). */
    stickiness: boolean;
    albNodes: number;
    /** 'alb' on AWS, 'nginx' on the local stack. */
    balancer: 'alb' | 'nginx';
    containerMemoryMb: number;
    containerCpu: number;
    storage: string;
  };
  scenario: { name: string; flow: string; source: string | undefined; profile: ReturnType<typeof profileAsWritten>; client: Scenario['client']; repository: Scenario['repository']; flowMix?: Scenario['flowMix'] };
  calibration: string;
  replications: number;
  seed: number;
  operations: Interval;
  errorRate: Interval;
  latencyMs: { p50: Interval; p95: Interval; p99: Interval };
  latencyAllMs: { p50: Interval; p95: Interval; p99: Interval };
  perOperation: Record<string, { operations: Interval; errorRate: Interval; meanMs: Interval; meanOkMs: Interval; p95Ms: Interval }>;
  failures: Record<FailureCause, Interval>;
  http5xx: Interval;
  httpRequests: Interval;
  throughputOpsPerSecond: Interval;
  durationSeconds: Interval;
  /** Largest share of burst requests one target / the tasks of one instance served. */
  maxTargetShare: Interval;
  maxInstanceShare: Interval;
  /** Each target's share of the run's burst requests, ranked busiest first (#1, #2, ...; means over replications). */
  targetShares: Array<{ target: string; share: number }>;
  /** Each instance's share of the run's burst requests. */
  instanceShares: Array<{ instance: string; share: number }>;
  /** Requests whose stickiness cookie named a target that could not take them (unhealthy, draining), placed anew. */
  stickyReplacements: Interval;
  taskReplacements: Interval;
  workerRestarts: Interval;
  instances: InstancePrediction[];
  costPerMonthUsd: number;
  cost: MonthlyCost | null;
  events: number;
  /** With `timeline`: replication 0's per-second timeline, its bursts and each instance's 1-s samples. */
  timeline?: TimelineBin[];
  bursts?: BurstWindow[];
  instanceSeries?: InstanceSeriesData[];
  /** With `timeline`: per operation, latency distributions of successful and failed operations, averaged over replications. */
  latencyDistribution?: Record<string, OperationDistribution>;
  /** What service and instance autoscaling did (absent when it is off). */
  autoscaling?: AutoscalingPrediction;
}

/**
 * Predicts a sizing under a scenario: `replications` independent runs, summarized. Each replication goes
 * into the aggregate as soon as it is done and is dropped (the first one's series excepted), so memory
 * does not grow with the replication count.
 */
export function predict(input: PredictInput): Prediction {
  const config = stackConfig(input.sizing, input.scenario, input.params, input.autoscaling);
  const aggregator = new ReplicationAggregator();
  let first: FirstReplicationSeries | undefined;
  for (let r = 0; r < input.replications; r++) {
    const run = replicate({ config, params: input.params, seed: input.seed, timeline: input.timeline, distributions: input.timeline }, r);
    aggregator.add(run);
    if (r === 0) first = { timeline: run.timeline, bursts: run.bursts, instanceSeries: run.instanceSeries };
    input.onReplication?.(r + 1, input.replications);
  }
  return predictionOf({ config, params: input.params, calibration: input.calibration, seed: input.seed }, aggregator.result(), first);
}

/** What a prediction states besides its figures. */
export interface PredictionContext {
  config: StackConfig;
  params: ModelParameters;
  calibration: string;
  seed: number;
}

/** The first replication's series a prediction shows, when they were kept. */
export type FirstReplicationSeries = Pick<ReplicationResult, 'timeline' | 'bursts' | 'instanceSeries'>;

/** A prediction from aggregated replications (and the first replication's timeline, bursts and instance series, when kept). */
export function predictionOf(input: PredictionContext, runs: ReplicationAggregate, first?: FirstReplicationSeries): Prediction {
  const { sizing, scenario, balancer } = input.config;
  const repositoryBytes = scenario.repository.projects * scenario.repository.versionsPerProject * scenario.repository.wheelBytes;
  const cost = sizing.stackKind === 'aws' ? monthlyCost({ instanceType: sizing.instanceType, instances: sizing.placement.instances, repositoryBytes }) : null;
  const prediction: Prediction = {
    config: {
      instanceType: sizing.instanceType.name,
      stackKind: sizing.stackKind,
      vcpus: sizing.instanceType.vcpus,
      memoryMiB: sizing.instanceType.memoryMiB,
      instances: sizing.placement.instances,
      tasks: sizing.placement.tasks,
      tasksPerInstance: sizing.placement.tasksPerInstance,
      workers: sizing.workers,
      workerClass: sizing.workerClass,
      algorithm: sizing.algorithm,
      lorFeedbackMs: balancer.routing.lorFeedbackMs,
      perConnectionRouting: balancer.routing.perConnection,
      stickiness: balancer.routing.stickinessDurationMs !== null,
      albNodes: balancer.nodes,
      balancer: balancer.kind,
      containerMemoryMb: sizing.placement.containerMemoryMb,
      containerCpu: sizing.placement.containerCpu,
      storage: sizing.storage,
    },
    scenario: { name: scenario.name, flow: scenario.flow, source: scenario.source, profile: profileAsWritten(scenario.profile), client: scenario.client, repository: scenario.repository, ...(scenario.flowMix ? { flowMix: scenario.flowMix } : {}) },
    calibration: input.calibration,
    replications: runs.replications,
    seed: input.seed,
    operations: runs.operations,
    errorRate: runs.errorRate,
    latencyMs: runs.latencyMs,
    latencyAllMs: runs.latencyAllMs,
    perOperation: runs.perOperation,
    failures: runs.failures,
    http5xx: runs.http5xx,
    httpRequests: runs.httpRequests,
    throughputOpsPerSecond: runs.throughputOpsPerSecond,
    durationSeconds: runs.durationSeconds,
    maxTargetShare: runs.maxTargetShare,
    maxInstanceShare: runs.maxInstanceShare,
    targetShares: runs.targetShares.map((share, k) => ({ target: `#${k + 1}`, share })),
    instanceShares: runs.instanceShares.map((share, i) => ({ instance: runs.instances[i]?.name ?? `instance ${i + 1}`, share })),
    stickyReplacements: runs.stickyReplacements,
    taskReplacements: runs.taskReplacements,
    workerRestarts: runs.workerRestarts,
    instances: runs.instances,
    costPerMonthUsd: cost ? cost.totalUsd : 0,
    cost,
    events: runs.events,
  };
  if (first?.timeline) {
    prediction.timeline = first.timeline;
    prediction.bursts = first.bursts ?? [];
    prediction.instanceSeries = first.instanceSeries ?? [];
  }
  if (runs.latencyDistribution) prediction.latencyDistribution = runs.latencyDistribution;
  if (runs.autoscaling) {
    const p = input.params;
    const policy = input.config.autoscaling;
    const rules = {
      metricPeriodS: p['autoscaling.metricPeriodS'],
      scaleOutDatapoints: p['autoscaling.scaleOutDatapoints'],
      scaleInDatapoints: p['autoscaling.scaleInDatapoints'],
      scaleInBelow: policy.targetValue * p['autoscaling.scaleInThresholdFraction'],
    };
    const monthlyAt = (meanInstances: number) =>
      Number.isFinite(meanInstances) ? monthlyCost({ instanceType: sizing.instanceType, instances: sizing.placement.instances, meanInstances, repositoryBytes }).totalUsd : NaN;
    prediction.autoscaling = autoscalingPrediction({ ...policy, ...rules }, runs.autoscaling, sizing.instanceType.onDemandUsdPerHour, monthlyAt);
  }
  return prediction;
}
