import { describe, expect, it } from 'vitest';
import { balancerConfig, type BalancerConfig } from '../../src/model/balancer/config.js';
import { type BalancerClient, LoadBalancer } from '../../src/model/balancer/load-balancer.js';
import type { TargetHealthListener, TargetState, TargetTask } from '../../src/model/balancer/target.js';
import { type Exchange, newExchange } from '../../src/model/exchange.js';
import { resolveSizing } from '../../src/model/sizing.js';
import { Scheduler } from '../../src/sim/scheduler.js';
import { params } from './helpers.js';
import { albConfig, ClientLog, connection } from './parts.js';

/** A target that answers every request after `serviceMs` (refuse: null). */
function target(s: Scheduler, serviceMs: number | null): TargetTask {
  return {
    accept(ex: Exchange): boolean {
      if (serviceMs === null) return false;
      s.after(serviceMs, () => ex.origin.targetAnswered(ex, 200));
      return true;
    },
  };
}

const quiet: TargetHealthListener<TargetTask> = { targetHealthy: () => undefined, targetUnhealthy: () => undefined };

function balancer(config: BalancerConfig, services: Array<number | null>, states: TargetState[] = [], clientTimeoutMs = 30_000) {
  const s = new Scheduler();
  const lb = new LoadBalancer<TargetTask>({ scheduler: s, config, clientTimeoutMs, routingRng: () => 0, surgeRng: () => 0.5, healthRng: () => 0 });
  services.forEach((ms, i) => lb.register(target(s, ms), states[i] ?? 'healthy', quiet));
  const client = new ClientLog(s);
  let id = 0;
  const send = (at: number, conn = connection(id)) => s.after(at, () => lb.receive(newExchange<BalancerClient>(id++, 'simple', lb, conn, client, s.now)));
  return { s, lb, client, send };
}

describe('balancer (ALB)', () => {
  it('round robin: a node hands requests to the targets in turn; the answer comes back after both halves of its latency', () => {
    const { s, client, send } = balancer(albConfig({ processingMs: 2 }), [5, 5, 5]);
    for (let k = 0; k < 4; k++) send(0);
    s.run();
    // Forwarded after 1 ms, served in 5 ms: answered at 6 (the way back is the client's to count).
    expect(client.answers.map((a) => a.target)).toEqual([0, 1, 2, 0]);
    expect(client.answers.map((a) => a.at)).toEqual([6, 6, 6, 6]);
  });

  it('least outstanding requests with perfect knowledge avoids the busy target', () => {
    const { s, lb, client, send } = balancer(albConfig({ routing: { algorithm: 'least_outstanding_requests', lorFeedbackMs: 0, perConnection: false } }), [100, 10]);
    // t=0: both idle, ties in rotation: 0 then 1. Target 1 is free again at 11 and at 31; 0 is busy until 101.
    send(0);
    send(0);
    send(20);
    send(40);
    s.run();
    expect(client.answers.map((a) => a.target).sort()).toEqual([0, 1, 1, 1]);
    expect(client.answers.filter((a) => a.id >= 2).map((a) => a.target)).toEqual([1, 1]);
    expect(lb.targets.map((t) => t.requests)).toEqual([1, 3]);
  });

  it('least outstanding requests on counts 500 ms old: within the window it routes on the stale (tied) view, i.e. in turn', () => {
    const { s, client, send } = balancer(albConfig({ routing: { algorithm: 'least_outstanding_requests', lorFeedbackMs: 500, perConnection: false } }), [100, 10]);
    send(0);
    send(0);
    send(20);
    send(40);
    s.run();
    expect(client.answers.filter((a) => a.id >= 2).map((a) => a.target).sort()).toEqual([0, 1]);
  });

  it('answers 503 without targets, 502 when the target refuses, 504 at the idle timeout', () => {
    const none = balancer(albConfig(), []);
    none.send(3);
    none.s.run();
    expect(none.client.answers).toEqual([{ id: 0, status: 503, at: 3, target: -1 }]);
    const refusing = balancer(albConfig({ processingMs: 2 }), [null]);
    refusing.send(0);
    refusing.s.run();
    expect(refusing.client.answers).toEqual([{ id: 0, status: 502, at: 1, target: 0 }]);
    const slow = balancer(albConfig({ idleTimeoutMs: 1_000 }), [5_000]);
    slow.send(0);
    slow.s.run();
    expect(slow.client.answers).toEqual([{ id: 0, status: 504, at: 1_000, target: 0 }]);
    // The client gives up first: no 504 (the idle timer is not even armed).
    const patient = balancer(albConfig({ idleTimeoutMs: 1_000 }), [5_000], [], 800);
    patient.send(0);
    patient.s.run();
    expect(patient.client.answers).toEqual([{ id: 0, status: 200, at: 5_001, target: 0 }]);
  });

  it('skips unhealthy, new and draining targets; fails open to the unhealthy ones when none is healthy', () => {
    const mixed = balancer(albConfig(), [5, 5, 5, 5], ['unhealthy', 'healthy', 'initial', 'draining']);
    for (let k = 0; k < 3; k++) mixed.send(0);
    mixed.s.run();
    expect(mixed.client.answers.map((a) => a.target)).toEqual([1, 1, 1]);
    const open = balancer(albConfig(), [5, 5, 5], ['unhealthy', 'initial', 'unhealthy']);
    for (let k = 0; k < 3; k++) open.send(0);
    open.s.run();
    expect(open.client.answers.map((a) => a.target)).toEqual([0, 2, 0]);
  });

  it('keep-alive pinning sends every request of a connection to the target of its first', () => {
    const conn = connection(7);
    const pinned = balancer(albConfig({ routing: { algorithm: 'round_robin', lorFeedbackMs: 0, perConnection: true } }), [5, 5]);
    for (let k = 0; k < 3; k++) pinned.send(k * 10, conn);
    pinned.s.run();
    expect(pinned.client.answers.map((a) => a.target)).toEqual([0, 0, 0]);
    const free = balancer(albConfig(), [5, 5]);
    for (let k = 0; k < 3; k++) free.send(k * 10, connection(7));
    free.s.run();
    expect(free.client.answers.map((a) => a.target)).toEqual([0, 1, 0]);
  });

  it('drops new connections past the surge rate with the surge probability, per 1-s window', () => {
    const { s, lb } = balancer(albConfig({ surge: { connectionsPerSecond: 2, connectFailureProbability: 0.6 } }), [5]);
    const opened: boolean[] = [];
    for (const at of [0, 1, 2, 3, 1000]) s.after(at, () => opened.push(lb.openConnection(0)));
    s.run();
    // surgeRng gives 0.5 < 0.6: the 3rd and 4th of the first second time out; a new window at 1000.
    expect(opened).toEqual([true, true, false, false, true]);
  });

  it('counts requests routed during bursts apart', () => {
    const { s, lb, send } = balancer(albConfig(), [5, 5]);
    send(0);
    s.after(1, () => lb.setBurstActive(true));
    send(2);
    send(2);
    s.run();
    expect(lb.targets.map((t) => [t.requests, t.burstRequests])).toEqual([[2, 1], [1, 1]]);
  });
});

