import { describe, expect, it } from 'vitest';
import { DEFAULT_WEIGHTS, FLOORS, MISSING_ERROR, runLoss } from '../../src/calibrate/loss.js';
import { nelderMead } from '../../src/calibrate/nelder-mead.js';
import { LOG_SPAN, parameterTransform } from '../../src/calibrate/transform.js';
import { averageMetrics } from '../../src/calibrate/predict-run.js';
import { UserError } from '../../src/errors.js';
import { simulateSyntheticRun } from '../../src/calibrate/synthetic-run.js';

describe('Nelder-Mead from fmin', () => {
  it('minimizes a smooth function (Rosenbrock) from the textbook start', () => {
    const rosenbrock = (x: number[]) => 100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2;
    const result = nelderMead(rosenbrock, [-1.2, 1], { minErrorDelta: 1e-10, maxIterations: 5000 });
    expect(result.x[0]).toBeCloseTo(1, 3);
    expect(result.x[1]).toBeCloseTo(1, 3);
  });

  it('survives shrink steps (fmin 0.0.4 throws "i is not defined" there without our loader)', () => {
    // A staircase: contractions fail on flat steps, so the simplex has to shrink.
    const stairs = (x: number[]) => Math.floor(4 * Math.hypot(x[0] - 1, x[1] + 2));
    const result = nelderMead(stairs, [0, 0], { zeroDelta: 0.5 });
    expect(result.fx).toBe(0);
    expect(Math.hypot(result.x[0] - 1, result.x[1] + 2)).toBeLessThan(0.25);
  });

  it('leaves no fmin global behind and does not modify x0', () => {
    const x0 = [3, 4];
    nelderMead((x) => x[0] ** 2 + x[1] ** 2, x0, { zeroDelta: 1 });
    expect(x0).toEqual([3, 4]);
    expect((globalThis as { fmin?: unknown }).fmin).toBeUndefined();
  });
});

