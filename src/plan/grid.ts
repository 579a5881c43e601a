import { UserError } from '../errors.js';
import { ALGORITHMS, type Algorithm } from '../model/balancer/config.js';
import { getInstanceType, shippedCatalog } from '../model/catalog.js';
import { WORKER_CLASSES, type WorkerClass } from '../model/gunicorn.js';
import { placeTasks } from '../model/placement.js';
import { resolveSizing, type SizingRequest } from '../model/sizing.js';
import { isUserError } from '../errors.js';
import { monthlyCost } from '../cost/monthly-cost.js';

/**
 * The candidate grid of `capsim plan`.
 *
 * For every instance type x container memory x gunicorn workers x worker
 * class x ALB algorithm (x stickiness, when asked), the module's placement formula (placement.ts) gives
 * m = the most tasks one instance holds. The grid then lists task counts and
 * instance counts within --max-instances N:
 *   fewest (default)  every task count t = 1 .. N x m, each on the fewest
 *                     instances that place it, ceil(t / m). More instances
 *                     for the same tasks cost more; the grid reaches that
 *                     extra CPU anyway through the bigger task counts that
 *                     need those instances.
 *   all               every task count t = n .. n x m on every instance
 *                     count n = 1 .. N: every placement the module allows
 *                     except those that leave an instance without a task
 *                     (paid for, never used: strictly dominated).
 * Tasks are spread evenly (ECS spread). Combinations where no task fits on
 * one instance are left out and reported. Candidates are ordered by monthly
 * cost, then by name, instances, tasks, workers, memory, class, algorithm:
 * the order is part of the result and never depends on timing.
 */

export const PLACEMENT_GRIDS = ['fewest', 'all'] as const;
export type PlacementGrid = (typeof PLACEMENT_GRIDS)[number];

/** x86_64 types across burstable, compute and general purpose families, small to mid size. */
export const DEFAULT_INSTANCE_TYPES: readonly string[] = ['t3.small', 't3.medium', 'c6a.large', 'c6a.xlarge', 'm6i.large'];
export const DEFAULT_WORKERS: readonly number[] = [1, 2, 4];
export const DEFAULT_MAX_INSTANCES = 3;
/** A wider grid is almost certainly a mistake in a list; say so instead of running for hours. */
export const MAX_GRID_CANDIDATES = 20_000;

export interface GridRequest {
  instanceTypes: readonly string[];
  maxInstances: number;
  workers: readonly number[];
  workerClasses: readonly WorkerClass[];
  algorithms: readonly Algorithm[];
  /** container_memory values, MiB. */
  containerMemoryMb: readonly number[];
  placements: PlacementGrid;
  /** Bytes on EFS (the scenario's repository), for the cost. */
  repositoryBytes: number;
  /** least_outstanding_requests feedback delay, ms (default: the calibration's). */
  lorFeedbackMs?: number;
  /** Target-group stickiness to try (true = on); absent: only the stack as deployed (alb.stickiness), not named in candidate ids. */
  stickiness?: readonly boolean[];
}

/** One sizing of the grid, as plain data (workers receive `request`). */
export interface Candidate {
  index: number;
  /** e.g. "2 x c6a.xlarge, 12 tasks x 4 gevent workers, round_robin, 512 MiB". */
  id: string;
  request: SizingRequest;
  instanceType: string;
  vcpus: number;
  memoryMiB: number;
  instances: number;
  tasks: number;
  tasksPerInstance: number[];
  workers: number;
  workerClass: WorkerClass;
  algorithm: Algorithm;
  /** Stickiness the candidate states; null: as deployed (the balancer's default). */
  stickiness: boolean | null;
  containerMemoryMb: number;
  containerCpu: number;
  reservationMb: number;
  maxTasksPerInstance: number;
  costPerMonthUsd: number;
}

export interface ExcludedCombination {
  instanceType: string;
  workers: number;
  containerMemoryMb: number;
  reason: string;
}

