import { LogNormal } from '../sim/distributions.js';
import { FcfsResource } from '../sim/fcfs-resource.js';
import { Fifo } from '../sim/fifo.js';
import type { Uniform } from '../sim/rng.js';
import type { Scheduler } from '../sim/scheduler.js';
import type { Exchange } from './exchange.js';
import type { Instance } from './instance.js';
import type { ModelParameters } from './parameters.js';
import { REQUEST_KINDS, type RequestKind, type ServiceDemand, serviceDemand } from './service-demand.js';
import type { Storage } from './storage.js';
import type { Repository } from '../scenario/types.js';

export type WorkerClass = 'gevent' | 'sync';

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

/** Shared, per-run inputs a task needs. */
export interface GunicornContext {
  scheduler: Scheduler;
  params: ModelParameters;
  storage: Storage;
  repository: Repository;
  serviceRng: Uniform;
  ioRng: Uniform;
  /** Called when the task is OOM-killed (ECS replaces it). */
  onTaskDied(task: GunicornTask): void;
}

/**
 * One ECS task: a gunicorn master with W workers behind one listen socket.
 * `sync` workers take one connection at a time from the shared backlog and are
 * killed (502) and restarted when a request outlives the worker timeout.
 * `gevent` workers accept up to worker_connections each; the CPU segments and
 * blocking file-system calls of one worker's requests run one at a time.
 * A full backlog refuses the connection (the ALB answers 502).
 */
export class GunicornTask {
  private readonly workers: Worker[] = [];
  /** Requests assigned to a worker and not yet answered. */
  private readonly running = new Set<Exchange>();
  private readonly backlog = new Fifo<Exchange>();
  private inFlight = 0;
  private memoryMb: number;
  alive = true;
  /** Workers killed by the arbiter's timeout and restarted. */
  workerRestarts = 0;
  private readonly demands = new Map<RequestKind, { demand: ServiceDemand; cpu: LogNormal | null }>();

  constructor(
    readonly id: number,
    readonly instance: Instance,
    readonly workerCount: number,
    readonly workerClass: WorkerClass,
    readonly containerMemoryMb: number,
    private readonly ctx: GunicornContext,
  ) {
    for (let i = 0; i < workerCount; i++) {
      this.workers.push({ index: i, interpreter: new FcfsResource<Exchange>(1, Infinity, ctx.scheduler), active: 0, alive: true, current: null, timeoutHandle: -1 });
    }
    const p = ctx.params;
    this.memoryMb = p['memory.taskBaseMb'] + workerCount * p['memory.perWorkerMb'];
    instance.taskCount++;
    instance.changeMemory(id, this.memoryMb, this.containerExcess());
    // A gevent worker spends more CPU on each request than a sync one (its sockets and greenlets).
    const workerCpuMs = workerClass === 'gevent' ? p['gunicorn.geventCpuMs'] : 0;
    for (const kind of REQUEST_KINDS) {
      const base = serviceDemand(kind, ctx.repository, p);
      const demand = { ...base, cpuMs: base.cpuMs + workerCpuMs };
      const cv = p['service.cpuCv'];
      this.demands.set(kind, { demand, cpu: cv > 0 && demand.cpuMs > 0 ? new LogNormal(demand.cpuMs, cv) : null });
    }
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
    if (this.backlog.length >= this.ctx.params['gunicorn.backlog']) return false;
    this.backlog.push(ex);
    return true;
  }

  private pickWorker(): Worker | null {
    let best: Worker | null = null;
    if (this.workerClass === 'sync') {
      for (const w of this.workers) if (w.alive && w.current === null) return w;
      return null;
    }
    const limit = this.ctx.params['gunicorn.workerConnections'];
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
    this.inFlight++;
    ex.workerIndex = worker.index;
    this.running.add(ex);
    this.changeMemory(this.ctx.params['memory.perInFlightKB'] / 1024);
    if (!this.alive) return;
    if (this.workerClass === 'sync') {
      worker.current = ex;
      worker.timeoutHandle = this.ctx.scheduler.after(this.ctx.params['gunicorn.timeoutS'] * 1000, this.onWorkerTimeout, worker);
      this.runCpu(ex);
    } else {
      worker.interpreter.acquire(this.runCpu, ex);
    }
  }

  private readonly runCpu = (ex: Exchange): void => {
    if (!this.alive) return;
    const entry = this.demands.get(ex.kind)!;
    const cpuMs = entry.cpu ? entry.cpu.sample(this.ctx.serviceRng) : entry.demand.cpuMs;
    ex.cpuJob = this.instance.cpu.run(cpuMs, this.afterCpu, ex);
    // Page faults on swapped memory: the extra time is spent blocked, not on a core.
    const stall = this.instance.swapStallFactor;
    ex.stallMs = stall > 1 ? cpuMs * (stall - 1) : 0;
  };

  private readonly afterCpu = (ex: Exchange): void => {
    ex.cpuJob = null;
    const entry = this.demands.get(ex.kind)!;
    const io = this.ctx.storage.requestIo(entry.demand, this.instance.pageCacheFraction, this.ctx.ioRng);
    this.instance.recordIo(io.lookups, io.hits, io.serverOps);
    const blocked = io.blockedMs + ex.stallMs;
    if (blocked > 0) {
      this.instance.blockedChange(1);
      ex.ioHandle = this.ctx.scheduler.after(blocked, this.afterIo, ex);
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
    this.inFlight--;
    this.changeMemory(-this.ctx.params['memory.perInFlightKB'] / 1024);
    if (this.workerClass === 'sync') {
      worker.current = null;
      if (worker.timeoutHandle >= 0) this.ctx.scheduler.cancel(worker.timeoutHandle);
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
    this.inFlight--;
    this.changeMemory(-this.ctx.params['memory.perInFlightKB'] / 1024);
    worker.alive = false;
    this.workerRestarts++;
    ex.origin.targetAnswered(ex, 502);
    this.ctx.scheduler.after(this.ctx.params['gunicorn.workerRestartMs'], this.onWorkerRestarted, worker);
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
      this.ctx.scheduler.cancel(ex.ioHandle);
      ex.ioHandle = -1;
      this.instance.blockedChange(-1);
    }
  }

  private changeMemory(deltaMb: number): void {
    this.memoryMb += deltaMb;
    this.instance.changeMemory(this.id, deltaMb, this.containerExcess());
    // Over its container limit with no swap to absorb it, the container is OOM-killed.
    if (this.alive && this.containerExcess() > 0 && this.ctx.params['memory.swapMb'] <= 0) this.kill();
  }

  /** Stops the task now: every request it holds is reset (502). */
  kill(): void {
    if (!this.alive) return;
    this.alive = false;
    const dropped: Exchange[] = [];
    for (const w of this.workers) {
      if (w.timeoutHandle >= 0) this.ctx.scheduler.cancel(w.timeoutHandle);
      w.timeoutHandle = -1;
    }
    while (this.backlog.length > 0) dropped.push(this.backlog.shift()!);
    for (const ex of this.running) {
      this.abort(ex);
      dropped.push(ex);
    }
    this.running.clear();
    this.instance.changeMemory(this.id, -this.memoryMb, 0);
    this.instance.taskCount--;
    this.memoryMb = 0;
    this.inFlight = 0;
    for (const ex of dropped) ex.origin.targetAnswered(ex, 502);
    this.ctx.onTaskDied(this);
  }

}
