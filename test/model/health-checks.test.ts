import { describe, expect, it } from 'vitest';
import { HealthChecker } from '../../src/model/balancer/health-checks.js';
import type { Target, TargetHealthListener, TargetState, TargetTask } from '../../src/model/balancer/target.js';
import type { Exchange } from '../../src/model/exchange.js';
import type { HealthCheckConfig } from '../../src/model/health-probe.js';
import { Scheduler } from '../../src/sim/scheduler.js';
import { AnswerLog, cpuOnly, instance, machine, request, task } from './parts.js';

/** A task that answers a health check after `delayMs` (never: null), or refuses it. */
function checkedTask(s: Scheduler, behaviour: { delayMs: number | null } | 'refuse'): TargetTask & { seen: number[] } {
  const seen: number[] = [];
  return {
    seen,
    accept(ex: Exchange): boolean {
      seen.push(s.now);
      if (behaviour === 'refuse') return false;
      if (behaviour.delayMs !== null) s.after(behaviour.delayMs, () => ex.origin.targetAnswered(ex, 200));
      return true;
    },
  };
}

const DEPLOYED: HealthCheckConfig = { intervalMs: 10_000, timeoutMs: 5_000, healthyThreshold: 2, unhealthyThreshold: 2 };

function watched<T extends TargetTask>(s: Scheduler, t: T, state: TargetState, until: number, options: { nodes?: number; phases?: number[] } = {}) {
  const phases = options.phases ?? [0];
  let k = 0;
  const checker = new HealthChecker({ scheduler: s, config: DEPLOYED, nodes: options.nodes ?? 1, phaseRng: () => phases[k++ % phases.length] });
  const target: Target<T> = { id: 0, task: t, state, requests: 0, burstRequests: [] };
  const verdicts: Array<{ healthy: boolean; at: number }> = [];
  const listener: TargetHealthListener<T> = {
    targetHealthy: () => verdicts.push({ healthy: true, at: s.now }),
    targetUnhealthy: () => verdicts.push({ healthy: false, at: s.now }),
  };
  checker.watch(target, listener);
  s.after(until, () => checker.stop());
  return { checker, target, verdicts };
}

function run(behaviour: { delayMs: number | null } | 'refuse', state: TargetState, until: number, options: { nodes?: number; phases?: number[] } = {}) {
  const s = new Scheduler();
  const w = watched(s, checkedTask(s, behaviour), state, until, options);
  s.run();
  return w;
}

describe('health checks (the target group)', () => {
  it('a healthy target that stops answering fails at each timeout and is unhealthy after two: at 15 s', () => {
    const { target, verdicts } = run({ delayMs: null }, 'healthy', 60_000);
    // Checks at 0 and 10 s time out at 5 and 15 s; later checks find the previous one gone and go on failing.
    expect(verdicts).toEqual([{ healthy: false, at: 15_000 }]);
    expect(target.state).toBe('unhealthy');
    expect(target.task.seen.slice(0, 3)).toEqual([0, 10_000, 20_000]);
  });

  it('a new target that answers becomes healthy after two successes', () => {
    const { target, verdicts } = run({ delayMs: 30 }, 'initial', 60_000);
    expect(verdicts).toEqual([{ healthy: true, at: 10_030 }]);
    expect(target.state).toBe('healthy');
  });

  it('an answer after the timeout does not count; a refused connection fails at once', () => {
    const late = run({ delayMs: 6_000 }, 'healthy', 60_000);
    expect(late.verdicts).toEqual([{ healthy: false, at: 15_000 }]);
    const refused = run('refuse', 'healthy', 60_000);
    expect(refused.verdicts).toEqual([{ healthy: false, at: 10_000 }]);
  });

  it('every ALB node checks on its own: two nodes, two checks per interval; one node seeing two failures takes the target out', () => {
    // Node phases 0 and 0.3 of the interval: checks at 0, 3, 10, 13 s ...; node 0's second failure is at 15 s.
    const { target, verdicts } = run({ delayMs: null }, 'healthy', 30_000, { nodes: 2, phases: [0, 0.3] });
    expect(target.task.seen).toEqual([0, 3_000, 10_000, 13_000, 20_000, 23_000]);
    expect(verdicts).toEqual([{ healthy: false, at: 15_000 }]);
  });

  it('a new target is healthy only once every node has seen two successes', () => {
    const { verdicts } = run({ delayMs: 30 }, 'initial', 60_000, { nodes: 2, phases: [0, 0.5] });
    // Node 0: successes at 0.03 and 10.03 s; node 1 at 5.03 and 15.03 s.
    expect(verdicts).toEqual([{ healthy: true, at: 15_030 }]);
  });

  it('checks a draining target no more, and none after stop()', () => {
    const s = new Scheduler();
    const draining = watched(s, checkedTask(s, { delayMs: 30 }), 'healthy', 60_000);
    s.after(15_000, () => draining.checker.forget(draining.target));
    s.run();
    expect(draining.target.task.seen).toEqual([0, 10_000]);
    const stopped = run({ delayMs: 30 }, 'healthy', 25_000);
    expect(stopped.target.task.seen).toEqual([0, 10_000, 20_000]);
  });

  it('a check of / waits behind the requests queued in the task and fails at its 5 s timeout', () => {
    const s = new Scheduler();
    const host = instance(s, machine(1));
    // One gevent worker; each request 2 s of CPU, the check's walk 0.1 s: the check sent at 0 waits behind three requests.
    const gunicorn = task(s, host, { workerClass: 'gevent', demands: cpuOnly(2_000, { health: 100 }) });
    const log = new AnswerLog(s);
    for (let k = 0; k < 3; k++) gunicorn.accept(request(k, 'simple', log, null, 0));
    const { target, verdicts } = watched(s, gunicorn, 'healthy', 12_000);
    s.run();
    // First check at 0: queued until 6 s, so it times out at 5 s; the second at 10 s finds the queue gone and passes.
    expect(log.answers.map((a) => a.at)).toEqual([2_000, 4_000, 6_000]);
    expect(verdicts).toEqual([]);
    expect(target.state).toBe('healthy');
    const s2 = new Scheduler();
    const host2 = instance(s2, machine(1));
    const busy = task(s2, host2, { workerClass: 'gevent', demands: cpuOnly(2_000, { health: 100 }) });
    for (let k = 0; k < 8; k++) busy.accept(request(k, 'simple', new AnswerLog(s2), null, 0));
    const second = watched(s2, busy, 'healthy', 30_000);
    s2.run();
    // Eight requests: 16 s of queue. Checks at 0 and 10 s both wait past 5 s: unhealthy at 15 s.
    expect(second.verdicts).toEqual([{ healthy: false, at: 15_000 }]);
  });
});
