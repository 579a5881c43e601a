import { describe, expect, it } from 'vitest';
import type { ClusterInstance } from '../../../src/model/autoscaling/cluster-capacity.js';
import { ServiceTasks, type TaskRuntime } from '../../../src/model/autoscaling/service-tasks.js';
import { Scheduler } from '../../../src/sim/scheduler.js';

interface FakeTask {
  id: number;
  instance: number;
  runAt: number;
  /** Healthy 2 checks x 10 s after registering. */
  healthyAt: number;
  /** Its in-flight requests are done at this time. */
  busyUntil: number;
  stoppedAt: number | null;
}

/** The target group's deregistration delay in these tests. */
const DEREGISTRATION_DELAY_MS = 300_000;

/**
 * A runtime whose tasks pass 2 health checks 10 s apart after they register,
 * and drain when their work is done or at the deregistration delay.
 */
function fakeRuntime(s: Scheduler, busyFor = 0) {
  const started: FakeTask[] = [];
  let next = 100;
  const runtime: TaskRuntime<FakeTask> = {
    run(instance: ClusterInstance) {
      const t: FakeTask = { id: next++, instance: instance.index, runAt: s.now, healthyAt: s.now + 20_000, busyUntil: s.now + busyFor, stoppedAt: null };
      started.push(t);
      return t;
    },
    isHealthy: (t) => s.now >= t.healthyAt,
    isDraining: (t) => t.stoppedAt !== null,
    drain(t, done) {
      const at = Math.min(Math.max(s.now, t.busyUntil), s.now + DEREGISTRATION_DELAY_MS);
      s.at(at, () => {
        t.stoppedAt = s.now;
        done();
      });
    },
  };
  return { runtime, started };
}

function service(s: Scheduler, initial: number[], runtime: TaskRuntime<FakeTask>, maxInstances = 4) {
  const tasks = new ServiceTasks<FakeTask>(s, {
    runtime,
    taskStartMs: 60_000,
    initialTasksPerInstance: initial,
    cluster: { maxTasksPerInstance: 6, bootMs: 120_000, minInstances: initial.length, maxInstances },
  });
  let id = 0;
  initial.forEach((n, i) => {
    for (let k = 0; k < n; k++) tasks.adopt(i, { id: id++, instance: i, runAt: 0, healthyAt: 0, busyUntil: 0, stoppedAt: null });
  });
  return tasks;
}

