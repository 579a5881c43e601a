import { UserError } from '../errors.js';
import type { InstanceType } from './catalog.js';
import { checkNumber } from '../input/data-file.js';

/**
 * ECS task placement as the terraform-aws-pypiserver module sizes it
 * (docs/stack.md, "ECS placement"):
 *   container_cpu       = workers x 150 + 40                       (CPU units)
 *   reservation         = floor(75 % of container_memory)          (MiB, soft limit)
 *   tasks per instance  = min(floor((RAM_MB - 800) / reservation),
 *                             floor((vCPU x 1024 - 128) / container_cpu))
 *   workers (auto)      = max(2, min(8, floor(container_memory / 128)))
 * RAM_MB is the instance's nominal memory (memoryMiB, e.g. 8192 for a
 * c6a.xlarge), not the smaller figure the OS shows: with nominal memory the
 * documented example comes out as stated, min(19, 6) = 6 for a c6a.xlarge with
 * 512 MB containers and 4 workers. The 800 MB and 128 CPU units the formula
 * subtracts stand for the OS, the ECS agent and their slack.
 */

/** The module's placement constants (units: ECS CPU units, MiB). */
export interface PlacementRules {
  /** CPU units ECS registers per vCPU. */
  cpuUnitsPerVcpu: number;
  /** container_cpu per gunicorn worker. */
  cpuUnitsPerWorker: number;
  /** container_cpu added on top of the workers. */
  cpuUnitsBase: number;
  /** CPU units per instance kept back for the OS and agent. */
  instanceCpuReserveUnits: number;
  /** Memory per instance kept back for the OS and agent, MiB. */
  instanceMemoryReserveMb: number;
  /** container_memory_reservation as a fraction of container_memory. */
  reservationFraction: number;
  /** Auto workers: one per this many MiB of container memory ... */
  autoWorkersMbPerWorker: number;
  /** ... but at least this many ... */
  autoWorkersMin: number;
  /** ... and at most this many. */
  autoWorkersMax: number;
  /** container_memory when none is given, MiB (the documented example's 512 MB containers). */
  defaultContainerMemoryMb: number;
}

export const MODULE_PLACEMENT_RULES: Readonly<PlacementRules> = Object.freeze({
  cpuUnitsPerVcpu: 1024,
  cpuUnitsPerWorker: 150,
  cpuUnitsBase: 40,
  instanceCpuReserveUnits: 128,
  instanceMemoryReserveMb: 800,
  reservationFraction: 0.75,
  autoWorkersMbPerWorker: 128,
  autoWorkersMin: 2,
  autoWorkersMax: 8,
  defaultContainerMemoryMb: 512,
});

/** The module's automatic GUNICORN_WORKERS for a container size. */
export function autoWorkers(containerMemoryMb: number, rules: PlacementRules = MODULE_PLACEMENT_RULES): number {
  return Math.max(rules.autoWorkersMin, Math.min(rules.autoWorkersMax, Math.floor(containerMemoryMb / rules.autoWorkersMbPerWorker)));
}

/** container_cpu for a worker count, CPU units. */
export function containerCpuFor(workers: number, rules: PlacementRules = MODULE_PLACEMENT_RULES): number {
  return workers * rules.cpuUnitsPerWorker + rules.cpuUnitsBase;
}

/** container_memory_reservation for a container size, MiB. */
export function reservationFor(containerMemoryMb: number, rules: PlacementRules = MODULE_PLACEMENT_RULES): number {
  return Math.floor(containerMemoryMb * rules.reservationFraction);
}

export interface PlacementRequest {
  instanceType: InstanceType;
  /** Tasks to place (>= 1). */
  tasks: number;
  /** Instances available; default: the fewest that hold the tasks. */
  instances?: number;
  /** gunicorn workers per task; default: autoWorkers(containerMemoryMb). */
  workers?: number;
  /** container_memory, MiB; default rules.defaultContainerMemoryMb (512). */
  containerMemoryMb?: number;
  /** container_cpu override, CPU units; default containerCpuFor(workers). */
  containerCpu?: number;
  /** container_memory_reservation override, MiB; default reservationFor(containerMemoryMb). */
  containerMemoryReservationMb?: number;
  /** Spread tasks as evenly as possible (ECS spread, default) or fill instances in turn (binpack). */
  spread?: boolean;
  rules?: PlacementRules;
}

export type PlacementLimit = 'cpu' | 'memory';

/** How many tasks one resource of one instance admits, with the arithmetic shown. */
export interface LimitDetail {
  tasks: number;
  /** e.g. "floor((4 x 1024 - 128) / 640) = 6". */
  formula: string;
}

export interface Placement {
  instanceType: string;
  instances: number;
  tasks: number;
  /** Tasks on each instance, length = instances. */
  tasksPerInstance: number[];
  workers: number;
  /** True when workers came from autoWorkers(). */
  workersAuto: boolean;
  containerMemoryMb: number;
  /** container_cpu, CPU units. */
  containerCpu: number;
  /** container_memory_reservation, MiB. */
  reservationMb: number;
  maxTasksPerInstance: number;
  /** The limit that sets maxTasksPerInstance ("both" when CPU and memory give the same number). */
  bindingLimit: PlacementLimit | 'both';
  limits: Record<PlacementLimit, LimitDetail>;
}

