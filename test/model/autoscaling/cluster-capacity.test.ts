import { describe, expect, it } from 'vitest';
import { ClusterCapacity, type ClusterInstance } from '../../../src/model/autoscaling/cluster-capacity.js';
import { Scheduler } from '../../../src/sim/scheduler.js';

function cluster(s: Scheduler, initial: number[], changes: { max?: number; min?: number; boot?: number } = {}) {
  const placed: Array<{ task: string; instance: number; at: number }> = [];
  const joined: Array<{ instance: number; at: number }> = [];
  const c = new ClusterCapacity<string>(
    s,
    {
      maxTasksPerInstance: 6,
      bootMs: changes.boot ?? 120_000,
      minInstances: changes.min ?? initial.length,
      maxInstances: changes.max ?? 4,
      onPlaced: (task, instance) => placed.push({ task, instance: instance.index, at: s.now }),
      onJoined: (instance) => joined.push({ instance: instance.index, at: s.now }),
    },
    initial,
  );
  return { c, placed, joined };
}

describe('ClusterCapacity', () => {
  it('spreads: a new task goes to the instance with room that holds the fewest', () => {
    const s = new Scheduler();
    const { c } = cluster(s, [6, 4, 5]);
    expect(c.place('a')?.index).toBe(1);
    expect(c.place('b')?.index).toBe(1);
    // 6, 6, 5: the third instance.
    expect(c.place('c')?.index).toBe(2);
    expect(c.place('d')).toBeNull();
    expect(c.provisioningCount).toBe(1);
  });

  it('keeps tasks past the capacity in PROVISIONING until a launched instance joins after its boot time', () => {
    const s = new Scheduler();
    const { c, placed, joined } = cluster(s, [6, 6]);
    for (const t of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) expect(c.place(t)).toBeNull();
    // M = 2 instances with tasks + ceil(7 / 6) = 4; N = 2.
    expect([c.instancesNeeded, c.instanceCount]).toEqual([4, 2]);
    s.after(30_000, () => c.launch(2));
    s.run();
    // Booting instances are in the group from their launch: N = 4 at once.
    expect(joined).toEqual([
      { instance: 2, at: 150_000 },
      { instance: 3, at: 150_000 },
    ]);
    // The first joins and takes six; the second takes the seventh.
    expect(placed.map((p) => [p.task, p.instance, p.at])).toEqual([
      ['a', 2, 150_000],
      ['b', 2, 150_000],
      ['c', 2, 150_000],
      ['d', 2, 150_000],
      ['e', 2, 150_000],
      ['f', 2, 150_000],
      ['g', 3, 150_000],
    ]);
    expect([c.instancesNeeded, c.instanceCount, c.provisioningCount]).toEqual([4, 4, 0]);
  });

  it('launches within the group maximum only', () => {
    const s = new Scheduler();
    const { c } = cluster(s, [6, 6], { max: 3 });
    expect(c.launch(5)).toBe(1);
    expect(c.launch(1)).toBe(0);
    expect(c.instanceCount).toBe(3);
  });

  it('a freed slot takes a waiting task at once', () => {
    const s = new Scheduler();
    const { c, placed } = cluster(s, [6]);
    c.place('x');
    s.after(5000, () => c.release(c.instances[0]));
    s.run();
    expect(placed).toEqual([{ task: 'x', instance: 0, at: 5000 }]);
    expect(c.cancelProvisioning('x')).toBe(false);
  });

  it('terminates idle instances only, not below the minimum; bills instance-hours from launch to termination', () => {
    const s = new Scheduler();
    const { c } = cluster(s, [6, 0], { min: 1 });
    expect(c.idleInstances().map((i: ClusterInstance) => i.index)).toEqual([1]);
    expect(() => c.terminate(c.instances[0])).toThrow(/not idle/);
    s.after(1_800_000, () => c.terminate(c.instances[1]));
    s.run();
    expect(c.instanceCount).toBe(1);
    expect(() => c.terminate(c.instances[1])).toThrow(/not idle/);
    // Instance 0 for 2 h, instance 1 for half an hour.
    expect(c.instanceHours(7_200_000)).toBe(2.5);
    expect(c.peakInstances()).toBe(2);
    const s2 = new Scheduler();
    const { c: one } = cluster(s2, [0]);
    expect(() => one.terminate(one.instances[0])).toThrow(/minimum of 1/);
  });

  it('idle instances younger than the warm-up are not offered for termination', () => {
    const s = new Scheduler();
    const { c } = cluster(s, [6], { boot: 60_000, min: 1 });
    c.launch(1);
    s.run(200_000);
    expect(c.idleInstances(300_000)).toEqual([]);
    s.run(300_000);
    expect(c.idleInstances(300_000).map((i) => i.index)).toEqual([1]);
  });
});
