import type { Datapoint } from './cloudwatch-metric.js';
import { MetricAlarm } from './metric-alarm.js';

/**
 * A target tracking scaling policy as Application Auto Scaling (and EC2 Auto
 * Scaling) runs it; docs/autoscaling.md states the rules and their sources.
 * - Two alarms: above the target for `scaleOutDatapoints` of as many
 *   datapoints; below `scaleInThresholdFraction` x the target for
 *   `scaleInDatapoints` of as many.
 * - While an alarm is in ALARM, each datapoint invokes the policy; the new
 *   capacity is proportional to metric / target, rounded up, within
 *   [min, max] and the step bounds: ceil(capacity x metric / target).
 * - Scale-out cooldown: while it lasts, the capacity the last scale-out added
 *   counts as already there: the next scale-out is computed from the capacity
 *   before that activity and only adds what exceeds the current capacity.
 * - Scale-in cooldown: no scale-in while it lasts; a scale-out ends it.
 * The same policy serves the ECS service (desired task count), the capacity
 * provider's managed scaling (instances, target capacity %, steps, warm-up as
 * its scale-out cooldown) and the ASG's own CPU policy.
 */

export interface TargetTrackingOptions {
  /** Shown in alarm names, e.g. "ECSServiceAverageCPUUtilization". */
  name: string;
  targetValue: number;
  minCapacity: number;
  maxCapacity: number;
  scaleOutCooldownMs: number;
  scaleInCooldownMs: number;
  /** N of N datapoints above the target that scale out (service: 3). */
  scaleOutDatapoints: number;
  /** N of N datapoints below the scale-in threshold that scale in (service: 15). */
  scaleInDatapoints: number;
  /** The scale-in alarm's threshold as a fraction of the target (service: 0.9). */
  scaleInThresholdFraction: number;
  /** Smallest / largest change one activity makes (capacity provider: 1 / 10); default 1 / unbounded. */
  minStep?: number;
  maxStep?: number;
}

export type ScalingAction = 'scale-out' | 'scale-in';

export interface ScalingDecision {
  action: ScalingAction;
  /** When the policy decided, ms. */
  timeMs: number;
  from: number;
  to: number;
  /** The datapoint that decided it. */
  metricValue: number;
}

/** ceil(capacity x metric / target), robust to binary fractions (12 x 90 / 60 is 18, not 19). */
export function proportionalCapacity(capacity: number, metric: number, target: number): number {
  const exact = (capacity * metric) / target;
  return Math.ceil(exact - 1e-9 * Math.max(1, exact));
}

export class TargetTrackingPolicy {
  readonly options: Readonly<TargetTrackingOptions>;
  readonly high: MetricAlarm;
  readonly low: MetricAlarm;
  private scaleOutCooldownEnd = -Infinity;
  /** Capacity before the scale-out that started the current scale-out cooldown. */
  private cooldownBase = 0;
  private scaleInCooldownEnd = -Infinity;
  private readonly minStep: number;
  private readonly maxStep: number;

  constructor(options: TargetTrackingOptions) {
    if (!(options.targetValue > 0)) throw new RangeError(`${options.name}: target value must be > 0, got ${options.targetValue}`);
    if (!(options.minCapacity >= 0 && options.maxCapacity >= options.minCapacity)) {
      throw new RangeError(`${options.name}: capacity bounds [${options.minCapacity}, ${options.maxCapacity}] are not a range`);
    }
    this.options = { ...options };
    this.minStep = options.minStep ?? 1;
    this.maxStep = options.maxStep ?? Infinity;
    if (!(this.minStep >= 1 && this.maxStep >= this.minStep)) throw new RangeError(`${options.name}: step bounds [${this.minStep}, ${this.maxStep}] are not a range`);
    this.high = new MetricAlarm({ name: `${options.name} AlarmHigh`, comparison: 'GreaterThanThreshold', threshold: options.targetValue, evaluationPeriods: options.scaleOutDatapoints });
    this.low = new MetricAlarm({
      name: `${options.name} AlarmLow`,
      comparison: 'LessThanThreshold',
      threshold: options.targetValue * options.scaleInThresholdFraction,
      evaluationPeriods: options.scaleInDatapoints,
    });
  }

  /** True while a scale-out cooldown started before `nowMs` lasts. */
  inScaleOutCooldown(nowMs: number): boolean {
    return nowMs < this.scaleOutCooldownEnd;
  }

  inScaleInCooldown(nowMs: number): boolean {
    return nowMs < this.scaleInCooldownEnd;
  }

  /**
   * A datapoint reached the alarms at `nowMs` while the scaled resource has
   * `capacity`: evaluates both alarms and returns the change the policy makes,
   * or null. The caller applies it (and may apply less, e.g. only idle
   * instances can go).
   */
  evaluate(datapoint: Datapoint, nowMs: number, capacity: number): ScalingDecision | null {
    const high = this.high.evaluate(datapoint.timeMs, datapoint.value);
    const low = this.low.evaluate(datapoint.timeMs, datapoint.value);
    if (datapoint.value === null) return null;
    if (high === 'ALARM') return this.scaleOut(nowMs, datapoint.value, capacity);
    if (low === 'ALARM') return this.scaleIn(nowMs, datapoint.value, capacity);
    return null;
  }

  private scaleOut(nowMs: number, metric: number, capacity: number): ScalingDecision | null {
    const { targetValue, maxCapacity } = this.options;
    const inCooldown = this.inScaleOutCooldown(nowMs);
    // In a scale-out cooldown the metric does not yet show what the last scale-out added: compute from before it.
    const base = inCooldown ? this.cooldownBase : capacity;
    const wanted = proportionalCapacity(base, metric, targetValue);
    if (wanted <= capacity || capacity >= maxCapacity) return null;
    const to = Math.min(maxCapacity, Math.max(capacity + this.minStep, Math.min(wanted, capacity + this.maxStep)));
    if (!inCooldown) {
      this.cooldownBase = capacity;
      this.scaleOutCooldownEnd = nowMs + this.options.scaleOutCooldownMs;
    }
    this.scaleInCooldownEnd = -Infinity; // a scale-out ends a scale-in cooldown
    return { action: 'scale-out', timeMs: nowMs, from: capacity, to, metricValue: metric };
  }

  private scaleIn(nowMs: number, metric: number, capacity: number): ScalingDecision | null {
    const { targetValue, minCapacity } = this.options;
    if (this.inScaleInCooldown(nowMs) || capacity <= minCapacity) return null;
    const wanted = proportionalCapacity(capacity, metric, targetValue);
    if (wanted >= capacity) return null;
    const to = Math.max(minCapacity, Math.min(capacity - this.minStep, Math.max(wanted, capacity - this.maxStep)));
    this.scaleInCooldownEnd = nowMs + this.options.scaleInCooldownMs;
    return { action: 'scale-in', timeMs: nowMs, from: capacity, to, metricValue: metric };
  }
}
