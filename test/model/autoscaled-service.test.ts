import { describe, expect, it } from 'vitest';
import { loadCalibration } from '../../src/calibrate/calibration-file.js';
import { flagLayer } from '../../src/model/autoscaling/policy.js';
import type { ModelParameters } from '../../src/model/parameters.js';
import { resolveSizing, type SizingRequest } from '../../src/model/sizing.js';
import { autoscalingFor, buildStack, type Stack, stackConfig } from '../../src/model/stack.js';
import { predict } from '../../src/prediction/predict.js';
import { loadScenario, validateScenario } from '../../src/scenario/load.js';
import type { LoadProfile, Scenario } from '../../src/scenario/types.js';
import { RngStreams } from '../../src/sim/rng.js';
import { params } from './helpers.js';

/**
 * Autoscaling wired into the stack: the ECS service metric measured on the
 * simulated instances, target tracking, the capacity provider, task start,
 * registration, health checks and deregistration, on small c6a.large stacks
 * (2 vCPU, 5 tasks of 2 workers fit one) with the model's default parameters:
 * 60-s datapoints reaching the alarm 60 s after their minute, task start 60 s,
 * the deployed health checks (every 10 s from each ALB node, 2 to pass), instance
 * boot 120 s, warm-up 300 s.
 */

function pipScenario(profile: LoadProfile, requirements?: number): Scenario {
  return validateScenario(
    {
      name: 'test-autoscaling',
      ...(requirements === undefined ? {} : { requirements }),
      flow: 'pip-root-index',
      profile,
      client: { timeoutSeconds: 15, retries: 5, backoffFactorSeconds: 0.25, retryStatuses: [500, 503, 520, 527], keepAlive: true },
      repository: { projects: 100, versionsPerProject: 3, wheelBytes: 50000, versionPick: 'latest' },
    },
    'test scenario',
  );
}

const LARGE = (instances: number, tasks: number): SizingRequest => ({ instance: 'c6a.large', instances, tasks, workers: 2, workerClass: 'gevent', algorithm: 'round_robin' });

function runStack(request: SizingRequest, scenario: Scenario, p: ModelParameters = params(), settings = {}): Stack {
  const sizing = resolveSizing(request);
  const config = stackConfig(sizing, scenario, p, autoscalingFor(sizing, [flagLayer(settings)]));
  const stack = buildStack(config, p, new RngStreams(1).replication(0));
  stack.workload.start();
  stack.scheduler.run();
  return stack;
}

const sample = (stack: Stack, timeS: number) => stack.autoscaler!.record.tasks.find((t) => t.timeS === timeS)!;
const events = (stack: Stack) => stack.autoscaler!.record.events.map((e) => [e.timeS, e.action, e.fromTasks, e.toTasks, e.fromInstances, e.toInstances]);

