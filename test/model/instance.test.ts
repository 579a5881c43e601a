import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../src/sim/scheduler.js';
import { instance, machine } from './parts.js';

describe('instance', () => {
  it('keeps memory used, available and page cache apart, and the cache fraction of the working set', () => {
    const s = new Scheduler();
    const i = instance(s, machine(2, 1000), { workingSetMb: 400, memory: { osOverheadMb: 300, minFreeMb: 50, swapMb: 0, swapStallPerFraction: 0 } });
    expect(i.memoryAvailableMb).toBe(700);
    expect(i.pageCacheMb).toBe(650);
    expect(i.pageCacheFraction).toBe(1);
    i.changeMemory(1, 450, 0);
    expect(i.memoryAvailableMb).toBe(250);
    expect(i.pageCacheMb).toBe(200);
    expect(i.pageCacheFraction).toBe(0.5);
    expect(i.swapUsedMb).toBe(0);
    expect(i.metrics().memAvailableMinMb).toBe(250);
  });

  it('swaps what does not fit (host or container limit), up to its swap, and slows CPU work by the swapped fraction', () => {
    const s = new Scheduler();
    const i = instance(s, machine(1, 1000), { memory: { osOverheadMb: 500, minFreeMb: 100, swapMb: 200, swapStallPerFraction: 10 } });
    expect(i.hasSwap).toBe(true);
    // 500 + 500 = 1000 used; 900 may be used before the kernel swaps: 100 MB to swap.
    i.changeMemory(1, 500, 0);
    expect(i.swapUsedMb).toBe(100);
    expect(i.swapStallFactor).toBe(1 + 10 * (100 / 1000));
    // A container 150 MB over its limit swaps 150 MB even though the host has room.
    i.changeMemory(1, -500, 0);
    i.changeMemory(2, 10, 150);
    expect(i.swapUsedMb).toBe(150);
    // More than the swap holds: capped at 200 MB.
    i.changeMemory(3, 1000, 0);
    expect(i.swapUsedMb).toBe(200);
    expect(i.metrics().swapUsedMaxMb).toBe(200);
  });

  it('samples CPU and iowait per tick: a 1-vCPU instance half busy, a 2-vCPU one with one process blocked half the time', () => {
    const s = new Scheduler();
    const one = instance(s, machine(1));
    const two = instance(s, machine(2));
    one.cpu.run(500, () => undefined);
    two.blockedChange(1);
    s.after(500, () => two.blockedChange(-1));
    s.after(1000, () => {
      one.tick();
      two.tick();
    });
    s.run();
    expect(one.metrics().cpuUtilPeak).toBe(0.5);
    expect(one.metrics().cpuUtilMean).toBe(0.5);
    // Blocked 0.5 on average, 2 idle cores: iowait = min(0.5, 2) / 2.
    expect(two.metrics().iowaitPeak).toBe(0.25);
    expect(two.metrics().cpuUtilPeak).toBe(0);
  });

  it('spends CPU credits and throttles to the baseline when they run out (standard mode)', () => {
    const s = new Scheduler();
    // 1 vCPU, baseline 20 %, 0.01 credits to start (0.6 s of one full vCPU), earning nothing worth counting.
    const type = machine(1, 1024, { burstable: { baselinePerVcpu: 0.2, creditsEarnedPerHour: 1e-9, maxCredits: 0.01, mode: 'standard' } });
    const i = instance(s, type, { creditInitialFraction: 1 });
    let done = NaN;
    i.cpu.run(1200, () => (done = s.now));
    const tick = () => {
      i.tick();
      if (s.now < 5000) s.after(1000, tick);
    };
    s.after(1000, tick);
    s.run();
    // 1000 ms at full speed spends 1/60 credit > 0.01: throttled at t = 1000 with 200 core-ms left, at 0.2: done at 2000.
    expect(done).toBeCloseTo(2000, 9);
    expect(i.metrics().cpuCreditsEnd).toBeCloseTo(0, 6);
  });

  it('counts the tasks it runs, not the ones that stopped', () => {
    const i = instance(new Scheduler(), machine(1));
    const a = { alive: true };
    const b = { alive: true };
    i.host(a);
    i.host(b);
    expect(i.taskCount).toBe(2);
    b.alive = false;
    expect(i.taskCount).toBe(1);
  });
});
