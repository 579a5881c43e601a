import { describe, expect, it } from 'vitest';
import { LoadBalancer } from '../../src/model/balancer/load-balancer.js';
import { EcsService, type ReplacementSlots, type TaskTemplate } from '../../src/model/ecs-service.js';
import { Scheduler } from '../../src/sim/scheduler.js';
import { albConfig, AnswerLog, cpuOnly, instance, machine, request, TASK_TEMPLATE } from './parts.js';

function service(instances: number, maxTasksPerInstance: number, template: Partial<TaskTemplate> = {}, slots?: ReplacementSlots) {
  const s = new Scheduler();
  const hosts = Array.from({ length: instances }, () => instance(s, machine(1)));
  const balancer = new LoadBalancer({ scheduler: s, config: albConfig(), clientTimeoutMs: 30_000, routingRng: () => 0, surgeRng: () => 0, healthRng: () => 0 });
  const ecs = new EcsService({ scheduler: s, balancer, instances: hosts, task: { ...TASK_TEMPLATE, ...template }, maxTasksPerInstance, taskStartMs: 60_000, slots });
  return { s, hosts, balancer, ecs };
}

describe('ECS service', () => {
  it('replaces an unhealthy task start-first: the replacement registers after the start delay, the old one drains once it is healthy', () => {
    const { s, hosts, balancer, ecs } = service(1, 2);
    const old = ecs.startTask(hosts[0], 'healthy');
    s.after(1_000, () => ecs.targetUnhealthy(old));
    s.run();
    // Room on the instance (1 of 2): the old task keeps running while the replacement starts, at 61 s.
    expect(balancer.targets.map((t) => t.state)).toEqual(['healthy', 'initial']);
    expect(ecs.replacements).toBe(1);
    expect(hosts[0].taskCount).toBe(2);
    const fresh = balancer.targets[1];
    s.after(0, () => ecs.targetHealthy(fresh));
    s.run();
    // The old one drains, and stops on the first check with nothing in flight (1 s later).
    expect(old.state).toBe('draining');
    expect(old.task.alive).toBe(false);
    expect(s.now).toBe(62_000);
    expect(hosts[0].taskCount).toBe(1);
  });

  it('with no room anywhere it stops the unhealthy task first and starts the replacement in its place', () => {
    const { s, hosts, balancer, ecs } = service(1, 1);
    const old = ecs.startTask(hosts[0], 'healthy');
    s.after(1_000, () => ecs.targetUnhealthy(old));
    s.run();
    expect(old.state).toBe('draining');
    expect(old.task.alive).toBe(false);
    expect(balancer.targets[1].task.instance).toBe(hosts[0]);
    expect(hosts[0].taskCount).toBe(1);
  });

  it('waits for a draining task to finish what it holds before stopping it', () => {
    const { s, hosts, ecs } = service(1, 1, { demands: cpuOnly(2_500) });
    const old = ecs.startTask(hosts[0], 'healthy');
    const log = new AnswerLog(s);
    s.after(0, () => old.task.accept(request(0, 'simple', log, null, 0)));
    s.after(1, () => ecs.targetUnhealthy(old));
    s.run();
    // Drain checks at 1001 and 2001 find the request in flight; it is answered at 2500; the check at 3001 stops the task.
    expect(log.answers).toEqual([{ id: 0, status: 200, at: 2_500 }]);
    expect(old.task.alive).toBe(false);
  });

  it('takes an OOM-killed task out at once: its requests are reset and its target drains', () => {
    const { s, hosts, ecs } = service(2, 1, { containerMemoryMb: 100, memory: { baseMb: 90, perWorkerMb: 0, perInFlightMb: 20 } });
    const first = ecs.startTask(hosts[0], 'healthy');
    ecs.startTask(hosts[1], 'healthy');
    const log = new AnswerLog(s);
    s.after(5, () => first.task.accept(request(0, 'simple', log, null, 5)));
    s.run();
    expect(log.answers).toEqual([{ id: 0, status: 502, at: 5 }]);
    expect(first.task.alive).toBe(false);
    expect(first.state).toBe('draining');
    expect(hosts[0].taskCount).toBe(0);
  });

  it('starts no replacement once the run is over', () => {
    const { s, hosts, balancer, ecs } = service(1, 2);
    const old = ecs.startTask(hosts[0], 'healthy');
    s.after(1_000, () => ecs.targetUnhealthy(old));
    s.after(2_000, () => ecs.stop());
    s.run();
    expect(balancer.targets).toHaveLength(1);
  });

  it('deregisters a task for a scale-in: an idle one stops at once, a busy one when its request is done', () => {
    const { s, hosts, ecs } = service(1, 2, { demands: cpuOnly(2_500) });
    const idle = ecs.startTask(hosts[0], 'healthy');
    const busy = ecs.startTask(hosts[0], 'healthy');
    const log = new AnswerLog(s);
    const done: Array<[string, number]> = [];
    s.after(0, () => busy.task.accept(request(0, 'simple', log, null, 0)));
    s.after(100, () => {
      ecs.deregister(idle, 300_000, () => done.push(['idle', s.now]));
      ecs.deregister(busy, 300_000, () => done.push(['busy', s.now]));
    });
    s.run();
    // The idle one stops at its deregistration (100). The busy one is checked every second from then: in flight at 100,
    // 1100 and 2100, answered at 2500, stopped by the check at 3100.
    expect(log.answers).toEqual([{ id: 0, status: 200, at: 2_500 }]);
    expect(done).toEqual([
      ['idle', 100],
      ['busy', 3_100],
    ]);
    expect([idle.state, busy.state, idle.task.alive, busy.task.alive]).toEqual(['draining', 'draining', false, false]);
  });

  it('deregisters for at most the deregistration delay: what is still in flight then is reset', () => {
    const { s, hosts, ecs } = service(1, 1, { demands: cpuOnly(10_000), gunicorn: { ...TASK_TEMPLATE.gunicorn, timeoutMs: 60_000 } });
    const target = ecs.startTask(hosts[0], 'healthy');
    const log = new AnswerLog(s);
    let stopped = NaN;
    s.after(0, () => target.task.accept(request(0, 'simple', log, null, 0)));
    s.after(1_000, () => ecs.deregister(target, 2_500, () => (stopped = s.now)));
    s.run();
    // Deadline 3500: checks at 1000, 2000, 3000 find it busy, the last at 3500 resets it (502).
    expect(stopped).toBe(3_500);
    expect(log.answers).toEqual([{ id: 0, status: 502, at: 3_500 }]);
  });

  it('asks its slots where a replacement may go, tells them when it starts and when the old one is gone, and skips one no longer wanted', () => {
    const calls: string[] = [];
    let wanted = true;
    const slots: ReplacementSlots = {
      fits: () => false,
      wanted: () => wanted,
      started: (_old, fresh) => calls.push(`started ${fresh.id}`),
      stopped: () => calls.push(`stopped at ${s.now}`),
    };
    const { s, hosts, balancer, ecs } = service(1, 5, {}, slots);
    const a = ecs.startTask(hosts[0], 'healthy');
    const b = ecs.startTask(hosts[0], 'healthy');
    // No room by the slots (although 2 < 5): A is stopped first (drain check at 2000 finds it idle), then replaced at 61 s.
    s.after(1_000, () => ecs.targetUnhealthy(a));
    s.run();
    expect(calls).toEqual(['stopped at 2000', 'started 2']);
    expect(balancer.targets[2].task.instance).toBe(hosts[0]);
    // B's replacement is due when a scale-in has taken B meanwhile: none starts.
    wanted = false;
    s.after(0, () => ecs.targetUnhealthy(b));
    s.run();
    expect(balancer.targets).toHaveLength(3);
  });
});
