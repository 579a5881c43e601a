import type { Scheduler } from '../../sim/scheduler.js';
import { peakOverlap } from './peak-overlap.js';

/**
 * The ECS cluster's EC2 capacity as the capacity provider sees it: instances
 * of the Auto Scaling group (booting, then active once they have booted and
 * registered, then terminated), each with room for `maxTasksPerInstance`
 * tasks (the module's placement: reservations of CPU units and memory), and
 * tasks that could not be placed waiting in PROVISIONING until an instance
 * joins or a slot frees. Placement spreads: a task goes to the active
 * instance with room that holds the fewest tasks (the first such by launch
 * order on a tie).
 *
 * The capacity provider's metric reads two figures from here:
 *   N = instances in the group (booting ones included: they are in the group)
 *   M = instances running at least one task + the instances the provisioning
 *       tasks need, ceil(provisioning / maxTasksPerInstance)
 */

export type ClusterInstanceState = 'booting' | 'active' | 'terminated';

export interface ClusterInstance {
  /** Launch order, 0-based: the initial instances first. */
  readonly index: number;
  state: ClusterInstanceState;
  readonly launchedAtMs: number;
  joinedAtMs: number | null;
  terminatedAtMs: number | null;
  /** Tasks placed on it (starting, running or draining): they hold its reservations. */
  tasks: number;
}

export interface ClusterOptions<T> {
  maxTasksPerInstance: number;
  /** Launch to registered with the cluster (boot, ECS agent start), ms. */
  bootMs: number;
  /** The Auto Scaling group's bounds (asg_min_size, asg_max_size). */
  minInstances: number;
  maxInstances: number;
  /** A task waiting in PROVISIONING has been placed on `instance`. */
  onPlaced(task: T, instance: ClusterInstance): void;
  /** An instance has booted and registered (the stack creates its model of it here). */
  onJoined?(instance: ClusterInstance): void;
  onTerminated?(instance: ClusterInstance): void;
}

export class ClusterCapacity<T> {
  readonly instances: ClusterInstance[] = [];
  private readonly provisioning: T[] = [];
  private readonly options: ClusterOptions<T>;
  private readonly bootTimers = new Map<ClusterInstance, number>();

  /** `initialTasks[i]` tasks already run on initial instance i (active from time 0). */
  constructor(
    private readonly scheduler: Scheduler,
    options: ClusterOptions<T>,
    initialTasks: readonly number[],
  ) {
    if (!(Number.isInteger(options.maxTasksPerInstance) && options.maxTasksPerInstance >= 1)) {
      throw new RangeError(`tasks per instance must be a whole number >= 1, got ${options.maxTasksPerInstance}`);
    }
    if (!(options.minInstances >= 0 && options.maxInstances >= options.minInstances)) {
      throw new RangeError(`instance bounds [${options.minInstances}, ${options.maxInstances}] are not a range`);
    }
    this.options = options;
    for (const tasks of initialTasks) {
      if (tasks > options.maxTasksPerInstance) throw new RangeError(`${tasks} initial tasks do not fit on one instance (${options.maxTasksPerInstance})`);
      this.instances.push({ index: this.instances.length, state: 'active', launchedAtMs: scheduler.now, joinedAtMs: scheduler.now, terminatedAtMs: null, tasks });
    }
  }

  get maxTasksPerInstance(): number {
    return this.options.maxTasksPerInstance;
  }

  get minInstances(): number {
    return this.options.minInstances;
  }

  get maxInstances(): number {
    return this.options.maxInstances;
  }

  /** Tasks waiting for room (PROVISIONING). */
  get provisioningCount(): number {
    return this.provisioning.length;
  }

  /** N: instances in the group, booting or active. */
  get instanceCount(): number {
    let n = 0;
    for (const i of this.instances) if (i.state !== 'terminated') n++;
    return n;
  }

  get activeCount(): number {
    let n = 0;
    for (const i of this.instances) if (i.state === 'active') n++;
    return n;
  }

  /** M: instances the tasks need (running ones + an estimate for the provisioning ones). */
  get instancesNeeded(): number {
    let withTasks = 0;
    for (const i of this.instances) if (i.state === 'active' && i.tasks > 0) withTasks++;
    return withTasks + Math.ceil(this.provisioning.length / this.options.maxTasksPerInstance);
  }

