import type { Uniform } from '../sim/rng.js';
import type { Scheduler } from '../sim/scheduler.js';
import type { LoadBalancer } from './balancer/load-balancer.js';
import type { Target, TargetHealthListener } from './balancer/target.js';
import { GunicornTask, type GunicornTaskOptions } from './gunicorn.js';
import { type HealthCheckConfig, HealthProbe } from './health-probe.js';
import type { Instance } from './instance.js';

/** What every task of the service is: all of a task's options but its id, instance and death notice. */
export type TaskTemplate = Omit<GunicornTaskOptions, 'id' | 'instance' | 'onDied' | 'scheduler'>;

/**
 * Where a replacement may go, and who hears about it. A fixed service (no
 * autoscaling) counts the tasks running on an instance and tells nobody; an
 * autoscaled one keeps the cluster's slots (a task still starting holds one)
 * and follows which container stands for which of its tasks.
 */
export interface ReplacementSlots {
  /** Whether `instance` has room for one more task. */
  fits(instance: Instance): boolean;
  /** A replacement will start on `instance`: it holds a slot there from now. */
  placed(instance: Instance): void;
  /** Whether the task `replaces` stood for still needs its replacement when it is due (a scale-in may have taken it). */
  wanted(replaces: Target): boolean;
  /** `fresh` has started and stands for `replaces` from now. */
  started(replaces: Target, fresh: Target): void;
  /** A slot on `instance` is free again: a task ECS stopped itself (replaced, or dead), or a replacement not started. */
  released(instance: Instance): void;
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
  /** The container health check ECS runs in every task (unhealthy after `unhealthyThreshold` failures); null: none. */
  containerHealth: HealthCheckConfig | null;
  /** Where in its interval each task's first container check falls. */
  healthRng: Uniform;
  /** Default: room = fewer running tasks than maxTasksPerInstance, nobody told. */
  slots?: ReplacementSlots;
}

/** A replacement due to start: on `instance`, standing for `replaces`; `old` is deregistered once it is healthy. */
interface DueReplacement {
  old: Target | null;
  replaces: Target;
  instance: Instance;
}

/**
 * The ECS service: starts the tasks of a placement, and replaces a task that
 * failed its health checks (the target group's, or its own container check)
 * or died (OOM-killed). Like ECS since its 2023 change it starts the
 * replacement first where the reservations leave room (same instance first,
 * after the start delay) and deregisters the old task only once the
 * replacement passes the target group's checks; with no room anywhere it
 * deregisters the old task first and starts the replacement once it has
 * stopped. A deregistered task drains (the balancer's drain: in-flight
 * requests finish, for at most the deregistration delay) and is then
 * stopped. docs/model.md, "ECS service".
 */
export class EcsService implements TargetHealthListener {
  private readonly scheduler: Scheduler;
  private readonly balancer: LoadBalancer;
  private readonly instances: readonly Instance[];
  private readonly template: TaskTemplate;
  private readonly maxTasksPerInstance: number;
  private readonly taskStartMs: number;
  private readonly containerHealth: HealthCheckConfig | null;
  private readonly healthRng: Uniform;
  private nextTaskId = 0;
  private nextCheckId = 2_000_000_000;
  /** Tasks ECS decided to replace (health checks failed, or the task died). */
  replacements = 0;
  private stopped = false;
  /** Targets waiting for their replacement to turn healthy, by the replacement's target id. */
  private readonly replacing = new Map<number, Target>();
  /** Targets whose replacement is decided (each is replaced once). */
  private readonly replaced = new Set<Target>();
  private readonly targetOf = new Map<GunicornTask, Target>();
  private readonly containerChecks = new Map<GunicornTask, HealthProbe>();
  private readonly slots: ReplacementSlots;

  constructor(options: EcsServiceOptions) {
    this.scheduler = options.scheduler;
    this.balancer = options.balancer;
    this.instances = options.instances;
    this.template = options.task;
    this.maxTasksPerInstance = options.maxTasksPerInstance;
    this.taskStartMs = options.taskStartMs;
    this.containerHealth = options.containerHealth;
    this.healthRng = options.healthRng;
    this.slots = options.slots ?? {
      fits: (i) => i.taskCount < this.maxTasksPerInstance,
      placed: () => undefined,
      wanted: () => true,
      started: () => undefined,
      released: () => undefined,
    };
  }

