import { describe, expect, it } from 'vitest';
import { LoadBalancer } from '../../src/model/balancer/load-balancer.js';
import { EcsService, type TaskTemplate } from '../../src/model/ecs-service.js';
import { Scheduler } from '../../src/sim/scheduler.js';
import { albConfig, AnswerLog, cpuOnly, instance, machine, request, TASK_TEMPLATE } from './parts.js';

function service(instances: number, maxTasksPerInstance: number, template: Partial<TaskTemplate> = {}) {
  const s = new Scheduler();
  const hosts = Array.from({ length: instances }, () => instance(s, machine(1)));
  const balancer = new LoadBalancer({ scheduler: s, config: albConfig(), clientTimeoutMs: 30_000, routingRng: () => 0, surgeRng: () => 0, healthRng: () => 0 });
  const ecs = new EcsService({ scheduler: s, balancer, instances: hosts, task: { ...TASK_TEMPLATE, ...template }, maxTasksPerInstance, taskStartMs: 60_000 });
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
});
