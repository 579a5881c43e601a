import type { Uniform } from '../../sim/rng.js';
import type { Scheduler } from '../../sim/scheduler.js';
import type { Exchange, ExchangeOrigin } from '../exchange.js';
import type { GunicornTask } from '../gunicorn.js';
import { CONNECTION_PINNING, firstOf, StickyCookies, type TargetAffinity } from './affinity.js';
import type { BalancerConfig } from './config.js';
import { HealthChecker } from './health-checks.js';
import { LeastOutstandingRequests } from './least-outstanding-requests.js';
import { RoundRobin } from './round-robin.js';
import type { BalancerNode, RoutingPolicy } from './routing-policy.js';
import type { Target, TargetHealthListener, TargetState, TargetTask } from './target.js';

/** Who a routed request belongs to: the balancer hands it the answer (a client's install). */
export interface BalancerClient {
  balancerAnswered(exchange: Exchange<BalancerClient>, status: number): void;
}

export interface LoadBalancerOptions {
  scheduler: Scheduler;
  config: BalancerConfig;
  /** The clients' own timeout, ms: the idle timeout only matters when it comes first. */
  clientTimeoutMs: number;
  /** Each node's starting point in its rotation. */
  routingRng: Uniform;
  /** New connections past the surge rate. */
  surgeRng: Uniform;
  /** Phases of the health checks (when the config has them). */
  healthRng: Uniform;
  /** The routing algorithm; default: the one the config names. */
  policy?: RoutingPolicy;
  /** Whether requests name their target; default: stickiness and/or keep-alive pinning as the config asks. */
  affinity?: TargetAffinity;
}

function affinityFor(config: BalancerConfig, clock: { readonly now: number }): TargetAffinity {
  const { stickinessDurationMs, perConnection } = config.routing;
  const named: TargetAffinity[] = [];
  if (stickinessDurationMs !== null) named.push(new StickyCookies(stickinessDurationMs, clock));
  if (perConnection) named.push(CONNECTION_PINNING);
  return firstOf(named);
}

/** A deregistration in progress (see LoadBalancer.drain). */
interface Draining {
  done: () => void;
  timer: number;
}

function policyFor(config: BalancerConfig, clock: { readonly now: number }): RoutingPolicy {
  switch (config.routing.algorithm) {
    case 'round_robin':
      return new RoundRobin();
    case 'least_outstanding_requests':
      return new LeastOutstandingRequests(config.routing.lorFeedbackMs, clock);
  }
}

/**
 * The balancer in front of the tasks (the ALB, or nginx on the local stack:
 * the config says which): nodes that each route on their own, a request
 * that names its target (affinity) goes there while it is eligible, any
 * other is placed by the routing policy; 503 with no target, 502 when the
 * target refuses or resets, 504 at the idle timeout; unhealthy targets get
 * no traffic unless all are unhealthy (fail open); a deregistered target
 * drains (drain); the target group's health checks, when configured
 * (docs/stack.md, "The Application Load Balancer"; docs/model.md, "Balancer").
 */
export class LoadBalancer<T extends TargetTask = GunicornTask> implements ExchangeOrigin<BalancerClient> {
  readonly targets: Target<T>[] = [];
  readonly config: BalancerConfig;
  private readonly scheduler: Scheduler;
  private readonly nodes: BalancerNode[] = [];
  private readonly policy: RoutingPolicy;
  private readonly affinity: TargetAffinity;
  private readonly health: HealthChecker | null;
  private readonly surgeRng: Uniform;
  private readonly halfLatency: number;
  private readonly idleTimeoutMs: number;
  private readonly clientTimeoutMs: number;
  private burstActive = false;
  /** Bursts begun so far; the one running (or last run) is burstCount - 1. */
  private burstCount = 0;
  private readonly draining = new Map<Target<T>, Draining>();
  /** Requests that named a target (stickiness cookie, pinned connection) it could not take, placed anew. */
  stickyReplacements = 0;

  constructor(options: LoadBalancerOptions) {
    const { scheduler, config } = options;
    this.scheduler = scheduler;
    this.config = config;
    this.policy = options.policy ?? policyFor(config, scheduler);
    this.affinity = options.affinity ?? affinityFor(config, scheduler);
    this.health = config.healthChecks ? new HealthChecker({ scheduler, config: config.healthChecks, nodes: config.nodes, phaseRng: options.healthRng }) : null;
    this.surgeRng = options.surgeRng;
    this.halfLatency = config.processingMs / 2;
    this.idleTimeoutMs = config.idleTimeoutMs;
    this.clientTimeoutMs = options.clientTimeoutMs;
    for (let i = 0; i < config.nodes; i++) {
      this.nodes.push({ index: i, next: Math.floor(options.routingRng() * 1e9), outstanding: [], windowStart: 0, windowConnections: 0 });
    }
  }

  get nodeCount(): number {
    return this.nodes.length;
  }

  /** Marks whether a burst iteration is running (for burst routing shares); bursts that overlap count as one. */
  setBurstActive(active: boolean): void {
    if (active && !this.burstActive) this.burstCount++;
    this.burstActive = active;
  }

  /** Bursts begun so far. */
  get bursts(): number {
    return this.burstCount;
  }

