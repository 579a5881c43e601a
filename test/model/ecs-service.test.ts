import { describe, expect, it } from 'vitest';
import { type BalancerClient, LoadBalancer } from '../../src/model/balancer/load-balancer.js';
import { newExchange } from '../../src/model/exchange.js';
import { EcsService, type ReplacementSlots, type TaskTemplate } from '../../src/model/ecs-service.js';
import type { HealthCheckConfig } from '../../src/model/health-probe.js';
import { Scheduler } from '../../src/sim/scheduler.js';
import { albConfig, AnswerLog, ClientLog, connection, cpuOnly, instance, machine, request, TASK_TEMPLATE } from './parts.js';

function service(
  instances: number,
  maxTasksPerInstance: number,
  options: { template?: Partial<TaskTemplate>; deregistrationDelayMs?: number; containerHealth?: HealthCheckConfig; checkPhase?: number; slots?: ReplacementSlots } = {},
) {
  const s = new Scheduler();
  const hosts = Array.from({ length: instances }, () => instance(s, machine(1)));
  const config = albConfig({ deregistrationDelayMs: options.deregistrationDelayMs ?? 300_000 });
  const balancer = new LoadBalancer({ scheduler: s, config, clientTimeoutMs: 30_000, routingRng: () => 0, surgeRng: () => 0, healthRng: () => 0 });
  const ecs = new EcsService({
    scheduler: s,
    balancer,
    instances: hosts,
    task: { ...TASK_TEMPLATE, ...options.template },
    maxTasksPerInstance,
    taskStartMs: 60_000,
    containerHealth: options.containerHealth ?? null,
    healthRng: () => options.checkPhase ?? 0,
    slots: options.slots,
  });
  const client = new ClientLog(s);
  let id = 0;
  /** A client request through the balancer at `at` (the balancer's latency is 2 ms: 1 each way). */
  const send = (at: number) => s.after(at, () => balancer.receive(newExchange<BalancerClient>(id++, 'simple', balancer, connection(id), client, s.now)));
  return { s, hosts, balancer, ecs, client, send };
}

