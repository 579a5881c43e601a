import { describe, expect, it } from 'vitest';
import { type InstallRunner, Workload } from '../../src/model/workload.js';
import type { BurstIterationsProfile, LoadProfile } from '../../src/scenario/types.js';
import { Scheduler } from '../../src/sim/scheduler.js';

/** Installs that take `durationMs(k)` each (k = start order); records starts, burst changes and the end. */
function drive(profile: LoadProfile, durationMs: (k: number, now: number) => number, spreadMs = 0) {
  const s = new Scheduler();
  const starts: number[] = [];
  const bursts: Array<{ active: boolean; at: number }> = [];
  let finished = NaN;
  const runner: InstallRunner = {
    startInstall<A>(onDone: (arg: A) => void, arg: A): void {
      const k = starts.length;
      starts.push(s.now);
      s.after(durationMs(k, s.now), () => onDone(arg));
    },
    burstStarted: () => undefined,
  };
  const workload = new Workload({
    scheduler: s,
    profile,
    runner,
    spreadMs,
    spreadRng: () => 0.5,
    listener: { burstChanged: (active) => bursts.push({ active, at: s.now }), finished: () => (finished = s.now) },
  });
  workload.start();
  s.run();
  return { starts, bursts, finished, finishedAt: workload.finishedAt };
}

const seedLike: BurstIterationsProfile = {
  executor: 'burst-iterations',
  iterationSeconds: 10,
  baselineInstalls: 1,
  burstInstalls: 3,
  burstEvery: 2,
  firstBurstIteration: 1,
  waitForInstalls: true,
  durationSeconds: 35,
};

describe('workload', () => {
  it('burst iterations: paced to the period, a burst every 2 from iteration 1, none at or after the duration', () => {
    // Every install takes 1 s: iterations at 0, 10, 20, 30 (the one at 40 would be past 35 s).
    const r = drive(seedLike, () => 1_000);
    expect(r.starts).toEqual([0, 10_000, 10_000, 10_000, 20_000, 30_000, 30_000, 30_000]);
    expect(r.bursts).toEqual([
      { active: true, at: 10_000 },
      { active: false, at: 11_000 },
      { active: true, at: 30_000 },
      { active: false, at: 31_000 },
    ]);
    // The run ends with the last install, not at the next iteration's time.
    expect(r.finished).toBe(31_000);
    expect(r.finishedAt).toBe(31_000);
  });

  it('a slow burst delays the next iteration until its last install is done', () => {
    // The burst's installs take 15 s: iteration 2 starts at 25 s instead of 20 s, iteration 3 at 35 s is too late.
    const r = drive(seedLike, (k) => (k >= 1 && k <= 3 ? 15_000 : 1_000));
    expect(r.starts).toEqual([0, 10_000, 10_000, 10_000, 25_000]);
    expect(r.finished).toBe(26_000);
    // Without waitForInstalls the pace holds.
    const free = drive({ ...seedLike, waitForInstalls: false }, (k) => (k >= 1 && k <= 3 ? 15_000 : 1_000));
    expect(free.starts.slice(4)).toEqual([20_000, 30_000, 30_000, 30_000]);
  });

  it("spreads an iteration's starts over the spread window", () => {
    const r = drive({ ...seedLike, durationSeconds: 5 }, () => 10, 200);
    // spreadRng 0.5: every install starts 100 ms into its iteration.
    expect(r.starts).toEqual([100]);
  });

  it('open loop: installs start at the schedule offsets whatever the earlier ones do; the run ends with the last', () => {
    const r = drive({ executor: 'constant-arrival-rate', installsPerSecond: 4, durationSeconds: 1 }, () => 5_000);
    expect(r.starts).toEqual([0, 250, 500, 750]);
    expect(r.bursts).toEqual([]);
    expect(r.finished).toBe(5_750);
    const replay = drive({ executor: 'replay', file: 'x', timeScale: 2, offsetsSeconds: [0, 0, 1.5] }, () => 100);
    expect(replay.starts).toEqual([0, 0, 3_000]);
    expect(replay.finished).toBe(3_100);
  });
});
