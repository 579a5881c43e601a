import { UserError } from '../errors.js';
import type { Scheduler } from '../sim/scheduler.js';
import { type Autoscaler, buildAutoscaler, type ScalingSources, type ScalingTiming } from './autoscaling/autoscaler.js';
import type { MetricSource } from './autoscaling/cloudwatch-metric.js';
import type { ClusterInstance } from './autoscaling/cluster-capacity.js';
import type { AutoscalingPolicy, ScaleMetric } from './autoscaling/policy.js';
import type { LoadBalancer } from './balancer/load-balancer.js';
import type { Target } from './balancer/target.js';
import { EcsService, type EcsServiceOptions } from './ecs-service.js';
import type { Instance } from './instance.js';
import type { ModelUnits } from './parameters.js';

/** AWS's timing of the policies, from the model parameters, in the model's units (ms). */
export function scalingTiming(u: ModelUnits): ScalingTiming {
  const minStep = u.value('capacity.minScalingStep');
  const maxStep = u.value('capacity.maxScalingStep');
  if (minStep > maxStep) throw new UserError(`capacity.minScalingStep (${minStep}) is above capacity.maxScalingStep (${maxStep})`);
  return {
    metricPeriodMs: u.ms('autoscaling.metricPeriodS'),
    metricLatencyMs: u.ms('autoscaling.metricDelayS'),
    scaleOutDatapoints: u.value('autoscaling.scaleOutDatapoints'),
    scaleInDatapoints: u.value('autoscaling.scaleInDatapoints'),
    scaleInThresholdFraction: u.value('autoscaling.scaleInThresholdFraction'),
    taskStartMs: u.ms('ecs.taskStartS'),
    capacity: {
      targetPercent: u.value('capacity.targetCapacityPercent'),
      minStep,
      maxStep,
      scaleOutDatapoints: u.value('capacity.scaleOutDatapoints'),
      scaleInDatapoints: u.value('capacity.scaleInDatapoints'),
      warmupMs: u.ms('capacity.instanceWarmupS'),
      bootMs: u.ms('capacity.instanceBootS'),
      // ECS computes CapacityProviderReservation once a minute and sends it like its service metrics.
      periodMs: 60_000,
      latencyMs: u.ms('autoscaling.metricDelayS'),
    },
    asgCpuTargetPercent: u.value('capacity.asgCpuTargetPercent'),
  };
}

export interface AutoscaledServiceOptions {
  ecs: EcsServiceOptions;
  scheduler: Scheduler;
  balancer: LoadBalancer;
  policy: AutoscalingPolicy;
  timing: ScalingTiming;
  /** The stack's instances: the initial ones; instances that join are appended (the sampler ticks them). */
  instances: Instance[];
  /** Creates the model of the instance with launch index `index` when it joins. */
  createInstance(index: number): Instance;
  /** Reservation of one task: container_cpu in vCPUs, container_memory in MB. */
  taskCpuCores: number;
  taskMemoryMb: number;
  initialTasksPerInstance: readonly number[];
  maxTasksPerInstance: number;
}

export interface AutoscaledService {
  ecs: EcsService;
  autoscaler: Autoscaler<Target>;
  /** Stops the autoscaler's timers (the run is over). */
  stop(): void;
}

/**
 * The ECS service with autoscaling: the service's tasks and the cluster's
 * slots (src/model/autoscaling/) on the stack's instances, tasks and target
 * group. A task autoscaling adds is a task of the EcsService (registered,
 * health-checked, replaced when unhealthy); a scale-in deregisters it with the
 * target group's deregistration delay; an instance that joins becomes a stack
 * instance. The metrics read the stack: CPU core-ms of the instances (only the
 * service's workers run there), the tasks' memory, the target group's requests
 * and healthy targets (docs/autoscaling.md).
 */