export interface Grid {
  candidates: Candidate[];
  excluded: ExcludedCombination[];
  /** The enumeration rule in one sentence (for reports). */
  rule: string;
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

function nonEmpty<T>(values: readonly T[], flag: string): T[] {
  const list = unique(values);
  if (list.length === 0) throw new UserError(`--${flag} must list at least one value`);
  return list;
}

export function describeGridRule(placements: PlacementGrid, maxInstances: number): string {
  return placements === 'fewest'
    ? `every task count up to ${maxInstances} x (tasks per instance), each on the fewest instances that place it`
    : `every task count on every instance count 1..${maxInstances}, at least one task per instance`;
}

const ALGORITHM_ORDER = (a: Algorithm) => ALGORITHMS.indexOf(a);
const CLASS_ORDER = (c: WorkerClass) => WORKER_CLASSES.indexOf(c);
/** As deployed, then on, then off. */
const STICKINESS_ORDER = (s: boolean | null) => (s === null ? 0 : s ? 1 : 2);

function compareCandidates(a: Candidate, b: Candidate): number {
  return (
    a.costPerMonthUsd - b.costPerMonthUsd ||
    (a.instanceType < b.instanceType ? -1 : a.instanceType > b.instanceType ? 1 : 0) ||
    a.instances - b.instances ||
    a.tasks - b.tasks ||
    a.workers - b.workers ||
    a.containerMemoryMb - b.containerMemoryMb ||
    CLASS_ORDER(a.workerClass) - CLASS_ORDER(b.workerClass) ||
    ALGORITHM_ORDER(a.algorithm) - ALGORITHM_ORDER(b.algorithm) ||
    STICKINESS_ORDER(a.stickiness) - STICKINESS_ORDER(b.stickiness)
  );
}

/** Lists every candidate of the grid (see the file comment for the rule). */
export function buildGrid(req: GridRequest): Grid {
  if (!(Number.isInteger(req.maxInstances) && req.maxInstances >= 1)) {
    throw new UserError(`--max-instances must be a whole number >= 1, got ${req.maxInstances}`);
  }
  if (!(PLACEMENT_GRIDS as readonly string[]).includes(req.placements)) throw new UserError(`--placements must be fewest or all, got "${req.placements}"`);
  const types = nonEmpty(req.instanceTypes, 'instance-types').map((name) => {
    if (name === 'custom') throw new UserError('--instance-types: plan needs catalog instance types (a custom machine has no price)');
    return getInstanceType(name);
  });
  const workersList = nonEmpty(req.workers, 'workers');
  for (const w of workersList) if (!(Number.isInteger(w) && w >= 1)) throw new UserError(`--workers must list whole numbers >= 1, got ${w}`);
  const classes = nonEmpty(req.workerClasses, 'worker-class');
  for (const c of classes) if (!WORKER_CLASSES.includes(c)) throw new UserError(`--worker-class: unknown worker class "${c}"; use gevent or sync`);
  const algorithms = nonEmpty(req.algorithms, 'algorithms');
  for (const a of algorithms) if (!ALGORITHMS.includes(a)) throw new UserError(`--algorithms: unknown algorithm "${a}"; use round_robin or least_outstanding_requests`);
  const memories = nonEmpty(req.containerMemoryMb, 'container-memory');
  const stickinessList: ReadonlyArray<boolean | null> = req.stickiness === undefined ? [null] : nonEmpty(req.stickiness, 'stickiness');

  const candidates: Candidate[] = [];
  const excluded: ExcludedCombination[] = [];
  for (const type of types) {
    for (const containerMemoryMb of memories) {
      for (const workers of workersList) {
        let perInstance: number;
        try {
          perInstance = placeTasks({ instanceType: type, tasks: 1, workers, containerMemoryMb }).maxTasksPerInstance;
        } catch (error) {
          if (!isUserError(error)) throw error;
          excluded.push({ instanceType: type.name, workers, containerMemoryMb, reason: error.message });
          continue;
        }
        const pairs: Array<[number, number]> = [];
        for (let n = 1; n <= req.maxInstances; n++) {
          const first = req.placements === 'fewest' ? (n - 1) * perInstance + 1 : n;
          for (let t = first; t <= n * perInstance; t++) pairs.push([n, t]);
        }
        const projected = candidates.length + pairs.length * classes.length * algorithms.length * stickinessList.length;
        if (projected > MAX_GRID_CANDIDATES) {
          throw new UserError(
            `the grid has more than ${MAX_GRID_CANDIDATES} candidates; narrow --instance-types, --workers, --container-memory or --max-instances`,
          );
        }
        for (const [instances, tasks] of pairs) {
          const cost = monthlyCost({ instanceType: type, instances, repositoryBytes: req.repositoryBytes }).totalUsd;
          for (const workerClass of classes) {
            for (const algorithm of algorithms) {
              for (const stickiness of stickinessList) {
                const request: SizingRequest = {
                  instance: type.name,
                  instances,
                  tasks,
                  workers,
                  workerClass,
                  algorithm,
                  containerMemoryMb,
                  ...(algorithm === 'least_outstanding_requests' && req.lorFeedbackMs !== undefined ? { lorFeedbackMs: req.lorFeedbackMs } : {}),
                  ...(stickiness !== null ? { stickiness } : {}),
                };
                const sizing = resolveSizing(request);
                const p = sizing.placement;
                candidates.push({
                  index: -1,
                  id: candidateLabel({ instanceType: type.name, instances, tasks, workers, workerClass, algorithm, containerMemoryMb, stickiness }),
                  request,
                  instanceType: type.name,
                  vcpus: type.vcpus,
                  memoryMiB: type.memoryMiB,
                  instances,
                  tasks,
                  tasksPerInstance: p.tasksPerInstance,
                  workers,
                  workerClass,
                  algorithm,
                  stickiness,
                  containerMemoryMb: p.containerMemoryMb,
                  containerCpu: p.containerCpu,
                  reservationMb: p.reservationMb,
                  maxTasksPerInstance: p.maxTasksPerInstance,
                  costPerMonthUsd: cost,
                });
              }
            }
          }
        }
      }
    }
  }
  candidates.sort(compareCandidates);
  candidates.forEach((c, i) => (c.index = i));
  return { candidates, excluded, rule: describeGridRule(req.placements, req.maxInstances) };
}

export function candidateLabel(c: {
  instanceType: string;
  instances: number;
  tasks: number;
  workers: number;
  workerClass: string;
  algorithm: string;
  containerMemoryMb: number;
  /** Named only when the grid states it. */
  stickiness?: boolean | null;
}): string {
  const sticky = c.stickiness === undefined || c.stickiness === null ? '' : `, stickiness ${c.stickiness ? 'on' : 'off'}`;
  return `${c.instances} x ${c.instanceType}, ${c.tasks} task${c.tasks === 1 ? '' : 's'} x ${c.workers} ${c.workerClass} worker${c.workers === 1 ? '' : 's'}, ${c.algorithm}${sticky}, ${c.containerMemoryMb} MiB`;
}

/** Catalog names, for flag help. */
export function catalogInstanceNames(): string[] {
  return shippedCatalog().names();
}
