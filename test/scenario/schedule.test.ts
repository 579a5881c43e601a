import { describe, expect, it } from 'vitest';
import {
  installsInIteration,
  isBurstIteration,
  iterationMayStart,
  nextIterationStartMs,
  nominalIterations,
  startOffsetsMs,
} from '../../src/scenario/schedule.js';
import type { BurstIterationsProfile } from '../../src/scenario/types.js';

/** The one schedule of model and generator, as a table of exact start times (k6's executor tests). */
describe('schedule', () => {
  const seed: BurstIterationsProfile = {
    executor: 'burst-iterations',
    iterationSeconds: 10,
    baselineInstalls: 3,
    burstInstalls: 510,
    burstEvery: 6,
    firstBurstIteration: 5,
    waitForInstalls: true,
    durationSeconds: 300,
  };

  it('bursts at iterations 5, 11, 17, 23, 29 in the seed profile', () => {
    const iterations = nominalIterations(seed);
    expect(iterations).toHaveLength(30);
    expect(iterations.filter((it) => it.burst).map((it) => it.index)).toEqual([5, 11, 17, 23, 29]);
    expect(isBurstIteration(seed, 4)).toBe(false);
    expect([0, 5, 6, 11].map((k) => installsInIteration(seed, k))).toEqual([3, 510, 3, 510]);
  });

  it('paces iterations to the period, waits for a slow one, and starts none at or after the duration', () => {
    expect(nextIterationStartMs(seed, 50_000, 52_000)).toBe(60_000);
    expect(nextIterationStartMs(seed, 50_000, 71_500)).toBe(71_500);
    expect(nextIterationStartMs({ ...seed, waitForInstalls: false }, 50_000, 71_500)).toBe(60_000);
    expect(iterationMayStart(seed, 299_999.9)).toBe(true);
    expect(iterationMayStart(seed, 300_000)).toBe(false);
  });

  const table: Array<{ name: string; profile: Parameters<typeof startOffsetsMs>[0]; count: number; first: number[]; last: number }> = [
    { name: '4/s for 1 s', profile: { executor: 'constant-arrival-rate', installsPerSecond: 4, durationSeconds: 1 }, count: 4, first: [0, 250, 500, 750], last: 750 },
    // The model once summed 1000/3 ms gaps and started a 301st install at 99,999.99 ms; k / rate starts exactly 300.
    { name: '3/s for 100 s', profile: { executor: 'constant-arrival-rate', installsPerSecond: 3, durationSeconds: 100 }, count: 300, first: [0, 1000 / 3, 2000 / 3], last: 299_000 / 3 },
    { name: '5/s for 300 s', profile: { executor: 'constant-arrival-rate', installsPerSecond: 5, durationSeconds: 300 }, count: 1500, first: [0, 200, 400], last: 299_800 },
    // 1/s held for 3 s: installs at 0, 1, 2 s.
    { name: 'ramp held flat', profile: { executor: 'ramping-arrival-rate', startInstallsPerSecond: 1, stages: [{ durationSeconds: 3, targetInstallsPerSecond: 1 }] }, count: 3, first: [0, 1000, 2000], last: 2000 },
    { name: 'replay x 0.5', profile: { executor: 'replay', file: 'offsets.txt', timeScale: 0.5, offsetsSeconds: [0, 1, 1, 4] }, count: 4, first: [0, 500, 500, 2000], last: 2000 },
  ];
  it.each(table)('open loop: $name', ({ profile, count, first, last }) => {
    const offsets = startOffsetsMs(profile);
    expect(offsets).toHaveLength(count);
    expect(offsets.slice(0, first.length)).toEqual(first);
    expect(offsets[offsets.length - 1]).toBe(last);
  });

  it('ramps by the integral of the rate: 0 -> 10/s over 2 s starts install k at sqrt(k / 2.5) s', () => {
    const ramp = startOffsetsMs({ executor: 'ramping-arrival-rate', startInstallsPerSecond: 0, stages: [{ durationSeconds: 2, targetInstallsPerSecond: 10 }] });
    expect(ramp).toHaveLength(10);
    ramp.forEach((t, k) => expect(t).toBeCloseTo(1000 * Math.sqrt(k / 2.5), 6));
  });
});