export function autoscaledService(o: AutoscaledServiceOptions): AutoscaledService {
  const { scheduler, instances } = o;
  const byIndex = new Map<number, Instance>(instances.map((instance, i) => [i, instance]));
  const indexOf = new Map<Instance, number>(instances.map((instance, i) => [instance, i]));
  // The service and its autoscaler refer to each other: the autoscaler is set right below, before anything runs.
  let autoscaler: Autoscaler<Target> | null = null;
  const scaled = (): Autoscaler<Target> => autoscaler!;
  const clusterOf = (instance: Instance): ClusterInstance => scaled().tasks.cluster.instances[indexOf.get(instance)!];
  const ecs = new EcsService({
    ...o.ecs,
    slots: {
      fits: (instance) => {
        const c = clusterOf(instance);
        return c.state === 'active' && c.tasks < o.maxTasksPerInstance;
      },
      placed: (instance) => {
        clusterOf(instance).tasks++;
      },
      wanted: (replaces) => scaled().tasks.keeps(replaces),
      started: (replaces, fresh) => scaled().tasks.replaced(replaces, fresh, clusterOf(fresh.task.instance)),
      released: (instance) => scaled().tasks.cluster.release(clusterOf(instance)),
    },
  });
  let healthyTargetMs = 0;
  let healthySampling: number | null = null;
  const sampleHealthy = (): void => {
    let healthy = 0;
    for (const t of o.balancer.targets) if (t.state === 'healthy') healthy++;
    healthyTargetMs += healthy * 1000;
    healthySampling = scheduler.after(1000, sampleHealthy);
  };
  const coreMsUsed = (now: number) => {
    let used = 0;
    for (const instance of instances) used += instance.cpu.coreMsUsed(now);
    return used;
  };
  const sources: ScalingSources = {
    service: (metric: ScaleMetric, tasks): MetricSource => {
      const taskMs = (now: number) => tasks.taskHours(now) * 3_600_000;
      switch (metric) {
        case 'cpu':
          return { read: (now) => ({ numerator: coreMsUsed(now), denominator: taskMs(now) * o.taskCpuCores }) };
        case 'memory':
          return {
            read: (now) => {
              let used = 0;
              for (const instance of instances) used += instance.taskMemoryMbMs(now);
              return { numerator: used, denominator: taskMs(now) * o.taskMemoryMb };
            },
          };
        case 'requests':
          healthySampling = scheduler.after(0, sampleHealthy);
          return {
            read: () => {
              let requests = 0;
              for (const t of o.balancer.targets) requests += t.requests;
              return { numerator: requests, denominator: healthyTargetMs };
            },
          };
      }
    },
    instanceCpu: (cluster) => ({
      read: (now) => {
        let vcpuMs = 0;
        for (const c of cluster.instances) {
          if (c.joinedAtMs === null) continue;
          vcpuMs += byIndex.get(c.index)!.type.vcpus * (Math.min(now, c.terminatedAtMs ?? now) - c.joinedAtMs);
        }
        return { numerator: coreMsUsed(now), denominator: vcpuMs };
      },
    }),
  };
  autoscaler = buildAutoscaler<Target>(scheduler, {
    policy: o.policy,
    timing: o.timing,
    maxTasksPerInstance: o.maxTasksPerInstance,
    initialTasksPerInstance: o.initialTasksPerInstance,
    runtime: {
      run: (instance) => ecs.startTask(byIndex.get(instance.index)!, 'initial'),
      isHealthy: (target) => target.state === 'healthy',
      isDraining: (target) => target.state === 'draining',
      // The target group's one deregistration, with its deregistration delay (alb.deregistrationDelayS): no new
      // requests, in-flight ones finish for at most the delay; then ECS stops the task.
      drain: (target, done) =>
        o.balancer.drain(target, o.balancer.config.deregistrationDelayMs, () => {
          target.task.kill();
          done();
        }),
    },
    sources,
    onInstanceJoined: (index) => {
      const instance = o.createInstance(index);
      // A run that keeps the instances' 1-s samples (for the report) keeps those of a joining one too.
      if (instances[0]?.recordsSeries) instance.recordSeries();
      byIndex.set(index, instance);
      indexOf.set(instance, index);
      instances.push(instance);
    },
  });
  return {
    ecs,
    autoscaler,
    stop() {
      scaled().stop();
      if (healthySampling !== null) scheduler.cancel(healthySampling);
    },
  };
}
