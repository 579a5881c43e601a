import { ProcessorSharing } from '../sim/processor-sharing.js';
import type { Scheduler } from '../sim/scheduler.js';
import { TimeWeighted } from '../sim/time-weighted.js';
import type { InstanceType } from './catalog.js';
import type { ModelParameters } from './parameters.js';

/** Peaks and totals one instance reports at the end of a run. */
export interface InstanceMetrics {
  name: string;
  tasks: number;
  /** Highest 1-s CPU utilisation, fraction of all vCPUs. */
  cpuUtilPeak: number;
  /** Mean CPU utilisation over the run. */
  cpuUtilMean: number;
  /** Highest 1-s iowait, fraction of all vCPUs (processes blocked on I/O while cores idle). */
  iowaitPeak: number;
  /** Lowest memory available (free + reclaimable page cache), MB. */
  memAvailableMinMb: number;
  /** Most swap in use, MB. */
  swapUsedMaxMb: number;
  /** Fraction of file-system lookups served from the caches. */
  pageCacheHitRate: number;
  /** File-server operations (NFS round trips) per request served. */
  nfsOpsPerRequest: number;
  /** CPU credits left at the end (burstable types in standard mode), else null. */
  cpuCreditsEnd: number | null;
}

/**
 * One EC2 instance: its vCPUs shared by every runnable worker process
 * (processor sharing: each gets min(1, cores / runnable), less the cost of
 * switching between them when they outnumber the cores); CPU credits for
 * burstable types (standard mode throttles to the baseline when they run out);
 * memory = OS + tasks (base + workers + requests in flight), the rest is page
 * cache; past physical memory (or a container's limit) pages go to swap, and
 * page faults stall CPU work and show as iowait.
 */
export class Instance {
  readonly cpu: ProcessorSharing;
  private readonly blocked: TimeWeighted;
  private memoryUsedMb: number;
  private readonly containerExcessMb = new Map<number, number>();
  private swapMb = 0;
  private credits: number | null;
  private lastTickCoreMs = 0;
  private lastTickBlocked = 0;
  private lastTickTime = 0;
  private readonly ioWaitStart: number;
  private cpuPeak = 0;
  private ioPeak = 0;
  private memAvailableMin: number;
  private swapMax = 0;
  private lookups = 0;
  private hits = 0;
  private serverOps = 0;
  private requests = 0;
  taskCount = 0;

  constructor(
    readonly name: string,
    readonly type: InstanceType,
    private readonly scheduler: Scheduler,
    private readonly p: ModelParameters,
    private readonly workingSetMb: number,
  ) {
    this.cpu = new ProcessorSharing(scheduler, type.vcpus, 1, p['cpu.contentionOverhead']);
    this.blocked = new TimeWeighted(scheduler.now);
    this.memoryUsedMb = p['memory.osOverheadMb'];
    this.memAvailableMin = this.memoryAvailableMb;
    this.ioWaitStart = scheduler.now;
    const burst = type.burstable;
    this.credits = burst && burst.mode === 'standard' ? burst.maxCredits * p['cpu.creditInitialFraction'] : null;
  }

  get visibleMemoryMb(): number {
    return this.type.visibleMemoryMiB;
  }

  /** Memory available to new allocations (free + reclaimable cache), MB. */
  get memoryAvailableMb(): number {
    return Math.max(0, this.visibleMemoryMb - this.memoryUsedMb);
  }

  /** Page cache size, MB. */
  get pageCacheMb(): number {
    return Math.max(0, this.visibleMemoryMb - this.memoryUsedMb - this.p['memory.minFreeMb']);
  }

  /** Fraction of the repository's working set the page cache can hold. */
  get pageCacheFraction(): number {
    return this.workingSetMb <= 0 ? 1 : Math.min(1, this.pageCacheMb / this.workingSetMb);
  }

  get swapUsedMb(): number {
    return this.swapMb;
  }

  /** CPU work takes this many times longer because of page faults on swapped memory. */
  get swapStallFactor(): number {
    if (this.swapMb <= 0) return 1;
    return 1 + this.p['memory.swapStallPerFraction'] * (this.swapMb / Math.max(1, this.memoryUsedMb));
  }

