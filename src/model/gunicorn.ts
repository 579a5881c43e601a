import { FcfsResource } from '../sim/fcfs-resource.js';
import { Fifo } from '../sim/fifo.js';
import type { Uniform } from '../sim/rng.js';
import type { Scheduler } from '../sim/scheduler.js';
import type { Exchange } from './exchange.js';
import type { Instance } from './instance.js';
import type { RequestDemands } from './service-demand.js';
import type { Storage } from './storage.js';

export const WORKER_CLASSES = ['gevent', 'sync'] as const;
export type WorkerClass = (typeof WORKER_CLASSES)[number];

/** A gunicorn worker process. */
interface Worker {
  index: number;
  /** gevent: the one interpreter (GIL) its requests' CPU and blocking file-system work share. */
  interpreter: FcfsResource<Exchange>;
  /** Requests (connections) the worker holds. */
  active: number;
  /** False while the worker is being restarted after a kill. */
  alive: boolean;
  /** sync: the request it is running. */
  current: Exchange | null;
  timeoutHandle: number;
}

/** gunicorn's own settings (gunicorn.* parameters), times in ms. */
export interface GunicornSettings {
  /** Listen backlog: connections waiting for a worker beyond this are refused. */
  backlog: number;
  /** sync: a worker busy longer than this is killed (502) and restarted. */
  timeoutMs: number;
  /** gevent: connections one worker accepts at once. */
  workerConnections: number;
  /** Time to fork and boot a replacement worker. */
  workerRestartMs: number;
}

/** A task's memory (memory.* parameters), MB. */
export interface TaskMemory {
  /** gunicorn master with the preloaded app. */
  baseMb: number;
  perWorkerMb: number;
  /** Per request in flight inside a worker. */
  perInFlightMb: number;
}

export interface GunicornTaskOptions {
  id: number;
  scheduler: Scheduler;
  instance: Instance;
  workers: number;
  workerClass: WorkerClass;
  /** The container's memory limit, MiB. */
  containerMemoryMb: number;
  gunicorn: GunicornSettings;
  memory: TaskMemory;
  /** What each request kind costs a worker of this class. */
  demands: RequestDemands;
  storage: Storage;
  serviceRng: Uniform;
  ioRng: Uniform;
  /** Called when the task is OOM-killed (ECS replaces it). */
  onDied(task: GunicornTask): void;
}

/**
 * One ECS task: a gunicorn master with W workers behind one listen socket.
 * `sync` workers take one connection at a time from the shared backlog and are
 * killed (502) and restarted when a request outlives the worker timeout.
 * `gevent` workers accept up to worker_connections each; the CPU segments and
 * blocking file-system calls of one worker's requests run one at a time.
 * A full backlog refuses the connection (the balancer answers 502).
 * docs/stack.md, "gunicorn".
 */
export class GunicornTask {
  readonly id: number;
  readonly instance: Instance;
  readonly workerCount: number;
  readonly workerClass: WorkerClass;
  readonly containerMemoryMb: number;
  private readonly scheduler: Scheduler;
  private readonly settings: GunicornSettings;
  private readonly perInFlightMb: number;
  private readonly demands: RequestDemands;
  private readonly storage: Storage;
  private readonly serviceRng: Uniform;
  private readonly ioRng: Uniform;
  private readonly onDied: (task: GunicornTask) => void;
  private readonly workers: Worker[] = [];
  /** Requests assigned to a worker and not yet answered. */
  private readonly running = new Set<Exchange>();
  private readonly backlog = new Fifo<Exchange>();
  private memoryMb: number;
  alive = true;
  /** Workers killed by the arbiter's timeout and restarted. */
  workerRestarts = 0;

  constructor(options: GunicornTaskOptions) {
    this.id = options.id;
    this.instance = options.instance;
    this.workerCount = options.workers;
    this.workerClass = options.workerClass;
    this.containerMemoryMb = options.containerMemoryMb;
    this.scheduler = options.scheduler;
    this.settings = options.gunicorn;
    this.perInFlightMb = options.memory.perInFlightMb;
    this.demands = options.demands;
    this.storage = options.storage;
    this.serviceRng = options.serviceRng;
    this.ioRng = options.ioRng;
    this.onDied = options.onDied;
    for (let i = 0; i < this.workerCount; i++) {
      this.workers.push({ index: i, interpreter: new FcfsResource<Exchange>(1, Infinity, this.scheduler), active: 0, alive: true, current: null, timeoutHandle: -1 });
    }
    this.memoryMb = options.memory.baseMb + this.workerCount * options.memory.perWorkerMb;
    this.instance.host(this);
    this.instance.changeMemory(this.id, this.memoryMb, this.containerExcess());
  }

  /** Requests assigned to a worker and not yet answered. */
  get inFlight(): number {
    return this.running.size;
  }

  /** Requests accepted and not yet answered (in workers and in the backlog). */
  get outstanding(): number {
    return this.inFlight + this.backlog.length;
  }

  private containerExcess(): number {
    return Math.max(0, this.memoryMb - this.containerMemoryMb);
  }

  /** A connection with one request arrives; false = refused (backlog full or task gone). */
  accept(ex: Exchange): boolean {
    if (!this.alive) return false;
    const worker = this.pickWorker();
    if (worker) {
      this.assign(worker, ex);
      return true;
    }
    if (this.backlog.length >= this.settings.backlog) return false;
    this.backlog.push(ex);
    return true;
  }

