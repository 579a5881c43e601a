import type { Scheduler } from '../sim/scheduler.js';
import type { LoadBalancer } from './balancer/load-balancer.js';
import type { Target, TargetHealthListener } from './balancer/target.js';
import { GunicornTask, type GunicornTaskOptions } from './gunicorn.js';
import type { Instance } from './instance.js';

/** What every task of the service is: all of a task's options but its id, instance and death notice. */
export type TaskTemplate = Omit<GunicornTaskOptions, 'id' | 'instance' | 'onDied' | 'scheduler'>;

export interface EcsServiceOptions {
  scheduler: Scheduler;
  balancer: LoadBalancer;
  instances: readonly Instance[];
  task: TaskTemplate;
  /** Most tasks the reservations admit on one instance. */
  maxTasksPerInstance: number;
  /** Time ECS takes to start a replacement task (pull, start, preload), ms. */
  taskStartMs: number;
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

  constructor(options: EcsServiceOptions) {
    this.scheduler = options.scheduler;
    this.balancer = options.balancer;
    this.instances = options.instances;
    this.template = options.task;
    this.maxTasksPerInstance = options.maxTasksPerInstance;
    this.taskStartMs = options.taskStartMs;
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
    const fits = (i: Instance) => i.taskCount < this.maxTasksPerInstance;
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
    if (!target.task.alive) return;
    if (target.task.outstanding === 0) target.task.kill();
    else this.scheduler.after(1000, this.stopWhenDrained, target);
  };

  private taskDied(task: GunicornTask): void {
    const target = this.balancer.targets.find((t) => t.task === task);
    if (target && target.state !== 'draining') {
      target.state = 'draining';
      this.replace(target);
    }
  }

  private readonly startReplacement = (old: Target): void => {
    if (this.stopped) return;
    const instance = this.instanceWithRoom(old.task.instance) ?? old.task.instance;
    const fresh = this.startTask(instance, 'initial');
    if (old.state !== 'draining') this.replacing.set(fresh.id, old);
  };
}
