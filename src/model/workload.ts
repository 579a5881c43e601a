import { readReplayOffsets } from '../scenario/replay-offsets.js';
import type { Uniform } from '../sim/rng.js';
import type { Scheduler } from '../sim/scheduler.js';
import type { BurstIterationsProfile, LoadProfile } from '../scenario/types.js';

/** What the workload drives: something that runs installs, and a flag for burst periods. */
export interface InstallRunner {
  startInstall(onDone: (arg: any) => void, arg: unknown): void;
  /** A burst of `installs` starts now (before its installs are launched). */
  burstStarted(installs: number): void;
}

interface Iteration {
  index: number;
  start: number;
  pending: number;
  burst: boolean;
  /** The iteration that starts once this one's installs are done (waitForInstalls). */
  next: Iteration | null;
}

/**
 * The load profile as k6-style executors. `burst-iterations` is the seed
 * tool: iterations paced to a period, a burst every N, each iteration waits
 * for its installs (so a slow burst delays the next). The arrival-rate
 * executors and `replay` start installs open-loop at their times.
 */
export class Workload {
  private outstanding = 0;
  private generating = true;
  private finished = false;
  private activeBursts = 0;
  installsStarted = 0;
  iterations = 0;
  bursts = 0;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly profile: LoadProfile,
    private readonly runner: InstallRunner,
    private readonly spreadRng: Uniform,
    private readonly spreadMs: number,
    private readonly onBurstChange: (active: boolean) => void,
    private readonly onFinished: () => void,
  ) {}

  start(): void {
    const p = this.profile;
    if (p.executor === 'burst-iterations') {
      this.scheduler.after(0, this.startIteration, { index: 0, start: 0, pending: 0, burst: false, next: null });
      return;
    }
    const times = arrivalTimesMs(p);
    for (const t of times) this.scheduler.at(t, this.startOpenInstall);
    this.scheduler.at(times.length > 0 ? times[times.length - 1] : 0, this.endGeneration);
  }

  private readonly startOpenInstall = (): void => {
    this.outstanding++;
    this.installsStarted++;
    this.runner.startInstall(this.openInstallDone, null);
  };

  private readonly openInstallDone = (): void => {
    this.outstanding--;
    this.checkFinished();
  };

  private readonly endGeneration = (): void => {
    this.generating = false;
    this.checkFinished();
  };

  private readonly startIteration = (it: Iteration): void => {
    const p = this.profile as BurstIterationsProfile;
    const now = this.scheduler.now;
    if (now >= p.durationSeconds * 1000) {
      this.generating = false;
      this.checkFinished();
      return;
    }
    it.start = now;
    it.burst = it.index >= p.firstBurstIteration && (it.index - p.firstBurstIteration) % p.burstEvery === 0;
    const count = it.burst ? p.burstInstalls : p.baselineInstalls;
    it.pending = count;
    this.iterations++;
    if (it.burst) {
      this.bursts++;
      this.activeBursts++;
      this.onBurstChange(true);
      this.runner.burstStarted(count);
    }
    for (let i = 0; i < count; i++) {
      this.outstanding++;
      this.installsStarted++;
      this.scheduler.after(this.spreadRng() * this.spreadMs, this.launch, it);
    }
    const next: Iteration = { index: it.index + 1, start: 0, pending: 0, burst: false, next: null };
    if (!p.waitForInstalls || count === 0) {
      this.scheduler.at(it.start + p.iterationSeconds * 1000, this.startIteration, next);
      if (count === 0) this.iterationDone(it, null);
    } else {
      it.next = next;
    }
  };

  private readonly launch = (it: Iteration): void => {
    this.runner.startInstall(this.iterationInstallDone, it);
  };

  private readonly iterationInstallDone = (it: Iteration): void => {
    this.outstanding--;
    it.pending--;
    if (it.pending === 0) this.iterationDone(it, it.next);
    this.checkFinished();
  };

  private iterationDone(it: Iteration, next: Iteration | null): void {
    const p = this.profile as BurstIterationsProfile;
    if (it.burst) {
      this.activeBursts--;
      if (this.activeBursts === 0) this.onBurstChange(false);
    }
    if (!next) return;
    const nextStart = Math.max(this.scheduler.now, it.start + p.iterationSeconds * 1000);
    // Like the live generator: no iteration starts at or after the duration, so the run ends with this
    // iteration's last install instead of waiting out the pacing of one that will never start.
    if (nextStart >= p.durationSeconds * 1000) {
      this.generating = false;
      return;
    }
    this.scheduler.at(nextStart, this.startIteration, next);
  }

  private checkFinished(): void {
    if (!this.finished && !this.generating && this.outstanding === 0) {
      this.finished = true;
      this.onFinished();
    }
  }
}

/** Start times (ms) of the installs of an open-loop profile. */
export function arrivalTimesMs(p: LoadProfile): number[] {
  switch (p.executor) {
    case 'constant-arrival-rate': {
      const out: number[] = [];
      const gap = 1000 / p.installsPerSecond;
      for (let t = 0; t < p.durationSeconds * 1000; t += gap) out.push(t);
      return out;
    }
    case 'ramping-arrival-rate': {
      // Install k starts when the integral of the rate reaches k (rates linear within a stage).
      const out: number[] = [];
      let t0 = 0;
      let r0 = p.startInstallsPerSecond;
      let cumulative = 0;
      let k = 0;
      for (const stage of p.stages) {
        const d = stage.durationSeconds;
        const r1 = stage.targetInstallsPerSecond;
        const slope = (r1 - r0) / d;
        const stageTotal = ((r0 + r1) / 2) * d;
        while (k < cumulative + stageTotal - 1e-9) {
          const need = k - cumulative; // installs into this stage
          // Solve r0 x + slope x^2 / 2 = need for x in [0, d].
          const x = Math.abs(slope) < 1e-12 ? need / r0 : (-r0 + Math.sqrt(Math.max(0, r0 * r0 + 2 * slope * need))) / slope;
          out.push((t0 + Math.min(d, Math.max(0, x))) * 1000);
          k++;
        }
        cumulative += stageTotal;
        t0 += d;
        r0 = r1;
      }
      return out;
    }
    case 'replay':
      return readReplayOffsets(p.file).map((s) => s * p.timeScale * 1000);
    case 'burst-iterations':
      throw new Error('burst-iterations is closed-loop: it has no arrival times');
  }
}