  /** Registers a task as a target; health checks (if any) start, and `listener` hears their verdicts. */
  register(task: T, state: TargetState, listener: TargetHealthListener<T>): Target<T> {
    const target: Target<T> = { id: this.targets.length, task, state, requests: 0, burstRequests: [] };
    this.targets.push(target);
    for (const node of this.nodes) node.outstanding.push(0);
    this.health?.watch(target, listener);
    return target;
  }

  /** The run is over: no more health checks, and deregistrations in progress end with it. */
  stop(): void {
    this.health?.stop();
    for (const d of this.draining.values()) this.scheduler.cancel(d.timer);
    this.draining.clear();
  }

  /**
   * Deregisters a target: it gets no new requests (sticky clients are placed
   * anew and get a new cookie) and no more health checks; `done` runs once
   * the requests it holds have been answered, at once when it holds none, or
   * after `delayMs` (the deregistration delay), whichever comes first; the
   * caller then stops the task, resetting what is left. A target already
   * draining keeps its first deregistration.
   */
  drain(target: Target<T>, delayMs: number, done: () => void): void {
    if (target.state === 'draining') return;
    target.state = 'draining';
    this.health?.forget(target);
    const entry: Draining = { done, timer: -1 };
    this.draining.set(target, entry);
    entry.timer = this.scheduler.after(delayMs, this.drained, target);
    if (this.outstandingAt(target) === 0) this.scheduler.after(0, this.drained, target);
  }

  /** Requests the balancer has routed to `target` and not yet had answered, over all nodes. */
  outstandingAt(target: Target<T>): number {
    let n = 0;
    for (const node of this.nodes) n += node.outstanding[target.id];
    return n;
  }

  private readonly drained = (target: Target<T>): void => {
    const entry = this.draining.get(target);
    if (!entry) return;
    this.draining.delete(target);
    this.scheduler.cancel(entry.timer);
    entry.done();
  };

  /**
   * A client opens a connection to a node; false = the attempt times out. Past
   * the surge rate (new connections in the current second), a node that has not
   * scaled yet drops a new connection with the surge failure probability.
   */
  openConnection(nodeIndex: number): boolean {
    const { connectFailureProbability, connectionsPerSecond } = this.config.surge;
    if (connectFailureProbability <= 0) return true;
    const node = this.nodes[nodeIndex];
    const now = this.scheduler.now;
    if (now - node.windowStart >= 1000) {
      node.windowStart = now;
      node.windowConnections = 0;
    }
    node.windowConnections++;
    return node.windowConnections <= connectionsPerSecond || this.surgeRng() >= connectFailureProbability;
  }

  /** A request reaches the node of its connection. */
  receive(ex: Exchange<BalancerClient>): void {
    const node = this.nodes[ex.connection ? ex.connection.node : 0];
    const target = this.choose(node, ex);
    if (!target) {
      this.answer(ex, 503);
      return;
    }
    ex.target = target.id;
    this.affinity.routed(ex, target);
    target.requests++;
    if (this.burstActive) {
      const burst = this.burstCount - 1;
      while (target.burstRequests.length <= burst) target.burstRequests.push(0);
      target.burstRequests[burst]++;
      ex.duringBurst = true;
    }
    node.outstanding[target.id]++;
    this.scheduler.after(this.halfLatency, this.forward, ex);
    if (this.idleTimeoutMs < this.clientTimeoutMs) this.scheduler.after(this.idleTimeoutMs, this.idleTimeout, ex);
  }

  private readonly forward = (ex: Exchange<BalancerClient>): void => {
    const target = this.targets[ex.target];
    if (!target.task.accept(ex)) this.targetAnswered(ex, 502);
  };

  /** The target answered (or reset the connection: 502). */
  targetAnswered(ex: Exchange<BalancerClient>, status: number): void {
    if (ex.targetDone) return;
    ex.targetDone = true;
    const node = this.nodes[ex.connection ? ex.connection.node : 0];
    node.outstanding[ex.target]--;
    const target = this.targets[ex.target];
    if (target.state === 'draining' && this.draining.has(target) && this.outstandingAt(target) === 0) this.scheduler.after(0, this.drained, target);
    if (ex.albClosed) return;
    // A response the target gave carries what the affinity adds (the cookie); a reset (502) is the balancer's own answer.
    if (status !== 502) this.affinity.answered(ex, this.scheduler.now);
    this.answer(ex, status);
  }

  private readonly idleTimeout = (ex: Exchange<BalancerClient>): void => {
    if (ex.targetDone || ex.albClosed) return;
    this.answer(ex, 504);
  };

  private answer(ex: Exchange<BalancerClient>, status: number): void {
    ex.albClosed = true;
    ex.owner.balancerAnswered(ex, status);
  }

  private choose(node: BalancerNode, ex: Exchange<BalancerClient>): Target<T> | null {
    const targets = this.targets;
    let anyHealthy = false;
    for (const t of targets) if (t.state === 'healthy') anyHealthy = true;
    // Fail open: with no healthy target, route to every registered (not draining, not new) one.
    const eligible = (t: Target<T>) => (anyHealthy ? t.state === 'healthy' : t.state === 'unhealthy');
    const asked = this.affinity.requested(ex);
    if (asked >= 0) {
      const named = targets[asked];
      if (eligible(named)) return named;
      this.stickyReplacements++;
    }
    if (targets.length === 0) return null;
    return this.policy.place(node, targets, eligible);
  }
}