describe('ServiceTasks', () => {
  it('a new task placed where there is room is RUNNING after the task start, healthy after the health checks', () => {
    const s = new Scheduler();
    const { runtime, started } = fakeRuntime(s);
    const tasks = service(s, [4, 4], runtime);
    expect(tasks.counts()).toEqual({ desired: 8, running: 8, pending: 0, healthy: 8, draining: 0 });
    const seen: Array<[number, number, number, number]> = [];
    const look = (t: number) => {
      const c = tasks.counts();
      seen.push([t, c.running, c.pending, c.healthy]);
    };
    s.after(10_000, () => {
      tasks.setDesiredCount(10);
      // Scheduled after the start events, so a look at the same instant sees them done.
      for (const t of [10_000, 69_999, 70_000, 89_999, 90_000]) s.at(t, look, t);
    });
    s.run();
    expect(seen).toEqual([
      [10_000, 8, 2, 8],
      [69_999, 8, 2, 8],
      [70_000, 10, 0, 8],
      [89_999, 10, 0, 8],
      [90_000, 10, 0, 10],
    ]);
    // Spread: one on each instance.
    expect(started.map((t) => [t.instance, t.runAt])).toEqual([
      [0, 70_000],
      [1, 70_000],
    ]);
  });

  it('tasks past the capacity wait until an instance joins, then start', () => {
    const s = new Scheduler();
    const { runtime, started } = fakeRuntime(s);
    const tasks = service(s, [6, 6], runtime);
    tasks.setDesiredCount(18);
    expect(tasks.counts()).toMatchObject({ desired: 18, running: 12, pending: 6 });
    expect(tasks.cluster.instancesNeeded).toBe(3);
    s.after(60_000, () => tasks.cluster.launch(1));
    s.run(300_000);
    // Launched at 60 s, joined at 180 s, RUNNING at 240 s.
    expect(started.map((t) => [t.instance, t.runAt])).toEqual(Array.from({ length: 6 }, () => [2, 240_000]));
    expect(tasks.counts()).toEqual({ desired: 18, running: 18, pending: 0, healthy: 18, draining: 0 });
  });

  it('scales in: waiting tasks first, then starting ones, then running ones from the busiest instance', () => {
    const s = new Scheduler();
    const { runtime } = fakeRuntime(s);
    const tasks = service(s, [6, 5], runtime);
    tasks.setDesiredCount(13); // one starts on instance 1, one waits
    expect(tasks.counts()).toMatchObject({ running: 11, pending: 2 });
    tasks.setDesiredCount(12); // the waiting one goes
    expect(tasks.cluster.provisioningCount).toBe(0);
    expect(tasks.counts()).toMatchObject({ running: 11, pending: 1 });
    tasks.setDesiredCount(11); // the starting one goes, its slot is free
    expect(tasks.counts()).toMatchObject({ running: 11, pending: 0 });
    expect(tasks.cluster.instances.map((i) => i.tasks)).toEqual([6, 5]);
    tasks.setDesiredCount(9); // two running ones drain, from instance 0 (6 tasks), then a tie 5/5 goes to the newer instance 1
    s.run();
    expect(tasks.cluster.instances.map((i) => i.tasks)).toEqual([5, 4]);
    expect(tasks.counts()).toEqual({ desired: 9, running: 9, pending: 0, healthy: 9, draining: 0 });
    // Nothing started late: the cancelled start never ran.
    expect(tasks.all.filter((t) => t.runningAtMs !== null && t.runningAtMs > 0)).toEqual([]);
  });

  it('a scale-in task is draining until the runtime has drained it (work finished, or cut at the delay), then its slot frees', () => {
    // [work left when deregistered, ms] -> stopped this long after deregistration
    for (const [busy, stoppedAfter] of [
      [0, 0],
      [100_000, 100_000],
      [1_000_000, 300_000],
    ]) {
      const s = new Scheduler();
      const { runtime, started } = fakeRuntime(s, busy);
      const tasks = service(s, [1], runtime, 1);
      tasks.setDesiredCount(2); // RUNNING at 60 s, its work done at 60 s + busy
      s.at(60_000, () => tasks.setDesiredCount(1)); // the newest running task drains at once
      s.run();
      expect(started[0].stoppedAt! - 60_000).toBe(stoppedAfter);
      expect(tasks.counts()).toMatchObject({ desired: 1, running: 1, draining: 0 });
      expect(tasks.cluster.instances[0].tasks).toBe(1);
    }
  });

  it('counts a draining task until it stops; task-hours run from RUNNING to stopped', () => {
    const s = new Scheduler();
    const { runtime } = fakeRuntime(s, 1_000_000);
    const tasks = service(s, [1], runtime, 1);
    tasks.setDesiredCount(2); // RUNNING at 60 s, busy until 1060 s
    s.at(360_000, () => tasks.setDesiredCount(1)); // drains until 660 s (the delay)
    s.at(400_000, () => expect(tasks.counts()).toMatchObject({ running: 1, draining: 1 }));
    s.run();
    // Initial task: 0..3600 s; the second: 60..660 s.
    expect(tasks.taskHours(3_600_000)).toBeCloseTo(1 + 600 / 3600, 12);
    expect(tasks.peakRunningTasks()).toBe(2);
  });

  it('follows a replaced container: the replacement is the task that scales in', () => {
    const s = new Scheduler();
    const { runtime } = fakeRuntime(s);
    const tasks = service(s, [1, 0], runtime, 2);
    const old = tasks.all[0].handle!;
    const fresh = { id: 7, instance: 1, runAt: 0, healthyAt: 0, busyUntil: 0, stoppedAt: null };
    tasks.replaced(old, fresh, tasks.cluster.instances[1]);
    expect(tasks.all[0]).toMatchObject({ handle: fresh, phase: 'running' });
    expect(tasks.all[0].instance!.index).toBe(1);
    // Unknown handles are ignored.
    tasks.replaced(old, fresh, tasks.cluster.instances[0]);
    expect(tasks.all[0].instance!.index).toBe(1);
    expect([tasks.keeps(fresh), tasks.keeps(old)]).toEqual([true, false]);
    // A task a scale-in is draining is not worth replacing.
    tasks.setDesiredCount(0);
    expect(tasks.keeps(fresh)).toBe(false);
  });
});
