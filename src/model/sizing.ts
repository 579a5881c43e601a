import { UserError } from '../errors.js';
import { ALGORITHMS, type Algorithm } from './balancer/config.js';
import { customInstanceType, getInstanceType, type InstanceType } from './catalog.js';
import { WORKER_CLASSES, type WorkerClass } from './gunicorn.js';
import { containerCpuFor, placeTasks, spreadEvenly, type Placement } from './placement.js';
import type { StorageKind } from './storage.js';

/** 'aws': catalog instances behind an ALB; 'local': a machine of your own (the local stack, nginx in front). */
export const STACK_KINDS = ['aws', 'local'] as const;
export type StackKind = (typeof STACK_KINDS)[number];

/** A candidate sizing as the user states it (the flags of `predict`, `validate` and `plan`). */
export interface SizingRequest {
  /** Catalog name, or "custom" with vcpus and memoryGiB. */
  instance: string;
  vcpus?: number;
  memoryGiB?: number;
  instances?: number;
  tasks: number;
  workers: number;
  workerClass: WorkerClass;
  /** `least_conn` (nginx) is least outstanding requests with perfect knowledge (feedback 0 ms). */
  algorithm: Algorithm | 'least_conn';
  lorFeedbackMs?: number;
  /** Target-group stickiness (lb_cookie, or the local stack's sticky nginx); absent: as deployed (alb.stickiness), nginx without. */
  stickiness?: boolean;
  containerMemoryMb?: number;
  /** 'efs' for AWS (default), 'local' for the local test stack. */
  storage?: StorageKind;
}

/** A sizing with its placement worked out. */
export interface ResolvedSizing {
  instanceType: InstanceType;
  placement: Placement;
  workers: number;
  workerClass: WorkerClass;
  algorithm: Algorithm;
  lorFeedbackMs: number | null;
  /** What the sizing states about stickiness; null: the balancer's default (balancer/config.ts). */
  stickiness: boolean | null;
  storage: StorageKind;
  /** 'aws' for catalog instances, 'local' for a custom machine. */
  stackKind: StackKind;
}

/** Validates a sizing and places its tasks (module formula); every problem is one clear line. */
export function resolveSizing(input: SizingRequest): ResolvedSizing {
  const req = input.algorithm === 'least_conn' ? { ...input, algorithm: 'least_outstanding_requests' as const, lorFeedbackMs: input.lorFeedbackMs ?? 0 } : input;
  if (!(WORKER_CLASSES as readonly string[]).includes(req.workerClass)) throw new UserError(`unknown worker class "${req.workerClass}"; use gevent or sync`);
  if (!(ALGORITHMS as readonly string[]).includes(req.algorithm)) throw new UserError(`unknown algorithm "${req.algorithm}"; use round_robin, least_outstanding_requests or least_conn`);
  if (!(Number.isInteger(req.tasks) && req.tasks >= 1)) throw new UserError(`--tasks must be a whole number >= 1, got ${req.tasks}`);
  if (!(Number.isInteger(req.workers) && req.workers >= 1)) throw new UserError(`--workers must be a whole number >= 1, got ${req.workers}`);
  if (req.instances !== undefined && !(Number.isInteger(req.instances) && req.instances >= 1)) {
    throw new UserError(`--instances must be a whole number >= 1, got ${req.instances}`);
  }
  if (req.lorFeedbackMs !== undefined && !(req.lorFeedbackMs >= 0)) throw new UserError(`--lor-feedback-ms must be >= 0, got ${req.lorFeedbackMs}`);
  let instanceType: InstanceType;
  if (req.instance === 'custom') {
    if (!(req.vcpus !== undefined && req.vcpus > 0 && req.memoryGiB !== undefined && req.memoryGiB > 0)) {
      throw new UserError('--instance custom needs --vcpus N and --memory-gb M (both > 0)');
    }
    instanceType = customInstanceType({ vcpus: req.vcpus, memoryGiB: req.memoryGiB });
  } else {
    instanceType = getInstanceType(req.instance);
  }
  const custom = instanceType.custom;
  const placement = custom
    ? localPlacement(instanceType, req)
    : placeTasks({ instanceType, tasks: req.tasks, instances: req.instances, workers: req.workers, containerMemoryMb: req.containerMemoryMb });
  return {
    instanceType,
    placement,
    workers: req.workers,
    workerClass: req.workerClass,
    algorithm: req.algorithm as Algorithm,
    lorFeedbackMs: req.algorithm === 'least_outstanding_requests' ? (req.lorFeedbackMs ?? null) : null,
    stickiness: req.stickiness ?? null,
    storage: req.storage ?? (custom ? 'local' : 'efs'),
    stackKind: custom ? 'local' : 'aws',
  };
}

/**
 * A machine of your own (the local test stack): gunicorn processes run
 * directly, without ECS reservations or container limits; tasks are spread
 * over the machines as evenly as possible.
 */
function localPlacement(type: InstanceType, req: SizingRequest): Placement {
  const instances = req.instances ?? 1;
  if (req.tasks < instances) throw new UserError(`--tasks (${req.tasks}) must be at least --instances (${instances})`);
  const tasksPerInstance = spreadEvenly(req.tasks, instances);
  const memory = req.containerMemoryMb ?? type.memoryMiB;
  const unlimited = { tasks: Math.max(...tasksPerInstance), formula: 'no ECS reservations on a custom machine' };
  return {
    instanceType: type.name,
    instances,
    tasks: req.tasks,
    tasksPerInstance,
    workers: req.workers,
    workersAuto: false,
    containerMemoryMb: memory,
    containerCpu: containerCpuFor(req.workers),
    reservationMb: 0,
    maxTasksPerInstance: Math.max(...tasksPerInstance),
    bindingLimit: 'cpu',
    limits: { cpu: unlimited, memory: unlimited },
  };
}

/**
 * Instances of a sizing that get no task (they are priced and simulated idle): how many, how many run a
 * task, and one line naming how many tasks place on how many instances; null when every instance runs one.
 */
export function idleInstances(sizing: ResolvedSizing): { idle: number; used: number; message: string } | null {
  const { placement } = sizing;
  const idle = placement.tasksPerInstance.filter((n) => n === 0).length;
  if (idle === 0) return null;
  const used = placement.instances - idle;
  const tasks = `${placement.tasks} task${placement.tasks === 1 ? '' : 's'}`;
  return { idle, used, message: `${tasks} place on ${used} of ${placement.instances} x ${sizing.instanceType.name}: ${idle} instance${idle === 1 ? '' : 's'} would run nothing and still be priced` };
}
