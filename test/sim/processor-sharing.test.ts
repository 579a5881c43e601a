import { describe, expect, it } from 'vitest';
import { ProcessorSharing } from '../../src/sim/processor-sharing.js';
import { Scheduler } from '../../src/sim/scheduler.js';

function finishTimes(cores: number, jobs: Array<{ at: number; work: number }>, speed = 1, contentionOverhead = 0): number[] {
  const s = new Scheduler();
  const ps = new ProcessorSharing(s, cores, speed, contentionOverhead);
  const done: number[] = new Array(jobs.length).fill(NaN);
  jobs.forEach((job, i) => s.after(job.at, () => ps.run(job.work, () => (done[i] = s.now))));
  s.run();
  return done;
}

describe('ProcessorSharing', () => {
  it('shares 2 cores among 3 equal jobs: each at 2/3 speed', () => {
    // 3 jobs of 6 core-ms at t=0 on 2 cores: each gets 2/3 core, all finish at 9.
    const done = finishTimes(2, [
      { at: 0, work: 6 },
      { at: 0, work: 6 },
      { at: 0, work: 6 },
    ]);
    expect(done.map((t) => Number(t.toFixed(9)))).toEqual([9, 9, 9]);
  });

  it('gives a job a whole core when jobs <= cores', () => {
    const done = finishTimes(2, [
      { at: 0, work: 4 },
      { at: 0, work: 10 },
    ]);
    expect(done).toEqual([4, 10]);
  });

  it('charges the contention overhead only while jobs outnumber the cores (hand-computed)', () => {
    // 1 core, c = 0.2. Four jobs of 3 core-ms: each runs at (1/4) / (1 + 0.2 x 3/4) = 1/4.6, all done at 13.8.
    expect(finishTimes(1, [0, 0, 0, 0].map((at) => ({ at, work: 3 })), 1, 0.2).map((t) => Number(t.toFixed(9)))).toEqual([13.8, 13.8, 13.8, 13.8]);
    // A: 1 ms, B: 3 ms at t=0: each at (1/2) / 1.1 until A is done at 2.2; B has 2 ms left, alone: done at 4.2.
    const [a, b] = finishTimes(1, [{ at: 0, work: 1 }, { at: 0, work: 3 }], 1, 0.2);
    expect(a).toBeCloseTo(2.2, 12);
    expect(b).toBeCloseTo(4.2, 12);
    // No more jobs than cores: no overhead.
    expect(finishTimes(2, [{ at: 0, work: 3 }, { at: 0, work: 5 }], 1, 0.2)).toEqual([3, 5]);
    expect(() => new ProcessorSharing(new Scheduler(), 1, 1, -0.1)).toThrow(/contentionOverhead/);
  });

  it('re-shares when jobs come and go (hand-computed)', () => {
    // 1 core. A: 4 ms at t=0. B: 2 ms at t=1.
    // [0,1): A alone, A has 3 left. [1,5): both at 1/2: B done at 1 + 2/0.5 = 5, A has 3 - 2 = 1 left.
    // [5,6): A alone, done at 6.
    const done = finishTimes(1, [
      { at: 0, work: 4 },
      { at: 1, work: 2 },
    ]);
    expect(done[1]).toBeCloseTo(5, 12);
    expect(done[0]).toBeCloseTo(6, 12);
  });

  it('runs slower at a lower speed and accounts core time used', () => {
    const s = new Scheduler();
    const ps = new ProcessorSharing(s, 2, 0.5);
    let doneAt = NaN;
    ps.run(3, () => (doneAt = s.now));
    s.run();
    expect(doneAt).toBe(6);
    expect(ps.coreMsUsed(6)).toBeCloseTo(3, 12);
  });

  it('changes speed mid-job and drops a cancelled job', () => {
    const s = new Scheduler();
    const ps = new ProcessorSharing(s, 1);
    let aDone = NaN;
    let bDone = false;
    ps.run(4, () => (aDone = s.now));
    const b = ps.run(100, () => (bDone = true));
    s.after(2, () => {
      // A had 1 ms of work by t=2 (half speed with B). B is killed; speed doubles.
      ps.cancel(b);
      ps.setSpeed(2);
    });
    s.run();
    expect(bDone).toBe(false);
    expect(aDone).toBeCloseTo(2 + 3 / 2, 12);
    expect(ps.runnable).toBe(0);
  });
});
