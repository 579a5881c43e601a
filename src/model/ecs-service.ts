import type { Scheduler } from '../sim/scheduler.js';
import type { LoadBalancer, Target } from './alb.js';
import { GunicornTask, type GunicornContext, type WorkerClass } from './gunicorn.js';
import type { HealthChecker } from './health-checks.js';
import type { Instance } from './instance.js';
import type { ModelParameters } from './parameters.js';

/**
 * The ECS service: starts the tasks of a placement, and replaces a task whose
 * target turned unhealthy (or that was OOM-killed): the old target drains (no
 * new requests, in-flight ones finish), a new task starts on the same
 * instance after the start delay and takes traffic once its health checks pass.
 */
export class EcsService {
  private nextTaskId = 0;
  replacements = 0;
  private stopped = false;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly p: ModelParameters,
    private readonly alb: LoadBalancer,
    private readonly health: HealthChecker,
    private readonly taskSpec: { workers: number; workerClass: WorkerClass; containerMemoryMb: number },
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

  /** Health checks failed: drain the target and start a replacement. */
  replace(target: Target): void {
    if (target.state === 'draining' || this.stopped) return;
    target.state = 'draining';
    this.replacements++;
    this.scheduler.after(this.p['ecs.taskStartS'] * 1000, this.startReplacement, target.task.instance);
  }

  private taskDied(task: GunicornTask): void {
    const target = this.alb.targets.find((t) => t.task === task);
    if (target) this.replace(target);
  }

  private readonly startReplacement = (instance: Instance): void => {
    if (this.stopped) return;
    this.startTask(instance, 'initial');
  };
}
