import { describe, expect, it } from 'vitest';
import { deriveSeed, RngStreams } from '../../src/sim/rng.js';
import { confidenceInterval } from '../../src/sim/stats/interval.js';
import { percentileOf, seedPercentile } from '../../src/sim/stats/percentile.js';
import { studentTQuantile } from '../../src/sim/stats/student-t.js';
import { erlangB, erlangC } from '../../src/sim/verify/theory.js';

describe('percentiles as the seed tool computes them', () => {
  it('takes sorted[int(q n)]', () => {
    const values = [50, 10, 40, 30, 20]; // sorted: 10 20 30 40 50
    expect(percentileOf(values, 0.5)).toBe(30); // int(2.5) = 2
    expect(percentileOf(values, 0.95)).toBe(50); // int(4.75) = 4
    expect(percentileOf(values, 0)).toBe(10);
    expect(seedPercentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95)).toBe(10); // int(9.5) = 9
    expect(seedPercentile([], 0.5)).toBeNaN();
  });
});

describe("Student's t and intervals", () => {
  it('matches tabulated quantiles', () => {
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.7062, 3);
    expect(studentTQuantile(0.975, 9)).toBeCloseTo(2.2622, 4);
    expect(studentTQuantile(0.995, 19)).toBeCloseTo(2.8609, 4);
    expect(studentTQuantile(0.975, 1000)).toBeCloseTo(1.9623, 3);
    expect(studentTQuantile(0.025, 9)).toBeCloseTo(-2.2622, 4);
  });

  it('matches the closed forms for 1, 2 and 4 degrees of freedom to a few ulps', () => {
    const p = 0.975;
    const nu4 = (() => {
      const a = 4 * p * (1 - p);
      const q = Math.cos(Math.acos(Math.sqrt(a)) / 3) / Math.sqrt(a);
      return 2 * Math.sqrt(q - 1);
    })();
    expect(studentTQuantile(p, 1)).toBeCloseTo(Math.tan(Math.PI * (p - 0.5)), 13);
    expect(studentTQuantile(p, 2)).toBeCloseTo((2 * p - 1) / Math.sqrt(2 * p * (1 - p)), 13);
    expect(studentTQuantile(p, 4)).toBeCloseTo(nu4, 13);
  });

  it('computes a hand-checked 95 % interval', () => {
    // mean 3, sd 1.5811 (1..5), t(0.975, 4) = 2.7764 -> half width 1.9632
    const ci = confidenceInterval([1, 2, 3, 4, 5]);
    expect(ci.mean).toBe(3);
    expect(ci.ciHigh - ci.mean).toBeCloseTo(1.9632, 3);
    expect(confidenceInterval([7]).ciLow).toBe(7);
    expect(confidenceInterval([NaN, 2, 4]).n).toBe(2);
  });
});

describe('Erlang formulas', () => {
  it('match published tables', () => {
    expect(erlangB(8, 6)).toBeCloseTo(0.12188, 4);
    expect(erlangB(1, 1)).toBeCloseTo(0.5, 12);
    expect(erlangC(1, 0.5)).toBeCloseTo(0.5, 12); // M/M/1: P(wait) = rho
    expect(erlangC(4, 3.2)).toBeCloseTo(0.5964, 3);
  });
});

describe('random streams', () => {
  it('are reproducible per name and independent across names and seeds', () => {
    const a1 = new RngStreams(7).stream('arrivals');
    const a2 = new RngStreams(7).stream('arrivals');
    const s = new RngStreams(7).stream('service');
    const b = new RngStreams(8).stream('arrivals');
    const xs = [a1(), a1(), a1()];
    expect([a2(), a2(), a2()]).toEqual(xs);
    expect(s()).not.toBe(xs[0]);
    expect(b()).not.toBe(xs[0]);
    expect(deriveSeed(7, 0)).not.toBe(deriveSeed(7, 1));
    expect(() => new RngStreams(1.5)).toThrow(/integer/);
  });
});
