import type { RngStreams } from '../sim/rng.js';
import { Scheduler } from '../sim/scheduler.js';
import { installKinds, kindPicker, longestClientTimeoutSeconds } from '../scenario/flow-mix.js';
import { FLOWS, flowForRequirements, type OperationName } from '../scenario/flows.js';
import type { Scenario } from '../scenario/types.js';
import { autoscaledService, scalingTiming } from './autoscaled-service.js';
import type { Autoscaler } from './autoscaling/autoscaler.js';
import { type AutoscalingPolicy, resolveAutoscaling, type SettingsLayer } from './autoscaling/policy.js';
import { balancerConfig, type BalancerConfig } from './balancer/config.js';
import type { Target } from './balancer/target.js';
import { LoadBalancer } from './balancer/load-balancer.js';
import { ClientPopulation } from './clients.js';
import { EcsService, type EcsServiceOptions } from './ecs-service.js';
import { Instance } from './instance.js';
import { ModelUnits, type ModelParameters } from './parameters.js';
import { RunRecorder } from './recorder.js';
import type { RequestObserver } from './request-observer.js';
import { InstanceSampler } from './sampler.js';
import { repositoryWorkingSetMb, requestDemands, type ServiceCosts } from './service-demand.js';
import type { ResolvedSizing } from './sizing.js';
import { Storage, type StorageKind, type StorageOptions } from './storage.js';
import { Workload } from './workload.js';

/** What a stack is built from: the sizing, the traffic, the balancer resolved for both, and the autoscaling deployed. */
export interface StackConfig {
  sizing: ResolvedSizing;
  scenario: Scenario;
  balancer: BalancerConfig;
  autoscaling: AutoscalingPolicy;
}

/** The autoscaling policy of a sizing: the module's defaults, changed by `layers` (a calibration file's section, flags). */
export function autoscalingFor(sizing: ResolvedSizing, layers: readonly SettingsLayer[] = []): AutoscalingPolicy {
  const p = sizing.placement;
  return resolveAutoscaling(layers, { tasks: p.tasks, instances: p.instances, maxTasksPerInstance: p.maxTasksPerInstance, stackKind: sizing.stackKind });
}

/**
 * A stack config for a sizing and scenario under `params` (the balancer resolved once, here); autoscaling
 * as given, else the module's defaults for the sizing (on for AWS sizings).
 */
export function stackConfig(sizing: ResolvedSizing, scenario: Scenario, params: ModelParameters, autoscaling: AutoscalingPolicy = autoscalingFor(sizing)): StackConfig {
  return { sizing, scenario, balancer: balancerConfig(sizing, params), autoscaling };
}

/** The parts of one simulated stack, wired and ready to run. */
export interface Stack {
  scheduler: Scheduler;
  recorder: RunRecorder;
  balancer: LoadBalancer;
  clients: ClientPopulation;
  instances: Instance[];
  ecs: EcsService;
  /** Service and instance autoscaling (null when off). */
  autoscaler: Autoscaler<Target> | null;
  workload: Workload;
}

/** pypiserver's per-request work, in the model's units. */
export function serviceCosts(u: ModelUnits): ServiceCosts {
  return {
    requestCpuMs: u.ms('service.requestCpuMs'),
    walkCpuPerFileMs: u.ms('service.walkCpuPerFileMs'),
    hashCpuMsPerMB: u.value('service.hashCpuMsPerMB'),
    sendCpuMsPerMB: u.value('service.sendCpuMsPerMB'),
    redirectWalks: u.value('service.redirectWalks'),
    simpleWalks: u.value('service.simpleWalks'),
    wheelWalks: u.value('service.wheelWalks'),
    healthWalks: u.value('service.healthWalks'),
  };
}

/** The file server of a storage kind, in the model's units. */
export function storageOptions(kind: StorageKind, u: ModelUnits): StorageOptions {
  const local = kind === 'local';
  return {
    kind,
    attrCacheMissRate: local ? 0 : u.value('storage.attrCacheMissRate'),
    readdirMissRate: local ? 0 : u.value('storage.readdirMissRate'),
    metadataLatencyMs: local ? u.ms('storage.localMetadataLatencyMs') : u.ms('storage.nfsMetadataLatencyMs'),
    readLatencyMs: local ? u.ms('storage.localReadLatencyMs') : u.ms('storage.nfsReadLatencyMs'),
    latencyCv: u.value('storage.nfsLatencyCv'),
    throughputMBps: u.value('storage.nfsThroughputMBps'),
  };
}

/**
 * Builds the stack of one replication (docs/model.md, "One stack, assembled in one place"): every part gets its options (in the
 * model's units, converted here once) and the interfaces it talks to at
 * construction; `rng` gives each component its own named stream. The tasks
 * are placed ECS-spread (task k on instance k mod n, so targets interleave
 * across instances) and registered healthy, as before a test.
 */
