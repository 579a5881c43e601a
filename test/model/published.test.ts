import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadCalibration } from '../../src/calibrate/calibration-file.js';
import { withOverrides } from '../../src/model/parameters.js';
import { placeTasks } from '../../src/model/placement.js';
import { getInstanceType } from '../../src/model/catalog.js';
import { type Prediction, predict } from '../../src/prediction/predict.js';
import { resolveSizing, type SizingRequest } from '../../src/model/sizing.js';
import { flagLayer } from '../../src/model/autoscaling/policy.js';
import { autoscalingFor, buildStack, stackConfig } from '../../src/model/stack.js';
import { RngStreams } from '../../src/sim/rng.js';
import { loadScenario } from '../../src/scenario/load.js';

/**
 * The shipped calibration reproduces the published incident report (docs/published-figures.md) under the
 * production-incident scenario (the seed tool: bursts from iteration 0, one cookie jar for the run), with
 * the default 10 replications and seed; the incident host under pip-burst (the incident's real CI
 * traffic). The t3.small rows run on 4 instances with the module's placement, as the calibration file
 * reads them. Ranges: the published figure's, widened where the calibration's notes say the model misses
 * it (baseline-1's error rate: 10.9 % predicted, 19.3 % published). The stack is the fixed one the
 * calibration was fitted on (autoscaling off: no run of the report scaled; docs/model.md, "Known gaps", says
 * how the autoscaled service's replacements differ).
 */
const calibration = loadCalibration();
const scenario = loadScenario('production-incident');
const baseline = (JSON.parse(readFileSync(calibration.path, 'utf8')) as { baseline: { instances: number; tasks: number } }).baseline;
type Sizing = Partial<SizingRequest> & { instance: string; tasks: number; workers: number };

function predictFor(sizing: Sizing, overrides: Record<string, number> = {}, scenarioName = 'production-incident'): Prediction {
  const resolved = resolveSizing({ workerClass: 'gevent', algorithm: 'round_robin', ...sizing });
  return predict({
    sizing: resolved,
    autoscaling: autoscalingFor(resolved, [flagLayer({ enabled: false })]),
    scenario: scenarioName === 'production-incident' ? scenario : loadScenario(scenarioName),
    params: withOverrides(calibration.params, overrides, 'test'),
    calibration: calibration.file.name,
    replications: 10,
    seed: 1,
  });
}

/** The busiest instance's share of each burst but the first (the jar holds a cookie from then on), over the 10 replications. */
function laterBurstInstanceShares(sizing: Sizing): number[] {
  const resolved = resolveSizing({ workerClass: 'gevent', algorithm: 'round_robin', ...sizing });
  const config = stackConfig(resolved, scenario, calibration.params, autoscalingFor(resolved, [flagLayer({ enabled: false })]));
  const shares: number[] = [];
  for (let r = 0; r < 10; r++) {
    const stack = buildStack(config, calibration.params, new RngStreams(1).replication(r));
    stack.workload.start();
    stack.scheduler.run();
    for (let b = 1; b < stack.balancer.bursts; b++) {
      const perInstance = stack.instances.map(() => 0);
      for (const t of stack.balancer.targets) perInstance[stack.instances.indexOf(t.task.instance)] += t.burstRequests[b] ?? 0;
      const total = perInstance.reduce((a, c) => a + c, 0);
      shares.push(Math.max(...perInstance) / total);
    }
  }
  return shares;
}

describe('the default calibration reproduces the published table', () => {
  const finalSizing = { instance: 'c6a.xlarge', tasks: 12, workers: 4 };
  const final = predictFor(finalSizing);

  it('2 x c6a.xlarge, 12 tasks, 4 gevent workers: 0.05 % errors, P95 about 14 s, a handful of 5xx', () => {
    expect(final.config.instances).toBe(2);
    expect(final.config.stickiness).toBe(true);
    expect(final.errorRate.mean).toBeGreaterThanOrEqual(0.0002);
    expect(final.errorRate.mean).toBeLessThanOrEqual(0.002);
    expect(final.latencyMs.p95.mean).toBeGreaterThanOrEqual(11_000);
    expect(final.latencyMs.p95.mean).toBeLessThanOrEqual(17_000);
    expect(final.http5xx.mean).toBeLessThan(15);
  });

  it('the final sizing\'s busiest instance serves most of each burst: about 85 % once the jar holds a cookie (held out of the fit)', () => {
    // Over every burst, the first (no cookie yet: spread over all tasks) included.
    expect(final.maxInstanceShare.ciLow).toBeGreaterThan(0.7);
    const later = laterBurstInstanceShares(finalSizing);
    const mean = later.reduce((a, b) => a + b, 0) / later.length;
    expect(mean).toBeGreaterThan(0.8);
    expect(Math.min(...later)).toBeGreaterThan(0.75);
  });

  const small = [1, 2, 4].map((workers) => predictFor({ instance: 't3.small', instances: baseline.instances, tasks: baseline.tasks, workers }));
  // 6 workers: the module's placement fits 2 tasks per t3.small.
  const sixTasks = baseline.instances * placeTasks({ instanceType: getInstanceType('t3.small'), tasks: 1, workers: 6 }).maxTasksPerInstance;
  const six = predictFor({ instance: 't3.small', instances: baseline.instances, tasks: sixTasks, workers: 6 });

  it('the t3.small baseline (4 instances x 3 tasks) with one worker per task: 19.3 % errors, P95 27 s', () => {
    expect(baseline).toEqual({ instanceType: 't3.small', instances: 4, tasks: 12, reading: expect.any(String) });
    expect(small[0].errorRate.mean).toBeGreaterThanOrEqual(0.08);
    expect(small[0].errorRate.mean).toBeLessThanOrEqual(0.28);
    expect(small[0].latencyMs.p95.mean).toBeGreaterThanOrEqual(20_000);
    expect(small[0].latencyMs.p95.mean).toBeLessThanOrEqual(35_000);
  });

  it('2, 4 and 6 workers: a few percent each, well below one worker; 4 below 6 (held out of the fit)', () => {
    expect(sixTasks).toBe(8);
    const [one, two, four] = small.map((p) => p.errorRate.mean);
    for (const rate of [two, four, six.errorRate.mean]) {
      expect(rate).toBeGreaterThanOrEqual(0.02);
      expect(rate).toBeLessThanOrEqual(0.1);
      expect(rate).toBeLessThan(one * 0.75);
    }
    expect(four).toBeLessThan(six.errorRate.mean);
  });

  it('least outstanding requests makes "no difference" on the final sizing: it only places cookie-less requests', () => {
    const lor = predictFor({ ...finalSizing, algorithm: 'least_outstanding_requests' });
    const ratio = (lor.errorRate.mean + 1e-9) / (final.errorRate.mean + 1e-9);
    expect(ratio).toBeGreaterThanOrEqual(0.5);
    expect(ratio).toBeLessThanOrEqual(2);
    expect(Math.abs(lor.latencyMs.p95.mean / final.latencyMs.p95.mean - 1)).toBeLessThanOrEqual(0.2);
  });

  it('the t3.micro incident host (128 MB containers, 2 GB swap, real CI traffic) swaps and waits on I/O', () => {
    const micro = predictFor({ instance: 't3.micro', tasks: 2, workers: 2, containerMemoryMb: 128 }, { 'memory.swapMb': 2047 }, 'pip-burst');
    const host = micro.instances[0];
    expect(host.memAvailableMinMb).toBeLessThan(100);
    expect(host.swapUsedMaxMb).toBeGreaterThan(300);
    expect(host.iowaitPeak).toBeGreaterThan(0.5);
  });
});
