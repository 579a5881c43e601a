import { describe, expect, it } from 'vitest';
import type { ReplicationResult } from '../../src/model/replication.js';
import { DEFAULT_RACING, lowerConfidenceBound, nextBatch, raceDecision } from '../../src/plan/racing.js';
import { studentTQuantile } from '../../src/sim/stats/student-t.js';

/** Replication results that carry only what racing reads (error rate and P95). */
function runs(pairs: Array<[number, number]>): ReplicationResult[] {
  return pairs.map(([errorRate, p95]) => ({ errorRate, latencyMs: { p50: NaN, p95, p99: NaN } }) as unknown as ReplicationResult);
}

const slo = { errorRate: 0.001, p95Ms: 15_000 };

describe('racing', () => {
  it('computes the one-sided lower bound mean - t(0.99, n-1) sd / sqrt(n)', () => {
    const values = [10, 12, 14];
    const bound = lowerConfidenceBound(values, 0.99);
    expect(bound.mean).toBe(12);
    expect(bound.lower).toBeCloseTo(12 - studentTQuantile(0.99, 2) * (2 / Math.sqrt(3)), 10);
    expect(lowerConfidenceBound([5], 0.99).lower).toBe(-Infinity);
    expect(lowerConfidenceBound([NaN, 7, 7], 0.99)).toEqual({ mean: 7, lower: 7, n: 2 });
  });

  it('drops a candidate whose P95 is clearly above the objective after 3 replications', () => {
    const drop = raceDecision(runs([[0, 20_000], [0, 20_500], [0, 19_800]]), slo);
    expect(drop).toMatchObject({ metric: 'p95Ms', replications: 3, limit: 15_000, confidence: 0.99 });
    expect(drop!.lowerBound).toBeGreaterThan(15_000);
  });

  it('drops on the error rate first', () => {
    expect(raceDecision(runs([[0.2, 30_000], [0.19, 30_000], [0.21, 30_000]]), slo)?.metric).toBe('errorRate');
  });

  it('keeps a candidate before the first look, or when the interval reaches the objective', () => {
    expect(raceDecision(runs([[0.5, 40_000], [0.5, 40_000]]), slo)).toBeNull();
    // mean 16 s but spread wide: the 99 % lower bound is below 15 s
    expect(raceDecision(runs([[0, 11_000], [0, 21_000], [0, 16_000]]), slo)).toBeNull();
    expect(raceDecision(runs([[0, 5_000], [0, 5_100], [0, 4_900]]), slo)).toBeNull();
  });

  it('drops a candidate in which nothing ever succeeded (no P95)', () => {
    const drop = raceDecision(runs([[0, NaN], [0, NaN], [0, NaN]]), { errorRate: 1, p95Ms: 1000 });
    expect(drop).toMatchObject({ metric: 'p95Ms', lowerBound: Infinity });
  });

  it('batches replication indexes 0.. in order up to the full count', () => {
    const batches: number[][] = [];
    let done = 0;
    for (let next = nextBatch(0, 10); next.length > 0; next = nextBatch(done, 10)) {
      batches.push(next);
      done += next.length;
    }
    expect(batches).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]);
    expect(nextBatch(0, 2, DEFAULT_RACING)).toEqual([0, 1]);
    expect(nextBatch(5, 5)).toEqual([]);
  });
});