  /** The run is over: no more replacements or container checks. */
  stop(): void {
    this.stopped = true;
    for (const probe of this.containerChecks.values()) probe.stop();
  }

  /** Starts a task on `instance` and registers it ('healthy' for tasks running before the test). */
  startTask(instance: Instance, state: 'healthy' | 'initial'): Target {
    const task = new GunicornTask({ ...this.template, id: this.nextTaskId++, scheduler: this.scheduler, instance, onDied: (dead) => this.taskDied(dead) });
    const target = this.balancer.register(task, state, this);
    this.targetOf.set(task, target);
    if (this.containerHealth) {
      const config = this.containerHealth;
      // Docker counts failures from the first check (no start period, no ECS grace period).
      const probe = new HealthProbe({
        scheduler: this.scheduler,
        config,
        task,
        up: true,
        firstCheckInMs: this.healthRng() * config.intervalMs,
        nextId: () => this.nextCheckId++,
        verdict: (_, up) => {
          if (!up) this.replace(target);
        },
      });
      this.containerChecks.set(task, probe);
    }
    return target;
  }

  /** The target group's checks failed: replace the task. */
  targetUnhealthy(target: Target): void {
    this.replace(target);
  }

  /**
   * Health checks failed: start a replacement where the reservations leave
   * room and deregister the old task once the replacement is healthy; with no
   * room anywhere, deregister the old task first and start the replacement
   * once it has stopped.
   */
  replace(target: Target): void {
    if (this.stopped || this.replaced.has(target) || target.state === 'draining') return;
    this.replaced.add(target);
    this.replacements++;
    const room = this.instanceWithRoom(target.task.instance);
    if (room) this.replaceOn(room, target, target);
    // No room: the replacement starts in the slot the old task leaves (handed over, never released to another task).
    else this.retire(target, () => this.startIn(target.task.instance, null, target));
  }

  private instanceWithRoom(preferred: Instance): Instance | null {
    const fits = (i: Instance) => this.slots.fits(i);
    if (fits(preferred)) return preferred;
    return this.instances.find(fits) ?? null;
  }

  /** A replacement for `replaces` starts on `instance` after the start delay (it holds the slot meanwhile). */
  private replaceOn(instance: Instance, old: Target | null, replaces: Target): void {
    this.slots.placed(instance);
    this.startIn(instance, old, replaces);
  }

  /** A replacement for `replaces` starts on `instance`, in a slot it already holds, after the start delay. */
  private startIn(instance: Instance, old: Target | null, replaces: Target): void {
    this.scheduler.after(this.taskStartMs, this.startReplacement, { old, replaces, instance });
  }

  /** A target passed the target group's checks: if it replaces another, that one is deregistered now. */
  targetHealthy(target: Target): void {
    const old = this.replacing.get(target.id);
    if (!old) return;
    this.replacing.delete(target.id);
    this.retire(old);
  }

  /**
   * Deregisters a task and stops it once it has drained: its slot is freed, or
   * handed to `handOver` (its replacement) when given.
   */
  private retire(target: Target, handOver?: () => void): void {
    this.balancer.drain(target, this.balancer.config.deregistrationDelayMs, () => {
      target.task.kill();
      if (handOver) handOver();
      else this.slots.released(target.task.instance);
    });
  }

  /** The task died (OOM-killed): its target is deregistered at once, and ECS replaces it unless it was already doing so. */
  private taskDied(task: GunicornTask): void {
    this.containerChecks.get(task)?.stop();
    const target = this.targetOf.get(task);
    if (!target) return;
    if (target.state === 'draining') return; // it was being deregistered: whoever did that goes on
    // Nothing is left in flight (the kill reset it all): the deregistration completes at once.
    this.balancer.drain(target, this.balancer.config.deregistrationDelayMs, () => undefined);
    if (this.replaced.has(target) || this.stopped) {
      this.slots.released(task.instance);
      return;
    }
    this.replaced.add(target);
    this.replacements++;
    // Its replacement starts in the slot it leaves.
    this.startIn(task.instance, null, target);
  }

  private readonly startReplacement = ({ old, replaces, instance }: DueReplacement): void => {
    if (this.stopped || !this.slots.wanted(replaces)) {
      this.slots.released(instance);
      return;
    }
    const fresh = this.startTask(instance, 'initial');
    this.slots.started(replaces, fresh);
    if (old && old.state !== 'draining') this.replacing.set(fresh.id, old);
  };
}
