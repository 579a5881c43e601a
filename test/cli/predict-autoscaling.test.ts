import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliAsync } from '../plan/run-cli-async.js';

const dir = mkdtempSync(join(tmpdir(), 'capsim-autoscaling-'));
/** 6 real-pip installs a second for 8 minutes: about 89 % of 3 c6a.large tasks' reservation (model defaults). */
const ramp = join(dir, 'busy.json');
writeFileSync(
  ramp,
  JSON.stringify({
    name: 'busy',
    description: 'a busy 8 minutes',
    flow: 'pip-root-index',
    profile: { executor: 'constant-arrival-rate', installsPerSecond: 6, durationSeconds: 480 },
    client: { timeoutSeconds: 15, retries: 5, backoffFactorSeconds: 0.25, retryStatuses: [500, 503, 520, 527], keepAlive: true },
    repository: { projects: 100, versionsPerProject: 3, wheelBytes: 50000, versionPick: 'latest' },
  }),
);
const calibration = join(dir, 'memory-policy.json');
writeFileSync(calibration, JSON.stringify({ name: 'memory-policy', stackKind: 'aws', parameters: {}, autoscaling: { metric: 'memory', targetValue: 70, maxTasks: 9 } }));
const badPolicy = join(dir, 'bad-policy.json');
writeFileSync(badPolicy, JSON.stringify({ name: 'bad', stackKind: 'aws', parameters: {}, autoscaling: { metric: 'disk', minTasks: 'three' } }));

// The model's defaults (no fitted value), so the load above puts the service where the comment says.
const defaults = join(dir, 'defaults.json');
writeFileSync(defaults, JSON.stringify({ name: 'defaults', stackKind: 'aws', parameters: {} }));
const SMALL = ['predict', '--instance', 'c6a.large', '--tasks', '3', '--workers', '2', '--scenario', ramp, '--calibration', defaults];

describe('capsim predict with autoscaling', () => {
  // The CLI runs of this file, started together (two cores): each test reads its own.
  const runs = {
    json: runCliAsync([...SMALL, '--replications', '1', '--json']),
    human: runCliAsync([...SMALL, '--replications', '1']),
    off: runCliAsync([...SMALL, '--replications', '1', '--autoscaling', 'off']),
    file: runCliAsync([...SMALL.slice(0, -1), calibration, '--replications', '1', '--duration', '60', '--json']),
    fileAndFlag: runCliAsync([...SMALL.slice(0, -1), calibration, '--replications', '1', '--duration', '60', '--scale-target', '50', '--json']),
  };

  it('--json adds autoscaling: the policy, every datapoint, every event, the task counts and the summary', async () => {
    const r = await runs.json;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const a = JSON.parse(r.stdout).autoscaling;
    expect(a.policy).toMatchObject({ metric: 'cpu', cloudWatchMetric: 'ECSServiceAverageCPUUtilization', targetValue: 60, scaleOutCooldownS: 300, scaleInCooldownS: 300, minTasks: 3, maxTasks: 6, minInstances: 1, maxInstances: 2 });
    expect(a.metric.length).toBe(8);
    expect(Object.keys(a.metric[0]).sort()).toEqual(['timeS', 'value']);
    expect(a.events[0]).toMatchObject({ timeS: 240, action: 'scale-out', fromTasks: 3 });
    expect(a.events[0].metricValue).toBe(a.metric[2].value);
    for (const key of ['timeS', 'desired', 'running', 'pending', 'healthy']) expect(typeof a.tasks[0][key]).toBe('number');
    expect(a.summary.firstScaleOutS.mean).toBe(240);
    expect(a.summary.peakRunningTasks.mean).toBe(a.events[0].toTasks);
    expect(a.summary.taskHours.mean).toBeGreaterThan((3 * 480) / 3600);
    expect(a.summary.instanceHours.mean).toBeCloseTo(JSON.parse(r.stdout).durationSeconds.mean / 3600, 9);
    expect(a.summary.instanceCostUsd.mean).toBeGreaterThan(0);
  });

  it('says in words whether and when scaling reacted, and shows the task count over time', async () => {
    const r = await runs.human;
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Autoscaling: target tracking on ECSServiceAverageCPUUtilization at 60\.0 % /m);
    expect(r.stdout).toMatch(/The service scaled out in 1 of 1 replication, first at 4:00,/);
    expect(r.stdout).toMatch(/^tasks over time \(replication 1/m);
    expect(r.stdout).toMatch(/^4:00 +5 +3 +2 +3 +0 +1$/m);
    // Off: the same prediction without the section.
    const off = await runs.off;
    expect(off.stdout).not.toMatch(/Autoscaling:/);
  });

  it('takes the policy from a calibration file, flags over it', async () => {
    const file = JSON.parse((await runs.file).stdout).autoscaling.policy;
    expect(file).toMatchObject({ metric: 'memory', targetValue: 70, maxTasks: 9, maxInstances: 2 });
    const flags = JSON.parse((await runs.fileAndFlag).stdout).autoscaling.policy;
    expect(flags).toMatchObject({ metric: 'memory', targetValue: 50 });
  });

  it('refuses nonsense with one line and exit 2', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--scale-target', '0'], /^capsim: --scale-target must be above 0 and at most 100 \(% of the reservation, for metric cpu\), got 0\n$/],
      [['--scale-target', '150'], /^capsim: --scale-target must be above 0 and at most 100 \(% of the reservation, for metric cpu\), got 150\n$/],
      [['--min-tasks', '5', '--max-tasks', '2'], /^capsim: max tasks 2 \(--max-tasks\) is below min tasks 5 \(--min-tasks\)\n$/],
      [['--scale-metric', 'disk'], /^capsim: Expected --scale-metric=disk to be one of: cpu, memory, requests\n$/],
      [['--instance', 'custom', '--vcpus', '1', '--memory-gb', '8', '--autoscaling', 'on'], /^capsim: --autoscaling on needs an AWS sizing: a custom machine \(the local stack\) has no ECS service to scale\n$/],
      [['--calibration', badPolicy], /^capsim: .*bad-policy\.json: autoscaling\.minTasks must be a number, got "three"\n$/],
    ];
    const results = await Promise.all(cases.map(([args]) => runCliAsync(['predict', ...args, '--duration', '10', '--replications', '1'])));
    for (const [i, [args, message]] of cases.entries()) {
      const r = results[i];
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
    }
  });
});
