import { describe, expect, it } from 'vitest';
import { proportionalCapacity, type ScalingDecision, TargetTrackingPolicy, type TargetTrackingOptions } from '../../../src/model/autoscaling/target-tracking.js';

const MIN = 60_000;

function servicePolicy(changes: Partial<TargetTrackingOptions> = {}): TargetTrackingPolicy {
  return new TargetTrackingPolicy({
    name: 'ECSServiceAverageCPUUtilization',
    targetValue: 60,
    minCapacity: 12,
    maxCapacity: 24,
    scaleOutCooldownMs: 300_000,
    scaleInCooldownMs: 300_000,
    scaleOutDatapoints: 3,
    scaleInDatapoints: 15,
    scaleInThresholdFraction: 0.9,
    ...changes,
  });
}

/** Feeds one datapoint a minute (stamped k minutes, arriving at k + 1 minutes) and applies each decision. */
function drive(policy: TargetTrackingPolicy, start: number, values: number[]): { capacity: number; decisions: ScalingDecision[] } {
  let capacity = start;
  const decisions: ScalingDecision[] = [];
  values.forEach((value, k) => {
    const d = policy.evaluate({ timeMs: k * MIN, value }, (k + 1) * MIN, capacity);
    if (d) {
      decisions.push(d);
      capacity = d.to;
    }
  });
  return { capacity, decisions };
}

describe('proportionalCapacity', () => {
  it('is ceil(capacity x metric / target), exact on round figures', () => {
    expect(proportionalCapacity(12, 90, 60)).toBe(18);
    expect(proportionalCapacity(12, 61, 60)).toBe(13);
    expect(proportionalCapacity(12, 10, 60)).toBe(2);
    expect(proportionalCapacity(10, 70, 70)).toBe(10);
    expect(proportionalCapacity(3, 0.7 * 100, 70)).toBe(3);
  });
});

describe('TargetTrackingPolicy', () => {
  it('scales out on the third datapoint above the target, to ceil(12 x 90 / 60) = 18', () => {
    const { decisions } = drive(servicePolicy(), 12, [90, 90, 90]);
    expect(decisions).toEqual([{ action: 'scale-out', timeMs: 3 * MIN, from: 12, to: 18, metricValue: 90 }]);
  });

  it('in the scale-out cooldown counts what the last scale-out added: no second step until the cooldown ends', () => {
    // The metric stays at 90 % throughout. Scale-out at 3 min (cooldown to 8 min); from before the
    // activity, 12 x 1.5 = 18 is already there at 4..7 min; at 8 min the cooldown is over: ceil(18 x 1.5) = 27 -> max 24.
    const { decisions } = drive(servicePolicy(), 12, Array.from({ length: 10 }, () => 90));
    expect(decisions.map((d) => [d.timeMs / MIN, d.from, d.to])).toEqual([
      [3, 12, 18],
      [8, 18, 24],
    ]);
  });

  it('during the cooldown adds only what a higher metric asks beyond the capacity already added', () => {
    // 12 -> 18 at 3 min on 90 %; at 4 min the metric reads 120 %: from before the activity, ceil(12 x 2) = 24: +6.
    const { decisions } = drive(servicePolicy({ maxCapacity: 40 }), 12, [90, 90, 90, 120]);
    expect(decisions.map((d) => [d.timeMs / MIN, d.from, d.to])).toEqual([
      [3, 12, 18],
      [4, 18, 24],
    ]);
  });

  it('never goes above max or below min', () => {
    expect(drive(servicePolicy(), 12, [500, 500, 500]).capacity).toBe(24);
    expect(drive(servicePolicy(), 24, Array.from({ length: 15 }, () => 1)).capacity).toBe(12);
    const atMax = servicePolicy();
    expect(drive(atMax, 24, [500, 500, 500, 500]).decisions).toEqual([]);
  });

  it('scales in on the 15th datapoint below 90 % of the target, proportionally', () => {
    // 54 is the scale-in threshold; 30 % on 24 tasks: ceil(24 x 30 / 60) = 12.
    const { decisions } = drive(servicePolicy(), 24, Array.from({ length: 15 }, () => 30));
    expect(decisions).toEqual([{ action: 'scale-in', timeMs: 15 * MIN, from: 24, to: 12, metricValue: 30 }]);
    // Between 54 and 60 nothing happens either way.
    expect(drive(servicePolicy(), 24, Array.from({ length: 30 }, () => 55)).decisions).toEqual([]);
  });

  it('holds a scale-in for the scale-in cooldown, then scales in again', () => {
    // 36 % on 20 tasks -> ceil(20 x 0.6) = 12 ... but min is 6 here and the metric stays at 36 %: 20 -> 12 at 15 min,
    // cooldown to 20 min, then 12 x 0.6 = 7.2 -> 8 at the first datapoint after it.
    const { decisions } = drive(servicePolicy({ minCapacity: 6 }), 20, Array.from({ length: 22 }, () => 36));
    expect(decisions.map((d) => [d.timeMs / MIN, d.from, d.to])).toEqual([
      [15, 20, 12],
      [20, 12, 8],
    ]);
  });

  it('a scale-out ends a scale-in cooldown', () => {
    const p = servicePolicy({ minCapacity: 2, scaleInCooldownMs: 3_600_000 });
    drive(p, 12, Array.from({ length: 15 }, () => 30));
    expect(p.inScaleInCooldown(16 * MIN)).toBe(true);
    const d = p.evaluate({ timeMs: 16 * MIN, value: 90 }, 17 * MIN, 6);
    // The high alarm needs its own 3 datapoints: this is the first.
    expect(d).toBeNull();
    p.evaluate({ timeMs: 17 * MIN, value: 90 }, 18 * MIN, 6);
    expect(p.evaluate({ timeMs: 18 * MIN, value: 90 }, 19 * MIN, 6)).toEqual({ action: 'scale-out', timeMs: 19 * MIN, from: 6, to: 9, metricValue: 90 });
    expect(p.inScaleInCooldown(19 * MIN)).toBe(false);
  });

  it('keeps each change within the step bounds (capacity provider: 1 to 10 instances)', () => {
    const p = servicePolicy({ minCapacity: 1, maxCapacity: 100, scaleOutDatapoints: 1, scaleOutCooldownMs: 0, minStep: 1, maxStep: 10 });
    // 2 instances at 1300 % -> 26 wanted; one activity adds 10.
    expect(p.evaluate({ timeMs: 0, value: 1300 }, MIN, 2)).toMatchObject({ from: 2, to: 12 });
    // 101 % on 2: ceil(2.02) = 3, at least minStep anyway.
    const q = servicePolicy({ minCapacity: 1, maxCapacity: 100, scaleOutDatapoints: 1, targetValue: 100, minStep: 2, maxStep: 10 });
    expect(q.evaluate({ timeMs: 0, value: 101 }, MIN, 2)).toMatchObject({ from: 2, to: 4 });
  });

  it('ignores missing datapoints', () => {
    expect(drive(servicePolicy(), 12, [90, 90]).decisions).toEqual([]);
    const p = servicePolicy();
    expect(p.evaluate({ timeMs: 0, value: null }, MIN, 12)).toBeNull();
  });
});
