import { describe, expect, it } from 'vitest';
import { MetricAlarm } from '../../../src/model/autoscaling/metric-alarm.js';

function states(alarm: MetricAlarm, values: Array<number | null>): string[] {
  return values.map((v, i) => alarm.evaluate(i * 60_000, v));
}

describe('MetricAlarm', () => {
  it('goes to ALARM on the third of 3 datapoints above the threshold, not before', () => {
    const high = new MetricAlarm({ name: 'high', comparison: 'GreaterThanThreshold', threshold: 60, evaluationPeriods: 3 });
    expect(states(high, [90, 90, 90, 90])).toEqual(['INSUFFICIENT_DATA', 'INSUFFICIENT_DATA', 'ALARM', 'ALARM']);
    expect(high.history).toEqual([{ timeMs: 120_000, state: 'ALARM' }]);
  });

  it('is strict: a datapoint at the threshold does not breach', () => {
    const high = new MetricAlarm({ name: 'high', comparison: 'GreaterThanThreshold', threshold: 60, evaluationPeriods: 3 });
    expect(states(high, [61, 60, 61, 61, 61])).toEqual(['INSUFFICIENT_DATA', 'OK', 'OK', 'OK', 'ALARM']);
  });

  it('one datapoint below breaks the run of 3: ALARM needs 3 more', () => {
    const high = new MetricAlarm({ name: 'high', comparison: 'GreaterThanThreshold', threshold: 60, evaluationPeriods: 3 });
    expect(states(high, [90, 90, 90, 50, 90, 90, 90])).toEqual(['INSUFFICIENT_DATA', 'INSUFFICIENT_DATA', 'ALARM', 'OK', 'OK', 'OK', 'ALARM']);
  });

  it('needs 15 of 15 below to scale in', () => {
    const low = new MetricAlarm({ name: 'low', comparison: 'LessThanThreshold', threshold: 54, evaluationPeriods: 15 });
    const s = states(low, Array.from({ length: 16 }, () => 10));
    expect(s.indexOf('ALARM')).toBe(14);
    expect(s.slice(0, 14).every((x) => x === 'INSUFFICIENT_DATA')).toBe(true);
    // 14 low datapoints, one at 55, then low again: 15 more needed.
    const low2 = new MetricAlarm({ name: 'low', comparison: 'LessThanThreshold', threshold: 54, evaluationPeriods: 15 });
    const values = [...Array.from({ length: 14 }, () => 10), 55, ...Array.from({ length: 15 }, () => 10)];
    expect(states(low2, values).indexOf('ALARM')).toBe(29);
  });

  it('skips missing datapoints: they neither break nor extend the run', () => {
    const high = new MetricAlarm({ name: 'high', comparison: 'GreaterThanThreshold', threshold: 60, evaluationPeriods: 3 });
    expect(states(high, [90, null, 90, null, 90])).toEqual(['INSUFFICIENT_DATA', 'INSUFFICIENT_DATA', 'INSUFFICIENT_DATA', 'INSUFFICIENT_DATA', 'ALARM']);
  });

  it('M of N: 2 of 3', () => {
    const a = new MetricAlarm({ name: 'a', comparison: 'GreaterThanThreshold', threshold: 1, evaluationPeriods: 3, datapointsToAlarm: 2 });
    expect(states(a, [2, 0, 2, 2, 0, 0])).toEqual(['INSUFFICIENT_DATA', 'INSUFFICIENT_DATA', 'ALARM', 'ALARM', 'ALARM', 'OK']);
    expect(() => new MetricAlarm({ name: 'bad', comparison: 'GreaterThanThreshold', threshold: 1, evaluationPeriods: 3, datapointsToAlarm: 4 })).toThrow(/between 1 and 3/);
  });
});
