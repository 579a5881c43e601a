import { describe, expect, it } from 'vitest';
import { type Autoscaler, buildAutoscaler, type ScalingSources, type ScalingTiming } from '../../../src/model/autoscaling/autoscaler.js';
import type { ClusterInstance } from '../../../src/model/autoscaling/cluster-capacity.js';
import { type AutoscalingPolicy, flagLayer, resolveAutoscaling } from '../../../src/model/autoscaling/policy.js';
import type { TaskRuntime } from '../../../src/model/autoscaling/service-tasks.js';
import { Scheduler } from '../../../src/sim/scheduler.js';

/** AWS's timing as the model parameters give it by default. */
const TIMING: ScalingTiming = {
  metricPeriodMs: 60_000,
  metricLatencyMs: 60_000,
  scaleOutDatapoints: 3,
  scaleInDatapoints: 15,
  scaleInThresholdFraction: 0.9,
  taskStartMs: 60_000,
  capacity: { targetPercent: 100, minStep: 1, maxStep: 10, scaleOutDatapoints: 1, scaleInDatapoints: 15, warmupMs: 300_000, bootMs: 120_000, periodMs: 60_000, latencyMs: 60_000 },
  asgCpuTargetPercent: 60,
};

interface Task {
  instance: number;
  runAt: number;
}

/** Tasks healthy 20 s after they register (2 checks 10 s apart); a draining task still has `busyMs` of work. */
function runtime(s: Scheduler, busyMs: number): TaskRuntime<Task> & { started: Task[]; stopped: Array<{ task: Task; at: number; drainedAt: number }> } {
  const started: Task[] = [];
  const stopped: Array<{ task: Task; at: number; drainedAt: number }> = [];
  return {
    started,
    stopped,
    run(instance: ClusterInstance) {
      const t = { instance: instance.index, runAt: s.now };
      started.push(t);
      return t;
    },
    isHealthy: (t) => s.now >= t.runAt + 20_000,
    isDraining: () => false,
    drain(t, done) {
      const at = s.now;
      // The target group's deregistration delay: 300 s.
      s.after(Math.min(busyMs, 300_000), () => {
        stopped.push({ task: t, at, drainedAt: s.now });
        done();
      });
    },
  };
}

/** CPU used is always `utilization` x the reservation of the tasks running (a load that grows with the service). */
function constantUtilization(utilization: number, cores = 0.625): ScalingSources {
  return {
    service: (_metric, tasks) => ({
      read(now) {
        const reserved = tasks.taskHours(now) * 3_600_000 * cores;
        return { numerator: utilization * reserved, denominator: reserved };
      },
    }),
    instanceCpu: () => ({ read: () => ({ numerator: 0, denominator: 1 }) }),
  };
}

function build(
  s: Scheduler,
  policy: AutoscalingPolicy,
  initial: number[],
  sources: ScalingSources,
  busyMs = 0,
  timing: ScalingTiming = TIMING,
): { a: Autoscaler<Task>; rt: ReturnType<typeof runtime> } {
  const rt = runtime(s, busyMs);
  const a = buildAutoscaler(s, { policy, timing, runtime: rt, sources, maxTasksPerInstance: 6, initialTasksPerInstance: initial });
  initial.forEach((n, i) => {
    for (let k = 0; k < n; k++) a.tasks.adopt(i, { instance: i, runAt: -60_000 });
  });
  return { a, rt };
}

const finalSizing = { tasks: 12, instances: 2, maxTasksPerInstance: 6, stackKind: 'aws' as const };

