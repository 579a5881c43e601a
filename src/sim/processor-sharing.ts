import { MinHeap } from './min-heap.js';
import type { Scheduler } from './scheduler.js';
import { TimeWeighted } from './time-weighted.js';

/** A unit of CPU work running on a processor-sharing server. */
export interface PsJob {
  readonly id: number;
  /** Virtual-time tag at which the job has received all its work. */
  readonly finishTag: number;
  readonly done: (arg: any) => void;
  readonly arg: unknown;
  cancelled: boolean;
}

/** Simultaneous multithreading: hardware threads per physical core, and what a core's other threads add. */
export interface Smt {
  threadsPerCore: number;
  /** Extra throughput of a core whose threads all run, as a fraction of one thread alone (0.25: two busy threads each run at 62.5 %). */
  gain: number;
}

const NO_SMT: Smt = { threadsPerCore: 1, gain: 0 };

/**
 * Egalitarian processor sharing over `cores` cores (hardware threads, the
 * vCPUs): with n runnable jobs each progresses at speed x min(1, cores / n)
 * (work in core-ms), less the contention overhead below. With SMT the cores
 * are cores / threadsPerCore physical cores: k running threads deliver
 * min(k, P) + gain x max(0, k - P) core-ms per ms (P physical cores), shared
 * by the n jobs; a busy thread still counts as busy in coreMsUsed (what mpstat
 * and docker stats report). Implemented with
 * a virtual clock that advances at that per-job rate, so each arrival or
 * departure costs O(log n) and only one completion event is ever scheduled.
 * `speed` scales every core (CPU credit throttling, swap stalls).
 * `contentionOverhead` (c) is the cost of time-slicing more jobs than cores:
 * every job's work grows by the factor 1 + c x (1 - cores / n) when n > cores
 * (context switches and caches re-warmed after each), so n equal jobs of work
 * W on one core all finish at n W (1 + c (1 - 1/n)).
 */
export class ProcessorSharing {
  private readonly jobs = new MinHeap<PsJob>();
  private active = 0;
  private virtualTime = 0;
  private lastUpdate: number;
  private speedFactor: number;
  private completionHandle = -1;
  private nextId = 0;
  private readonly usedCores: TimeWeighted;
  private readonly onCompletion = (): void => this.complete();

  private readonly physicalCores: number;
  private readonly smtGain: number;

  constructor(
    private readonly scheduler: Scheduler,
    readonly cores: number,
    speed = 1,
    readonly contentionOverhead = 0,
    smt: Smt = NO_SMT,
  ) {
    if (!(cores > 0)) throw new RangeError(`cores must be > 0, got ${cores}`);
    if (!(contentionOverhead >= 0)) throw new RangeError(`contentionOverhead must be >= 0, got ${contentionOverhead}`);
    if (!(Number.isInteger(smt.threadsPerCore) && smt.threadsPerCore >= 1)) throw new RangeError(`threadsPerCore must be a whole number >= 1, got ${smt.threadsPerCore}`);
    if (!(smt.gain >= 0 && smt.gain <= 1)) throw new RangeError(`SMT gain must be within [0, 1], got ${smt.gain}`);
    this.physicalCores = cores / smt.threadsPerCore;
    this.smtGain = smt.gain;
    this.speedFactor = speed;
    this.lastUpdate = scheduler.now;
    this.usedCores = new TimeWeighted(scheduler.now);
  }

  /** Jobs currently sharing the cores. */
  get runnable(): number {
    return this.active;
  }

  get speed(): number {
    return this.speedFactor;
  }

  /** Service rate each job receives now (core-ms per ms). */
  get ratePerJob(): number {
    const n = this.active;
    if (n === 0) return 0;
    const running = Math.min(n, this.cores);
    const p = this.physicalCores;
    const throughput = running <= p ? running : p + this.smtGain * (running - p);
    const rate = (this.speedFactor * throughput) / n;
    if (n <= this.cores) return rate;
    return rate / (1 + this.contentionOverhead * (1 - this.cores / n));
  }

  /** Core-ms the cores were busy from the start to now (for utilization; includes the contention overhead). */
  coreMsUsed(time = this.scheduler.now): number {
    return this.usedCores.integral(time);
  }

  /** Starts `work` core-ms of CPU work; `done(arg)` runs when it has been served. */
  run(work: number, done: () => void): PsJob;
  run<A>(work: number, done: (arg: A) => void, arg: A): PsJob;
  run(work: number, done: (arg: any) => void, arg?: unknown): PsJob {
    if (!(work >= 0)) throw new RangeError(`work must be >= 0, got ${work}`);
    this.advance();
    const job: PsJob = { id: this.nextId++, finishTag: this.virtualTime + work, done, arg, cancelled: false };
    this.jobs.push(job.finishTag, job);
    this.active++;
    this.levelsChanged();
    this.reschedule();
    return job;
  }

  /** Withdraws a job (its process was killed); its `done` never runs. */
  cancel(job: PsJob): void {
    if (job.cancelled) return;
    this.advance();
    job.cancelled = true;
    this.active--;
    this.levelsChanged();
    this.reschedule();
  }

  /** Changes the speed of every core from now on (1 = nominal). */
  setSpeed(speed: number): void {
    if (!(speed > 0)) throw new RangeError(`speed must be > 0, got ${speed}`);
    if (speed === this.speedFactor) return;
    this.advance();
    this.speedFactor = speed;
    this.levelsChanged();
    this.reschedule();
  }

  private advance(): void {
    const now = this.scheduler.now;
    if (this.active > 0) this.virtualTime += this.ratePerJob * (now - this.lastUpdate);
    this.lastUpdate = now;
  }

  private levelsChanged(): void {
    const now = this.scheduler.now;
    this.usedCores.set(now, this.speedFactor * Math.min(this.active, this.cores));
  }

  private reschedule(): void {
    if (this.completionHandle >= 0) {
      this.scheduler.cancel(this.completionHandle);
      this.completionHandle = -1;
    }
    this.dropCancelledHead();
    if (this.active === 0) return;
    const remaining = Math.max(0, this.jobs.peekKey() - this.virtualTime);
    this.completionHandle = this.scheduler.after(remaining / this.ratePerJob, this.onCompletion);
  }

  private dropCancelledHead(): void {
    while (this.jobs.size > 0 && this.jobs.peekValue()!.cancelled) this.jobs.pop();
  }

  private complete(): void {
    this.completionHandle = -1;
    this.advance();
    // Every job whose tag the virtual clock has reached is done (ties finish together).
    const epsilon = 1e-9 * Math.max(1, Math.abs(this.virtualTime));
    const finished: PsJob[] = [];
    while (this.jobs.size > 0) {
      const head = this.jobs.peekValue()!;
      if (head.cancelled) {
        this.jobs.pop();
        continue;
      }
      if (head.finishTag > this.virtualTime + epsilon) break;
      this.jobs.pop();
      head.cancelled = true; // finished: cannot be cancelled any more
      this.active--;
      finished.push(head);
    }
    this.levelsChanged();
    this.reschedule();
    for (const job of finished) job.done(job.arg);
  }
}
