import type { Scheduler } from '../../sim/scheduler.js';
import { type Datapoint, type MetricSource, PublishedMetric, type RatioCounters } from './cloudwatch-metric.js';
import type { ClusterCapacity } from './cluster-capacity.js';
import type { ScalingRecord } from './scaling-record.js';
import { type ScalingDecision, TargetTrackingPolicy } from './target-tracking.js';

/**
 * A policy that sizes the Auto Scaling group: the capacity provider's managed
 * scaling (target tracking on CapacityProviderReservation), or the group's own
 * CPU target tracking policy. Both change the group's desired capacity: a
 * scale-out launches instances (they join after booting), a scale-in
 * terminates idle instances only (managed termination protection keeps any
 * instance that runs a task), never one still in its warm-up, never below the
 * group's minimum. With both policies on one group, each acts on its own
 * metric and they undo each other's changes (docs/autoscaling.md).
 */

export interface InstanceScalingOptions {
  metric: PublishedMetric;
  policy: TargetTrackingPolicy;
  cluster: ClusterCapacity<unknown>;
  record: ScalingRecord;
  /** Instance warm-up, ms: a younger instance is not terminated. */
  warmupMs: number;
  /** The service's desired count now (for the record). */
  desiredTasks(): number;
}

export class InstanceScaling {
  readonly decisions: ScalingDecision[] = [];

  constructor(
    private readonly scheduler: Scheduler,
    private readonly options: InstanceScalingOptions,
  ) {
    options.metric.subscribe(this.onDatapoint);
  }

  get metric(): PublishedMetric {
    return this.options.metric;
  }

  get policy(): TargetTrackingPolicy {
    return this.options.policy;
  }

  private readonly onDatapoint = (datapoint: Datapoint): void => {
    const { policy, cluster, record, metric } = this.options;
    const before = { tasks: this.options.desiredTasks(), instances: cluster.instanceCount };
    const decision = policy.evaluate(datapoint, this.scheduler.now, cluster.instanceCount);
    if (!decision) return;
    this.decisions.push(decision);
    if (decision.action === 'scale-out') {
      if (cluster.launch(decision.to - decision.from) > 0) record.event('instance-launch', before, metric.name, decision.metricValue);
      return;
    }
    const removable = Math.min(decision.from - decision.to, cluster.instanceCount - cluster.minInstances);
    const idle = cluster.idleInstances(this.options.warmupMs).slice(0, Math.max(0, removable));
    for (const instance of idle) cluster.terminate(instance);
    if (idle.length > 0) record.event('instance-terminate', before, metric.name, decision.metricValue);
  };
}

/** Turns a figure sampled at each period's end into the cumulative counters a PublishedMetric reads. */
export function sampledSource(sample: () => RatioCounters): MetricSource {
  const total: RatioCounters = { numerator: 0, denominator: 0 };
  return {
    read: () => {
      const s = sample();
      total.numerator += s.numerator;
      total.denominator += s.denominator;
      return { ...total };
    },
  };
}

/** What both group policies share: the group, the record, and AWS's timing for instances. */
export interface GroupPolicyOptions {
  cluster: ClusterCapacity<unknown>;
  record: ScalingRecord;
  desiredTasks(): number;
  scaleOutDatapoints: number;
  scaleInDatapoints: number;
  /** Instance warm-up, ms: the scale-out cooldown, and no younger instance is terminated. */
  warmupMs: number;
  periodMs: number;
  latencyMs: number;
}

/** Target tracking on the group's size: bounds from the group, the warm-up as scale-out cooldown, no scale-in cooldown. */
function groupScaling(
  scheduler: Scheduler,
  o: GroupPolicyOptions,
  metric: PublishedMetric,
  tracking: { name: string; targetValue: number; scaleInThresholdFraction: number; minStep?: number; maxStep?: number },
): InstanceScaling {
  const policy = new TargetTrackingPolicy({
    ...tracking,
    minCapacity: o.cluster.minInstances,
    maxCapacity: o.cluster.maxInstances,
    scaleOutCooldownMs: o.warmupMs,
    scaleInCooldownMs: 0,
    scaleOutDatapoints: o.scaleOutDatapoints,
    scaleInDatapoints: o.scaleInDatapoints,
  });
  return new InstanceScaling(scheduler, { metric, policy, cluster: o.cluster, record: o.record, warmupMs: o.warmupMs, desiredTasks: o.desiredTasks });
}

export interface ManagedScalingOptions extends GroupPolicyOptions {
  /** The capacity provider's target capacity, % (the module: 100). */
  targetCapacityPercent: number;
  minStep: number;
  maxStep: number;
}

/**
 * The capacity provider's managed scaling: CapacityProviderReservation =
 * 100 x M / N, computed once a minute (200 when the group is empty and tasks
 * wait), tracked at the target capacity with 1 datapoint to scale out and 15
 * below the target to scale in, steps of minStep..maxStep instances, the
 * warm-up as the scale-out cooldown (instances launched count before they
 * have joined).
 */
export function managedScaling(scheduler: Scheduler, o: ManagedScalingOptions): InstanceScaling {
  const metric = new PublishedMetric(scheduler, {
    name: 'CapacityProviderReservation',
    periodMs: o.periodMs,
    latencyMs: o.latencyMs,
    factor: 100,
    source: sampledSource(() => {
      const n = o.cluster.instanceCount;
      const m = o.cluster.instancesNeeded;
      if (n === 0) return m > 0 ? { numerator: 2, denominator: 1 } : { numerator: 1, denominator: 1 };
      return { numerator: m, denominator: n };
    }),
  });
  return groupScaling(scheduler, o, metric, {
    name: 'CapacityProviderReservation',
    targetValue: o.targetCapacityPercent,
    scaleInThresholdFraction: 1,
    minStep: o.minStep,
    maxStep: o.maxStep,
  });
}

export interface AsgCpuPolicyOptions extends GroupPolicyOptions {
  /** CPU used / CPU available over the group's joined instances: core-ms used and vCPU-ms, cumulative. */
  source: MetricSource;
  targetPercent: number;
  scaleInThresholdFraction: number;
}

/**
 * The Auto Scaling group's own target tracking policy on its average CPU
 * utilization (EC2 CPUUtilization with detailed monitoring, one datapoint a
 * minute), as the web-pod module attaches it: the same alarms as the
 * service's policy, the instance warm-up as its scale-out cooldown.
 */
export function asgCpuPolicy(scheduler: Scheduler, o: AsgCpuPolicyOptions): InstanceScaling {
  const metric = new PublishedMetric(scheduler, { name: 'CPUUtilization', periodMs: o.periodMs, latencyMs: o.latencyMs, factor: 100, source: o.source });
  return groupScaling(scheduler, o, metric, { name: 'ASG CPUUtilization', targetValue: o.targetPercent, scaleInThresholdFraction: o.scaleInThresholdFraction });
}
