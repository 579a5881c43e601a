import type { Scheduler } from '../sim/scheduler.js';
import type { LoadBalancer } from './balancer/load-balancer.js';
import type { Target, TargetHealthListener } from './balancer/target.js';
import { GunicornTask, type GunicornTaskOptions } from './gunicorn.js';
import type { Instance } from './instance.js';

/** What every task of the service is: all of a task's options but its id, instance and death notice. */
export type TaskTemplate = Omit<GunicornTaskOptions, 'id' | 'instance' | 'onDied' | 'scheduler'>;

/**
 * Where a replacement may go, and who hears about it. A fixed service (no
 * autoscaling) counts the tasks running on an instance; an autoscaled one
 * keeps the cluster's slots (tasks still starting hold one too) and follows
 * which container stands for which of its tasks.
 */
export interface ReplacementSlots {
  /** Whether `instance` has room for one more task. */
  fits(instance: Instance): boolean;
  /** Whether `old` still needs its replacement when it is due (a scale-in may have taken it meanwhile). */
  wanted(old: Target): boolean;
  /** `fresh` starts on `instance` to replace `old`. */
  started(old: Target, fresh: Target, instance: Instance): void;
  /** A task the service drained or lost itself (a replaced one) is gone from `instance`. */
  stopped(instance: Instance): void;
}

export interface EcsServiceOptions {
  scheduler: Scheduler;
  balancer: LoadBalancer;
  instances: readonly Instance[];
  task: TaskTemplate;
  /** Most tasks the reservations admit on one instance. */
  maxTasksPerInstance: number;
  /** Time ECS takes to start a replacement task (pull, start, preload), ms. */
  taskStartMs: number;
  /** Default: room = fewer running tasks than maxTasksPerInstance, nobody told. */
  slots?: ReplacementSlots;
}

/** A scale-in's deregistration in progress. */
interface Deregistration {
  target: Target;
  deadline: number;
  done: () => void;
}

/**
 * The ECS service: starts the tasks of a placement, and replaces a task whose
 * target turned unhealthy. Like ECS since its 2023 change, it starts the
 * replacement first (same instance, after the start delay) and drains the
 * unhealthy task only once the replacement passes its health checks; in the
 * meantime the balancer skips the unhealthy target unless every target is
 * unhealthy (fail open). An OOM-killed task is gone at once
 * (docs/model.md, "ECS service").
 */
export class EcsService implements TargetHealthListener {
  private readonly scheduler: Scheduler;
  private readonly balancer: LoadBalancer;
  private readonly instances: readonly Instance[];
  private readonly template: TaskTemplate;
  private readonly maxTasksPerInstance: number;
  private readonly taskStartMs: number;
  private nextTaskId = 0;
  replacements = 0;
  private stopped = false;
  /** Targets waiting for their replacement, by the replacement's target id. */
  private readonly replacing = new Map<number, Target>();
  private readonly pending = new Set<Target>();
  private readonly slots: ReplacementSlots;

  constructor(options: EcsServiceOptions) {
    this.scheduler = options.scheduler;
    this.balancer = options.balancer;
    this.instances = options.instances;
    this.template = options.task;
    this.maxTasksPerInstance = options.maxTasksPerInstance;
    this.taskStartMs = options.taskStartMs;
    this.slots = options.slots ?? {
      fits: (i) => i.taskCount < this.maxTasksPerInstance,
      wanted: () => true,
      started: () => undefined,
      stopped: () => undefined,
    };
  }

  stop(): void {
    this.stopped = true;
  }

  /** Starts a task on `instance` and registers it ('healthy' for tasks running before the test). */
  startTask(instance: Instance, state: 'healthy' | 'initial'): Target {
    const task = new GunicornTask({ ...this.template, id: this.nextTaskId++, scheduler: this.scheduler, instance, onDied: (dead) => this.taskDied(dead) });
    return this.balancer.register(task, state, this);
  }

  /** Health checks failed: replace the task. */
  targetUnhealthy(target: Target): void {
    this.replace(target);
  }

  /**
   * Health checks failed (or the task died): start a replacement where the
   * reservations leave room, and drain the old target once the replacement is
   * healthy. With no room anywhere, ECS stops the unhealthy task first and
   * starts the replacement in its place.
   */
  replace(target: Target): void {
    if (target.state === 'draining' || this.pending.has(target) || this.stopped) return;
    this.pending.add(target);
    this.replacements++;
    if (!target.task.alive) target.state = 'draining';
    const room = this.instanceWithRoom(target.task.instance);
    if (!room) this.drain(target);
    this.scheduler.after(this.taskStartMs, this.startReplacement, target);
  }

  private instanceWithRoom(preferred: Instance): Instance | null {
    const fits = (i: Instance) => this.slots.fits(i);
    if (fits(preferred)) return preferred;
    return this.instances.find(fits) ?? null;
  }

  /** A target passed its health checks: if it replaces another, that one drains now. */
  targetHealthy(target: Target): void {
    const old = this.replacing.get(target.id);
    if (!old) return;
    this.replacing.delete(target.id);
    this.drain(old);
  }

  /** No new requests; the task stops once its in-flight requests are done (deregistration). */
  private drain(target: Target): void {
    target.state = 'draining';
    this.scheduler.after(1000, this.stopWhenDrained, target);
  }

  private readonly stopWhenDrained = (target: Target): void => {
    if (!target.task.alive) {
      this.slots.stopped(target.task.instance);
      return;
    }
    if (target.task.outstanding === 0) {
      target.task.kill();
      this.slots.stopped(target.task.instance);
    } else this.scheduler.after(1000, this.stopWhenDrained, target);
  };

  /**
   * Scale-in: the target is deregistered (no new requests) and the task stops
   * once its in-flight requests are done, or when `delayMs` (the target group's
   * deregistration delay) has passed, resetting what is left; then `done`.
   */
  deregister(target: Target, delayMs: number, done: () => void): void {
    target.state = 'draining';
    this.checkDeregistered({ target, deadline: this.scheduler.now + delayMs, done });
  }

  private readonly checkDeregistered = (d: Deregistration): void => {
    const task = d.target.task;
    if (task.alive && task.outstanding > 0 && this.scheduler.now < d.deadline) {
      this.scheduler.after(Math.min(1000, d.deadline - this.scheduler.now), this.checkDeregistered, d);
      return;
    }
    task.kill();
    d.done();
  };

  private taskDied(task: GunicornTask): void {
    const target = this.balancer.targets.find((t) => t.task === task);
    if (target && target.state !== 'draining') {
      target.state = 'draining';
      this.replace(target);
    }
  }

  private readonly startReplacement = (old: Target): void => {
    if (this.stopped || !this.slots.wanted(old)) return;
    const instance = this.instanceWithRoom(old.task.instance) ?? old.task.instance;
    const fresh = this.startTask(instance, 'initial');
    this.slots.started(old, fresh, instance);
    if (old.state !== 'draining') this.replacing.set(fresh.id, old);
  };
}
