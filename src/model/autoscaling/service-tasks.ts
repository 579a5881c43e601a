import type { Scheduler } from '../../sim/scheduler.js';
import { ClusterCapacity, type ClusterInstance, type ClusterOptions } from './cluster-capacity.js';
import { peakOverlap } from './peak-overlap.js';

/**
 * The ECS service scheduler keeping the service at its desired count:
 * - more tasks wanted: each is placed where the reservations leave room
 *   (spread), or waits in PROVISIONING until an instance joins; a placed task
 *   starts (image pull, container start, app preload) and is RUNNING
 *   `taskStartMs` later, when it registers with the target group; it takes
 *   traffic once the ALB's health checks pass (the runtime decides that);
 * - fewer: the newest PROVISIONING tasks are dropped first, then tasks still
 *   starting, then running tasks from the instance that runs the most of them
 *   (the newest instance on a tie, its newest task): each is deregistered and
 *   drains (in-flight requests finish, for at most the deregistration delay)
 *   before it stops and frees its slot.
 * The stack side (creating the gunicorn task, registering the ALB target,
 * draining it) is behind `TaskRuntime`.
 */

export type TaskPhase = 'provisioning' | 'starting' | 'running' | 'draining' | 'stopped';

export interface ServiceTask<H> {
  readonly id: number;
  phase: TaskPhase;
  instance: ClusterInstance | null;
  /** The runtime's task once RUNNING. */
  handle: H | null;
  /** RUNNING since, ms (null before). */
  runningAtMs: number | null;
  /** Deregistered (scale-in) at, ms. */
  drainingAtMs: number | null;
  stoppedAtMs: number | null;
  startTimer: number;
}

export interface TaskRuntime<H> {
  /** The task is RUNNING on `instance`: create it and register it with the target group (not yet healthy). */
  run(instance: ClusterInstance): H;
  /** Whether the target group counts it healthy now. */
  isHealthy(handle: H): boolean;
  /** Whether it is being deregistered already (the service replacing it, or it died): not one to pick for a scale-in. */
  isDraining(handle: H): boolean;
  /**
   * Deregister from the target group: no new requests; call `done` once its
   * in-flight requests are done, or after the target group's deregistration
   * delay (resetting what is left), whichever comes first.
   */
  drain(handle: H, done: () => void): void;
}

export interface ServiceTasksOptions<H> {
  runtime: TaskRuntime<H>;
  taskStartMs: number;
  cluster: Omit<ClusterOptions<ServiceTask<H>>, 'onPlaced'>;
  /** Tasks on each initial instance, RUNNING and healthy at time 0 (the stack creates them and `adopt`s each). */
  initialTasksPerInstance: readonly number[];
}

/** Counts as `DescribeServices` reports them, plus the healthy and draining ones. */
export interface ServiceCounts {
  desired: number;
  running: number;
  pending: number;
  healthy: number;
  draining: number;
}

export class ServiceTasks<H> {
  readonly cluster: ClusterCapacity<ServiceTask<H>>;
  private readonly tasks: ServiceTask<H>[] = [];
  private desired = 0;
  private nextId = 0;
  private stopped = false;
  private readonly runtime: TaskRuntime<H>;
  private readonly taskStartMs: number;

  constructor(
    private readonly scheduler: Scheduler,
    options: ServiceTasksOptions<H>,
  ) {
    this.runtime = options.runtime;
    this.taskStartMs = options.taskStartMs;
    this.cluster = new ClusterCapacity<ServiceTask<H>>(scheduler, { ...options.cluster, onPlaced: (task, instance) => this.placed(task, instance) }, options.initialTasksPerInstance);
  }

  /** Records a task the stack started on initial instance `instanceIndex` before the run. */
  adopt(instanceIndex: number, handle: H): ServiceTask<H> {
    const task: ServiceTask<H> = { id: this.nextId++, phase: 'running', instance: this.cluster.instances[instanceIndex], handle, runningAtMs: this.scheduler.now, drainingAtMs: null, stoppedAtMs: null, startTimer: -1 };
    this.tasks.push(task);
    this.desired++;
    return task;
  }

  get desiredCount(): number {
    return this.desired;
  }

  counts(): ServiceCounts {
    const c: ServiceCounts = { desired: this.desired, running: 0, pending: 0, healthy: 0, draining: 0 };
    for (const t of this.tasks) {
      if (t.phase === 'running') {
        c.running++;
        if (this.runtime.isHealthy(t.handle!)) c.healthy++;
      } else if (t.phase === 'provisioning' || t.phase === 'starting') c.pending++;
      else if (t.phase === 'draining') c.draining++;
    }
    return c;
  }

  /** Task-hours: RUNNING (draining included) to stopped, or to `nowMs`. */
  taskHours(nowMs: number): number {
    let ms = 0;
    for (const t of this.tasks) if (t.runningAtMs !== null && t.runningAtMs < nowMs) ms += Math.min(t.stoppedAtMs ?? nowMs, nowMs) - t.runningAtMs;
    return ms / 3_600_000;
  }