describe('autoscaling on the simulated stack', () => {
  it('scales out on the third datapoint above target, to ceil(tasks x metric / target); the new tasks run after the task start, healthy after the checks', () => {
    // 3 tasks (1020 CPU units, 1 vCPU reserved) and 6 pip installs a second: about 89 % of the reservation from the start.
    const stack = runStack(LARGE(1, 3), pipScenario({ executor: 'constant-arrival-rate', installsPerSecond: 6, durationSeconds: 600 }));
    const a = stack.autoscaler!;
    const [m0, m1, m2] = a.serviceMetric.datapoints.map((d) => d.value!);
    expect(Math.min(m0, m1, m2)).toBeGreaterThan(60);
    // Minutes 0, 1, 2 reach the alarm at 120, 180 and 240 s: 3 of 3 at 240 s, never sooner.
    const wanted = Math.ceil((3 * m2) / 60);
    expect(events(stack)[0]).toEqual([240, 'scale-out', 3, wanted, 1, 1]);
    expect(a.record.events[0].metricValue).toBe(m2);
    // Room on the instance (5 fit): placed at once, RUNNING and registered 60 s later.
    const fresh = a.tasks.all.filter((t) => t.id >= 3);
    expect(fresh.map((t) => t.runningAtMs)).toEqual(Array.from({ length: wanted - 3 }, () => 300_000));
    expect(sample(stack, 240)).toMatchObject({ desired: wanted, running: 3, pending: wanted - 3, healthy: 3 });
    // The deployed target group check: every 10 s from each ALB node, 2 successes, from a random phase in the first
    // 10 s (each a walk of the package directory, queued with the traffic): healthy 10 to 20 s after registering, plus
    // the walks' time.
    expect(sample(stack, 300)).toMatchObject({ running: wanted, healthy: 3 });
    expect(sample(stack, 360)).toMatchObject({ running: wanted, healthy: wanted });
    // The same work on more tasks: the metric falls to about 3 x 89 / 5, below the target; nothing more.
    expect(a.serviceMetric.datapoints[6].value!).toBeLessThan(60);
    expect(a.record.events).toHaveLength(1);
  });

  it('measures memory and requests per target as CloudWatch defines them', () => {
    const steady = pipScenario({ executor: 'constant-arrival-rate', installsPerSecond: 8, durationSeconds: 180 });
    // Memory: each task holds gunicorn's master and 2 workers (45 + 2 x 32 MB) and 0.39 MB per request in flight, of 512 MB.
    const memory = runStack(LARGE(1, 3), steady, params(), { metric: 'memory', targetValue: 90 }).autoscaler!;
    expect(memory.serviceMetric.name).toBe('ECSServiceAverageMemoryUtilization');
    for (const d of memory.serviceMetric.datapoints) {
      expect(d.value!).toBeGreaterThan((109 / 512) * 100);
      expect(d.value!).toBeLessThan((112 / 512) * 100);
    }
    // Requests: real pip sends 3 requests per install, 8 installs a second = 1440 a minute over 3 healthy targets.
    const requests = runStack(LARGE(1, 3), steady, params(), { metric: 'requests', targetValue: 1000 }).autoscaler!;
    expect(requests.serviceMetric.name).toBe('ALBRequestCountPerTarget');
    expect(requests.serviceMetric.datapoints[1].value!).toBeCloseTo(480, 0);
    expect(requests.record.events).toEqual([]);
  });

  it('tasks past the instance stay pending until managed scaling has launched an instance and it has booted; a second scale-out waits for the cooldown', () => {
    // 5 tasks fill a c6a.large; 9 installs a second keep it busy: about 96 % of the 5 tasks' reservation.
    const stack = runStack(LARGE(1, 5), pipScenario({ executor: 'constant-arrival-rate', installsPerSecond: 9, durationSeconds: 600 }));
    const a = stack.autoscaler!;
    const m = a.serviceMetric.datapoints.map((d) => d.value!);
    const first = Math.ceil((5 * m[2]) / 60);
    const ev = events(stack);
    // 240 s: 5 -> ceil(5 x m2 / 60); nothing fits. CapacityProviderReservation sampled then: M = 1 + 1 = 2, N = 1: 200 %,
    // reaching its alarm at 300 s (1 datapoint): one instance.
    expect(ev[0]).toEqual([240, 'scale-out', 5, first, 1, 1]);
    expect(ev[1]).toEqual([300, 'instance-launch', first, first, 1, 2]);
    expect(sample(stack, 360)).toMatchObject({ desired: first, running: 5, pending: first - 5, instances: 2 });
    // It joins at 300 + 120 = 420 s; the waiting tasks start on it and run at 480 s.
    const fresh = a.tasks.all.filter((t) => t.id >= 5 && t.id < first);
    expect(fresh.every((t) => t.instance!.index === 1 && t.runningAtMs === 480_000)).toBe(true);
    expect(a.tasks.cluster.instances[1].joinedAtMs).toBe(420_000);
    // The scale-out cooldown (240 .. 540 s) holds the next step: the datapoints at 300 .. 480 s ask for no more than the
    // first scale-out added (from 5 tasks); at 540 s it is over and the still saturated minute scales from the present count.
    expect(ev.filter((e) => e[1] === 'scale-out' && (e[0] as number) > 240 && (e[0] as number) < 540)).toEqual([]);
    expect(ev[2]).toEqual([540, 'scale-out', first, Math.min(10, Math.ceil((first * m[7]) / 60)), 2, 2]);
    // Never above max (2 x 5 tasks, 2 instances).
    expect(Math.max(...a.record.tasks.map((t) => t.desired))).toBeLessThanOrEqual(10);
    expect(a.tasks.cluster.instanceCount).toBe(2);
  });

  it("with the ASG's own CPU policy on the same group, the group's CPU launches the instance: the capacity provider then has nothing to add", () => {
    const stack = runStack(LARGE(1, 5), pipScenario({ executor: 'constant-arrival-rate', installsPerSecond: 9, durationSeconds: 600 }), params(), { asgCpuPolicy: true });
    const a = stack.autoscaler!;
    // The instance's CPU (about 80 % of its 2 vCPUs) is above 60 % from the first minute: 3 of 3 at 240 s, as the service's.
    const launches = a.record.events.filter((e) => e.action === 'instance-launch');
    expect(launches.map((e) => [e.timeS, e.metric, e.fromInstances, e.toInstances])).toEqual([[240, 'CPUUtilization', 1, 2]]);
    expect(a.asgCpu!.metric.datapoints.slice(0, 3).every((d) => d.value! > 60)).toBe(true);
    // CapacityProviderReservation sampled at 240 s (before the launch of the same instant) reads 200 %; when it reaches
    // its alarm at 300 s the group is at its maximum of 2 and managed scaling has nothing to add.
    expect(a.capacity.metric.datapoints.map((d) => d.value)).toContain(200);
    expect(a.capacity.decisions).toEqual([]);
  });

  it('scales in after 15 datapoints below 90 % of the target, to the minimum, not below', () => {
    // 8 installs a second for 6 minutes (the service scales to its maximum of 6), then 1 a second for 25.
    const stack = runStack(
      LARGE(1, 3),
      pipScenario({
        executor: 'ramping-arrival-rate',
        startInstallsPerSecond: 8,
        stages: [
          { durationSeconds: 360, targetInstallsPerSecond: 8 },
          { durationSeconds: 1, targetInstallsPerSecond: 1 },
          { durationSeconds: 1500, targetInstallsPerSecond: 1 },
        ],
      }),
    );
    const a = stack.autoscaler!;
    const values = a.serviceMetric.datapoints.map((d) => d.value!);
    // The 15th datapoint in a row below 54 %, k, reaches the alarm at (k + 1) x 60 + 60 s.
    let run = 0;
    let k = -1;
    for (let i = 0; i < values.length && k < 0; i++) {
      run = values[i] < 54 ? run + 1 : 0;
      if (run === 15) k = i;
    }
    expect(k).toBeGreaterThan(0);
    const scaleIn = a.record.events.find((e) => e.action === 'scale-in')!;
    expect(scaleIn.timeS).toBe((k + 1) * 60 + 60);
    expect([scaleIn.fromTasks, scaleIn.toTasks]).toEqual([a.record.events[0].toTasks, 3]);
    // The two added tasks are deregistered then; idle at 1 install a second, each stops within the deregistration delay.
    const drained = a.tasks.all.filter((t) => t.drainingAtMs !== null);
    expect(drained.map((t) => t.drainingAtMs)).toEqual(drained.map(() => scaleIn.timeS * 1000));
    expect(drained.every((t) => t.stoppedAtMs! - t.drainingAtMs! <= 300_000)).toBe(true);
    expect(Math.min(...a.record.tasks.map((t) => t.desired))).toBe(3);
    expect(a.record.events.filter((e) => e.action === 'scale-in')).toHaveLength(1);
  });

  it('a ramp scales out when theory says: the first minute whose mean rate needs more than the target, plus 3 datapoints and the delay', () => {
    // The metric is proportional to the rate below saturation: measure CPU % per install a second on a constant load.
    const probe = runStack(LARGE(1, 3), pipScenario({ executor: 'constant-arrival-rate', installsPerSecond: 4, durationSeconds: 180 }), params(), { minTasks: 3, maxTasks: 3 });
    const perInstall = probe.autoscaler!.serviceMetric.datapoints.slice(0, 2).reduce((s, d) => s + d.value!, 0) / 2 / 4;
    // Rate 1 -> 12 installs a second over 1200 s (run for 900 s): crosses 60 % at rate 60 / perInstall.
    const slope = 11 / 1200;
    const crossing = (60 / perInstall - 1) / slope;
    const firstMinute = Math.ceil((crossing - 30) / 60); // the first minute whose mid-point rate is past the crossing
    const expected = (firstMinute + 3) * 60 + 60;
    const ramp = runStack(LARGE(1, 3), pipScenario({ executor: 'ramping-arrival-rate', startInstallsPerSecond: 1, stages: [{ durationSeconds: 900, targetInstallsPerSecond: 1 + slope * 900 }] }));
    const first = ramp.autoscaler!.record.summary().firstScaleOutS!;
    // A minute on either side: the crossing minute's own mean may fall either way of the target.
    expect(Math.abs(first - expected)).toBeLessThanOrEqual(60);
  });
});

