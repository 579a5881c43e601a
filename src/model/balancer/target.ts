import type { Exchange } from '../exchange.js';
import type { GunicornTask } from '../gunicorn.js';

/** Target health as the target group sees it. */
export const TARGET_STATES = ['initial', 'healthy', 'unhealthy', 'draining'] as const;
export type TargetState = (typeof TARGET_STATES)[number];

/** What the balancer and its health checks need of a task: it takes a request, or refuses it (false). */
export interface TargetTask {
  accept(exchange: Exchange): boolean;
}

/** A registered task (a gunicorn task in the stack; anything that accepts requests in a test). */
export interface Target<T extends TargetTask = GunicornTask> {
  id: number;
  task: T;
  state: TargetState;
  /** Requests routed to it in all. */
  requests: number;
  /** Requests routed to it while a burst ran, per burst of the run (0, 1, ...: see LoadBalancer.setBurstActive). */
  burstRequests: number[];
}

/** Who hears about a target's health checks (the ECS service, which replaces unhealthy tasks). */
export interface TargetHealthListener<T extends TargetTask = GunicornTask> {
  targetUnhealthy(target: Target<T>): void;
  targetHealthy(target: Target<T>): void;
}