describe('balancer config', () => {
  it('an AWS sizing gets the ALB: its nodes, latency, idle timeout, pinning, surge and health checks, in ms', () => {
    const p = params({ 'alb.nodes': 3, 'alb.perConnectionRouting': 1, 'alb.healthIntervalS': 10, 'alb.healthTimeoutS': 5 });
    const c = balancerConfig(resolveSizing({ instance: 'c6a.xlarge', tasks: 2, workers: 2, workerClass: 'gevent', algorithm: 'round_robin' }), p);
    expect(c).toEqual({
      kind: 'alb',
      nodes: 3,
      processingMs: p['alb.processingMs'],
      idleTimeoutMs: p['alb.idleTimeoutS'] * 1000,
      routing: { algorithm: 'round_robin', lorFeedbackMs: p['alb.lorFeedbackMs'], perConnection: true },
      surge: { connectionsPerSecond: p['alb.surgeConnectionsPerSecond'], connectFailureProbability: p['alb.surgeConnectFailureProb'] },
      healthChecks: { intervalMs: 10_000, timeoutMs: 5_000, healthyThreshold: p['alb.healthyThreshold'], unhealthyThreshold: p['alb.unhealthyThreshold'] },
    });
  });

  it('a custom machine gets nginx: one node, its own latency and read timeout, per-request routing, no surge, no health checks', () => {
    const p = params({ 'alb.nodes': 3, 'alb.perConnectionRouting': 1, 'alb.surgeConnectFailureProb': 0.5, 'nginx.processingMs': 0.3, 'nginx.proxyReadTimeoutS': 20 });
    const c = balancerConfig(resolveSizing({ instance: 'custom', vcpus: 1, memoryGiB: 4, tasks: 2, workers: 2, workerClass: 'sync', algorithm: 'least_conn' }), p);
    expect(c).toMatchObject({ kind: 'nginx', nodes: 1, processingMs: 0.3, idleTimeoutMs: 20_000, healthChecks: null });
    expect(c.routing).toEqual({ algorithm: 'least_outstanding_requests', lorFeedbackMs: 0, perConnection: false });
    expect(c.surge.connectFailureProbability).toBe(0);
  });
});