  /** Places `task` now (returns its instance) or leaves it PROVISIONING (returns null). */
  place(task: T): ClusterInstance | null {
    const instance = this.roomiest();
    if (!instance) {
      this.provisioning.push(task);
      return null;
    }
    instance.tasks++;
    return instance;
  }

  /** Withdraws a task still waiting for room; false if it is not waiting. */
  cancelProvisioning(task: T): boolean {
    const at = this.provisioning.indexOf(task);
    if (at < 0) return false;
    this.provisioning.splice(at, 1);
    return true;
  }

  /** A task placed on `instance` has stopped: its slot is free again. */
  release(instance: ClusterInstance): void {
    if (instance.tasks <= 0) throw new RangeError(`instance ${instance.index} holds no task to release`);
    instance.tasks--;
    this.placeWaiting();
  }

  /** Starts up to `count` instances (within the group's maximum); returns how many started. */
  launch(count: number): number {
    const room = this.options.maxInstances - this.instanceCount;
    const n = Math.max(0, Math.min(count, room));
    for (let k = 0; k < n; k++) {
      const instance: ClusterInstance = { index: this.instances.length, state: 'booting', launchedAtMs: this.scheduler.now, joinedAtMs: null, terminatedAtMs: null, tasks: 0 };
      this.instances.push(instance);
      this.bootTimers.set(instance, this.scheduler.after(this.options.bootMs, this.join, instance));
    }
    return n;
  }

  /** Active instances without tasks that have been in the group at least `minAgeMs`, newest first. */
  idleInstances(minAgeMs = 0): ClusterInstance[] {
    const now = this.scheduler.now;
    return this.instances.filter((i) => i.state === 'active' && i.tasks === 0 && now - i.launchedAtMs >= minAgeMs).reverse();
  }

  /** Terminates an idle instance (managed termination protection keeps instances with tasks). */
  terminate(instance: ClusterInstance): void {
    if (instance.state !== 'active' || instance.tasks > 0) throw new RangeError(`instance ${instance.index} is not idle (${instance.state}, ${instance.tasks} tasks)`);
    if (this.instanceCount <= this.options.minInstances) throw new RangeError(`the group is at its minimum of ${this.options.minInstances} instances`);
    instance.state = 'terminated';
    instance.terminatedAtMs = this.scheduler.now;
    this.options.onTerminated?.(instance);
  }

  /** Instance-hours from launch to termination (or `nowMs`), the way EC2 bills them. */
  instanceHours(nowMs: number): number {
    let ms = 0;
    for (const i of this.instances) if (i.launchedAtMs < nowMs) ms += Math.min(i.terminatedAtMs ?? nowMs, nowMs) - i.launchedAtMs;
    return ms / 3_600_000;
  }

  /** Most instances in the group at once so far. */
  peakInstances(): number {
    return peakOverlap(this.instances.map((i) => ({ start: i.launchedAtMs, end: i.terminatedAtMs })));
  }

  private roomiest(): ClusterInstance | null {
    let best: ClusterInstance | null = null;
    for (const i of this.instances) {
      if (i.state !== 'active' || i.tasks >= this.options.maxTasksPerInstance) continue;
      if (best === null || i.tasks < best.tasks) best = i;
    }
    return best;
  }

  /** The run is over: instances still booting never join. */
  stop(): void {
    for (const handle of this.bootTimers.values()) this.scheduler.cancel(handle);
    this.bootTimers.clear();
  }

  private readonly join = (instance: ClusterInstance): void => {
    this.bootTimers.delete(instance);
    if (instance.state !== 'booting') return;
    instance.state = 'active';
    instance.joinedAtMs = this.scheduler.now;
    this.options.onJoined?.(instance);
    this.placeWaiting();
  };

  private placeWaiting(): void {
    while (this.provisioning.length > 0) {
      const instance = this.roomiest();
      if (!instance) return;
      const task = this.provisioning.shift()!;
      instance.tasks++;
      this.options.onPlaced(task, instance);
    }
  }
}
