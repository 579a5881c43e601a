import type { BalancerNode, RoutingPolicy } from './routing-policy.js';
import type { Target } from './target.js';

/** round_robin: each node hands requests to the eligible targets in turn. */
export class RoundRobin implements RoutingPolicy {
  place(node: BalancerNode, targets: readonly Target[], eligible: (target: Target) => boolean): Target | null {
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
