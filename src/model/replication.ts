import { RngStreams } from '../sim/rng.js';
import { percentileOf } from '../sim/stats/percentile.js';
import { type AutoscalingRun, autoscalingRun } from './autoscaling/outcome.js';
import type { FailureCause } from './exchange.js';
import type { InstanceMetrics } from './instance.js';
import type { ModelParameters } from './parameters.js';
import type { InstanceSeriesData } from './instance-series.js';
import type { BurstWindow, OperationDistribution, TimelineBin } from './recorder.js';
import type { RequestObserver } from './request-observer.js';
import { burstShares } from './burst-shares.js';
import { SimulationBudget } from './simulation-budget.js';
import { buildStack, type Stack, type StackConfig } from './stack.js';
import { loadDurationMs } from '../scenario/schedule.js';

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

/** What one replication of a scenario against a sizing measured. */
export interface ReplicationResult {
  operations: number;
  failedOperations: number;
  errorRate: number;
  /** Successful operations, seed-tool percentiles, ms. */
  latencyMs: Percentiles;
  /** All operations (failures at the time they failed), ms. */
  latencyAllMs: Percentiles;
  /** Per operation: count, error rate, mean of all (failures at their failure time) and of successful ones, P95 of successful ones. */
  perOperation: Record<string, { operations: number; errorRate: number; meanMs: number; meanOkMs: number; p95Ms: number }>;
  failures: Record<FailureCause, number>;
  http5xx: number;
  httpRequests: number;
  /** Successful operations per second of run time. */
  throughputOpsPerSecond: number;
  durationSeconds: number;
  /** The busiest target's share of a burst's requests, averaged over the run's bursts (burst-shares.ts). */
  maxTargetShare: number;
  /** Each target's share of the run's burst requests (all requests when no burst ran), by target id (replacements are targets too). */
  targetShares: number[];
  /** The busiest instance's share of a burst's requests, averaged over the run's bursts. */
  maxInstanceShare: number;
  /** Each instance's share of the run's burst requests, by instance. */
  instanceShares: number[];
  /** Requests whose stickiness cookie (or pinned connection) named a target that could not take them, placed anew. */
  stickyReplacements: number;
  taskReplacements: number;
  /** gunicorn workers killed at the worker timeout and restarted. */
  workerRestarts: number;
  instances: InstanceMetrics[];
  events: number;
  /** With `timeline`: the per-second timeline, the bursts and each instance's 1-s samples. */
  timeline?: TimelineBin[];
  bursts?: BurstWindow[];
  instanceSeries?: InstanceSeriesData[];
  /** With `distributions`: per operation, the latency distributions of successful and failed operations. */
  latencyDistribution?: Record<string, OperationDistribution>;
  /** What autoscaling did (absent when it is off). */
  autoscaling?: AutoscalingRun;
}

export interface ReplicationInput {
  config: StackConfig;
  params: ModelParameters;
  /** Keep the timeline, the bursts and the per-instance series of this run. */
  timeline?: boolean;
  /** Keep the per-operation latency distributions of this run. */
  distributions?: boolean;
  /** Sees every request the balancer receives (for writing a simulated access log). */
  observer?: RequestObserver;
}

/** Builds the stack for one replication, runs the scenario on it, and measures. */
export function runReplication(input: ReplicationInput, streams: RngStreams): ReplicationResult {
  const stack = buildStack(input.config, input.params, streams, input.observer);
  if (input.timeline) for (const instance of stack.instances) instance.recordSeries();
  stack.workload.start();
  stack.scheduler.run(...budgetFor(input, stack));
  const result = summarizeRun(stack, input.timeline === true);
  if (input.distributions) result.latencyDistribution = stack.recorder.distributions();
  return result;
}