describe('stickiness while the service scales', () => {
  /** What each request named when it reached the balancer (a cookie still valid, and that target's state then) and where it went. */
  interface Routed {
    atMs: number;
    named: number;
    namedState: string | null;
    target: number;
  }

  function watchRouting(stack: Stack): Routed[] {
    const seen: Routed[] = [];
    const balancer = stack.balancer;
    const durationMs = balancer.config.routing.stickinessDurationMs!;
    const receive = balancer.receive.bind(balancer);
    balancer.receive = (ex) => {
      const now = stack.scheduler.now;
      const named = ex.cookieTarget >= 0 && now - ex.cookieIssuedAt < durationMs ? ex.cookieTarget : -1;
      const namedState = named >= 0 ? balancer.targets[named].state : null;
      receive(ex);
      seen.push({ atMs: now, named, namedState, target: ex.target });
    };
    return seen;
  }

  it('the tasks a scale-out adds get only requests whose cookie names no eligible target; a cookie naming a deregistered task is routed elsewhere', () => {
    // pip installs of 10 projects each (30 requests, one cookie jar per install): 0.6 a second for 6 minutes (about
    // 90 % of the 3 tasks' reservation), then 0.3 (below the scale-in threshold on 6 tasks, below the target on 3).
    const scenario = pipScenario(
      {
        executor: 'ramping-arrival-rate',
        startInstallsPerSecond: 0.6,
        stages: [
          { durationSeconds: 360, targetInstallsPerSecond: 0.6 },
          { durationSeconds: 1, targetInstallsPerSecond: 0.3 },
          { durationSeconds: 1500, targetInstallsPerSecond: 0.3 },
        ],
      },
      10,
    );
    const p = params();
    const sizing = resolveSizing({ ...LARGE(1, 3), stickiness: true });
    const stack = buildStack(stackConfig(sizing, scenario, p, autoscalingFor(sizing, [flagLayer({})])), p, new RngStreams(1).replication(0));
    const seen = watchRouting(stack);
    stack.workload.start();
    stack.scheduler.run();
    const a = stack.autoscaler!;
    const out = a.record.events.find((e) => e.action === 'scale-out')!;
    const scaleIn = a.record.events.find((e) => e.action === 'scale-in')!;
    expect(out.toTasks).toBeGreaterThan(3);
    expect(scaleIn.timeS).toBeGreaterThan(out.timeS);
    // Stickiness holds throughout: a valid cookie naming a healthy target always goes there.
    expect(seen.filter((r) => r.namedState === 'healthy' && r.target !== r.named)).toEqual([]);
    // The added tasks: each one's first request named nobody (or a target that could not take it), as every request
    // that reached it naming another target did.
    const fresh = new Set(a.tasks.all.filter((t) => t.id >= 3 && t.runningAtMs !== null).map((t) => t.handle!.id));
    const toFresh = seen.filter((r) => fresh.has(r.target));
    expect(toFresh.length).toBeGreaterThan(0);
    for (const id of fresh) expect(toFresh.find((r) => r.target === id)).toMatchObject({ named: -1 });
    expect(toFresh.filter((r) => r.named >= 0 && r.named !== r.target && r.namedState === 'healthy')).toEqual([]);
    // The scale-in deregisters through the balancer's drain: from then on no request reaches those targets.
    const drained = a.tasks.all.filter((t) => t.drainingAtMs !== null);
    expect(drained.length).toBeGreaterThan(0);
    for (const t of drained) {
      const target = t.handle!;
      expect(target.state).toBe('draining');
      expect(seen.filter((r) => r.target === target.id && r.atMs >= t.drainingAtMs!)).toEqual([]);
    }
  });

  it('overloaded, ECS replaces tasks while the service scales: a replacement takes the slot its predecessor leaves (never more tasks on an instance than fit), and cookies naming a replaced task are re-placed', () => {
    // 1.6 installs of 10 projects a second: the instance saturates, the target group's checks (directory walks queued
    // behind the traffic) time out, and ECS replaces tasks while target tracking adds more.
    const scenario = pipScenario({ executor: 'constant-arrival-rate', installsPerSecond: 1.6, durationSeconds: 720 }, 10);
    const p = params();
    const sizing = resolveSizing({ ...LARGE(1, 3), stickiness: true });
    const stack = buildStack(stackConfig(sizing, scenario, p, autoscalingFor(sizing, [flagLayer({})])), p, new RngStreams(1).replication(0));
    const seen = watchRouting(stack);
    const a = stack.autoscaler!;
    let mostOnOne = 0;
    const look = () => {
      for (const i of a.tasks.cluster.instances) mostOnOne = Math.max(mostOnOne, i.tasks);
      if (stack.scheduler.now < 720_000) stack.scheduler.after(100, look);
    };
    stack.scheduler.after(0, look);
    stack.workload.start();
    stack.scheduler.run();
    expect(stack.ecs.replacements).toBeGreaterThan(0);
    expect(a.record.events.some((e) => e.action === 'scale-out')).toBe(true);
    expect(mostOnOne).toBe(a.tasks.cluster.maxTasksPerInstance);
    // Deregistered targets are never a cookie's destination: the request is re-placed, and counted.
    const rerouted = seen.filter((r) => r.namedState === 'draining');
    expect(rerouted.length).toBeGreaterThan(0);
    expect(rerouted.every((r) => r.target !== r.named)).toBe(true);
    expect(seen.filter((r) => r.namedState === 'healthy' && r.target !== r.named)).toEqual([]);
    expect(stack.balancer.stickyReplacements).toBeGreaterThanOrEqual(rerouted.length);
  });
});

