import { describe, expect, it } from 'vitest';
import { balancerConfig, type BalancerConfig } from '../../src/model/balancer/config.js';
import { type BalancerClient, LoadBalancer } from '../../src/model/balancer/load-balancer.js';
import type { Target, TargetHealthListener, TargetState, TargetTask } from '../../src/model/balancer/target.js';
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
    const { s, lb, client, send } = balancer(albConfig({ routing: { algorithm: 'least_outstanding_requests', lorFeedbackMs: 0, perConnection: false, stickinessDurationMs: null } }), [100, 10]);
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
    const { s, client, send } = balancer(albConfig({ routing: { algorithm: 'least_outstanding_requests', lorFeedbackMs: 500, perConnection: false, stickinessDurationMs: null } }), [100, 10]);
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
    const pinned = balancer(albConfig({ routing: { algorithm: 'round_robin', lorFeedbackMs: 0, perConnection: true, stickinessDurationMs: null } }), [5, 5]);
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
    expect(lb.targets.map((t) => [t.requests, t.burstRequests])).toEqual([[2, [1]], [1, [1]]]);
  });

  it('counts each burst apart: a burst that begins while another runs is the same burst', () => {
    const { s, lb, send } = balancer(albConfig(), [5, 5]);
    s.after(0, () => lb.setBurstActive(true));
    send(1);
    s.after(2, () => lb.setBurstActive(true));
    send(3);
    s.after(4, () => lb.setBurstActive(false));
    send(5);
    s.after(6, () => lb.setBurstActive(true));
    send(7);
    s.run();
    expect(lb.bursts).toBe(2);
    // In turn: 0 (burst 0), 1 (burst 0), 0 (no burst), 1 (burst 1).
    expect(lb.targets.map((t) => t.burstRequests)).toEqual([[1], [1, 1]]);
  });
});

const STICKY = { algorithm: 'round_robin' as const, lorFeedbackMs: 0, perConnection: false, stickinessDurationMs: 60_000 };

/** A request that carries a cookie naming `target`, issued at `issuedAt` (or none: -1). */
function withCookie(s: Scheduler, lb: LoadBalancer<TargetTask>, client: ClientLog, id: number, target: number, issuedAt = 0): Exchange<BalancerClient> {
  const ex = newExchange<BalancerClient>(id, 'simple', lb, connection(id), client, s.now);
  ex.cookieTarget = target;
  ex.cookieIssuedAt = issuedAt;
  return ex;
}

describe('balancer stickiness (lb_cookie)', () => {
  it('a valid cookie sends the request to its target; every answer a target gives sets a cookie naming it, issued at the answer', () => {
    const { s, lb, client } = balancer(albConfig({ processingMs: 2, routing: STICKY }), [5, 5, 5]);
    const sent: Exchange<BalancerClient>[] = [];
    for (let k = 0; k < 3; k++) s.after(k, () => lb.receive(sent[sent.push(withCookie(s, lb, client, k, 2)) - 1]));
    s.after(10, () => lb.receive(sent[sent.push(withCookie(s, lb, client, 3, -1)) - 1]));
    s.run();
    // Three with the cookie for target 2, the cookie-less one placed by round robin (target 0, the rotation's start).
    expect(client.answers.map((a) => a.target)).toEqual([2, 2, 2, 0]);
    expect(sent.map((ex) => [ex.setCookieTarget, ex.setCookieIssuedAt])).toEqual([[2, 6], [2, 7], [2, 8], [0, 16]]);
    expect(lb.stickyReplacements).toBe(0);
  });

  it('a cookie for an unhealthy or deregistered target is re-placed by the algorithm and re-issued for the new target', () => {
    const { s, lb, client } = balancer(albConfig({ routing: STICKY }), [5, 5, 5], ['unhealthy', 'healthy', 'healthy']);
    const toUnhealthy = withCookie(s, lb, client, 0, 0);
    s.after(0, () => lb.receive(toUnhealthy));
    s.after(1, () => lb.drain(lb.targets[2], 300_000, () => undefined));
    const toDraining = withCookie(s, lb, client, 1, 2);
    s.after(2, () => lb.receive(toDraining));
    s.run();
    expect(client.answers.map((a) => a.target)).toEqual([1, 1]);
    expect([toUnhealthy.setCookieTarget, toDraining.setCookieTarget]).toEqual([1, 1]);
    expect(lb.stickyReplacements).toBe(2);
  });

  it('a cookie issued longer ago than the duration names no target: the algorithm places the request (no re-placement counted)', () => {
    const { s, lb, client } = balancer(albConfig({ routing: { ...STICKY, stickinessDurationMs: 1_000 } }), [5, 5]);
    s.after(2_000, () => lb.receive(withCookie(s, lb, client, 0, 1, 999)));
    s.after(2_100, () => lb.receive(withCookie(s, lb, client, 1, 1, 1_500)));
    s.run();
    // 2000 - 999 > 1000: expired, round robin gives target 0; 2100 - 1500 < 1000: still target 1.
    expect(client.answers.map((a) => a.target)).toEqual([0, 1]);
    expect(lb.stickyReplacements).toBe(0);
  });

  it('the routing policy is not consulted for a request whose cookie names an eligible target', () => {
    const s = new Scheduler();
    let consulted = 0;
    const policy = { place: <T extends TargetTask>(_node: unknown, targets: readonly Target<T>[]) => (consulted++, targets[0]) };
    const lb = new LoadBalancer<TargetTask>({
      scheduler: s,
      config: albConfig({ routing: { ...STICKY, algorithm: 'least_outstanding_requests' } }),
      clientTimeoutMs: 30_000,
      routingRng: () => 0,
      surgeRng: () => 0.5,
      healthRng: () => 0,
      policy,
    });
    [5, 5].forEach((ms) => lb.register(target(s, ms), 'healthy', quiet));
    const client = new ClientLog(s);
    for (let k = 0; k < 4; k++) s.after(k, () => lb.receive(withCookie(s, lb, client, k, 1)));
    s.after(10, () => lb.receive(withCookie(s, lb, client, 4, -1)));
    s.run();
    expect(consulted).toBe(1);
    expect(client.answers.map((a) => a.target)).toEqual([1, 1, 1, 1, 0]);
  });

  it('a reset (502) carries no cookie: the balancer answered, not the target', () => {
    const { s, lb, client } = balancer(albConfig({ routing: STICKY }), [null]);
    const ex = withCookie(s, lb, client, 0, -1);
    s.after(0, () => lb.receive(ex));
    s.run();
    expect(client.answers.map((a) => a.status)).toEqual([502]);
    expect(ex.setCookieTarget).toBe(-1);
  });
});