/** The run's bound and its simulation budget (src/model/simulation-budget.ts). */
function budgetFor(input: ReplicationInput, stack: Stack): [number, SimulationBudget] {
  const { sizing, scenario } = input.config;
  const budget = new SimulationBudget({
    scheduler: stack.scheduler,
    requests: () => stack.recorder.httpRequests,
    params: input.params,
    loadDurationMs: loadDurationMs(scenario.profile),
    describe: `${sizing.placement.instances} x ${sizing.instanceType.name}, ${sizing.placement.tasks} tasks x ${sizing.workers} ${sizing.workerClass} workers under ${scenario.name}`,
  });
  return [budget.untilMs, budget];
}

function percentiles(values: Float64Array): Percentiles {
  const sorted = values.slice().sort();
  return { p50: percentileOf(sorted, 0.5), p95: percentileOf(sorted, 0.95), p99: percentileOf(sorted, 0.99) };
}

function summarizeRun(stack: Stack, withTimeline: boolean): ReplicationResult {
  const { recorder, balancer, ecs, instances } = stack;
  const endTime = stack.workload.finishedAt ?? 0;
  const events = stack.scheduler.eventsDelivered;
  const operations = recorder.operations;
  const failed = recorder.failedOperations;
  const perOperation: ReplicationResult['perOperation'] = {};
  recorder.opNames.forEach((name, index) => {
    const all = recorder.latencies('all', index);
    const ok = recorder.latencies('ok', index);
    const { count, failed: opFailed } = recorder.failuresOf(index);
    let sum = 0;
    for (const v of all) sum += v;
    let okSum = 0;
    for (const v of ok) okSum += v;
    perOperation[name] = {
      operations: count,
      errorRate: count > 0 ? opFailed / count : 0,
      meanMs: count > 0 ? sum / count : NaN,
      meanOkMs: ok.length > 0 ? okSum / ok.length : NaN,
      p95Ms: percentileOf(ok, 0.95),
    };
  });
  const shares = burstShares(
    balancer.targets.map((t) => ({ burstRequests: t.burstRequests, requests: t.requests, instance: instances.indexOf(t.task.instance) })),
    instances.length,
  );
  const durationSeconds = endTime / 1000;
  const result: ReplicationResult = {
    operations,
    failedOperations: failed,
    errorRate: operations > 0 ? failed / operations : 0,
    latencyMs: percentiles(recorder.latencies('ok')),
    latencyAllMs: percentiles(recorder.latencies('all')),
    perOperation,
    failures: { ...recorder.failures },
    http5xx: recorder.http5xx,
    httpRequests: recorder.httpRequests,
    throughputOpsPerSecond: durationSeconds > 0 ? (operations - failed) / durationSeconds : 0,
    durationSeconds,
    ...shares,
    stickyReplacements: balancer.stickyReplacements,
    taskReplacements: ecs.replacements,
    workerRestarts: balancer.targets.reduce((n, t) => n + t.task.workerRestarts, 0),
    instances: instances.map((i) => i.metrics()),
    events,
  };
  if (withTimeline) {
    result.timeline = recorder.timeline();
    result.bursts = recorder.bursts();
    result.instanceSeries = instances.map((i) => i.seriesData()).filter((s): s is InstanceSeriesData => s !== null);
  }
  if (stack.autoscaler) result.autoscaling = autoscalingRun(stack.autoscaler);
  return result;
}

/**
 * Replication `index` of a prediction under master seed `seed`: the streams
 * `new RngStreams(seed).replication(index)`. `predict`, `plan` and `calibrate`
 * all go through here, so the same sizing, seed and index give the same run.
 * The timeline (with the bursts and the per-instance series) is kept for
 * replication 0 only; latency distributions, when asked for, for every one.
 */
export function replicate(input: ReplicationInput & { seed: number }, index: number): ReplicationResult {
  const streams = new RngStreams(input.seed).replication(index);
  return runReplication({ config: input.config, params: input.params, timeline: input.timeline === true && index === 0, distributions: input.distributions }, streams);
}
