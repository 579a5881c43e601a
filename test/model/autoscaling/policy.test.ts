import { describe, expect, it } from 'vitest';
import { fileLayer, flagLayer, resolveAutoscaling, settingsFromFile } from '../../../src/model/autoscaling/policy.js';
import { UserError } from '../../../src/errors.js';

const sizing = { tasks: 12, instances: 2, maxTasksPerInstance: 6, stackKind: 'aws' as const };

function problem(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return (e as Error).message;
  }
  throw new Error('expected a UserError');
}

describe('resolveAutoscaling', () => {
  it('follows the module by default: CPU 60 %, 300-s cooldowns, min = tasks, max = 2 x min, asg max from the placement', () => {
    expect(resolveAutoscaling([], sizing)).toEqual({
      enabled: true,
      metric: 'cpu',
      cloudWatchMetric: 'ECSServiceAverageCPUUtilization',
      targetValue: 60,
      unit: '% of reserved CPU',
      minTasks: 12,
      maxTasks: 24,
      minInstances: 2,
      maxInstances: 4,
      scaleOutCooldownS: 300,
      scaleInCooldownS: 300,
      asgCpuPolicy: false,
    });
    // 7 tasks a instance, min 10 -> max 20 -> ceil(20 / 7) = 3 instances.
    expect(resolveAutoscaling([flagLayer({ minTasks: 10 })], { tasks: 10, instances: 2, maxTasksPerInstance: 7, stackKind: 'aws' })).toMatchObject({ maxTasks: 20, maxInstances: 3 });
  });

  it('takes flags over the file, field by field', () => {
    const policy = resolveAutoscaling([fileLayer({ metric: 'memory', targetValue: 70, maxTasks: 30 }, 'mine.json'), flagLayer({ targetValue: 75 })], sizing);
    expect(policy).toMatchObject({ metric: 'memory', cloudWatchMetric: 'ECSServiceAverageMemoryUtilization', targetValue: 75, maxTasks: 30, maxInstances: 5 });
    expect(resolveAutoscaling([flagLayer({ metric: 'requests', targetValue: 1500 })], sizing)).toMatchObject({ cloudWatchMetric: 'ALBRequestCountPerTarget', targetValue: 1500, unit: 'requests per target per minute' });
  });

  it('rejects nonsense in one line that names where it came from', () => {
    expect(problem(() => resolveAutoscaling([flagLayer({ targetValue: 0 })], sizing))).toBe('--scale-target must be above 0 and at most 100 (% of the reservation, for metric cpu), got 0');
    expect(problem(() => resolveAutoscaling([flagLayer({ targetValue: 150 })], sizing))).toBe('--scale-target must be above 0 and at most 100 (% of the reservation, for metric cpu), got 150');
    expect(problem(() => resolveAutoscaling([flagLayer({ metric: 'requests', targetValue: -1 })], sizing))).toBe('--scale-target must be above 0 (requests per target per minute), got -1');
    expect(problem(() => resolveAutoscaling([flagLayer({ minTasks: 5, maxTasks: 2 })], sizing))).toBe('max tasks 2 (--max-tasks) is below min tasks 5 (--min-tasks)');
    expect(problem(() => resolveAutoscaling([fileLayer({ metric: 'disk' }, 'mine.json')], sizing))).toBe('mine.json: autoscaling.metric must be one of cpu, memory, requests, got "disk"');
    expect(problem(() => resolveAutoscaling([flagLayer({ minTasks: 16 })], sizing))).toBe(
      "the sizing's 12 tasks (--tasks) must lie within min tasks 16 (--min-tasks) and max tasks 32 (default: 2 x min tasks)",
    );
    expect(problem(() => resolveAutoscaling([flagLayer({ maxInstances: 1 })], sizing))).toBe("max instances 1 (--max-instances) is below the sizing's 2 instances (asg_min_size)");
    expect(problem(() => resolveAutoscaling([flagLayer({ minTasks: 2.5, scaleInCooldownS: -1 })], { ...sizing, tasks: 3 }))).toBe(
      '--min-tasks must be a whole number >= 1, got 2.5; --scale-in-cooldown-s must be between 0 and 86400 s, got -1',
    );
  });

  it('is off for a custom machine (no ECS) and refuses to be turned on there', () => {
    const local = { ...sizing, stackKind: 'local' as const };
    expect(resolveAutoscaling([], local).enabled).toBe(false);
    expect(problem(() => resolveAutoscaling([flagLayer({ enabled: true })], local))).toMatch(/^--autoscaling on needs an AWS sizing/);
  });
});

describe('settingsFromFile', () => {
  it('reads the fields with their types and names every problem', () => {
    expect(settingsFromFile({ enabled: false, metric: 'memory', targetValue: 70, asgCpuPolicy: true }, 'f.json')).toEqual({ enabled: false, metric: 'memory', targetValue: 70, asgCpuPolicy: true });
    expect(problem(() => settingsFromFile({ enabled: 'yes', minTasks: '3', colour: 1 }, 'f.json'))).toBe(
      'f.json: autoscaling.enabled must be true or false, got "yes"; f.json: autoscaling.minTasks must be a number, got "3"; f.json: unknown field "autoscaling.colour" (known: enabled, metric, targetValue, minTasks, maxTasks, maxInstances, scaleOutCooldownS, scaleInCooldownS, asgCpuPolicy)',
    );
    expect(problem(() => settingsFromFile([], 'f.json'))).toBe('f.json: field "autoscaling" must be an object');
  });
});
