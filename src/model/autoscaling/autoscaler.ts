import type { Scheduler } from '../../sim/scheduler.js';
import { type MetricSource, PublishedMetric } from './cloudwatch-metric.js';
import type { ClusterCapacity } from './cluster-capacity.js';
import { asgCpuPolicy, type InstanceScaling, managedScaling } from './instance-scaling.js';
import type { AutoscalingPolicy, ScaleMetric } from './policy.js';
import { ScalingRecord } from './scaling-record.js';
import { ServiceAutoscaling } from './service-autoscaling.js';
import { ServiceTasks, type TaskRuntime } from './service-tasks.js';
import { TargetTrackingPolicy } from './target-tracking.js';

/** How AWS runs the policies (model parameters, in ms and counts). */
export interface ScalingTiming {
  /** The service metric's period (60 s; 20 s for the high-resolution variant) and its delay to the alarms. */
  metricPeriodMs: number;
  metricLatencyMs: number;
  scaleOutDatapoints: number;
  scaleInDatapoints: number;
  scaleInThresholdFraction: number;
  /** Placement to RUNNING (and registered). */
  taskStartMs: number;
  capacity: {
    targetPercent: number;
    minStep: number;
    maxStep: number;
    scaleOutDatapoints: number;
    scaleInDatapoints: number;
    warmupMs: number;
    bootMs: number;
    /** CapacityProviderReservation is computed once a minute. */
    periodMs: number;
    latencyMs: number;
  };
  asgCpuTargetPercent: number;
}

/** The metrics the stack measures: one source per scale metric, and the group's CPU for the ASG policy. */
export interface ScalingSources {
  service(metric: ScaleMetric, tasks: { taskHours(nowMs: number): number }): MetricSource;
  /** Core-ms used and vCPU-ms available over the group's joined instances, cumulative. */
  instanceCpu(cluster: ClusterCapacity<unknown>): MetricSource;
}

/** The autoscaled service and its capacity, assembled. */
export interface Autoscaler<H> {
  tasks: ServiceTasks<H>;
  record: ScalingRecord;
  serviceMetric: PublishedMetric;
  servicePolicy: TargetTrackingPolicy;
  service: ServiceAutoscaling;
  capacity: InstanceScaling;
  asgCpu: InstanceScaling | null;
  /** Stops every timer (the run is over) and takes the last sample. */
  stop(): void;
}

/** For a `requests` metric, a count per period: the factor turns target-ms into a mean target count. */
function metricFactor(metric: ScaleMetric, periodMs: number): number {
  return metric === 'requests' ? periodMs : 100;
}

export interface AutoscalerInput<H> {
  policy: AutoscalingPolicy;
  timing: ScalingTiming;
  runtime: TaskRuntime<H>;
  sources: ScalingSources;
  maxTasksPerInstance: number;
  initialTasksPerInstance: readonly number[];
  /** The cluster's instance model is created here when an instance joins. */
  onInstanceJoined?(index: number): void;
  onInstanceTerminated?(index: number): void;
}

/**
 * Assembles service autoscaling as the module deploys it: the ECS service's
 * tasks on the capacity provider's instances, target tracking on the chosen
 * service metric, managed scaling of the instances, the ASG's CPU policy when
 * asked for, and the record of what they did.
 */
export function buildAutoscaler<H>(scheduler: Scheduler, input: AutoscalerInput<H>): Autoscaler<H> {
  const { policy, timing } = input;
  const tasks = new ServiceTasks<H>(scheduler, {
    runtime: input.runtime,
    taskStartMs: timing.taskStartMs,
    initialTasksPerInstance: input.initialTasksPerInstance,
    cluster: {
      maxTasksPerInstance: input.maxTasksPerInstance,
      bootMs: timing.capacity.bootMs,
      minInstances: policy.minInstances,
      maxInstances: policy.maxInstances,
      onJoined: (instance) => input.onInstanceJoined?.(instance.index),
      onTerminated: (instance) => input.onInstanceTerminated?.(instance.index),
    },
  });
  const cluster = tasks.cluster;
  const record = new ScalingRecord(
    scheduler,
    {
      counts: () => tasks.counts(),
      get instanceCount() {
        return cluster.instanceCount;
      },
      taskHours: (now) => tasks.taskHours(now),
      instanceHours: (now) => cluster.instanceHours(now),
      peakRunningTasks: () => tasks.peakRunningTasks(),
      peakInstances: () => cluster.peakInstances(),
    },
    timing.metricPeriodMs,
  );
  const serviceMetric = new PublishedMetric(scheduler, {
    name: policy.cloudWatchMetric,
    periodMs: timing.metricPeriodMs,
    latencyMs: timing.metricLatencyMs,
    factor: metricFactor(policy.metric, timing.metricPeriodMs),
    source: input.sources.service(policy.metric, tasks),
  });
  const servicePolicy = new TargetTrackingPolicy({
    name: policy.cloudWatchMetric,
    targetValue: policy.targetValue,
    minCapacity: policy.minTasks,
    maxCapacity: policy.maxTasks,
    scaleOutCooldownMs: policy.scaleOutCooldownS * 1000,
    scaleInCooldownMs: policy.scaleInCooldownS * 1000,
    scaleOutDatapoints: timing.scaleOutDatapoints,
    scaleInDatapoints: timing.scaleInDatapoints,
    scaleInThresholdFraction: timing.scaleInThresholdFraction,
  });
  const service = new ServiceAutoscaling(scheduler, { metric: serviceMetric, policy: servicePolicy, service: tasks, record, instanceCount: () => cluster.instanceCount });
  const desiredTasks = () => tasks.desiredCount;
  const c = timing.capacity;
  const capacity = managedScaling(scheduler, {
    cluster,
    record,
    desiredTasks,
    targetCapacityPercent: c.targetPercent,
    minStep: c.minStep,
    maxStep: c.maxStep,
    scaleOutDatapoints: c.scaleOutDatapoints,
    scaleInDatapoints: c.scaleInDatapoints,
    warmupMs: c.warmupMs,
    periodMs: c.periodMs,
    latencyMs: c.latencyMs,
  });
  const asgCpu = policy.asgCpuPolicy
    ? asgCpuPolicy(scheduler, {
        cluster,
        record,
        desiredTasks,
        source: input.sources.instanceCpu(cluster as ClusterCapacity<unknown>),
        targetPercent: timing.asgCpuTargetPercent,
        scaleOutDatapoints: timing.scaleOutDatapoints,
        scaleInDatapoints: timing.scaleInDatapoints,
        scaleInThresholdFraction: timing.scaleInThresholdFraction,
        warmupMs: c.warmupMs,
        periodMs: c.periodMs,
        latencyMs: c.latencyMs,
      })
    : null;
  return {
    tasks,
    record,
    serviceMetric,
    servicePolicy,
    service,
    capacity,
    asgCpu,
    stop() {
      serviceMetric.stop();
      capacity.metric.stop();
      asgCpu?.metric.stop();
      tasks.stop();
      record.finish();
    },
  };
}