describe('the seed tool against the final sizing (published calibration)', () => {
  const calibration = loadCalibration();
  const sizing = resolveSizing({ instance: 'c6a.xlarge', tasks: 12, workers: 4, workerClass: 'gevent', algorithm: 'round_robin' });
  const incident = loadScenario('production-incident');
  // The order of the report's tool (a burst at iteration 0, then every 6th) as well as the shipped scenario's.
  const burstFirst: Scenario = { ...incident, profile: { ...incident.profile, firstBurstIteration: 0 } as LoadProfile };

  for (const [name, scenario] of [
    ['production-incident', incident],
    ['a burst at iteration 0', burstFirst],
  ] as const) {
    it(`${name}: one-minute bursts never give 3 datapoints above 60 %: no scale-out in 5 minutes`, () => {
      const p = predict({ sizing, scenario, params: calibration.params, calibration: 'published-2025', replications: 3, seed: 1 });
      const a = p.autoscaling!;
      expect(a.summary.firstScaleOutS.n).toBe(0);
      expect(a.summary.scaleOuts.mean).toBe(0);
      // A minute's burst and baseline come to about 30 % of the 12 tasks' 7.5 reserved vCPUs (README), the last
      // minute far less: never 3 datapoints in a row above the target.
      const values = a.metric.map((d) => d.value!);
      expect(values.some((v, i) => i >= 2 && v > 60 && values[i - 1] > 60 && values[i - 2] > 60)).toBe(false);
      expect(a.summary.metricPeak.mean).toBeLessThan(65);
      expect(Math.min(...values)).toBeLessThan(45);
      // And even a breaching minute would need two more: the fifth datapoint arrives at 360 s, after the run.
      expect(a.metric.length).toBeLessThanOrEqual(5);
      expect(a.tasks.every((t) => t.desired === 12 && t.running === 12)).toBe(true);
    });
  }
});