  /** Most tasks RUNNING (not draining) at once so far. */
  peakRunningTasks(): number {
    const spans = [];
    for (const t of this.tasks) if (t.runningAtMs !== null) spans.push({ start: t.runningAtMs, end: t.drainingAtMs ?? t.stoppedAtMs });
    return peakOverlap(spans);
  }

  /** The service's tasks (all phases, stopped ones included), in creation order. */
  get all(): readonly ServiceTask<H>[] {
    return this.tasks;
  }

  /**
   * The stack replaced the container of a running task (health checks failed,
   * or it died): `fresh`, on `instance`, now stands for the task `old` was. The
   * stack keeps the slots of the two containers itself (the replacement takes
   * one where it starts, the old one frees its own when it stops).
   */
  replaced(old: H, fresh: H, instance: ClusterInstance): void {
    const task = this.runningWith(old);
    if (!task) return;
    task.handle = fresh;
    task.instance = instance;
  }

  /** Whether `handle` is a running task the service keeps (not one a scale-in is draining): worth replacing. */
  keeps(handle: H): boolean {
    return this.runningWith(handle) !== null;
  }

  private runningWith(handle: H): ServiceTask<H> | null {
    for (const t of this.tasks) if (t.handle === handle && t.phase === 'running') return t;
    return null;
  }

  /** The run is over: tasks still starting never run, instances still booting never join. */
  stop(): void {
    this.stopped = true;
    for (const t of this.tasks) {
      if (t.startTimer >= 0) this.scheduler.cancel(t.startTimer);
      t.startTimer = -1;
    }
    this.cluster.stop();
  }

  setDesiredCount(count: number): void {
    if (!(Number.isInteger(count) && count >= 0)) throw new RangeError(`desired count must be a whole number >= 0, got ${count}`);
    while (this.desired < count) {
      this.desired++;
      this.startOne();
    }
    while (this.desired > count) {
      this.desired--;
      this.stopOne();
    }
  }

  private startOne(): void {
    const task: ServiceTask<H> = { id: this.nextId++, phase: 'provisioning', instance: null, handle: null, runningAtMs: null, drainingAtMs: null, stoppedAtMs: null, startTimer: -1 };
    this.tasks.push(task);
    const instance = this.cluster.place(task);
    if (instance) this.placed(task, instance);
  }

  private placed(task: ServiceTask<H>, instance: ClusterInstance): void {
    task.phase = 'starting';
    task.instance = instance;
    if (!this.stopped) task.startTimer = this.scheduler.after(this.taskStartMs, this.started, task);
  }

  private readonly started = (task: ServiceTask<H>): void => {
    task.startTimer = -1;
    if (task.phase !== 'starting') return;
    task.phase = 'running';
    task.runningAtMs = this.scheduler.now;
    task.handle = this.runtime.run(task.instance!);
  };

  private stopOne(): void {
    const newest = (phase: TaskPhase) => {
      for (let k = this.tasks.length - 1; k >= 0; k--) if (this.tasks[k].phase === phase) return this.tasks[k];
      return null;
    };
    const waiting = newest('provisioning');
    if (waiting) {
      this.cluster.cancelProvisioning(waiting);
      this.markStopped(waiting);
      return;
    }
    const starting = newest('starting');
    if (starting) {
      if (starting.startTimer >= 0) this.scheduler.cancel(starting.startTimer);
      starting.startTimer = -1;
      this.markStopped(starting);
      this.cluster.release(starting.instance!);
      return;
    }
    const victim = this.scaleInVictim();
    if (!victim) return;
    victim.phase = 'draining';
    victim.drainingAtMs = this.scheduler.now;
    this.runtime.drain(victim.handle!, () => this.drained(victim));
  }

  /** The newest running task on the instance that runs the most (the newest instance on a tie). */
  private scaleInVictim(): ServiceTask<H> | null {
    const perInstance = new Map<ClusterInstance, number>();
    const candidate = (t: ServiceTask<H>) => t.phase === 'running' && !this.runtime.isDraining(t.handle!);
    for (const t of this.tasks) if (candidate(t)) perInstance.set(t.instance!, (perInstance.get(t.instance!) ?? 0) + 1);
    let busiest: ClusterInstance | null = null;
    for (const [instance, n] of perInstance) {
      const best = busiest === null ? -1 : perInstance.get(busiest)!;
      if (n > best || (n === best && instance.index > busiest!.index)) busiest = instance;
    }
    for (let k = this.tasks.length - 1; k >= 0; k--) {
      const t = this.tasks[k];
      if (candidate(t) && t.instance === busiest) return t;
    }
    return null;
  }

  private drained(task: ServiceTask<H>): void {
    if (task.phase !== 'draining') return;
    this.markStopped(task);
    this.cluster.release(task.instance!);
  }

  private markStopped(task: ServiceTask<H>): void {
    task.phase = 'stopped';
    task.stoppedAtMs = this.scheduler.now;
  }
}
