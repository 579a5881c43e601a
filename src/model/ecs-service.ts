import type { Scheduler } from '../sim/scheduler.js';
import type { LoadBalancer, Target } from './alb.js';
import { GunicornTask, type GunicornContext, type WorkerClass } from './gunicorn.js';
import type { HealthChecker } from './health-checks.js';
import type { Instance } from './instance.js';
import type { ModelParameters } from './parameters.js';

/**
 * The ECS service: starts the tasks of a placement, and replaces a task whose
 * target turned unhealthy. Like ECS since its 2023 change, it starts the
 * replacement first (same instance, after the start delay) and drains the
 * unhealthy task only once the replacement passes its health checks; in the
 * meantime the ALB skips the unhealthy target unless every target is
 * unhealthy (fail open). An OOM-killed task is gone at once.
 */
export class EcsService {
  private nextTaskId = 0;
  replacements = 0;
  private stopped = false;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly p: ModelParameters,
    private readonly alb: LoadBalancer,
    private readonly health: Pick<HealthChecker, 'watch'>,
    private readonly taskSpec: { workers: number; workerClass: WorkerClass; containerMemoryMb: number; maxTasksPerInstance: number },
    private readonly instances: Instance[],
    private readonly ctx: Omit<GunicornContext, 'onTaskDied'>,
  ) {}

  stop(): void {
    this.stopped = true;
  }

  /** Starts a task on `instance` and registers it ('healthy' for tasks running before the test). */
  startTask(instance: Instance, state: 'healthy' | 'initial'): Target {
    const task = new GunicornTask(this.nextTaskId++, instance, this.taskSpec.workers, this.taskSpec.workerClass, this.taskSpec.containerMemoryMb, {
      ...this.ctx,
      onTaskDied: (dead) => this.taskDied(dead),
    });
    const target = this.alb.addTarget(task, state);
    this.health.watch(target);
    return target;
  }

  /** Targets waiting for their replacement, by the replacement's target id. */
  private readonly replacing = new Map<number, Target>();
  private readonly pending = new Set<Target>();

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
    this.scheduler.after(this.p['ecs.taskStartS'] * 1000, this.startReplacement, target);
  }

  private instanceWithRoom(preferred: Instance): Instance | null {
    const fits = (i: Instance) => i.taskCount < this.taskSpec.maxTasksPerInstance;
    if (fits(preferred)) return preferred;
    return this.instances.find(fits) ?? null;
  }

  /** A target passed its health checks: if it replaces another, that one drains now. */
  healthy(target: Target): void {
    const old = this.replacing.get(target.id);
    if (!old) return;
    this.replacing.delete(target.id);
    this.drain(old);
  }

  /** No new requests; the task stops once its in-flight requests are done (ALB deregistration). */
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
    const target = this.alb.targets.find((t) => t.task === task);
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
