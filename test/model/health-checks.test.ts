import { describe, expect, it } from 'vitest';
import { HealthChecker } from '../../src/model/balancer/health-checks.js';
import type { Target, TargetHealthListener, TargetState, TargetTask } from '../../src/model/balancer/target.js';
import type { Exchange } from '../../src/model/exchange.js';
import { Scheduler } from '../../src/sim/scheduler.js';

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

function watched(behaviour: { delayMs: number | null } | 'refuse', state: TargetState, until: number) {
  const s = new Scheduler();
  const checker = new HealthChecker({ scheduler: s, config: { intervalMs: 10_000, timeoutMs: 5_000, healthyThreshold: 2, unhealthyThreshold: 2 }, phaseRng: () => 0 });
  const target: Target<ReturnType<typeof checkedTask>> = { id: 0, task: checkedTask(s, behaviour), state, requests: 0, burstRequests: 0 };
  const verdicts: Array<{ healthy: boolean; at: number }> = [];
  const listener: TargetHealthListener<ReturnType<typeof checkedTask>> = {
    targetHealthy: () => verdicts.push({ healthy: true, at: s.now }),
    targetUnhealthy: () => verdicts.push({ healthy: false, at: s.now }),
  };
  checker.watch(target, listener);
  s.after(until, () => checker.stop());
  s.run();
  return { target, verdicts };
}

describe('health checks', () => {
  it('a healthy target that stops answering fails at each timeout and is unhealthy after two: at 15 s', () => {
    const { target, verdicts } = watched({ delayMs: null }, 'healthy', 60_000);
    // Checks at 0 and 10 s time out at 5 and 15 s; later checks find the previous one gone and go on failing.
    expect(verdicts).toEqual([{ healthy: false, at: 15_000 }]);
    expect(target.state).toBe('unhealthy');
    expect(target.task.seen.slice(0, 3)).toEqual([0, 10_000, 20_000]);
  });

  it('a new target that answers becomes healthy after two successes', () => {
    const { target, verdicts } = watched({ delayMs: 30 }, 'initial', 60_000);
    expect(verdicts).toEqual([{ healthy: true, at: 10_030 }]);
    expect(target.state).toBe('healthy');
  });

  it('an answer after the timeout does not count; a refused connection fails at once', () => {
    const late = watched({ delayMs: 6_000 }, 'healthy', 60_000);
    expect(late.verdicts).toEqual([{ healthy: false, at: 15_000 }]);
    const refused = watched('refuse', 'healthy', 60_000);
    expect(refused.verdicts).toEqual([{ healthy: false, at: 10_000 }]);
  });

  it('checks a draining target no more, and none after stop()', () => {
    const draining = watched({ delayMs: 30 }, 'draining', 60_000);
    expect(draining.target.task.seen).toEqual([]);
    const stopped = watched({ delayMs: 30 }, 'healthy', 25_000);
    expect(stopped.target.task.seen).toEqual([0, 10_000, 20_000]);
  });
});