describe('ECS service', () => {
  it('replaces an unhealthy task start-first: the replacement registers after the start delay, the old one is deregistered once it is healthy', () => {
    const { s, hosts, balancer, ecs } = service(1, 2);
    const old = ecs.startTask(hosts[0], 'healthy');
    s.after(1_000, () => ecs.targetUnhealthy(old));
    s.run();
    // Room on the instance (1 of 2): the old task keeps running while the replacement starts, at 61 s.
    expect(balancer.targets.map((t) => t.state)).toEqual(['healthy', 'initial']);
    expect(ecs.replacements).toBe(1);
    expect(hosts[0].taskCount).toBe(2);
    const fresh = balancer.targets[1];
    const at = s.now;
    s.after(0, () => ecs.targetHealthy(fresh));
    const alive: boolean[] = [];
    s.after(1, () => alive.push(old.task.alive));
    s.run();
    // Nothing in flight: the deregistration completes at once and the old task stops.
    expect(at).toBe(61_000);
    expect(old.state).toBe('draining');
    expect(alive).toEqual([false]);
    expect(hosts[0].taskCount).toBe(1);
  });

  it('with no room anywhere it deregisters the unhealthy task first and starts the replacement in its place once it has stopped', () => {
    const { s, hosts, balancer, ecs, client, send } = service(1, 1, { template: { demands: cpuOnly(2_500) } });
    const old = ecs.startTask(hosts[0], 'healthy');
    send(0);
    s.after(10, () => ecs.targetUnhealthy(old));
    const registered: number[] = [];
    for (const at of [62_500, 62_502]) s.after(at, () => registered.push(balancer.targets.length));
    s.run();
    // The old task finishes its request (forwarded at 1 ms, 2.5 s of CPU: answered at 2501), stops at once, and the
    // replacement registers 60 s later, at 62 501, on the same instance.
    expect(client.answers).toEqual([{ id: 0, status: 200, at: 2_501, target: 0 }]);
    expect(old.task.alive).toBe(false);
    expect(registered).toEqual([1, 2]);
    expect(balancer.targets[1].task.instance).toBe(hosts[0]);
    expect(hosts[0].taskCount).toBe(1);
  });

  it('a deregistered task still holding requests after the deregistration delay is stopped: what is left is reset', () => {
    const { s, hosts, ecs, client, send } = service(1, 1, { template: { demands: cpuOnly(10_000) }, deregistrationDelayMs: 4_000 });
    const old = ecs.startTask(hosts[0], 'healthy');
    send(0);
    s.after(1_000, () => ecs.targetUnhealthy(old));
    s.run();
    expect(client.answers).toEqual([{ id: 0, status: 502, at: 5_000, target: 0 }]);
  });

  it('replaces an OOM-killed task: it is deregistered at once (its requests reset) and a new one starts after the start delay', () => {
    const { s, hosts, balancer, ecs } = service(2, 1, { template: { containerMemoryMb: 100, memory: { baseMb: 90, perWorkerMb: 0, perInFlightMb: 20 } } });
    const first = ecs.startTask(hosts[0], 'healthy');
    ecs.startTask(hosts[1], 'healthy');
    const log = new AnswerLog(s);
    s.after(5, () => first.task.accept(request(0, 'simple', log, null, 5)));
    const registered: number[] = [];
    for (const at of [60_004, 60_006]) s.after(at, () => registered.push(balancer.targets.length));
    s.run();
    expect(log.answers).toEqual([{ id: 0, status: 502, at: 5 }]);
    expect(first.task.alive).toBe(false);
    expect(first.state).toBe('draining');
    expect(ecs.replacements).toBe(1);
    expect(registered).toEqual([2, 3]);
    expect(balancer.targets[2].task.instance).toBe(hosts[0]);
    expect(balancer.targets[2].state).toBe('initial');
  });

  it('replaces a task whose container health check fails three times in a row (30 s apart, 5 s timeout)', () => {
    const containerHealth = { intervalMs: 30_000, timeoutMs: 5_000, healthyThreshold: 1, unhealthyThreshold: 3 };
    // One sync worker busy for 100 s: every check waits behind it.
    const { s, hosts, balancer, ecs } = service(1, 2, { template: { demands: cpuOnly(100_000, { health: 10 }), gunicorn: { ...TASK_TEMPLATE.gunicorn, timeoutMs: 1e9 } }, containerHealth, checkPhase: 0.1 });
    const old = ecs.startTask(hosts[0], 'healthy');
    const log = new AnswerLog(s);
    s.after(0, () => old.task.accept(request(0, 'simple', log, null, 0)));
    const seen: Array<{ at: number; targets: number }> = [];
    const decided: number[] = [];
    const replace = ecs.replace.bind(ecs);
    ecs.replace = (t) => (decided.push(s.now), replace(t));
    const seenAt = (at: number) => s.after(at, () => seen.push({ at, targets: balancer.targets.length }));
    [67_999, 68_001, 127_999, 128_001].forEach(seenAt);
    s.after(130_000, () => ecs.stop());
    s.run();
    // Checks at 3, 33 and 63 s (phase 0.1) time out at 8, 38 and 68 s: ECS decides at 68 s, the replacement registers at 128 s.
    expect(decided).toEqual([68_000]);
    expect(seen.map((x) => x.targets)).toEqual([1, 1, 1, 2]);
    expect(ecs.replacements).toBe(1);
  });

  it('starts no replacement once the run is over', () => {
    const { s, hosts, balancer, ecs } = service(1, 2);
    const old = ecs.startTask(hosts[0], 'healthy');
    s.after(1_000, () => ecs.targetUnhealthy(old));
    s.after(2_000, () => ecs.stop());
    s.run();
    expect(balancer.targets).toHaveLength(1);
  });

  it('asks its slots where a replacement may go and tells them what it placed, started and released; skips one no longer wanted', () => {
    const calls: string[] = [];
    let wanted = true;
    let s!: Scheduler;
    const slots: ReplacementSlots = {
      fits: () => false,
      placed: () => calls.push(`placed at ${s.now}`),
      wanted: () => wanted,
      started: (replaces, fresh) => calls.push(`started ${fresh.id} for ${replaces.id} at ${s.now}`),
      released: () => calls.push(`released at ${s.now}`),
    };
    const built = service(1, 5, { slots });
    s = built.s;
    const { hosts, balancer, ecs } = built;
    const a = ecs.startTask(hosts[0], 'healthy');
    const b = ecs.startTask(hosts[0], 'healthy');
    // No room by the slots (although 2 < 5): A is deregistered first; idle, it stops at once (1000) and hands its slot
    // to the replacement (nothing is released or placed: no other task can take it meanwhile), which starts at 61 s.
    s.after(1_000, () => ecs.targetUnhealthy(a));
    s.run();
    expect(calls).toEqual(['started 2 for 0 at 61000']);
    expect(balancer.targets[2].task.instance).toBe(hosts[0]);
    // B's replacement is due when a scale-in has taken B meanwhile: none starts, the slot it held is freed.
    calls.length = 0;
    wanted = false;
    const t = s.now;
    s.after(0, () => ecs.targetUnhealthy(b));
    s.run();
    expect(balancer.targets).toHaveLength(3);
    expect(calls).toEqual([`released at ${t + 60_000}`]);
  });
});
