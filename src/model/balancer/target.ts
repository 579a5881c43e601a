import type { GunicornTask } from '../gunicorn.js';

/** Target health as the target group sees it. */
export const TARGET_STATES = ['initial', 'healthy', 'unhealthy', 'draining'] as const;
export type TargetState = (typeof TARGET_STATES)[number];

/** A registered task. */
export interface Target {
  id: number;
  task: GunicornTask;
  state: TargetState;
  /** Requests routed to it, in all and while a burst iteration ran. */
  requests: number;
  burstRequests: number;
}

/** Who hears about a target's health checks (the ECS service, which replaces unhealthy tasks). */
export interface TargetHealthListener {
  targetUnhealthy(target: Target): void;
  targetHealthy(target: Target): void;
}
