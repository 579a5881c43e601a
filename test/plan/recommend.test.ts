import { describe, expect, it } from 'vitest';
import type { CandidateOutcome } from '../../src/plan/outcome.js';
import { analyzePlan, missRatio, paretoFrontier } from '../../src/plan/recommend.js';
import { checkSlo } from '../../src/plan/slo.js';
import { outcomeFactory } from './outcomes.js';

const slo = { errorRate: 0.001, p95Ms: 15_000 };
const outcome = outcomeFactory(slo);

function grid(): CandidateOutcome[] {
  outcome.reset();
  return [
    outcome('t3.small', 1, 1, 40, 0.5, 30_000, true),
    outcome('t3.small', 1, 3, 40, 0.0005, 19_000),
    outcome('t3.small', 2, 6, 57, 0, 16_000),
    outcome('t3.small', 2, 5, 57, 0.002, 14_000),
    outcome('c6a.large', 1, 3, 80, 0, 14_900),
    outcome('c6a.large', 1, 2, 80, 0, 12_000),
    outcome('c6a.large', 1, 1, 80, 0, 16_000),
    outcome('c6a.xlarge', 1, 6, 136, 0, 9_000),
    outcome('c6a.xlarge', 1, 5, 136, 0, 9_500),
    outcome('c6a.xlarge', 2, 12, 250, 0, 5_000),
    outcome('c6a.xlarge', 2, 11, 250, 0, 20_000),
  ];
}

describe('plan analysis', () => {
  it('recommends the cheapest candidate that meets the SLO, the lower P95 at equal cost', () => {
    const all = grid();
    const a = analyzePlan(all, slo);
    expect(a.recommendation?.id).toBe('1 x c6a.large, 2 tasks');
    for (const o of all) if (o.costPerMonthUsd < a.recommendation!.costPerMonthUsd) expect(o.status).not.toBe('meets');
    expect(a.cheaperCandidates).toBe(4);
    expect(a.closest).toEqual([]);
  });

  it('lists the nearest cheaper cost levels with their closest candidate', () => {
    const a = analyzePlan(grid(), slo);
    expect(a.cheaper.map((l) => [l.instanceType, l.instances, l.candidates])).toEqual([
      ['t3.small', 2, 2],
      ['t3.small', 1, 2],
    ]);
    // 16 s (x 1.07) is closer than an error rate twice the objective
    expect(a.cheaper[0].closest.id).toBe('2 x t3.small, 6 tasks');
    expect(a.cheaper[1].closest.id).toBe('1 x t3.small, 3 tasks');
  });

  it('builds the Pareto frontier of cost vs P95 over candidates whose error rate meets the objective', () => {
    const frontier = paretoFrontier(grid(), slo).map((o) => o.id);
    expect(frontier).toEqual(['1 x t3.small, 3 tasks', '2 x t3.small, 6 tasks', '1 x c6a.large, 2 tasks', '1 x c6a.xlarge, 6 tasks', '2 x c6a.xlarge, 12 tasks']);
  });

  it('summarizes every instance type: cheapest that meets, and the closest misses at or below that cost', () => {
    const a = analyzePlan(grid(), slo);
    const small = a.byInstanceType.find((t) => t.instanceType === 't3.small')!;
    expect(small).toMatchObject({ candidates: 4, meeting: 0, missing: 4, cheapestMeeting: null });
    expect(small.closestMisses.map((o) => o.id)).toEqual(['2 x t3.small, 6 tasks', '1 x t3.small, 3 tasks', '2 x t3.small, 5 tasks']);
    const xl = a.byInstanceType.find((t) => t.instanceType === 'c6a.xlarge')!;
    expect(xl.cheapestMeeting?.id).toBe('1 x c6a.xlarge, 6 tasks');
    expect(xl.missing).toBe(1);
    expect(xl.closestMisses).toEqual([]); // its only miss costs more than its cheapest that meets
    const large = a.byInstanceType.find((t) => t.instanceType === 'c6a.large')!;
    expect(large).toMatchObject({ meeting: 2, missing: 1 });
    expect(large.closestMisses.map((o) => o.id)).toEqual(['1 x c6a.large, 1 tasks']);
  });

  it('without any candidate that meets: no recommendation, the closest candidates first', () => {
    // statuses come with the outcomes: rebuild them against the stricter SLO
    const strict = { errorRate: 0.001, p95Ms: 1000 };
    const outcomes = grid().map((o) => {
      const checks = checkSlo(strict, o.errorRate.mean, o.p95Ms.mean);
      return { ...o, checks, status: o.status === 'dropped' ? 'dropped' : checks.every((c) => c.meets) ? 'meets' : 'misses' } as CandidateOutcome;
    });
    const b = analyzePlan(outcomes, strict);
    expect(b.recommendation).toBeNull();
    expect(b.closest.map((o) => o.id)[0]).toBe('2 x c6a.xlarge, 12 tasks');
    const ratios = b.closest.map(missRatio);
    expect([...ratios].sort((x, y) => x - y)).toEqual(ratios);
  });
});
