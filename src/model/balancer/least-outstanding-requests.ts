import type { BalancerNode, RoutingPolicy } from './routing-policy.js';
import type { Target, TargetTask } from './target.js';

/**
 * least_outstanding_requests: each node sends a request to the eligible
 * target with the fewest requests it has outstanding there, as it knew them
 * `feedbackMs` ago (0 = its current counts). Ties go to the first in the
 * node's rotating order, so equal counts degrade to round robin.
 */
export class LeastOutstandingRequests implements RoutingPolicy {
  /** Per node: the counts it routes on, and when it refreshes them. */
  private readonly views: number[][] = [];
  private readonly refreshAt: number[] = [];

  constructor(
    private readonly feedbackMs: number,
    private readonly clock: { readonly now: number },
  ) {}

  place<T extends TargetTask>(node: BalancerNode, targets: readonly Target<T>[], eligible: (target: Target<T>) => boolean): Target<T> | null {
    const n = targets.length;
    const counts = this.counts(node);
    let best: Target<T> | null = null;
    let bestCount = Infinity;
    let bestK = 0;
    for (let k = 0; k < n; k++) {
      const t = targets[(node.next + k) % n];
      if (!eligible(t)) continue;
      if (counts[t.id] < bestCount) {
        best = t;
        bestCount = counts[t.id];
        bestK = k;
      }
    }
    if (best) node.next = (node.next + bestK + 1) % n;
    return best;
  }

  private counts(node: BalancerNode): readonly number[] {
    if (this.feedbackMs <= 0) return node.outstanding;
    const view = (this.views[node.index] ??= []);
    const now = this.clock.now;
    if (now >= (this.refreshAt[node.index] ?? 0)) {
      for (let i = 0; i < node.outstanding.length; i++) view[i] = node.outstanding[i];
      this.refreshAt[node.index] = now + this.feedbackMs;
    }
    // A target registered since the last refresh counts 0 until the next one.
    while (view.length < node.outstanding.length) view.push(0);
    return view;
  }
}
