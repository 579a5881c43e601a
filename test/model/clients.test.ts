import { describe, expect, it } from 'vitest';
import { type BalancerClient, LoadBalancer } from '../../src/model/balancer/load-balancer.js';
import type { TargetTask } from '../../src/model/balancer/target.js';
import { ClientPopulation, type ClientFacingBalancer } from '../../src/model/clients.js';
import type { Exchange } from '../../src/model/exchange.js';
import { RunRecorder } from '../../src/model/recorder.js';
import { FLOWS, type FlowName } from '../../src/scenario/flows.js';
import type { ClientBehaviour } from '../../src/scenario/types.js';
import { Scheduler } from '../../src/sim/scheduler.js';
import { albConfig } from './parts.js';

/**
 * A balancer that answers request k (in arrival order) with statuses[k]
 * (default 200, 303 for a redirect) after `delayMs`, or never (null), and
 * records when each request arrived and on which connection.
 */
class ScriptedBalancer implements ClientFacingBalancer {
  readonly nodeCount = 1;
  readonly config = { processingMs: 2 };
  readonly arrivals: Array<{ at: number; kind: string; connection: number }> = [];
  acceptConnections = true;
  constructor(
    private readonly s: Scheduler,
    private readonly statuses: Array<number | null> = [],
    private readonly delayMs = 0,
  ) {}
  openConnection(): boolean {
    return this.acceptConnections;
  }
  receive(ex: Exchange<BalancerClient>): void {
    const k = this.arrivals.length;
    this.arrivals.push({ at: this.s.now, kind: ex.kind, connection: ex.connection!.id });
    const status = k < this.statuses.length ? this.statuses[k] : ex.kind === 'redirect' ? 303 : 200;
    if (status !== null) this.s.after(this.delayMs, () => ex.owner.balancerAnswered(ex, status));
  }
  targetAnswered(): void {}
}

const PIP: ClientBehaviour = { timeoutSeconds: 1, retries: 2, backoffFactorSeconds: 0.5, retryStatuses: [503], keepAlive: true, cookies: 'per-install' };
const SEED: ClientBehaviour = { timeoutSeconds: 30, retries: 0, backoffFactorSeconds: 0, retryStatuses: [], keepAlive: true, cookies: 'shared' };

function clients(flow: FlowName, behaviour: ClientBehaviour, lb: (s: Scheduler) => ScriptedBalancer, burstDispatchMsPerInstall = 0) {
  const s = new Scheduler();
  const balancer = lb(s);
  const recorder = new RunRecorder(FLOWS[flow].steps.map((step) => step.operation));
  const population = new ClientPopulation({ scheduler: s, balancer, flow: FLOWS[flow], behaviour, recorder, rttMs: 10, connectTimeoutMs: 300, burstDispatchMsPerInstall, routingRng: () => 0 });
  const done: number[] = [];
  const start = (at: number) => s.after(at, () => population.startInstall((startedAt: number) => done.push(s.now - startedAt), s.now));
  return { s, balancer, recorder, population, done, start };
}

