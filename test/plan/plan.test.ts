import { describe, expect, it } from 'vitest';
import { loadCalibration } from '../../src/calibrate/calibration-file.js';
import { predict } from '../../src/prediction/predict.js';
import { resolveSizing } from '../../src/model/sizing.js';
import { runPlan, type PlanInput } from '../../src/plan/plan.js';
import { applyOverrides, loadScenario } from '../../src/scenario/load.js';
import { scaleLoad } from '../../src/scenario/scale.js';

// One 510-install burst (at 50 s) instead of five: the same mechanisms, a fifth of the time.
const scenario = applyOverrides(loadScenario('production-incident'), { durationSeconds: 70 });
const calibration = loadCalibration();
// Generous objectives: the biggest sizing meets them and one task with one worker misses them on any sane calibration.
const slo = { errorRate: 0.01, p95Ms: 20_000 };

function input(changes: Partial<PlanInput> = {}): PlanInput {
  return {
    scenario,
    headroom: 1,
    slo,
    params: calibration.params,
    calibration: calibration.file.name,
    grid: { instanceTypes: ['t3.small', 'c6a.xlarge'], maxInstances: 2, workers: [1, 4], workerClasses: ['gevent'], algorithms: ['round_robin'], containerMemoryMb: [512], placements: 'fewest' },
    replications: 6,
    seed: 1,
    threads: 1,
    ...changes,
  };
}

function predictFor(request: Parameters<typeof resolveSizing>[0], replications: number, scen = scenario) {
  return predict({ sizing: resolveSizing(request), scenario: scen, params: calibration.params, calibration: calibration.file.name, replications, seed: 1 });
}

describe('runPlan', async () => {
  const progress: number[] = [];
  const one = await runPlan(input({ onProgress: (p) => progress.push(p.candidatesDone) }));
  const two = await runPlan(input({ threads: 2 }));

  it('gives the same result on one thread and on two', () => {
    expect(JSON.stringify(two.result)).toBe(JSON.stringify(one.result));
    expect(one.timing.threads).toBe(1);
    expect(two.timing.threads).toBe(2);
  });

  it('races: a clear miss stops after the first batch, survivors get the full count', () => {
    const r = one.result;
    expect(r.stats.candidates).toBe(62);
    expect(r.stats.droppedEarly).toBeGreaterThan(0);
    expect(r.stats.replicationsRun).toBeLessThan(r.stats.replicationsWithoutRacing);
    for (const c of r.candidates) {
      if (c.status === 'dropped') {
        expect(c.replications).toBe(3);
        expect(c.drop!.lowerBound).toBeGreaterThan(c.drop!.limit);
        expect(c.why).toMatch(/dropped after 3 replications/);
      } else {
        expect(c.replications).toBe(6);
        expect(c.drop).toBeNull();
      }
    }
    // 1 task with 1 gevent worker cannot serve a 510-install burst on any calibration worth the name
    expect(r.candidates.filter((c) => c.tasks === 1 && c.workers === 1).map((c) => c.status)).toEqual(['dropped', 'dropped']);
    expect(progress.at(-1)).toBe(62);
  });

  it('reports exactly the figures `predict` gives for the same sizing, seed and replications', () => {
    const { result } = one;
    for (const c of result.candidates) {
      const request = { instance: c.instanceType, instances: c.instances, tasks: c.tasks, workers: c.workers, workerClass: 'gevent' as const, algorithm: 'round_robin' as const, containerMemoryMb: 512 };
      const p = predictFor(request, c.replications);
      expect(c.errorRate).toEqual(p.errorRate);
      expect(c.p95Ms).toEqual(p.latencyMs.p95);
      expect(c.costPerMonthUsd).toBe(p.costPerMonthUsd);
    }
  });

  it('recommends a sizing that meets the SLO in a fresh prediction, and every cheaper candidate misses', () => {
    const { result } = one;
    const rec = result.analysis.recommendation!;
    expect(rec).not.toBeNull();
    const fresh = predictFor({ instance: rec.instanceType, instances: rec.instances, tasks: rec.tasks, workers: rec.workers, workerClass: 'gevent', algorithm: 'round_robin' }, 6);
    expect(fresh.errorRate.mean).toBeLessThanOrEqual(slo.errorRate);
    expect(fresh.latencyMs.p95.mean).toBeLessThanOrEqual(slo.p95Ms);
    expect(result.recommended).toEqual(fresh);
    const cheaper = result.candidates.filter((c) => c.costPerMonthUsd < rec.costPerMonthUsd);
    expect(result.analysis.cheaperCandidates).toBe(cheaper.length);
    for (const c of cheaper) {
      expect(c.status).not.toBe('meets');
      expect(c.errorRate.mean > slo.errorRate || !(c.p95Ms.mean <= slo.p95Ms)).toBe(true);
      expect(c.why).not.toBe('');
    }
    for (const c of result.candidates.filter((c) => c.costPerMonthUsd === rec.costPerMonthUsd && c.status === 'meets')) {
      expect(c.p95Ms.mean).toBeGreaterThanOrEqual(rec.p95Ms.mean);
    }
  });

  it('with headroom, plans at the scaled burst and also predicts the scenario`s own load', async () => {
    const { result } = await runPlan(input({ headroom: 1.5, replications: 3, threads: 2, grid: { ...input().grid, workers: [4] }, slo: { errorRate: 0.05, p95Ms: 30_000 } }));
    expect(result.scenario.load).toBe('burst 510 -> 765 installs (x 1.5)');
    const rec = result.analysis.recommendation!;
    const request = { instance: rec.instanceType, instances: rec.instances, tasks: rec.tasks, workers: rec.workers, workerClass: 'gevent' as const, algorithm: 'round_robin' as const };
    expect(result.recommended).toEqual(predictFor(request, 3, scaleLoad(scenario, 1.5)));
    expect(result.recommendedAtNominalLoad).toEqual(predictFor(request, 3));
  });

  it('rejects nonsense before simulating', async () => {
    await expect(runPlan(input({ slo: { errorRate: 2, p95Ms: 1 } }))).rejects.toThrow(/--slo-error-rate must be a fraction from 0 to 1/);
    await expect(runPlan(input({ headroom: 0.5 }))).rejects.toThrow(/--headroom must be a factor >= 1/);
  });
});
