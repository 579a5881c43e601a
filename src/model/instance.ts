import { ProcessorSharing } from '../sim/processor-sharing.js';
import type { Scheduler } from '../sim/scheduler.js';
import { TimeWeighted } from '../sim/time-weighted.js';
import type { InstanceType } from './catalog.js';
import { InstanceSeries, type InstanceSeriesData } from './instance-series.js';

/** Memory behaviour of an instance, MB. */
export interface InstanceMemory {
  /** Kernel, ECS agent, Docker and daemons. */
  osOverheadMb: number;
  /** What the kernel keeps free; the page cache shrinks to keep it. */
  minFreeMb: number;
  /** Swap space (0: none). */
  swapMb: number;
  /** CPU work takes 1 + this x (swapped fraction of process memory) as long. */
  swapStallPerFraction: number;
}

export interface InstanceOptions {
  name: string;
  type: InstanceType;
  scheduler: Scheduler;
  /** Memory the repository needs in the page cache to be served without misses, MB. */
  workingSetMb: number;
  memory: InstanceMemory;
  /** Burstable types in standard mode: credit balance at the start, fraction of the maximum. */
  creditInitialFraction: number;
  /** Extra CPU work when more processes are runnable than cores (see ProcessorSharing). */
  contentionOverhead: number;
  /** What a physical core's second hardware thread adds when both run (types with threadsPerCore > 1; see ProcessorSharing). */
  smtGain: number;
}

/** What an instance needs to know of a task it hosts. */
export interface HostedTask {
  readonly alive: boolean;
}

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
 * switching between them when they outnumber the cores; on types whose vCPUs
 * are hyperthreads, two busy threads of a core share it); CPU credits for
 * burstable types (standard mode throttles to the baseline when they run out);
 * memory = OS + tasks (base + workers + requests in flight), the rest is page
 * cache; past physical memory (or a container's limit) pages go to swap, and
 * page faults stall CPU work and show as iowait.
 */
export class Instance {
  readonly cpu: ProcessorSharing;
  private readonly blocked: TimeWeighted;
  private memoryUsedMb: number;
  /** memoryUsedMb over time (for the service's memory utilization). */
  private readonly usedMemory: TimeWeighted;
  private readonly startedAt: number;
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
  private readonly hosted: HostedTask[] = [];
  readonly name: string;
  readonly type: InstanceType;
  private readonly scheduler: Scheduler;
  private readonly memory: InstanceMemory;
  private readonly workingSetMb: number;
  /** Second-by-second CPU, iowait and memory, when recorded (recordSeries). */
  private series: InstanceSeries | null = null;

  constructor(options: InstanceOptions) {
    const { scheduler, type } = options;
    this.name = options.name;
    this.type = type;
    this.scheduler = scheduler;
    this.memory = options.memory;
    this.workingSetMb = options.workingSetMb;
    this.cpu = new ProcessorSharing(scheduler, type.vcpus, 1, options.contentionOverhead, { threadsPerCore: type.threadsPerCore, gain: options.smtGain });
    this.blocked = new TimeWeighted(scheduler.now);
    this.memoryUsedMb = this.memory.osOverheadMb;
    this.startedAt = scheduler.now;
    this.usedMemory = new TimeWeighted(scheduler.now, this.memoryUsedMb);
    this.memAvailableMin = this.memoryAvailableMb;
    this.ioWaitStart = scheduler.now;
    const burst = type.burstable;
    this.credits = burst && burst.mode === 'standard' ? burst.maxCredits * options.creditInitialFraction : null;
  }

  /** Keep every 1-s sample from now on (for the report's per-instance chart). */
  recordSeries(): void {
    this.series ??= new InstanceSeries(this.name);
  }

  /** Whether it keeps its 1-s samples. */
  get recordsSeries(): boolean {
    return this.series !== null;
  }

  /** The recorded samples (null unless recordSeries was called). */
  seriesData(): InstanceSeriesData | null {
    return this.series?.data() ?? null;
  }

  /** A task starts on this instance. */
  host(task: HostedTask): void {
    this.hosted.push(task);
  }

  /** Tasks running here (started and not stopped). */
  get taskCount(): number {
    let n = 0;
    for (const task of this.hosted) if (task.alive) n++;
    return n;
  }

  /** Whether the instance has swap to absorb memory beyond its RAM (or a container's limit). */
  get hasSwap(): boolean {
    return this.memory.swapMb > 0;
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
    return Math.max(0, this.visibleMemoryMb - this.memoryUsedMb - this.memory.minFreeMb);
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
    return 1 + this.memory.swapStallPerFraction * (this.swapMb / Math.max(1, this.memoryUsedMb));
  }

  /**
   * Changes the memory a task uses by `deltaMb`; `containerExcessMb` is how far
   * that task is over its container limit (the excess is swapped by its cgroup).
   */
  changeMemory(taskId: number, deltaMb: number, containerExcessMb: number): void {
    this.memoryUsedMb += deltaMb;
    this.usedMemory.set(this.scheduler.now, this.memoryUsedMb);
    if (containerExcessMb > 0) this.containerExcessMb.set(taskId, containerExcessMb);
    else this.containerExcessMb.delete(taskId);
    let containerSwap = 0;
    for (const excess of this.containerExcessMb.values()) containerSwap += excess;
    const hostExcess = Math.max(0, this.memoryUsedMb - (this.visibleMemoryMb - this.memory.minFreeMb));
    this.swapMb = Math.min(this.memory.swapMb, Math.max(hostExcess, containerSwap));
    // Memory available: what is not used, less what could not be swapped out.
    const available = this.memoryAvailableMb;
    if (available < this.memAvailableMin) this.memAvailableMin = available;
    if (this.swapMb > this.swapMax) this.swapMax = this.swapMb;
  }

  /** Memory the tasks have used since the instance started, integrated over time, MB x ms. */
  taskMemoryMbMs(now: number): number {
    return this.usedMemory.integral(now) - this.memory.osOverheadMb * (now - this.startedAt);
  }

  /** Memory pressure the instance cannot absorb: used beyond physical memory and swap, MB. */
  get unabsorbedMb(): number {
    return Math.max(0, this.memoryUsedMb - this.visibleMemoryMb - this.memory.swapMb);
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
    this.series?.sample(now, util, iowait, this.memoryAvailableMb);
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