function cpuLimit(type: InstanceType, containerCpu: number, rules: PlacementRules): LimitDetail {
  const free = type.vcpus * rules.cpuUnitsPerVcpu - rules.instanceCpuReserveUnits;
  const text = `(${type.vcpus} x ${rules.cpuUnitsPerVcpu} - ${rules.instanceCpuReserveUnits}) / ${containerCpu}`;
  return limitDetail(free, containerCpu, text);
}

function memoryLimit(type: InstanceType, reservationMb: number, rules: PlacementRules): LimitDetail {
  const free = type.memoryMiB - rules.instanceMemoryReserveMb;
  const text = `(${type.memoryMiB} - ${rules.instanceMemoryReserveMb}) / ${reservationMb}`;
  return limitDetail(free, reservationMb, text);
}

function limitDetail(free: number, perTask: number, text: string): LimitDetail {
  if (free < 0) return { tasks: 0, formula: `max(0, floor(${text})) = 0` };
  const tasks = Math.floor(free / perTask);
  return { tasks, formula: `floor(${text}) = ${tasks}` };
}

function describeLimits(limits: Record<PlacementLimit, LimitDetail>, binding: PlacementLimit | 'both'): string {
  const by = binding === 'both' ? 'CPU and memory' : binding === 'cpu' ? 'CPU' : 'memory';
  return `limited by ${by} (CPU: ${limits.cpu.formula}; memory: ${limits.memory.formula})`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Spreads `tasks` over `instances` as evenly as possible (the first ones get the remainder). */
export function spreadEvenly(tasks: number, instances: number): number[] {
  const base = Math.floor(tasks / instances);
  const extra = tasks % instances;
  return Array.from({ length: instances }, (_, i) => base + (i < extra ? 1 : 0));
}

/** Fills instances in turn up to `perInstance` each (ECS binpack). */
export function binpack(tasks: number, instances: number, perInstance: number): number[] {
  let left = tasks;
  return Array.from({ length: instances }, () => {
    const here = Math.min(perInstance, left);
    left -= here;
    return here;
  });
}

/**
 * Places tasks on instances of one type with the module's reservations.
 * Impossible placements (no task fits, too few instances) and nonsense inputs
 * are UserErrors that show the arithmetic of the binding limit.
 */
export function placeTasks(request: PlacementRequest): Placement {
  const rules = request.rules ?? MODULE_PLACEMENT_RULES;
  const type = request.instanceType;
  const where = `placement on ${type.name}`;
  const tasks = checkNumber(request.tasks, { integer: true, min: 1 }, where, 'tasks');
  // 6 MiB is the smallest memory Docker (and so ECS) accepts for a container.
  const containerMemoryMb = checkNumber(
    request.containerMemoryMb ?? rules.defaultContainerMemoryMb,
    { integer: true, min: 6 },
    where,
    'container memory (MiB)',
  );
  const workersAuto = request.workers === undefined;
  const workers = workersAuto
    ? autoWorkers(containerMemoryMb, rules)
    : checkNumber(request.workers, { integer: true, min: 1 }, where, 'workers');
  const containerCpu =
    request.containerCpu === undefined
      ? containerCpuFor(workers, rules)
      : checkNumber(request.containerCpu, { integer: true, min: 1 }, where, 'container CPU (units)');
  const reservationMb =
    request.containerMemoryReservationMb === undefined
      ? reservationFor(containerMemoryMb, rules)
      : checkNumber(request.containerMemoryReservationMb, { integer: true, min: 1, max: containerMemoryMb }, where, 'container memory reservation (MiB)');
  if (reservationMb < 1) throw new UserError(`${where}: container memory ${containerMemoryMb} MiB gives a reservation of 0 MiB`);

  const limits: Record<PlacementLimit, LimitDetail> = {
    cpu: cpuLimit(type, containerCpu, rules),
    memory: memoryLimit(type, reservationMb, rules),
  };
  const maxTasksPerInstance = Math.min(limits.cpu.tasks, limits.memory.tasks);
  const bindingLimit: PlacementLimit | 'both' =
    limits.cpu.tasks === limits.memory.tasks ? 'both' : limits.cpu.tasks < limits.memory.tasks ? 'cpu' : 'memory';

  if (maxTasksPerInstance === 0) {
    throw new UserError(
      `cannot place any task on ${type.name}: no task fits on one instance, ${describeLimits(limits, bindingLimit)}`,
    );
  }
  const needed = Math.ceil(tasks / maxTasksPerInstance);
  let instances = needed;
  if (request.instances !== undefined) {
    instances = checkNumber(request.instances, { integer: true, min: 1 }, where, 'instances');
    if (instances < needed) {
      throw new UserError(
        `cannot place ${plural(tasks, 'task')} on ${instances} x ${type.name}: at most ${plural(maxTasksPerInstance, 'task')} ` +
          `fit${maxTasksPerInstance === 1 ? 's' : ''} per instance, ${describeLimits(limits, bindingLimit)}; ` +
          `${plural(tasks, 'task')} need ${plural(needed, 'instance')}`,
      );
    }
  }
  const tasksPerInstance =
    request.spread === false ? binpack(tasks, instances, maxTasksPerInstance) : spreadEvenly(tasks, instances);

  return {
    instanceType: type.name,
    instances,
    tasks,
    tasksPerInstance,
    workers,
    workersAuto,
    containerMemoryMb,
    containerCpu,
    reservationMb,
    maxTasksPerInstance,
    bindingLimit,
    limits,
  };
}