describe('clients', () => {
  it('one install: handshake, then each request a half round trip each way plus the balancer, the 303 followed on one kept-alive connection', () => {
    const c = clients('pip-root-index', PIP, (s) => new ScriptedBalancer(s));
    c.start(0);
    c.s.run();
    // Connect (10) + half RTT (5): the redirect arrives at 15; back after 5 + 1 = 6: 21. Then the simple page at 26, back at 32
    // ("root" = 32 ms), the wheel at 37, back at 43 ("download" = 11 ms).
    expect(c.balancer.arrivals).toEqual([
      { at: 15, kind: 'redirect', connection: 0 },
      { at: 26, kind: 'simple', connection: 0 },
      { at: 37, kind: 'wheel', connection: 0 },
    ]);
    expect(Array.from(c.recorder.latencies('ok', 0))).toEqual([32]);
    expect(Array.from(c.recorder.latencies('ok', 1))).toEqual([11]);
    expect(c.done).toEqual([43]);
  });

  it('without keep-alive every request opens a new connection', () => {
    const c = clients('pip-simple-index', { ...PIP, keepAlive: false }, (s) => new ScriptedBalancer(s));
    c.start(0);
    c.s.run();
    expect(c.balancer.arrivals.map((a) => [a.at, a.connection])).toEqual([[15, 0], [36, 1]]);
  });

  it('gives up at its timeout and retries like pip: at once, then after factor x 2^(n-1); a fresh connection each time', () => {
    // Nothing is ever answered: the first attempt times out at 1000, retry 1 goes at once and times out at 2000,
    // retry 2 goes after 0.5 x 2 = 1 s.
    const c = clients('pip-simple-index', PIP, (s) => new ScriptedBalancer(s, [null, null, null]));
    c.start(0);
    c.s.run();
    expect(c.balancer.arrivals.map((a) => [a.at, a.connection])).toEqual([[15, 0], [1015, 1], [3015, 2]]);
    expect(c.recorder.failures.clientTimeout).toBe(1);
    // pip stops the install after the failed index page: no download.
    expect(c.recorder.operations).toBe(1);
    // The third attempt, sent at 3000, times out at 4000: the operation failed after 4 s.
    expect(Array.from(c.recorder.latencies('all', 0))).toEqual([4000]);
  });

  it('retries the listed statuses but not 502; the seed tool goes on to its next operation after a failure', () => {
    const pip = clients('pip-simple-index', PIP, (s) => new ScriptedBalancer(s, [503, 200, 502]));
    pip.start(0);
    pip.s.run();
    // 503 retried at once (arrives 5 ms later on the same connection), the page, then the wheel fails with 502: no retry.
    expect(pip.balancer.arrivals.map((a) => a.at)).toEqual([15, 26, 37]);
    expect(pip.recorder.failures.http502).toBe(1);
    const seed = clients('seed-tool', SEED, (s) => new ScriptedBalancer(s, [502]));
    seed.start(0);
    seed.s.run();
    expect(seed.recorder.operations).toBe(3);
    expect(seed.recorder.failedOperations).toBe(1);
    expect(seed.balancer.arrivals.map((a) => a.kind)).toEqual(['redirect', 'simple', 'wheel']);
  });

  it('a connection the balancer does not accept fails at the connect timeout (or the request timeout, if sooner)', () => {
    const c = clients('pip-simple-index', { ...PIP, retries: 0 }, (s) => {
      const lb = new ScriptedBalancer(s);
      lb.acceptConnections = false;
      return lb;
    });
    c.start(0);
    c.s.run();
    expect(c.recorder.failures.connectionError).toBe(1);
    expect(Array.from(c.recorder.latencies('all', 0))).toEqual([300]);
  });

  it('a generator dispatching a burst reads no response before it has started every install', () => {
    // 100 installs at 0.5 ms each: nothing is read before 50 ms, so the first answer (due at 21) is read at 50.
    const c = clients('pip-simple-index', PIP, (s) => new ScriptedBalancer(s), 0.5);
    c.s.after(0, () => c.population.burstStarted(100));
    c.start(0);
    c.s.run();
    expect(c.balancer.arrivals.map((a) => a.at)).toEqual([15, 55]);
  });
});

/** A sticky balancer (one node, no latency) in front of `targets` targets that answer every request after 10 ms. */
/** `kinds`: the seed-tool flow under each behaviour, install k of the run being of kind pick[k]; else one kind. */
function stickyStack(cookies: ClientBehaviour['cookies'], targets = 3, sharedJars?: number, mix?: { kinds: ClientBehaviour[]; pick: number[] }) {
  const s = new Scheduler();
  const config = albConfig({ processingMs: 0, routing: { algorithm: 'round_robin', lorFeedbackMs: 0, perConnection: false, stickinessDurationMs: 86_400_000 } });
  const lb = new LoadBalancer<TargetTask>({ scheduler: s, config, clientTimeoutMs: 30_000, routingRng: () => 0, surgeRng: () => 0.5, healthRng: () => 0 });
  const arrivals: Array<{ at: number; kind: string; target: number }> = [];
  for (let t = 0; t < targets; t++) {
    lb.register(
      {
        accept(ex) {
          arrivals.push({ at: s.now, kind: ex.kind, target: t });
          s.after(10, () => ex.origin.targetAnswered(ex, ex.kind === 'redirect' ? 303 : 200));
          return true;
        },
      },
      'healthy',
      { targetHealthy: () => undefined, targetUnhealthy: () => undefined },
    );
  }
  const recorder = new RunRecorder(FLOWS['seed-tool'].steps.map((step) => step.operation));
  const flow = FLOWS['seed-tool'];
  const kinds = mix ? { kinds: mix.kinds.map((behaviour) => ({ flow, behaviour, operations: flow.steps.map((_, i) => i) })), pick: (k: number) => mix.pick[k] } : { flow, behaviour: { ...SEED, cookies, ...(sharedJars ? { sharedJars } : {}) } };
  const population = new ClientPopulation({ scheduler: s, balancer: lb as unknown as ClientFacingBalancer, ...kinds, recorder, rttMs: 10, connectTimeoutMs: 300, burstDispatchMsPerInstall: 0, routingRng: () => 0 });
  return { s, lb, arrivals, population };
}

