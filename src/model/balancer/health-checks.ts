import type { Uniform } from '../../sim/rng.js';
import type { Scheduler } from '../../sim/scheduler.js';
import { type HealthCheckConfig, HealthProbe } from '../health-probe.js';
import type { Target, TargetHealthListener, TargetTask } from './target.js';

export type { HealthCheckConfig };

interface Watched {
  target: Target<TargetTask>;
  listener: TargetHealthListener<TargetTask>;
  probes: HealthProbe[];
}

export interface HealthCheckerOptions {
  scheduler: Scheduler;
  config: HealthCheckConfig;
  /** ALB nodes: each checks every target on its own schedule. */
  nodes: number;
  /** Where in its interval each node's first check of a target falls. */
  phaseRng: Uniform;
}

/**
 * The target group's health checks: every ALB node checks every target on
 * its own (one HealthProbe per node, each from its own random phase), so a
 * target gets `nodes` checks per interval, each queued behind the task's real
 * traffic. The target's state is the worst of the nodes' views: it turns
 * unhealthy when any node has seen `unhealthyThreshold` consecutive failures,
 * and (new or unhealthy) healthy when every node has seen `healthyThreshold`
 * consecutive successes. Its listener (the ECS service) hears both. A
 * draining target is checked no more. The deployed settings: docs/stack.md,
 * "Health checks and task replacement".
 */
export class HealthChecker {
  private readonly scheduler: Scheduler;
  private readonly config: HealthCheckConfig;
  private readonly nodes: number;
  private readonly phaseRng: Uniform;
  private readonly watched = new Map<Target<TargetTask>, Watched>();
  private nextId = 1_000_000_000;

  constructor(options: HealthCheckerOptions) {
    this.scheduler = options.scheduler;
    this.config = options.config;
    this.nodes = options.nodes;
    this.phaseRng = options.phaseRng;
  }

  /** Stops every check (the run is over). */
  stop(): void {
    for (const w of this.watched.values()) for (const probe of w.probes) probe.stop();
  }

  watch<T extends TargetTask>(target: Target<T>, listener: TargetHealthListener<T>): void {
    const w: Watched = { target, listener: listener as TargetHealthListener<TargetTask>, probes: [] };
    const up = target.state === 'healthy';
    for (let node = 0; node < this.nodes; node++) {
      w.probes.push(
        new HealthProbe({
          scheduler: this.scheduler,
          config: this.config,
          task: target.task,
          up,
          firstCheckInMs: this.phaseRng() * this.config.intervalMs,
          nextId: () => this.nextId++,
          verdict: () => this.verdict(w),
        }),
      );
    }
    this.watched.set(target, w);
  }

  /** The target is deregistered: its checks stop. */
  forget(target: Target<TargetTask>): void {
    const w = this.watched.get(target);
    if (!w) return;
    for (const probe of w.probes) probe.stop();
    this.watched.delete(target);
  }

  private verdict(w: Watched): void {
    const t = w.target;
    if (t.state === 'draining') return;
    if (t.state === 'healthy' && w.probes.some((p) => !p.up)) {
      t.state = 'unhealthy';
      w.listener.targetUnhealthy(t);
    } else if (t.state !== 'healthy' && w.probes.every((p) => p.up)) {
      t.state = 'healthy';
      w.listener.targetHealthy(t);
    }
  }
}
