import { ModelUnits, type ModelParameters } from '../parameters.js';
import type { ResolvedSizing } from '../sizing.js';

export const ALGORITHMS = ['round_robin', 'least_outstanding_requests'] as const;
export type Algorithm = (typeof ALGORITHMS)[number];

export const BALANCER_KINDS = ['alb', 'nginx'] as const;
export type BalancerKind = (typeof BALANCER_KINDS)[number];

/** Target health checks: the target group's settings, times in ms. */
export interface HealthCheckConfig {
  intervalMs: number;
  timeoutMs: number;
  /** Consecutive successes that make a new (or unhealthy) target healthy. */
  healthyThreshold: number;
  /** Consecutive failures that make a healthy target unhealthy. */
  unhealthyThreshold: number;
}

/** How the balancer picks a target. */
export interface RoutingConfig {
  algorithm: Algorithm;
  /** least outstanding requests: age of the counts a node routes on, ms (0 = perfect knowledge). */
  lorFeedbackMs: number;
  /** Keep-alive pinning: every request of a client connection goes to the target of its first. */
  perConnection: boolean;
}

/**
 * What stands in front of the tasks, resolved once per prediction from the
 * sizing and the parameters (docs/model.md, "Balancer"):
 * - on AWS, the Application Load Balancer: one node per Availability Zone,
 *   its latency and idle timeout, new-connection surge at a burst start,
 *   health checks that make ECS replace a task (alb.* parameters);
 * - on the local stack, nginx as test/stack configures it: one worker
 *   process (one node that sees every request), round robin or least_conn
 *   (least outstanding requests counted by nginx itself: zero feedback
 *   delay), every request routed on its own (nginx opens a fresh upstream
 *   connection per request), `max_fails=0` (no health checks: nothing is
 *   taken out or replaced), no surge limit, 504 after proxy_read_timeout,
 *   nginx's own latency (nginx.* parameters).
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
}

export function balancerConfig(sizing: ResolvedSizing, params: ModelParameters): BalancerConfig {
  const u = new ModelUnits(params);
  const lorFeedbackMs = sizing.lorFeedbackMs ?? u.ms('alb.lorFeedbackMs');
  const surgeRate = u.value('alb.surgeConnectionsPerSecond');
  if (sizing.stackKind === 'local') {
    return {
      kind: 'nginx',
      nodes: 1,
      processingMs: u.ms('nginx.processingMs'),
      idleTimeoutMs: u.ms('nginx.proxyReadTimeoutS'),
      routing: { algorithm: sizing.algorithm, lorFeedbackMs, perConnection: false },
      surge: { connectionsPerSecond: surgeRate, connectFailureProbability: 0 },
      healthChecks: null,
    };
  }
  return {
    kind: 'alb',
    nodes: u.value('alb.nodes'),
    processingMs: u.ms('alb.processingMs'),
    idleTimeoutMs: u.ms('alb.idleTimeoutS'),
    routing: { algorithm: sizing.algorithm, lorFeedbackMs, perConnection: u.value('alb.perConnectionRouting') === 1 },
    surge: { connectionsPerSecond: surgeRate, connectFailureProbability: u.value('alb.surgeConnectFailureProb') },
    healthChecks: {
      intervalMs: u.ms('alb.healthIntervalS'),
      timeoutMs: u.ms('alb.healthTimeoutS'),
      healthyThreshold: u.value('alb.healthyThreshold'),
      unhealthyThreshold: u.value('alb.unhealthyThreshold'),
    },
  };
}
