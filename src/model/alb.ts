import type { Uniform } from '../sim/rng.js';
import type { Scheduler } from '../sim/scheduler.js';
import type { ClientConnection, Exchange, ExchangeOrigin } from './exchange.js';
import type { GunicornTask } from './gunicorn.js';
import type { ModelParameters } from './parameters.js';

export type Algorithm = 'round_robin' | 'least_outstanding_requests';
export const ALGORITHMS: readonly Algorithm[] = ['round_robin', 'least_outstanding_requests'];

/** ALB target health as the target group sees it. */
export type TargetState = 'initial' | 'healthy' | 'unhealthy' | 'draining';

export interface Target {
  id: number;
  task: GunicornTask;
  state: TargetState;
  /** Requests routed to it, in all and while a burst iteration ran. */
  requests: number;
  burstRequests: number;
}

/** Where the ALB hands responses back (the clients). */
export interface AlbClientSide {
  albResponse(exchange: Exchange, status: number): void;
}

interface AlbNode {
  index: number;
  /** Round-robin position. */
  next: number;
  /** This node's own outstanding requests per target. */
  outstanding: number[];
  /** Counts least-outstanding-requests routes on (stale by the feedback delay). */
  view: number[];
  viewRefreshAt: number;
  /** New connections accepted in the current 1-s window (surge limit). */
  windowStart: number;
  windowConnections: number;
}

/**
 * The Application Load Balancer: one node per Availability Zone, each routing
 * on its own (round robin, or least outstanding requests on counts that are
 * `lorFeedbackMs` old), per request or pinned per client connection; 503 with
 * no target, 502 when the target refuses or resets, 504 at the idle timeout;
 * unhealthy targets get no traffic unless all are unhealthy (fail open).
 */
export class LoadBalancer implements ExchangeOrigin {
  readonly targets: Target[] = [];
  private readonly nodes: AlbNode[] = [];
  private readonly perConnection: boolean;
  private readonly halfLatency: number;
  private readonly idleTimeoutMs: number;
  private burstActive = false;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly p: ModelParameters,
    readonly algorithm: Algorithm,
    readonly lorFeedbackMs: number,
    private readonly clients: AlbClientSide,
    routingRng: Uniform,
    private readonly clientTimeoutMs: number,
    private readonly surgeRng: Uniform,
  ) {
    this.perConnection = p['alb.perConnectionRouting'] === 1;
    this.halfLatency = p['alb.processingMs'] / 2;
    this.idleTimeoutMs = p['alb.idleTimeoutS'] * 1000;
    for (let i = 0; i < p['alb.nodes']; i++) {
      this.nodes.push({ index: i, next: Math.floor(routingRng() * 1e9), outstanding: [], view: [], viewRefreshAt: 0, windowStart: 0, windowConnections: 0 });
    }
  }

  get nodeCount(): number {
    return this.nodes.length;
  }

  /** Marks whether a burst iteration is running (for burst routing shares). */
  setBurstActive(active: boolean): void {
    this.burstActive = active;
  }

  addTarget(task: GunicornTask, state: TargetState): Target {
    const target: Target = { id: this.targets.length, task, state, requests: 0, burstRequests: 0 };
    this.targets.push(target);
    for (const node of this.nodes) {
      node.outstanding.push(0);
      node.view.push(0);
    }
    return target;
  }

  /**
   * A client opens a connection to a node; false = the attempt times out. Past
   * the surge rate (new connections in the current second), a node that has not
   * scaled yet drops a new connection with the surge failure probability.
   */
  openConnection(nodeIndex: number): boolean {
    const probability = this.p['alb.surgeConnectFailureProb'];
    if (probability <= 0) return true;
    const node = this.nodes[nodeIndex];
    const now = this.scheduler.now;
    if (now - node.windowStart >= 1000) {
      node.windowStart = now;
      node.windowConnections = 0;
    }
    node.windowConnections++;
    return node.windowConnections <= this.p['alb.surgeConnectionsPerSecond'] || this.surgeRng() >= probability;
  }

  /** A request reaches the ALB node of its connection. */
  receive(ex: Exchange): void {
    const node = this.nodes[ex.connection ? ex.connection.node : 0];
    const target = this.choose(node, ex.connection);
    if (!target) {
      this.answer(ex, 503);
      return;
    }
    ex.target = target.id;
    if (ex.connection) ex.connection.pinnedTarget = target.id;
    target.requests++;
    if (this.burstActive) {
      target.burstRequests++;
      ex.duringBurst = true;
    }
    node.outstanding[target.id]++;
    this.scheduler.after(this.halfLatency, this.forward, ex);
    if (this.idleTimeoutMs < this.clientTimeoutMs) this.scheduler.after(this.idleTimeoutMs, this.idleTimeout, ex);
  }

  private readonly forward = (ex: Exchange): void => {
    const target = this.targets[ex.target];
    if (!target.task.accept(ex)) this.targetAnswered(ex, 502);
  };

  /** The target answered (or reset the connection: 502). */
  targetAnswered(ex: Exchange, status: number): void {
    if (ex.targetDone) return;
    ex.targetDone = true;
    const node = this.nodes[ex.connection ? ex.connection.node : 0];
    node.outstanding[ex.target]--;
    if (!ex.albClosed) this.answer(ex, status);
  }

  private readonly idleTimeout = (ex: Exchange): void => {
    if (ex.targetDone || ex.albClosed) return;
    this.answer(ex, 504);
  };

  private answer(ex: Exchange, status: number): void {
    ex.albClosed = true;
    this.clients.albResponse(ex, status);
  }

  private choose(node: AlbNode, connection: ClientConnection | null): Target | null {
    const targets = this.targets;
    let anyHealthy = false;
    for (const t of targets) if (t.state === 'healthy') anyHealthy = true;
    // Fail open: with no healthy target, route to every registered (not draining, not new) one.
    const eligible = (t: Target) => (anyHealthy ? t.state === 'healthy' : t.state === 'unhealthy');
    if (this.perConnection && connection && connection.pinnedTarget >= 0) {
      const pinned = targets[connection.pinnedTarget];
      if (eligible(pinned)) return pinned;
    }
    const n = targets.length;
    if (n === 0) return null;
    if (this.algorithm === 'round_robin') {
      for (let k = 0; k < n; k++) {
        const t = targets[(node.next + k) % n];
        if (eligible(t)) {
          node.next = (node.next + k + 1) % n;
          return t;
        }
      }
      return null;
    }
    const counts = this.lorCounts(node);
    let best: Target | null = null;
    let bestCount = Infinity;
    let bestK = 0;
    // Ties go to the first in the node's rotating order, so equal counts degrade to round robin.
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

  private lorCounts(node: AlbNode): number[] {
    if (this.lorFeedbackMs <= 0) return node.outstanding;
    const now = this.scheduler.now;
    if (now >= node.viewRefreshAt) {
      for (let i = 0; i < node.outstanding.length; i++) node.view[i] = node.outstanding[i];
      node.viewRefreshAt = now + this.lorFeedbackMs;
    }
    return node.view;
  }
}