describe('balancer deregistration (drain)', () => {
  it('a draining target gets no new requests; done runs when its last in-flight request is answered', () => {
    const { s, lb, client, send } = balancer(albConfig({ processingMs: 0 }), [100, 100]);
    send(0); // target 0, answered at 100
    send(0); // target 1
    const drained: number[] = [];
    s.after(10, () => lb.drain(lb.targets[0], 300_000, () => drained.push(s.now)));
    send(20);
    s.run();
    expect(client.answers.map((a) => [a.target, a.at])).toEqual([[0, 100], [1, 100], [1, 120]]);
    expect(drained).toEqual([100]);
    expect(lb.targets[0].state).toBe('draining');
  });

  it('done runs at once for a target that holds nothing, and at the deregistration delay for one that still does', () => {
    const idle = balancer(albConfig(), [5]);
    const atOnce: number[] = [];
    idle.s.after(7, () => idle.lb.drain(idle.lb.targets[0], 300_000, () => atOnce.push(idle.s.now)));
    idle.s.run();
    expect(atOnce).toEqual([7]);
    const busy = balancer(albConfig({ processingMs: 0 }), [10_000]);
    busy.send(0);
    const late: number[] = [];
    busy.s.after(0, () => busy.lb.drain(busy.lb.targets[0], 3_000, () => late.push(busy.s.now)));
    busy.s.run();
    expect(late).toEqual([3_000]);
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
      routing: { algorithm: 'round_robin', lorFeedbackMs: p['alb.lorFeedbackMs'], perConnection: true, stickinessDurationMs: p['alb.stickinessDurationS'] * 1000 },
      surge: { connectionsPerSecond: p['alb.surgeConnectionsPerSecond'], connectFailureProbability: p['alb.surgeConnectFailureProb'] },
      healthChecks: { intervalMs: 10_000, timeoutMs: 5_000, healthyThreshold: p['alb.healthyThreshold'], unhealthyThreshold: p['alb.unhealthyThreshold'] },
      deregistrationDelayMs: p['alb.deregistrationDelayS'] * 1000,
    });
  });

  it('stickiness: on for the ALB as the module deploys it (alb.stickiness), off for nginx; the sizing\'s statement wins for both', () => {
    const aws = (stickiness?: boolean) => resolveSizing({ instance: 'c6a.xlarge', tasks: 2, workers: 2, workerClass: 'gevent', algorithm: 'round_robin', stickiness });
    const local = (stickiness?: boolean) => resolveSizing({ instance: 'custom', vcpus: 1, memoryGiB: 4, tasks: 2, workers: 2, workerClass: 'sync', algorithm: 'round_robin', stickiness });
    const duration = params()['alb.stickinessDurationS'] * 1000;
    expect(duration).toBe(86_400_000);
    expect(balancerConfig(aws(), params()).routing.stickinessDurationMs).toBe(duration);
    expect(balancerConfig(aws(), params({ 'alb.stickiness': 0 })).routing.stickinessDurationMs).toBeNull();
    expect(balancerConfig(aws(false), params()).routing.stickinessDurationMs).toBeNull();
    expect(balancerConfig(local(), params()).routing.stickinessDurationMs).toBeNull();
    expect(balancerConfig(local(true), params()).routing.stickinessDurationMs).toBe(duration);
  });

  it('a custom machine gets nginx: one node, its own latency and read timeout, per-request routing, no surge, no health checks', () => {
    const p = params({ 'alb.nodes': 3, 'alb.perConnectionRouting': 1, 'alb.surgeConnectFailureProb': 0.5, 'nginx.processingMs': 0.3, 'nginx.proxyReadTimeoutS': 20 });
    const c = balancerConfig(resolveSizing({ instance: 'custom', vcpus: 1, memoryGiB: 4, tasks: 2, workers: 2, workerClass: 'sync', algorithm: 'least_conn' }), p);
    expect(c).toMatchObject({ kind: 'nginx', nodes: 1, processingMs: 0.3, idleTimeoutMs: 20_000, healthChecks: null });
    expect(c.routing).toEqual({ algorithm: 'least_outstanding_requests', lorFeedbackMs: 0, perConnection: false, stickinessDurationMs: null });
    expect(c.surge.connectFailureProbability).toBe(0);
  });
});
