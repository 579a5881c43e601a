import { describe, expect, it } from 'vitest';
import { loadCalibration } from '../../src/calibrate/calibration-file.js';
import { monthlyCost } from '../../src/cost/monthly-cost.js';
import { getInstanceType } from '../../src/model/catalog.js';
import { flagLayer } from '../../src/model/autoscaling/policy.js';
import { runPlan, type PlanInput } from '../../src/plan/plan.js';
import { planTfvars, tfvarsSizingFor } from '../../src/plan/plan-tfvars.js';
import { validateScenario } from '../../src/scenario/load.js';

/** Real pip ramping from 1 to 9 installs a second over 8 minutes, then 8 at 9: one c6a.large of 5 tasks has to scale. */
const growth = validateScenario(
  {
    name: 'growth',
    flow: 'pip-root-index',
    profile: { executor: 'ramping-arrival-rate', startInstallsPerSecond: 1, stages: [{ durationSeconds: 480, targetInstallsPerSecond: 9 }, { durationSeconds: 480, targetInstallsPerSecond: 9 }] },
    client: { timeoutSeconds: 15, retries: 5, backoffFactorSeconds: 0.25, retryStatuses: [500, 503, 520, 527], keepAlive: true },
    repository: { projects: 100, versionsPerProject: 3, wheelBytes: 50000, versionPick: 'latest' },
  },
  'test scenario',
);
const calibration = loadCalibration();

function input(changes: Partial<PlanInput> = {}): PlanInput {
  return {
    scenario: growth,
    headroom: 1,
    slo: { errorRate: 0.01, p95Ms: 20_000 },
    params: calibration.params,
    calibration: calibration.file.name,
    grid: { instanceTypes: ['c6a.large'], maxInstances: 2, workers: [2], workerClasses: ['gevent'], algorithms: ['round_robin'], containerMemoryMb: [512], placements: 'fewest' },
    replications: 2,
    seed: 1,
    threads: 1,
    racing: false,
    ...changes,
  };
}

describe('plan with autoscaling', async () => {
  const on = (await runPlan(input())).result;
  const off = (await runPlan(input({ autoscaling: [flagLayer({ enabled: false })] }))).result;
  const five = (r: typeof on) => r.candidates.find((c) => c.instances === 1 && c.tasks === 5)!;

  it('prices a candidate at the mean instance count it needed over the scenario, and reports its peak', () => {
    const c = five(on);
    const a = c.autoscaling!;
    // 1 x c6a.large with 5 tasks scales out and launches a second instance under this ramp.
    expect(a.peakInstances).toBe(2);
    expect(a.peakRunningTasks).toBeGreaterThan(5);
    expect(a.meanInstances).toBeGreaterThan(1);
    expect(a.meanInstances).toBeLessThan(2);
    const type = getInstanceType('c6a.large');
    const bytes = 100 * 3 * 50000;
    expect(a.baseCostPerMonthUsd).toBeCloseTo(monthlyCost({ instanceType: type, instances: 1, repositoryBytes: bytes }).totalUsd, 9);
    expect(c.costPerMonthUsd).toBeCloseTo(monthlyCost({ instanceType: type, instances: 1, meanInstances: a.meanInstances, repositoryBytes: bytes }).totalUsd, 9);
    expect(c.costPerMonthUsd).toBeGreaterThan(a.baseCostPerMonthUsd);
    // Terraform: the minimum is the planned sizing, the maximum the policy's.
    expect(tfvarsSizingFor(c)).toMatchObject({ instancesMin: 1, instancesMax: 2, tasksMin: 5, tasksMax: 10 });
  });

  it('says in the tfvars header what the cost assumes and why min and max differ', () => {
    const text = planTfvars(on, 'capsim predict ...')!;
    const rec = on.analysis.recommendation!;
    expect(text).toMatch(/^# Cost: \d+\.\d\d USD per month .*, at the \d\.\d\d instances autoscaling averaged under the planned load \(\d+\.\d\d at the minimum\); peak /m);
    expect(text).toMatch(/^# Min = the planned sizing: .*; max = the autoscaling policy's bounds\.$/m);
    expect(text).toMatch(new RegExp(`^task_max_count += ${rec.autoscaling!.maxTasks}$`, 'm'));
    expect(planTfvars(off, '')).toMatch(/^# Min = max: /m);
  });

  it('with autoscaling off prices the sizing as it is and writes min = max', () => {
    const c = five(off);
    expect(c.autoscaling).toBeUndefined();
    expect(c.costPerMonthUsd).toBe(five(on).autoscaling!.baseCostPerMonthUsd);
    expect(tfvarsSizingFor(c)).toMatchObject({ instancesMin: 1, instancesMax: 1, tasksMin: 5, tasksMax: 5 });
    // Without the extra capacity the saturated instance is slower.
    expect(c.p95Ms.mean).toBeGreaterThan(five(on).p95Ms.mean);
  });

  it('refuses a bad setting before any work, in one line', async () => {
    await expect(runPlan(input({ autoscaling: [flagLayer({ targetValue: 150 })] }))).rejects.toThrow(/^--scale-target must be above 0 and at most 100/);
  });
});