export function buildStack(config: StackConfig, params: ModelParameters, rng: RngStreams, observer?: RequestObserver): Stack {
  const { sizing, scenario } = config;
  const u = new ModelUnits(params);
  const scheduler = new Scheduler();
  // The kinds of install (one, or a flow mix), each flow once per requirement; the recorder measures each
  // operation name once, in the order the kinds' flows first name them.
  const kinds = installKinds(scenario).map((kind) => ({ kind, flow: flowForRequirements(FLOWS[kind.flow], scenario.requirements) }));
  const operationNames: OperationName[] = [];
  for (const { flow } of kinds) for (const step of flow.steps) if (!operationNames.includes(step.operation)) operationNames.push(step.operation);
  const recorder = new RunRecorder(operationNames);
  const balancer = new LoadBalancer({
    scheduler,
    config: config.balancer,
    clientTimeoutMs: longestClientTimeoutSeconds(scenario) * 1000,
    routingRng: rng.stream('alb'),
    surgeRng: rng.stream('surge'),
    healthRng: rng.stream('health'),
  });
  const clients = new ClientPopulation({
    scheduler,
    balancer,
    kinds: kinds.map(({ kind, flow }) => ({ flow, behaviour: kind.client, operations: flow.steps.map((step) => operationNames.indexOf(step.operation)) })),
    pick: kindPicker(scenario, rng.stream('flows')),
    recorder,
    rttMs: u.ms('client.rttMs'),
    connectTimeoutMs: u.ms('client.connectTimeoutS'),
    burstDispatchMsPerInstall: u.ms('client.burstDispatchMsPerInstall'),
    routingRng: rng.stream('routing'),
    observer,
  });
  const storage = new Storage(storageOptions(sizing.storage, u));
  const workingSetMb = repositoryWorkingSetMb(scenario.repository, u.mb('storage.metadataKBPerFile'));
  const memory = {
    osOverheadMb: u.mb('memory.osOverheadMb'),
    minFreeMb: u.mb('memory.minFreeMb'),
    swapMb: u.mb('memory.swapMb'),
    swapStallPerFraction: u.value('memory.swapStallPerFraction'),
  };
  const createInstance = (i: number) =>
    new Instance({
      name: `${sizing.instanceType.name}#${i + 1}`,
      type: sizing.instanceType,
      scheduler,
      workingSetMb,
      memory,
      creditInitialFraction: u.value('cpu.creditInitialFraction'),
      contentionOverhead: u.value('cpu.contentionOverhead'),
      smtGain: u.value('cpu.smtGain'),
    });
  const instances = sizing.placement.tasksPerInstance.map((_, i) => createInstance(i));
  const geventCpuMs = sizing.workerClass === 'gevent' ? u.ms('gunicorn.geventCpuMs') : 0;
  const ecsOptions: EcsServiceOptions = {
    scheduler,
    balancer,
    instances,
    maxTasksPerInstance: sizing.placement.maxTasksPerInstance,
    taskStartMs: u.ms('ecs.taskStartS'),
    // ECS's container check exists where ECS does (not on a machine of your own).
    containerHealth:
      sizing.stackKind === 'aws'
        ? {
            intervalMs: u.ms('ecs.containerHealthIntervalS'),
            timeoutMs: u.ms('ecs.containerHealthTimeoutS'),
            healthyThreshold: 1,
            unhealthyThreshold: u.value('ecs.containerHealthRetries'),
          }
        : null,
    healthRng: rng.stream('container-health'),
    task: {
      workers: sizing.workers,
      workerClass: sizing.workerClass,
      containerMemoryMb: sizing.placement.containerMemoryMb,
      gunicorn: {
        backlog: u.value('gunicorn.backlog'),
        timeoutMs: u.ms('gunicorn.timeoutS'),
        workerConnections: u.value('gunicorn.workerConnections'),
        workerRestartMs: u.ms('gunicorn.workerRestartMs'),
      },
      memory: { baseMb: u.mb('memory.taskBaseMb'), perWorkerMb: u.mb('memory.perWorkerMb'), perInFlightMb: u.mb('memory.perInFlightKB') },
      demands: requestDemands(scenario.repository, serviceCosts(u), geventCpuMs, u.value('service.cpuCv'), sizing.instanceType.coreSpeed),
      storage,
      serviceRng: rng.stream('service'),
      ioRng: rng.stream('io'),
    },
  };
  const scaled = config.autoscaling.enabled
    ? autoscaledService({
        ecs: ecsOptions,
        scheduler,
        balancer,
        policy: config.autoscaling,
        timing: scalingTiming(u),
        instances,
        createInstance,
        taskCpuCores: sizing.placement.containerCpu / 1024,
        taskMemoryMb: sizing.placement.containerMemoryMb,
        initialTasksPerInstance: sizing.placement.tasksPerInstance,
        maxTasksPerInstance: sizing.placement.maxTasksPerInstance,
      })
    : null;
  const ecs = scaled ? scaled.ecs : new EcsService(ecsOptions);
  const perInstance = sizing.placement.tasksPerInstance.slice();
  for (let placed = 0, i = 0; placed < sizing.placement.tasks; i = (i + 1) % instances.length) {
    if (perInstance[i] > 0) {
      perInstance[i]--;
      const target = ecs.startTask(instances[i], 'healthy');
      scaled?.autoscaler.tasks.adopt(i, target);
      placed++;
    }
  }
  const sampler = new InstanceSampler(scheduler, instances);
  const workload = new Workload({
    scheduler,
    profile: scenario.profile,
    runner: clients,
    spreadMs: u.ms('client.burstSpreadMs'),
    spreadRng: rng.stream('arrivals'),
    listener: {
      burstChanged: (active) => {
        balancer.setBurstActive(active);
        recorder.burstChanged(scheduler.now, active);
      },
      finished: () => {
        balancer.stop();
        ecs.stop();
        scaled?.stop();
        sampler.stop();
      },
    },
  });
  return { scheduler, recorder, balancer, clients, instances, ecs, autoscaler: scaled?.autoscaler ?? null, workload };
}
