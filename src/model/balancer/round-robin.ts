import type { BalancerNode, RoutingPolicy } from './routing-policy.js';
import type { Target, TargetTask } from './target.js';

/** round_robin: each node hands requests to the eligible targets in turn. */
export class RoundRobin implements RoutingPolicy {
  place<T extends TargetTask>(node: BalancerNode, targets: readonly Target<T>[], eligible: (target: Target<T>) => boolean): Target<T> | null {
    const n = targets.length;
    for (let k = 0; k < n; k++) {
      const t = targets[(node.next + k) % n];
      if (eligible(t)) {
        node.next = (node.next + k + 1) % n;
        return t;
      }
    }
    return null;
  }
}
