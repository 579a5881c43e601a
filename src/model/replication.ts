import { RngStreams } from '../sim/rng.js';
import { Scheduler } from '../sim/scheduler.js';
import { percentileOf } from '../sim/stats/percentile.js';
import type { Scenario } from '../scenario/types.js';
import { LoadBalancer } from './alb.js';
import { balancerFor } from './balancer.js';
import { ClientPopulation } from './clients.js';
import { EcsService } from './ecs-service.js';
import type { FailureCause } from './exchange.js';
import { FLOWS } from './flows.js';
import { HealthChecker } from './health-checks.js';
import { Instance, type InstanceMetrics } from './instance.js';
import type { ModelParameters } from './parameters.js';
import { RunRecorder, type TimelineBin } from './recorder.js';
import type { RequestObserver } from './request-observer.js';
import { repositoryWorkingSetMb } from './service-demand.js';
import type { ResolvedSizing } from './sizing.js';
import { Storage } from './storage.js';
import { Workload } from './workload.js';

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
  /** Largest share of burst-time requests any one target received. */
  maxTargetShare: number;
  targetShares: number[];
  taskReplacements: number;
  /** gunicorn workers killed at the worker timeout and restarted. */
  workerRestarts: number;
  instances: InstanceMetrics[];
  events: number;
  timeline?: TimelineBin[];
}

export interface ReplicationInput {
  sizing: ResolvedSizing;
  scenario: Scenario;
  params: ModelParameters;
  timeline?: boolean;
  /** Sees every request the load balancer receives (for writing a simulated access log). */
  observer?: RequestObserver;
}

/** Builds the stack for one replication, runs the scenario on it, and measures. */
export function runReplication(input: ReplicationInput, streams: RngStreams): ReplicationResult {
  const { sizing, scenario, params } = input;
  const scheduler = new Scheduler();
  const flow = FLOWS[scenario.flow];
  const recorder = new RunRecorder(flow.operations.map((o) => o.name));
  const balancer = balancerFor(sizing, params);
  const clients = new ClientPopulation(scheduler, balancer.params, flow, scenario.client, recorder, streams.stream('routing'), input.observer ?? null);
  const lorFeedback = sizing.lorFeedbackMs ?? params['alb.lorFeedbackMs'];
  const alb = new LoadBalancer(scheduler, balancer.params, sizing.algorithm, lorFeedback, clients, streams.stream('alb'), scenario.client.timeoutSeconds * 1000, streams.stream('surge'));
  clients.connect(alb);
  const storage = new Storage(sizing.storage, params);
  const workingSet = repositoryWorkingSetMb(scenario.repository, params);
  const instances = sizing.placement.tasksPerInstance.map(
    (_, i) => new Instance(`${sizing.instanceType.name}#${i + 1}`, sizing.instanceType, scheduler, params, workingSet),
  );
  let ecs: EcsService | null = null;
  const health = new HealthChecker(scheduler, params, streams.stream('health'), (t) => ecs?.replace(t), (t) => ecs?.healthy(t));
  // nginx (local stack) has no health checks: nothing is taken out or replaced.
  const watcher = balancer.healthChecks ? health : { watch: () => undefined };
  ecs = new EcsService(
    scheduler,
    params,
    alb,
    watcher,
    { workers: sizing.workers, workerClass: sizing.workerClass, containerMemoryMb: sizing.placement.containerMemoryMb, maxTasksPerInstance: sizing.placement.maxTasksPerInstance },
    instances,
    { scheduler, params, storage, repository: scenario.repository, serviceRng: streams.stream('service'), ioRng: streams.stream('io') },
  );
  // ECS spread: task k goes to instance k mod n, so targets interleave across instances.
  const perInstance = sizing.placement.tasksPerInstance.slice();
  for (let placed = 0, i = 0; placed < sizing.placement.tasks; i = (i + 1) % instances.length) {
    if (perInstance[i] > 0) {
      perInstance[i]--;
      ecs.startTask(instances[i], 'healthy');
      placed++;
    }
  }

  let running = true;
  const tick = (): void => {
    for (const instance of instances) instance.tick();
    if (running) scheduler.after(1000, tick);
  };
  scheduler.after(1000, tick);
  let endTime = 0;
  const workload = new Workload(
    scheduler,
    scenario.profile,
    clients,
    streams.stream('arrivals'),
    params['client.burstSpreadMs'],
    (active) => alb.setBurstActive(active),
    () => {
      running = false;
      endTime = scheduler.now;
      health.stop();
      ecs?.stop();
      for (const instance of instances) instance.tick();
    },
  );
  workload.start();
  scheduler.run();

  return summarizeRun(recorder, alb, ecs, instances, endTime, scheduler.eventsDelivered, input.timeline === true);
}

function percentiles(values: Float64Array): Percentiles {
  const sorted = values.slice().sort();
  return { p50: percentileOf(sorted, 0.5), p95: percentileOf(sorted, 0.95), p99: percentileOf(sorted, 0.99) };
}

function summarizeRun(
  recorder: RunRecorder,
  alb: LoadBalancer,
  ecs: EcsService,
  instances: Instance[],
  endTime: number,
  events: number,
  withTimeline: boolean,
): ReplicationResult {
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
  const burstTotal = alb.targets.reduce((n, t) => n + t.burstRequests, 0);
  const allTotal = alb.targets.reduce((n, t) => n + t.requests, 0);
  const shares = alb.targets.map((t) => (burstTotal > 0 ? t.burstRequests / burstTotal : allTotal > 0 ? t.requests / allTotal : 0));
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
    maxTargetShare: shares.length > 0 ? Math.max(...shares) : 0,
    targetShares: shares,
    taskReplacements: ecs.replacements,
    workerRestarts: alb.targets.reduce((n, t) => n + t.task.workerRestarts, 0),
    instances: instances.map((i) => i.metrics()),
    events,
  };
  if (withTimeline) result.timeline = recorder.timeline();
  return result;
}

/**
 * Replication `index` of a prediction under master seed `seed`: the streams
 * `new RngStreams(seed).replication(index)`. `predict`, `plan` and `calibrate`
 * all go through here, so the same sizing, seed and index give the same run.
 * The timeline is kept for replication 0 only.
 */
export function replicate(input: ReplicationInput & { seed: number }, index: number): ReplicationResult {
  const streams = new RngStreams(input.seed).replication(index);
  return runReplication({ sizing: input.sizing, scenario: input.scenario, params: input.params, timeline: input.timeline === true && index === 0 }, streams);
}