describe('autoscaling as the module deploys it (hand-built load, exact times)', () => {
  it('90 % of the reservation from t=0: scale-out on the third datapoint, the second after the cooldown, running after start + checks', () => {
    const s = new Scheduler();
    const policy = resolveAutoscaling([], finalSizing);
    expect(policy).toMatchObject({ metric: 'cpu', targetValue: 60, minTasks: 12, maxTasks: 24, minInstances: 2, maxInstances: 4, scaleOutCooldownS: 300 });
    const { a, rt } = build(s, policy, [6, 6], constantUtilization(0.9));
    const looks = new Map<number, object>();
    for (const t of [490, 510]) s.at(t * 1000, () => looks.set(t, a.tasks.counts()));
    s.run(1_200_000);
    a.stop();
    // Datapoints of minutes 0, 1, 2 reach the alarm at 120, 180, 240 s: the third is the first chance.
    expect(a.serviceMetric.datapoints.slice(0, 3)).toEqual([
      { timeMs: 0, value: 90 },
      { timeMs: 60_000, value: 90 },
      { timeMs: 120_000, value: 90 },
    ]);
    expect(a.record.events.map((e) => [e.timeS, e.action, e.fromTasks, e.toTasks, e.fromInstances, e.toInstances])).toEqual([
      // ceil(12 x 90 / 60) = 18: no room on 2 x 6, six wait.
      [240, 'scale-out', 12, 18, 2, 2],
      // CapacityProviderReservation sampled at 240 s, just after: M = 2 + ceil(6 / 6) = 3, N = 2: 150 %,
      // at the alarm 60 s later: ceil(2 x 1.5) = 3.
      [300, 'instance-launch', 18, 18, 2, 3],
      // Cooldown 240..540 s: the 18 already count. At 540 s it is over: ceil(18 x 1.5) = 27 -> max 24.
      [540, 'scale-out', 18, 24, 3, 3],
      // M = 3 + 1 = 4, N = 3 sampled at 540 s, at the alarm at 600 s, the end of the first instance's warm-up: one more.
      [600, 'instance-launch', 24, 24, 3, 4],
    ]);
    // The instance launched at 300 s joins at 420 s; its six tasks are RUNNING at 480 s and healthy at 500 s.
    expect(rt.started.slice(0, 6).map((t) => [t.instance, t.runAt])).toEqual(Array.from({ length: 6 }, () => [2, 480_000]));
    const sample = (t: number) => a.record.tasks.find((x) => x.timeS === t)!;
    expect(sample(420)).toMatchObject({ desired: 18, running: 12, pending: 6, healthy: 12, instances: 3 });
    expect(looks.get(490)).toEqual({ desired: 18, running: 18, pending: 0, healthy: 12, draining: 0 });
    expect(looks.get(510)).toEqual({ desired: 18, running: 18, pending: 0, healthy: 18, draining: 0 });
    expect(sample(660)).toMatchObject({ desired: 24, running: 18, pending: 6, healthy: 18, instances: 4 });
    // The last instance: launched 600 s, joined 720 s, tasks RUNNING at 780 s.
    expect(rt.started.slice(6).map((t) => [t.instance, t.runAt])).toEqual(Array.from({ length: 6 }, () => [3, 780_000]));
    expect(sample(840)).toMatchObject({ desired: 24, running: 24, pending: 0, healthy: 24, instances: 4 });
    const summary = a.record.summary();
    expect(summary).toMatchObject({ firstScaleOutS: 240, scaleOuts: 2, instanceLaunches: 2, peakRunningTasks: 24, peakInstances: 4 });
    // Task-hours to 1200 s: 12 x 1200 + 6 x 720 + 6 x 420 task-seconds; instance-hours: 2 x 1200 + 900 + 600.
    expect(summary.taskHours).toBeCloseTo((12 * 1200 + 6 * 720 + 6 * 420) / 3600, 12);
    expect(summary.instanceHours).toBeCloseTo((2 * 1200 + 900 + 600) / 3600, 12);
  });

  it('a fixed load settles at the count target tracking computes: 12 tasks at 90 % -> 18 at 60 %, no second step', () => {
    const s = new Scheduler();
    // 6.75 cores of work whatever the count: 90 % of 12 tasks, 60 % of 18.
    const fixed: ScalingSources = {
      service: (_m, tasks) => ({ read: (now) => ({ numerator: (now / 1000) * 6.75 * 1000, denominator: tasks.taskHours(now) * 3_600_000 * 0.625 }) }),
      instanceCpu: () => ({ read: () => ({ numerator: 0, denominator: 1 }) }),
    };
    // Room for 24 tasks on 4 instances from the start: no instance scaling in the way.
    const { a } = build(s, resolveAutoscaling([flagLayer({ minTasks: 12 })], { ...finalSizing, instances: 4 }), [3, 3, 3, 3], fixed);
    s.run(1_800_000);
    a.stop();
    expect(a.record.events.map((e) => [e.timeS, e.action, e.fromTasks, e.toTasks])).toEqual([[240, 'scale-out', 12, 18]]);
    // After the new tasks run (300 s), the metric reads 60 % (not above the target).
    const late = a.serviceMetric.datapoints.filter((d) => d.timeMs >= 360_000);
    expect(late.every((d) => Math.abs(d.value! - 60) < 1e-9)).toBe(true);
  });

  it('scales in after 15 datapoints below 90 % of the target, to min, draining for the deregistration delay', () => {
    const s = new Scheduler();
    const policy = resolveAutoscaling([flagLayer({ minTasks: 12, maxTasks: 24 })], { tasks: 24, instances: 4, maxTasksPerInstance: 6, stackKind: 'aws' });
    // Long requests: every drained task still has 10 minutes of work, so the delay (300 s) cuts it.
    const { a, rt } = build(s, policy, [6, 6, 6, 6], constantUtilization(0.2), 600_000);
    s.run(2_400_000);
    a.stop();
    // Minutes 0..14 reach the alarm at 120 .. 960 s: 15 of 15 at 960 s; ceil(24 x 20 / 60) = 8 -> min 12.
    expect(a.record.events.map((e) => [e.timeS, e.action, e.fromTasks, e.toTasks])).toEqual([[960, 'scale-in', 24, 12]]);
    expect(rt.stopped.length).toBe(12);
    expect(rt.stopped.every((x) => x.at === 960_000 && x.drainedAt === 1_260_000)).toBe(true);
    const at = (t: number) => a.record.tasks.find((x) => x.timeS === t)!;
    expect(at(1200)).toMatchObject({ desired: 12, running: 12, draining: 12 });
    expect(at(1260)).toMatchObject({ desired: 12, running: 12, draining: 0 });
    // Spread scale-in leaves 3 tasks on each instance: no instance is idle, so none is terminated.
    expect(a.tasks.cluster.instances.map((i) => i.tasks)).toEqual([3, 3, 3, 3]);
    expect(a.record.events.some((e) => e.action === 'instance-terminate')).toBe(false);
    // Never below min: the low alarm stays in ALARM, nothing more happens.
    expect(Math.min(...a.record.tasks.map((t) => t.desired))).toBe(12);
  });

  it('with the ASG CPU policy too, the two policies fight: CPU launches an instance no task uses, managed scaling removes it', () => {
    const s = new Scheduler();
    const policy = resolveAutoscaling([flagLayer({ asgCpuPolicy: true, maxInstances: 3 })], finalSizing);
    // The service sits at its target (no service scaling); the instances run at 80 % CPU.
    const sources: ScalingSources = {
      service: (_m, tasks) => ({ read: (now) => ({ numerator: 0.6 * tasks.taskHours(now), denominator: tasks.taskHours(now) }) }),
      instanceCpu: () => ({ read: (now) => ({ numerator: 0.8 * now, denominator: now }) }),
    };
    const { a } = build(s, policy, [6, 6], sources);
    s.run(3_600_000);
    a.stop();
    const events = a.record.events.map((e) => [e.timeS, e.action, e.fromInstances, e.toInstances, e.metric]);
    // ASG CPU: 3 of 3 above 60 % at 240 s: ceil(2 x 80 / 60) = 3. The new instance joins empty (no task needs it):
    // CapacityProviderReservation = 2 / 3 from the sample at 300 s; 15 of 15 below 100 % at 300 + 14 x 60 + 60 = 1200 s,
    // past the 300-s warm-up: it is terminated; the CPU policy, still in ALARM and past its warm-up, launches again
    // at the same instant, and so on.
    expect(events.slice(0, 3)).toEqual([
      [240, 'instance-launch', 2, 3, 'CPUUtilization'],
      [1200, 'instance-terminate', 3, 2, 'CapacityProviderReservation'],
      [1200, 'instance-launch', 2, 3, 'CPUUtilization'],
    ]);
    expect(a.record.summary().instanceLaunches).toBeGreaterThanOrEqual(2);
  });
});
