import type { ModelParameters } from './parameters.js';
import type { ResolvedSizing } from './sizing.js';

/**
 * What stands in front of the tasks. On AWS, the Application Load Balancer
 * (alb.* parameters: nodes, surge, idle timeout, health checks that make ECS
 * replace a task). On the local stack, nginx as test/stack configures it: one
 * worker process (one node that sees every request), round robin or
 * least_conn (least outstanding requests counted by nginx itself: zero
 * feedback delay), routing every request on its own (keep-alive from the
 * clients does not pin: nginx opens a fresh upstream connection per request),
 * `max_fails=0` (no passive or active health checks, so nothing is ever taken
 * out or replaced), no connection surge limit, 504 after proxy_read_timeout.
 * The same LoadBalancer class routes both; nginx is described to it as a
 * one-node balancer with nginx's own latency and timeout.
 */
export interface BalancerSpec {
  kind: 'alb' | 'nginx';
  /** The parameters the LoadBalancer reads (alb.* replaced by nginx's for the local stack). */
  params: ModelParameters;
  /** Health checks run and ECS replaces unhealthy tasks (ALB only). */
  healthChecks: boolean;
}

export function balancerFor(sizing: ResolvedSizing, params: ModelParameters): BalancerSpec {
  if (sizing.stackKind === 'aws') return { kind: 'alb', params, healthChecks: true };
  return {
    kind: 'nginx',
    params: {
      ...params,
      'alb.nodes': 1,
      'alb.processingMs': params['nginx.processingMs'],
      'alb.idleTimeoutS': params['nginx.proxyReadTimeoutS'],
      'alb.perConnectionRouting': 0,
      'alb.surgeConnectFailureProb': 0,
    },
    healthChecks: false,
  };
}
