import type { BalancerConfig } from '../../src/model/balancer/config.js';
import type { BalancerClient } from '../../src/model/balancer/load-balancer.js';
import type { InstanceType } from '../../src/model/catalog.js';
import { type ClientConnection, type Exchange, type ExchangeOrigin, newExchange } from '../../src/model/exchange.js';
import type { TaskTemplate } from '../../src/model/ecs-service.js';
import { GunicornTask, type GunicornTaskOptions } from '../../src/model/gunicorn.js';
import { Instance, type InstanceOptions } from '../../src/model/instance.js';
import { REQUEST_KINDS, type RequestDemands, type RequestKind, type ServiceDemand } from '../../src/model/service-demand.js';
import { Storage, type StorageOptions } from '../../src/model/storage.js';
import type { Scheduler } from '../../src/sim/scheduler.js';

/**
 * Tiny hand-built parts for the per-mechanism tests: every number is given,
 * nothing comes from models/ or a calibration, so expected times can be
 * worked out by hand.
 */

export function machine(vcpus: number, memoryMiB = 4096, extra: Partial<InstanceType> = {}): InstanceType {
  return { name: 'test.machine', vcpus, memoryMiB, visibleMemoryMiB: memoryMiB, architecture: 'x86_64', threadsPerCore: 1, coreSpeed: 1, onDemandUsdPerHour: 0, custom: true, ...extra };
}

export function instance(scheduler: Scheduler, type: InstanceType, changes: Partial<InstanceOptions> = {}): Instance {
  return new Instance({
    name: 'i#1',
    type,
    scheduler,
    workingSetMb: 0,
    memory: { osOverheadMb: 0, minFreeMb: 0, swapMb: 0, swapStallPerFraction: 0 },
    creditInitialFraction: 1,
    contentionOverhead: 0,
    smtGain: 0,
    ...changes,
  });
}

/** A disk that never blocks: a full page cache and zero latencies. */
export const INSTANT_DISK: StorageOptions = { kind: 'local', attrCacheMissRate: 0, readdirMissRate: 0, metadataLatencyMs: 0, readLatencyMs: 0, latencyCv: 0, throughputMBps: 100 };

/** Every request kind costs exactly `cpuMs` of CPU (per kind when given) and no file-system work. */
export function cpuOnly(cpuMs: number, perKind: Partial<Record<RequestKind, number>> = {}): RequestDemands {
  const demands = new Map<RequestKind, { demand: ServiceDemand; cpu: null }>();
  for (const kind of REQUEST_KINDS) demands.set(kind, { demand: { cpuMs: perKind[kind] ?? cpuMs, fileStats: 0, directoryReads: 0, bytesRead: 0 }, cpu: null });
  return demands;
}

/** A task of one sync worker, 10 ms of CPU per request, no memory and an instant disk. */
export const TASK_TEMPLATE: TaskTemplate = {
  workers: 1,
  workerClass: 'sync',
  containerMemoryMb: 1024,
  gunicorn: { backlog: 100, timeoutMs: 30_000, workerConnections: 1000, workerRestartMs: 800 },
  memory: { baseMb: 0, perWorkerMb: 0, perInFlightMb: 0 },
  demands: cpuOnly(10),
  storage: new Storage(INSTANT_DISK),
  serviceRng: () => 0.5,
  ioRng: () => 0.5,
};

export function task(scheduler: Scheduler, host: Instance, changes: Partial<GunicornTaskOptions> = {}): GunicornTask {
  return new GunicornTask({ ...TASK_TEMPLATE, id: 0, scheduler, instance: host, onDied: () => undefined, ...changes });
}

/** Where a request's answer goes in a test: every (status, time), in order. */
export class AnswerLog<Owner = unknown> implements ExchangeOrigin<Owner> {
  readonly answers: Array<{ id: number; status: number; at: number }> = [];
  constructor(private readonly clock: { readonly now: number }) {}
  targetAnswered(exchange: Exchange<Owner>, status: number): void {
    this.answers.push({ id: exchange.id, status, at: this.clock.now });
  }
}

/** A request straight to a task (no balancer), answered to `origin`. */
export function request<Owner>(id: number, kind: RequestKind, origin: ExchangeOrigin<Owner>, owner: Owner, at: number): Exchange<Owner> {
  return newExchange(id, kind, origin, null, owner, at);
}

/** A client of the balancer that writes down every answer it gets. */
export class ClientLog implements BalancerClient {
  readonly answers: Array<{ id: number; status: number; at: number; target: number }> = [];
  constructor(private readonly clock: { readonly now: number }) {}
  balancerAnswered(exchange: Exchange<BalancerClient>, status: number): void {
    this.answers.push({ id: exchange.id, status, at: this.clock.now, target: exchange.target });
  }
}

export function connection(id: number, node = 0): ClientConnection {
  return { id, node, pinnedTarget: -1 };
}

/** An ALB-like balancer config with every field given. */
export function albConfig(changes: Partial<BalancerConfig> = {}): BalancerConfig {
  return {
    kind: 'alb',
    nodes: 1,
    processingMs: 2,
    idleTimeoutMs: 60_000,
    routing: { algorithm: 'round_robin', lorFeedbackMs: 0, perConnection: false, stickinessDurationMs: null },
    surge: { connectionsPerSecond: 100, connectFailureProbability: 0 },
    healthChecks: null,
    deregistrationDelayMs: 300_000,
    ...changes,
  };
}