  private pickWorker(): Worker | null {
    let best: Worker | null = null;
    if (this.workerClass === 'sync') {
      for (const w of this.workers) if (w.alive && w.current === null) return w;
      return null;
    }
    const limit = this.settings.workerConnections;
    // An idle worker (in its event loop) accepts first; otherwise the least loaded one with room.
    for (const w of this.workers) {
      if (!w.alive || w.active >= limit) continue;
      if (best === null) best = w;
      else {
        const wIdle = w.interpreter.inService === 0;
        const bIdle = best.interpreter.inService === 0;
        if ((wIdle && !bIdle) || (wIdle === bIdle && w.active < best.active)) best = w;
      }
    }
    return best;
  }

  private assign(worker: Worker, ex: Exchange): void {
    worker.active++;
    ex.workerIndex = worker.index;
    this.running.add(ex);
    this.changeMemory(this.perInFlightMb);
    if (!this.alive) return;
    if (this.workerClass === 'sync') {
      worker.current = ex;
      worker.timeoutHandle = this.scheduler.after(this.settings.timeoutMs, this.onWorkerTimeout, worker);
      this.runCpu(ex);
    } else {
      worker.interpreter.acquire(this.runCpu, ex);
    }
  }

  private readonly runCpu = (ex: Exchange): void => {
    if (!this.alive) return;
    const entry = this.demands.get(ex.kind)!;
    const cpuMs = entry.cpu ? entry.cpu.sample(this.serviceRng) : entry.demand.cpuMs;
    ex.cpuJob = this.instance.cpu.run(cpuMs, this.afterCpu, ex);
    // Page faults on swapped memory: the extra time is spent blocked, not on a core.
    const stall = this.instance.swapStallFactor;
    ex.stallMs = stall > 1 ? cpuMs * (stall - 1) : 0;
  };

  private readonly afterCpu = (ex: Exchange): void => {
    ex.cpuJob = null;
    const entry = this.demands.get(ex.kind)!;
    const io = this.storage.requestIo(entry.demand, this.instance.pageCacheFraction, this.ioRng);
    this.instance.recordIo(io.lookups, io.hits, io.serverOps);
    const blocked = io.blockedMs + ex.stallMs;
    if (blocked > 0) {
      this.instance.blockedChange(1);
      ex.ioHandle = this.scheduler.after(blocked, this.afterIo, ex);
    } else {
      this.finish(ex, ex.kind === 'redirect' ? 303 : 200);
    }
  };

  private readonly afterIo = (ex: Exchange): void => {
    ex.ioHandle = -1;
    this.instance.blockedChange(-1);
    this.finish(ex, ex.kind === 'redirect' ? 303 : 200);
  };

  private finish(ex: Exchange, status: number): void {
    const worker = this.workers[ex.workerIndex];
    this.release(worker, ex);
    ex.origin.targetAnswered(ex, status);
  }

  private release(worker: Worker, ex: Exchange): void {
    this.running.delete(ex);
    worker.active--;
    this.changeMemory(-this.perInFlightMb);
    if (this.workerClass === 'sync') {
      worker.current = null;
      if (worker.timeoutHandle >= 0) this.scheduler.cancel(worker.timeoutHandle);
      worker.timeoutHandle = -1;
    } else {
      worker.interpreter.release();
    }
    this.drainBacklog();
  }

  private drainBacklog(): void {
    while (this.backlog.length > 0 && this.alive) {
      const worker = this.pickWorker();
      if (!worker) return;
      this.assign(worker, this.backlog.shift()!);
    }
  }

  /** gunicorn's arbiter kills a sync worker that has been busy longer than the timeout. */
  private readonly onWorkerTimeout = (worker: Worker): void => {
    worker.timeoutHandle = -1;
    const ex = worker.current;
    if (!ex || !this.alive) return;
    this.abort(ex);
    this.running.delete(ex);
    worker.current = null;
    worker.active--;
    this.changeMemory(-this.perInFlightMb);
    worker.alive = false;
    this.workerRestarts++;
    ex.origin.targetAnswered(ex, 502);
    this.scheduler.after(this.settings.workerRestartMs, this.onWorkerRestarted, worker);
  };

  private readonly onWorkerRestarted = (worker: Worker): void => {
    if (!this.alive) return;
    worker.alive = true;
    this.drainBacklog();
  };

  private abort(ex: Exchange): void {
    if (ex.cpuJob) {
      this.instance.cpu.cancel(ex.cpuJob);
      ex.cpuJob = null;
    }
    if (ex.ioHandle >= 0) {
      this.scheduler.cancel(ex.ioHandle);
      ex.ioHandle = -1;
      this.instance.blockedChange(-1);
    }
  }

  private changeMemory(deltaMb: number): void {
    this.memoryMb += deltaMb;
    this.instance.changeMemory(this.id, deltaMb, this.containerExcess());
    // Over its container limit with no swap to absorb it, the container is OOM-killed.
    if (this.alive && this.containerExcess() > 0 && !this.instance.hasSwap) this.kill();
  }

  /** Stops the task now: every request it holds is reset (502). */
  kill(): void {
    if (!this.alive) return;
    this.alive = false;
    const dropped: Exchange[] = [];
    for (const w of this.workers) {
      if (w.timeoutHandle >= 0) this.scheduler.cancel(w.timeoutHandle);
      w.timeoutHandle = -1;
    }
    while (this.backlog.length > 0) dropped.push(this.backlog.shift()!);
    for (const ex of this.running) {
      this.abort(ex);
      dropped.push(ex);
    }
    this.running.clear();
    this.instance.changeMemory(this.id, -this.memoryMb, 0);
    this.memoryMb = 0;
    for (const ex of dropped) ex.origin.targetAnswered(ex, 502);
    this.onDied(this);
  }

}
