import { confidenceInterval, type Interval } from '../sim/stats/interval.js';
import { repositoryBytes } from '../scenario/repository.js';
import type { Scenario } from '../scenario/types.js';
import { monthlyCost, type MonthlyCost } from '../plan/cost.js';
import type { FailureCause } from './exchange.js';
import type { InstanceMetrics } from './instance.js';
import type { ModelParameters } from './parameters.js';
import type { TimelineBin } from './recorder.js';
import { replicate, type ReplicationResult } from './replication.js';
import type { ResolvedSizing } from './sizing.js';
import { balancerFor } from './balancer.js';

export interface PredictInput {
  sizing: ResolvedSizing;
  scenario: Scenario;
  params: ModelParameters;
  /** Name or path of the calibration the parameters came from (recorded in the result). */
  calibration: string;
  replications: number;
  seed: number;
  timeline?: boolean;
}

/** Per-instance figures, averaged over replications. */
export type InstancePrediction = Omit<InstanceMetrics, 'cpuCreditsEnd'>;

/** A prediction: means with 95 % intervals over replications. */
export interface Prediction {
  config: {
    instanceType: string;
    stackKind: 'aws' | 'local';
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
    albNodes: number;
    /** 'alb' on AWS, 'nginx' on the local stack. */
    balancer: 'alb' | 'nginx';
    containerMemoryMb: number;
    containerCpu: number;
    storage: string;
  };
  scenario: { name: string; flow: string; source: string | undefined; profile: Scenario['profile']; client: Scenario['client']; repository: Scenario['repository'] };
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
  maxTargetShare: Interval;
  taskReplacements: Interval;
  workerRestarts: Interval;
  instances: InstancePrediction[];
  costPerMonthUsd: number;
  cost: MonthlyCost | null;
  events: number;
  timeline?: TimelineBin[];
}

export { replicate };

/** Predicts a sizing under a scenario: `replications` independent runs, summarized. */
export function predict(input: PredictInput): Prediction {
  const runs: ReplicationResult[] = [];
  for (let r = 0; r < input.replications; r++) runs.push(replicate(input, r));
  return summarizeReplications(input, runs);
}

/** 95 % interval of a quantity that cannot be negative (rates, counts, latencies): the low end stops at 0. */
const ci = (values: number[]): Interval => {
  const interval = confidenceInterval(values, 0.95);
  return interval.ciLow < 0 ? { ...interval, ciLow: 0 } : interval;
};

/** Means and 95 % intervals over replication results. */
export function summarizeReplications(input: Omit<PredictInput, 'replications'>, runs: ReplicationResult[]): Prediction {
  const { sizing, scenario, params } = input;
  const pick = (f: (r: ReplicationResult) => number) => ci(runs.map(f));
  const opNames = Object.keys(runs[0]?.perOperation ?? {});
  const perOperation: Prediction['perOperation'] = {};
  for (const name of opNames) {
    perOperation[name] = {
      operations: pick((r) => r.perOperation[name].operations),
      errorRate: pick((r) => r.perOperation[name].errorRate),
      meanMs: pick((r) => r.perOperation[name].meanMs),
      meanOkMs: pick((r) => r.perOperation[name].meanOkMs),
      p95Ms: pick((r) => r.perOperation[name].p95Ms),
    };
  }
  const failures = {} as Record<FailureCause, Interval>;
  for (const cause of Object.keys(runs[0]?.failures ?? {}) as FailureCause[]) failures[cause] = pick((r) => r.failures[cause]);
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const instances: InstancePrediction[] = (runs[0]?.instances ?? []).map((first, i) => ({
    name: first.name,
    tasks: first.tasks,
    cpuUtilPeak: mean(runs.map((r) => r.instances[i].cpuUtilPeak)),
    cpuUtilMean: mean(runs.map((r) => r.instances[i].cpuUtilMean)),
    iowaitPeak: mean(runs.map((r) => r.instances[i].iowaitPeak)),
    memAvailableMinMb: mean(runs.map((r) => r.instances[i].memAvailableMinMb)),
    swapUsedMaxMb: mean(runs.map((r) => r.instances[i].swapUsedMaxMb)),
    pageCacheHitRate: mean(runs.map((r) => r.instances[i].pageCacheHitRate)),
    nfsOpsPerRequest: mean(runs.map((r) => r.instances[i].nfsOpsPerRequest)),
  }));
  const cost = sizing.stackKind === 'aws' ? monthlyCost({ instanceType: sizing.instanceType, instances: sizing.placement.instances, repositoryBytes: repositoryBytes(scenario.repository) }) : null;
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
      lorFeedbackMs: sizing.lorFeedbackMs ?? params['alb.lorFeedbackMs'],
      perConnectionRouting: balancerFor(sizing, params).params['alb.perConnectionRouting'] === 1,
      albNodes: balancerFor(sizing, params).params['alb.nodes'],
      balancer: balancerFor(sizing, params).kind,
      containerMemoryMb: sizing.placement.containerMemoryMb,
      containerCpu: sizing.placement.containerCpu,
      storage: sizing.storage,
    },
    scenario: { name: scenario.name, flow: scenario.flow, source: scenario.source, profile: scenario.profile, client: scenario.client, repository: scenario.repository },
    calibration: input.calibration,
    replications: runs.length,
    seed: input.seed,
    operations: pick((r) => r.operations),
    errorRate: pick((r) => r.errorRate),
    latencyMs: { p50: pick((r) => r.latencyMs.p50), p95: pick((r) => r.latencyMs.p95), p99: pick((r) => r.latencyMs.p99) },
    latencyAllMs: { p50: pick((r) => r.latencyAllMs.p50), p95: pick((r) => r.latencyAllMs.p95), p99: pick((r) => r.latencyAllMs.p99) },
    perOperation,
    failures,
    http5xx: pick((r) => r.http5xx),
    httpRequests: pick((r) => r.httpRequests),
    throughputOpsPerSecond: pick((r) => r.throughputOpsPerSecond),
    durationSeconds: pick((r) => r.durationSeconds),
    maxTargetShare: pick((r) => r.maxTargetShare),
    taskReplacements: pick((r) => r.taskReplacements),
    workerRestarts: pick((r) => r.workerRestarts),
    instances,
    costPerMonthUsd: cost ? cost.totalUsd : 0,
    cost,
    events: runs.reduce((n, r) => n + r.events, 0),
  };
  if (runs[0]?.timeline) prediction.timeline = runs[0].timeline;
  return prediction;
}
