import type { Target, TargetTask } from './target.js';

/** One balancer node's own view: where its rotation stands and what it has outstanding per target. */
export interface BalancerNode {
  index: number;
  /** Rotating start position (round robin, and the tie order of least outstanding requests). */
  next: number;
  /** This node's own outstanding requests per target id. */
  readonly outstanding: number[];
  /** New connections accepted in the current 1-s window (surge limit). */
  windowStart: number;
  windowConnections: number;
}

/**
 * A routing algorithm: how a node places a request that asks for no
 * particular target (one without a stickiness cookie, or the first on a
 * pinned connection). One file per algorithm.
 */
export interface RoutingPolicy {
  /** The chosen target, or null when none is eligible. */
  place<T extends TargetTask>(node: BalancerNode, targets: readonly Target<T>[], eligible: (target: Target<T>) => boolean): Target<T> | null;
}
