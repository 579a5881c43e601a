import type { RngStreams } from '../sim/rng.js';
import { Scheduler } from '../sim/scheduler.js';
import { FLOWS, flowForRequirements } from '../scenario/flows.js';
import type { Scenario } from '../scenario/types.js';
import { balancerConfig, type BalancerConfig } from './balancer/config.js';
import { LoadBalancer } from './balancer/load-balancer.js';
import { ClientPopulation } from './clients.js';
import { EcsService } from './ecs-service.js';
import { Instance } from './instance.js';
import { ModelUnits, type ModelParameters } from './parameters.js';
import { RunRecorder } from './recorder.js';
import { InstanceSampler } from './sampler.js';
import { repositoryWorkingSetMb, requestDemands, type ServiceCosts } from './service-demand.js';
import type { ResolvedSizing } from './sizing.js';
import { Storage, type StorageKind, type StorageOptions } from './storage.js';
import { Workload } from './workload.js';

/** What a stack is built from: the sizing, the traffic, and the balancer resolved for both. */
export interface StackConfig {
  sizing: ResolvedSizing;
  scenario: Scenario;
  balancer: BalancerConfig;
}

/** A stack config for a sizing and scenario under `params` (the balancer resolved once, here). */
export function stackConfig(sizing: ResolvedSizing, scenario: Scenario, params: ModelParameters): StackConfig {
  return { sizing, scenario, balancer: balancerConfig(sizing, params) };
}

/** The parts of one simulated stack, wired and ready to run. */
export interface Stack {
  scheduler: Scheduler;
  recorder: RunRecorder;
  balancer: LoadBalancer;
  clients: ClientPopulation;
  instances: Instance[];
  ecs: EcsService;
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
export function buildStack(config: StackConfig, params: ModelParameters, rng: RngStreams): Stack {
  const { sizing, scenario } = config;
  const u = new ModelUnits(params);
  const scheduler = new Scheduler();
  const flow = flowForRequirements(FLOWS[scenario.flow], scenario.requirements);
  const recorder = new RunRecorder(flow.steps.map((s) => s.operation));
  const balancer = new LoadBalancer({
    scheduler,
    config: config.balancer,
    clientTimeoutMs: scenario.client.timeoutSeconds * 1000,
    routingRng: rng.stream('alb'),
    surgeRng: rng.stream('surge'),
    healthRng: rng.stream('health'),
  });
  const clients = new ClientPopulation({
    scheduler,
    balancer,
    flow,
    behaviour: scenario.client,
    recorder,
    rttMs: u.ms('client.rttMs'),
    connectTimeoutMs: u.ms('client.connectTimeoutS'),
    burstDispatchMsPerInstall: u.ms('client.burstDispatchMsPerInstall'),
    routingRng: rng.stream('routing'),
  });
  const storage = new Storage(storageOptions(sizing.storage, u));
  const workingSetMb = repositoryWorkingSetMb(scenario.repository, u.mb('storage.metadataKBPerFile'));
  const memory = {
    osOverheadMb: u.mb('memory.osOverheadMb'),
    minFreeMb: u.mb('memory.minFreeMb'),
    swapMb: u.mb('memory.swapMb'),
    swapStallPerFraction: u.value('memory.swapStallPerFraction'),
  };
  const instances = sizing.placement.tasksPerInstance.map(
    (_, i) =>
      new Instance({
        name: `${sizing.instanceType.name}#${i + 1}`,
        type: sizing.instanceType,
        scheduler,
        workingSetMb,
        memory,
        creditInitialFraction: u.value('cpu.creditInitialFraction'),
        contentionOverhead: u.value('cpu.contentionOverhead'),
        smtGain: u.value('cpu.smtGain'),
      }),
  );
  const geventCpuMs = sizing.workerClass === 'gevent' ? u.ms('gunicorn.geventCpuMs') : 0;
  const ecs = new EcsService({
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
  });
  const perInstance = sizing.placement.tasksPerInstance.slice();
  for (let placed = 0, i = 0; placed < sizing.placement.tasks; i = (i + 1) % instances.length) {
    if (perInstance[i] > 0) {
      perInstance[i]--;
      ecs.startTask(instances[i], 'healthy');
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
        sampler.stop();
      },
    },
  });
  return { scheduler, recorder, balancer, clients, instances, ecs, workload };
}