describe('cookie jars and stickiness', () => {
  it('a shared jar: every request sent after the first response carries its cookie and goes to that target', () => {
    const { s, arrivals, population } = stickyStack('shared');
    s.after(0, () => population.startInstall(() => undefined, null));
    for (let k = 0; k < 5; k++) s.after(40, () => population.startInstall(() => undefined, null));
    s.run();
    // The first install's redirect reaches target 0 at 15 and its answer is read at 30: the jar holds target 0's cookie.
    expect(arrivals[0]).toMatchObject({ at: 15, kind: 'redirect', target: 0 });
    expect(arrivals).toHaveLength(24);
    expect(new Set(arrivals.map((a) => a.target))).toEqual(new Set([0]));
  });

  it('per-install jars: each install follows its own cookie, so installs spread like round robin', () => {
    const { s, arrivals, population } = stickyStack('per-install');
    s.after(0, () => population.startInstall(() => undefined, null));
    for (let k = 0; k < 5; k++) s.after(40, () => population.startInstall(() => undefined, null));
    s.run();
    // First requests: the first install at 15 (target 0), the five others at 55 (targets 1, 2, 0, 1, 2 in turn);
    // every later request of an install goes where its first went.
    const firsts = arrivals.filter((a) => a.kind === 'redirect').map((a) => [a.at, a.target]);
    expect(firsts).toEqual([[15, 0], [55, 1], [55, 2], [55, 0], [55, 1], [55, 2]]);
    const perTarget = [0, 1, 2].map((t) => arrivals.filter((a) => a.target === t).length);
    expect(perTarget).toEqual([8, 8, 8]);
  });

  it('two shared jars (client.sharedJars 2, e.g. two Locust workers): installs take them in turn; the second jar is empty when the burst starts', () => {
    const { s, arrivals, population } = stickyStack('shared', 3, 2);
    s.after(0, () => population.startInstall(() => undefined, null));
    for (let k = 0; k < 5; k++) s.after(40, () => population.startInstall(() => undefined, null));
    s.run();
    // Install 0 (jar 0) fills jar 0 with target 0's cookie; installs 2 and 4 (jar 0) start there; installs 1, 3, 5
    // (jar 1, empty) are placed in turn (targets 1, 2, 0), and jar 1 then holds whichever cookie came back last.
    const firsts = arrivals.filter((a) => a.kind === 'redirect').map((a) => [a.at, a.target]);
    expect(firsts).toEqual([[15, 0], [55, 1], [55, 0], [55, 2], [55, 0], [55, 0]]);
    expect(new Set(arrivals.map((a) => a.target)).size).toBeGreaterThan(1);
  });

  it('a flow mix: each kind has its own jars, and install k of a kind uses its jar k mod the kind\'s sharedJars', () => {
    // Kind A: one shared jar; kind B: two. Install 0 (A) fills A's jar with target 0's cookie; at 40, installs 1 and 2
    // (B's 0 and 1: its jars 0 and 1, empty) are placed in turn (targets 1, 2), install 3 (A) follows A's cookie to 0;
    // at 300, installs 4 and 5 (B's 2 and 3) take B's jars 0 and 1 again: back to targets 1 and 2.
    const { s, arrivals, population } = stickyStack('shared', 3, undefined, { kinds: [SEED, { ...SEED, sharedJars: 2 }], pick: [0, 1, 1, 0, 1, 1] });
    s.after(0, () => population.startInstall(() => undefined, null));
    for (let k = 0; k < 3; k++) s.after(40, () => population.startInstall(() => undefined, null));
    for (let k = 0; k < 2; k++) s.after(300, () => population.startInstall(() => undefined, null));
    s.run();
    const firsts = arrivals.filter((a) => a.kind === 'redirect').map((a) => [a.at, a.target]);
    expect(firsts).toEqual([[15, 0], [55, 1], [55, 2], [55, 0], [315, 1], [315, 2]]);
    expect(arrivals).toHaveLength(24);
  });

  it('no jar: every request is placed by the algorithm, in turn', () => {
    const { s, arrivals, population } = stickyStack('none');
    s.after(0, () => population.startInstall(() => undefined, null));
    s.run();
    expect(arrivals.map((a) => a.target)).toEqual([0, 1, 2, 0]);
  });
});