  /**
   * Changes the memory a task uses by `deltaMb`; `containerExcessMb` is how far
   * that task is over its container limit (the excess is swapped by its cgroup).
   */
  changeMemory(taskId: number, deltaMb: number, containerExcessMb: number): void {
    this.memoryUsedMb += deltaMb;
    if (containerExcessMb > 0) this.containerExcessMb.set(taskId, containerExcessMb);
    else this.containerExcessMb.delete(taskId);
    let containerSwap = 0;
    for (const excess of this.containerExcessMb.values()) containerSwap += excess;
    const hostExcess = Math.max(0, this.memoryUsedMb - (this.visibleMemoryMb - this.p['memory.minFreeMb']));
    this.swapMb = Math.min(this.p['memory.swapMb'], Math.max(hostExcess, containerSwap));
    // Memory available: what is not used, less what could not be swapped out.
    const available = this.memoryAvailableMb;
    if (available < this.memAvailableMin) this.memAvailableMin = available;
    if (this.swapMb > this.swapMax) this.swapMax = this.swapMb;
  }

  /** Memory pressure the instance cannot absorb: used beyond physical memory and swap, MB. */
  get unabsorbedMb(): number {
    return Math.max(0, this.memoryUsedMb - this.visibleMemoryMb - this.p['memory.swapMb']);
  }

  /** A worker process starts (+1) or stops (-1) waiting on the file system or on page faults. */
  blockedChange(delta: number): void {
    this.blocked.add(this.scheduler.now, delta);
  }

  /** Records the cache outcome of one request's file-system work. */
  recordIo(lookups: number, hits: number, serverOps: number): void {
    this.lookups += lookups;
    this.hits += hits;
    this.serverOps += serverOps;
    this.requests++;
  }

  /** Samples CPU and iowait over the last interval and settles CPU credits; call every second. */
  tick(): void {
    const now = this.scheduler.now;
    const span = now - this.lastTickTime;
    if (span <= 0) return;
    const coreMs = this.cpu.coreMsUsed(now);
    const usedCores = (coreMs - this.lastTickCoreMs) / span;
    const blockedIntegral = this.blocked.integral(now);
    const meanBlocked = (blockedIntegral - this.lastTickBlocked) / span;
    const vcpus = this.type.vcpus;
    const util = usedCores / vcpus;
    const iowait = Math.min(meanBlocked, Math.max(0, vcpus - usedCores)) / vcpus;
    if (util > this.cpuPeak) this.cpuPeak = util;
    if (iowait > this.ioPeak) this.ioPeak = iowait;
    const burst = this.type.burstable;
    if (this.credits !== null && burst) {
      // 1 credit = one vCPU at 100 % for one minute; earned continuously.
      const earned = (burst.creditsEarnedPerHour * span) / 3_600_000;
      const spent = (usedCores * span) / 60_000;
      this.credits = Math.min(burst.maxCredits, this.credits + earned - spent);
      if (this.credits <= 0) {
        this.credits = 0;
        this.cpu.setSpeed(burst.baselinePerVcpu);
      } else if (this.cpu.speed !== 1) {
        this.cpu.setSpeed(1);
      }
    }
    this.lastTickCoreMs = coreMs;
    this.lastTickBlocked = blockedIntegral;
    this.lastTickTime = now;
  }

  metrics(): InstanceMetrics {
    const span = this.lastTickTime - this.ioWaitStart;
    return {
      name: this.name,
      tasks: this.taskCount,
      cpuUtilPeak: this.cpuPeak,
      cpuUtilMean: span > 0 ? this.lastTickCoreMs / span / this.type.vcpus : 0,
      iowaitPeak: this.ioPeak,
      memAvailableMinMb: this.memAvailableMin,
      swapUsedMaxMb: this.swapMax,
      pageCacheHitRate: this.lookups > 0 ? this.hits / this.lookups : 1,
      nfsOpsPerRequest: this.requests > 0 ? this.serverOps / this.requests : 0,
      cpuCreditsEnd: this.credits,
    };
  }
}
