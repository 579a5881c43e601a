import type { Uniform } from '../sim/rng.js';
import type { Scheduler } from '../sim/scheduler.js';
import { installsInIteration, isBurstIteration, iterationMayStart, nextIterationStartMs, startOffsetsMs } from '../scenario/schedule.js';
import type { BurstIterationsProfile, LoadProfile } from '../scenario/types.js';

/** What the workload drives: something that runs installs, and is told when a burst starts. */
export interface InstallRunner {
  /** Starts install number `index` of the run (open loop: in offset order; iterations: in launch order). */
  startInstall<A>(onDone: (arg: A) => void, arg: A, index: number): void;
  /** A burst of `installs` starts now (before its installs are launched). */
  burstStarted(installs: number): void;
}

/** Who hears about the run's phases. */
export interface WorkloadListener {
  /** A burst iteration started (true) or the last running one finished (false). */
  burstChanged(active: boolean): void;
  /** Every install has finished and no more will start. */
  finished(): void;
}

export interface WorkloadOptions {
  scheduler: Scheduler;
  profile: LoadProfile;
  runner: InstallRunner;
  listener: WorkloadListener;
  /** burst-iterations: an iteration's installs start spread uniformly over this window, ms. */
  spreadMs: number;
  spreadRng: Uniform;
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
 * The load profile as k6-style executors, on the schedule of
 * src/scenario/schedule.ts (the live generator's). `burst-iterations` is the
 * seed tool: iterations paced to a period, a burst every N, each iteration
 * waits for its installs (so a slow burst delays the next). The
 * arrival-rate executors and `replay` start installs open-loop at their
 * offsets.
 */
export class Workload {
  private readonly scheduler: Scheduler;
  private readonly profile: LoadProfile;
  private readonly runner: InstallRunner;
  private readonly listener: WorkloadListener;
  private readonly spreadMs: number;
  private readonly spreadRng: Uniform;
  private outstanding = 0;
  private generating = true;
  private activeBursts = 0;
  /** Installs of burst iterations launched so far. */
  private launched = 0;
  /** When the last install finished (the run's end), ms; null while it runs. */
  finishedAt: number | null = null;

  constructor(options: WorkloadOptions) {
    this.scheduler = options.scheduler;
    this.profile = options.profile;
    this.runner = options.runner;
    this.listener = options.listener;
    this.spreadMs = options.spreadMs;
    this.spreadRng = options.spreadRng;
  }

  start(): void {
    const p = this.profile;
    if (p.executor === 'burst-iterations') {
      this.scheduler.after(0, this.startIteration, { index: 0, start: 0, pending: 0, burst: false, next: null });
      return;
    }
    const times = startOffsetsMs(p);
    times.forEach((t, k) => this.scheduler.at(t, this.startOpenInstall, k));
    this.scheduler.at(times.length > 0 ? times[times.length - 1] : 0, this.endGeneration, null);
  }

  private readonly startOpenInstall = (index: number): void => {
    this.outstanding++;
    this.runner.startInstall(this.openInstallDone, null, index);
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
    if (!iterationMayStart(p, now)) {
      this.generating = false;
      this.checkFinished();
      return;
    }
    it.start = now;
    it.burst = isBurstIteration(p, it.index);
    const count = installsInIteration(p, it.index);
    it.pending = count;
    if (it.burst) {
      this.activeBursts++;
      this.listener.burstChanged(true);
      this.runner.burstStarted(count);
    }
    for (let i = 0; i < count; i++) {
      this.outstanding++;
      this.scheduler.after(this.spreadRng() * this.spreadMs, this.launch, it);
    }
    const next: Iteration = { index: it.index + 1, start: 0, pending: 0, burst: false, next: null };
    if (!p.waitForInstalls || count === 0) {
      this.scheduler.at(nextIterationStartMs(p, it.start, now), this.startIteration, next);
      if (count === 0) this.iterationDone(it, null);
    } else {
      it.next = next;
    }
  };

  private readonly launch = (it: Iteration): void => {
    this.runner.startInstall(this.iterationInstallDone, it, this.launched++);
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
      if (this.activeBursts === 0) this.listener.burstChanged(false);
    }
    if (!next) return;
    const nextStart = nextIterationStartMs(p, it.start, this.scheduler.now);
    // Like the live generator: no iteration starts at or after the duration, so the run ends with this
    // iteration's last install instead of waiting out the pacing of one that will never start.
    if (!iterationMayStart(p, nextStart)) {
      this.generating = false;
      return;
    }
    this.scheduler.at(nextStart, this.startIteration, next);
  }

  private checkFinished(): void {
    if (this.finishedAt === null && !this.generating && this.outstanding === 0) {
      this.finishedAt = this.scheduler.now;
      this.listener.finished();
    }
  }
}
