import type { HealthCheckConfig } from '../health-probe.js';
import { ModelUnits, type ModelParameters } from '../parameters.js';
import type { ResolvedSizing } from '../sizing.js';

export type { HealthCheckConfig };

export const ALGORITHMS = ['round_robin', 'least_outstanding_requests'] as const;
export type Algorithm = (typeof ALGORITHMS)[number];

export const BALANCER_KINDS = ['alb', 'nginx'] as const;
export type BalancerKind = (typeof BALANCER_KINDS)[number];

/** How the balancer picks a target. */
export interface RoutingConfig {
  algorithm: Algorithm;
  /** least outstanding requests: age of the counts a node routes on, ms (0 = perfect knowledge). */
  lorFeedbackMs: number;
  /** Keep-alive pinning: every request of a client connection goes to the target of its first. */
  perConnection: boolean;
  /** Target-group stickiness (lb_cookie): how long an issued cookie names its target, ms; null = off. */
  stickinessDurationMs: number | null;
}

/**
 * What stands in front of the tasks, resolved once per prediction from the
 * sizing and the parameters (docs/model.md, "Balancer"):
 * - on AWS, the Application Load Balancer: one node per Availability Zone,
 *   its latency and idle timeout, new-connection surge at a burst start,
 *   stickiness (lb_cookie, on as the module deploys it unless the sizing
 *   says otherwise), health checks from every node that make ECS replace a
 *   task, the deregistration delay (alb.* parameters);
 * - on the local stack, nginx as test/stack configures it: one worker
 *   process (one node that sees every request), round robin or least_conn
 *   (least outstanding requests counted by nginx itself: zero feedback
 *   delay), every request routed on its own (nginx opens a fresh upstream
 *   connection per request) unless the stack runs its sticky mode (a cookie
 *   naming the upstream, like lb_cookie, with the same duration),
 *   `max_fails=0` (no health checks: nothing is taken out or replaced), no
 *   surge limit, 504 after proxy_read_timeout, nginx's own latency (nginx.*
 *   parameters).
 */
export interface BalancerConfig {
  kind: BalancerKind;
  nodes: number;
  /** Latency added per request, both ways together, ms. */
  processingMs: number;
  /** The balancer answers 504 when the target has not answered within this, ms. */
  idleTimeoutMs: number;
  routing: RoutingConfig;
  /** New connections per second a node takes in its stride, and the chance one beyond that times out. */
  surge: { connectionsPerSecond: number; connectFailureProbability: number };
  /** null: no health checks (nginx). */
  healthChecks: HealthCheckConfig | null;
  /** A deregistered target's in-flight requests may finish for this long, ms. */
  deregistrationDelayMs: number;
}

export function balancerConfig(sizing: ResolvedSizing, params: ModelParameters): BalancerConfig {
  const u = new ModelUnits(params);
  const lorFeedbackMs = sizing.lorFeedbackMs ?? u.ms('alb.lorFeedbackMs');
  const surgeRate = u.value('alb.surgeConnectionsPerSecond');
  const local = sizing.stackKind === 'local';
  // The sizing's own statement wins; otherwise the ALB as deployed (alb.stickiness), nginx's plain upstream group.
  const sticky = sizing.stickiness ?? (local ? false : u.value('alb.stickiness') === 1);
  const stickinessDurationMs = sticky ? u.ms('alb.stickinessDurationS') : null;
  if (local) {
    return {
      kind: 'nginx',
      nodes: 1,
      processingMs: u.ms('nginx.processingMs'),
      idleTimeoutMs: u.ms('nginx.proxyReadTimeoutS'),
      routing: { algorithm: sizing.algorithm, lorFeedbackMs, perConnection: false, stickinessDurationMs },
      surge: { connectionsPerSecond: surgeRate, connectFailureProbability: 0 },
      healthChecks: null,
      deregistrationDelayMs: 0,
    };
  }
  return {
    kind: 'alb',
    nodes: u.value('alb.nodes'),
    processingMs: u.ms('alb.processingMs'),
    idleTimeoutMs: u.ms('alb.idleTimeoutS'),
    routing: { algorithm: sizing.algorithm, lorFeedbackMs, perConnection: u.value('alb.perConnectionRouting') === 1, stickinessDurationMs },
    surge: { connectionsPerSecond: surgeRate, connectFailureProbability: u.value('alb.surgeConnectFailureProb') },
    healthChecks: {
      intervalMs: u.ms('alb.healthIntervalS'),
      timeoutMs: u.ms('alb.healthTimeoutS'),
      healthyThreshold: u.value('alb.healthyThreshold'),
      unhealthyThreshold: u.value('alb.unhealthyThreshold'),
    },
    deregistrationDelayMs: u.ms('alb.deregistrationDelayS'),
  };
}
