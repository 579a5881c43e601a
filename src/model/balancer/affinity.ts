import type { Exchange } from '../exchange.js';
import type { Target, TargetTask } from './target.js';

/**
 * Whether a request names the target it should go to (keep-alive pinning;
 * target-group stickiness would be another), and what a routed request
 * leaves behind for the next one. The balancer sends a request to the target
 * it names while that target is eligible; otherwise the routing policy
 * places it.
 */
export interface TargetAffinity {
  /** The target id the request asks for, or -1. */
  requested(exchange: Exchange): number;
  /** The request went to `target`. */
  routed(exchange: Exchange, target: Target<TargetTask>): void;
}

/** Every request is routed on its own. */
export const NO_AFFINITY: TargetAffinity = {
  requested: () => -1,
  routed: () => undefined,
};

/** Every request of a client connection goes to the target its first request went to. */
export const CONNECTION_PINNING: TargetAffinity = {
  requested: (exchange) => (exchange.connection ? exchange.connection.pinnedTarget : -1),
  routed: (exchange, target) => {
    if (exchange.connection) exchange.connection.pinnedTarget = target.id;
  },
};