describe('bounded transforms', () => {
  it('log scale: start/20 .. start*20, round trip, and every internal number maps inside the bounds', () => {
    const t = parameterTransform('service.walkCpuPerFileMs', 0.12);
    expect(t.kind).toBe('log');
    expect(t.lo).toBeCloseTo(0.12 / LOG_SPAN, 12);
    expect(t.hi).toBeCloseTo(0.12 * LOG_SPAN, 12);
    expect(t.fromInternal(t.toInternal(0.3))).toBeCloseTo(0.3, 10);
    expect(t.start).toBeCloseTo(0.12, 10);
    for (const z of [-1e6, -50, -1, 0, 1, 50, 1e6]) {
      const v = t.fromInternal(z);
      expect(v).toBeGreaterThanOrEqual(t.lo);
      expect(v).toBeLessThanOrEqual(t.hi);
    }
    // Equal internal steps are equal factors in the middle of a log range.
    const mid = t.toInternal(0.12);
    expect(t.fromInternal(mid + 0.1) / 0.12).toBeCloseTo(0.12 / t.fromInternal(mid - 0.1), 10);
  });

  it('fractions use a logit on their rule range; a start on a bound is nudged inside', () => {
    const t = parameterTransform('storage.readdirMissRate', 1.0);
    expect(t.kind).toBe('linear');
    expect([t.lo, t.hi]).toEqual([0, 1]);
    expect(t.start).toBeCloseTo(0.99, 10);
    expect(t.fromInternal(t.toInternal(0.25))).toBeCloseTo(0.25, 10);
    const cv = parameterTransform('service.cpuCv', 0.3);
    expect([cv.lo, cv.hi]).toEqual([0, 5]);
  });

  it('explicit bounds are checked against the rule and the start', () => {
    expect(parameterTransform('storage.nfsMetadataLatencyMs', 1.2, { lo: 0.5, hi: 3 }).hi).toBe(3);
    expect(() => parameterTransform('storage.attrCacheMissRate', 0.1, { lo: 0, hi: 2 })).toThrow(/within the parameter's bounds \[0, 1\]/);
    expect(() => parameterTransform('storage.nfsMetadataLatencyMs', 1.2, { lo: 2, hi: 3 })).toThrow(/outside --bounds/);
    expect(() => parameterTransform('storage.nfsMetadataLatencyMs', 1.2, { lo: 3, hi: 2 })).toThrow(/LO must be below HI/);
    expect(() => parameterTransform('alb.nodes', 2)).toThrow(UserError);
    expect(() => parameterTransform('memory.swapMb', 0)).toThrow(/positive start/);
  });
});

describe('loss', () => {
  const observed = { errorRate: 0.1, p50Ms: 100, p95Ms: 1000, p99Ms: null, perOperationMeanMs: { root: 200, simple: 100, other: 5 } };

  it('is zero for a perfect prediction and a weighted squared log ratio otherwise', () => {
    expect(runLoss(observed, observed).loss).toBe(0);
    const predicted = { ...observed, p95Ms: 1100 };
    const { loss, terms } = runLoss(observed, predicted);
    const p95 = terms.find((t) => t.metric === 'p95Ms')!;
    expect(p95.error).toBeCloseTo(Math.log(1101 / 1001), 12);
    expect(p95.relativeError).toBeCloseTo(0.1, 12);
    expect(loss).toBeCloseTo(DEFAULT_WEIGHTS.p95Ms * Math.log(1101 / 1001) ** 2, 12);
  });

  it('charges 10 % too high about what 10 % too low costs (log ratio, not a plain relative error)', () => {
    const high = runLoss(observed, { ...observed, p95Ms: 1100 }).loss;
    const low = runLoss(observed, { ...observed, p95Ms: 1000 / 1.1 }).loss;
    expect(high / low).toBeGreaterThan(0.98);
    expect(high / low).toBeLessThan(1.02);
  });

  it('skips what was not observed, shares the per-operation weight, floors near-zero values, and charges a missing prediction', () => {
    const { terms } = runLoss(observed, { ...observed, p99Ms: 5, perOperationMeanMs: { root: 200, simple: 100 } });
    expect(terms.map((t) => t.metric)).toEqual(['errorRate', 'p50Ms', 'p95Ms', 'perOperationMeanMs.root', 'perOperationMeanMs.simple']);
    expect(terms.find((t) => t.metric === 'perOperationMeanMs.root')!.weight).toBe(DEFAULT_WEIGHTS.perOperationMeanMs / 2);
    const zero = runLoss({ errorRate: 0, p50Ms: null, p95Ms: null, p99Ms: null }, { errorRate: 0.0005, p50Ms: 1, p95Ms: 1, p99Ms: 1 });
    expect(zero.terms[0].error).toBeCloseTo(Math.log((0.0005 + FLOORS.errorRate) / FLOORS.errorRate), 12);
    expect(zero.terms[0].relativeError).toBeNull();
    const missing = runLoss(observed, { ...observed, p95Ms: null }).terms.find((t) => t.metric === 'p95Ms')!;
    expect(missing.error).toBe(MISSING_ERROR);
    expect(missing.predicted).toBeNull();
  });

  it('a weight of 0 leaves a metric out', () => {
    const terms = runLoss(observed, observed, { ...DEFAULT_WEIGHTS, errorRate: 0, perOperationMeanMs: 0 }).terms.map((t) => t.metric);
    expect(terms).toEqual(['p50Ms', 'p95Ms']);
  });
});

describe('predicted metrics', () => {
  it('average replications the way predict does and take the busiest / emptiest instance', () => {
    const spec = {
      sizing: { instance: 't3.small', instances: 2, tasks: 4, workers: 1, workerClass: 'gevent' as const, algorithm: 'round_robin' as const },
      scenario: 'light-load',
      overrides: { durationSeconds: 20 },
      truth: {},
      seed: 3,
    };
    const a = simulateSyntheticRun({ ...spec, seed: 3 }).result;
    const b = simulateSyntheticRun({ ...spec, seed: 4 }).result;
    const m = averageMetrics([a, b]);
    expect(m.p95Ms).toBeCloseTo((a.latencyMs.p95 + b.latencyMs.p95) / 2, 9);
    expect(m.errorRate).toBeCloseTo((a.errorRate + b.errorRate) / 2, 12);
    const maxCpu = (r: typeof a) => Math.max(...r.instances.map((i) => i.cpuUtilPeak));
    const minMem = (r: typeof a) => Math.min(...r.instances.map((i) => i.memAvailableMinMb));
    expect(m.cpuUtilPeak).toBeCloseTo((maxCpu(a) + maxCpu(b)) / 2, 12);
    expect(m.memAvailableMinMb).toBeCloseTo((minMem(a) + minMem(b)) / 2, 9);
    expect(Object.keys(m.perOperationMeanMs)).toEqual(Object.keys(a.perOperation));
    const name = Object.keys(a.perOperation)[0];
    expect(m.perOperationMeanMs[name]).toBeCloseTo((a.perOperation[name].meanMs + b.perOperation[name].meanMs) / 2, 9);
  });
});
