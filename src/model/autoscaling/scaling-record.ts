import type { Scheduler } from '../../sim/scheduler.js';
import type { ServiceCounts } from './service-tasks.js';

/**
 * What autoscaling did over one run, as a user reads it afterwards: every
 * scaling event (the service's desired count, instances launched and
 * terminated), the task and instance counts once per sample period, and the
 * summary figures (first scale-out, peaks, task-hours and instance-hours).
 */

export const SCALING_ACTIONS = ['scale-out', 'scale-in', 'instance-launch', 'instance-terminate'] as const;
export type ScalingEventAction = (typeof SCALING_ACTIONS)[number];

export interface ScalingEvent {
  timeS: number;
  action: ScalingEventAction;
  fromTasks: number;
  toTasks: number;
  fromInstances: number;
  toInstances: number;
  /** The metric whose datapoint decided it. */
  metric: string;
  metricValue: number;
}

export interface TaskSample extends ServiceCounts {
  timeS: number;
  /** Instances in the group (booting ones included). */
  instances: number;
}

export interface AutoscalingSummary {
  /** First scale-out of the service, s from the start (null: none). */
  firstScaleOutS: number | null;
  scaleOuts: number;
  scaleIns: number;
  instanceLaunches: number;
  instanceTerminations: number;
  peakRunningTasks: number;
  peakInstances: number;
  taskHours: number;
  instanceHours: number;
  /** Length of the run, hours (the figures above run to its end). */
  runHours: number;
}

/** The counts the record samples. */
export interface ScalingState {
  counts(): ServiceCounts;
  readonly instanceCount: number;
  taskHours(nowMs: number): number;
  instanceHours(nowMs: number): number;
  peakRunningTasks(): number;
  peakInstances(): number;
}

export class ScalingRecord {
  readonly events: ScalingEvent[] = [];
  readonly tasks: TaskSample[] = [];
  private stopped = false;
  private finishedAtMs: number | null = null;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly state: ScalingState,
    private readonly sampleMs: number,
  ) {
    if (!(sampleMs > 0)) throw new RangeError(`sample period must be > 0 ms, got ${sampleMs}`);
    // The first sample after the stack has started its initial tasks (same instant).
    scheduler.after(0, this.sample);
  }

  /** Notes an event; `before` are the counts just before it took effect. */
  event(action: ScalingEventAction, before: { tasks: number; instances: number }, metric: string, metricValue: number): void {
    const c = this.state.counts();
    this.events.push({
      timeS: this.scheduler.now / 1000,
      action,
      fromTasks: before.tasks,
      toTasks: c.desired,
      fromInstances: before.instances,
      toInstances: this.state.instanceCount,
      metric,
      metricValue,
    });
  }

  /** Takes the last sample (the run is over) and stops sampling. */
  finish(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.finishedAtMs = this.scheduler.now;
    const last = this.tasks[this.tasks.length - 1];
    if (!last || last.timeS * 1000 < this.scheduler.now) this.take();
  }

  /** The figures up to the end of the run (or now, before it has ended). */
  summary(): AutoscalingSummary {
    const now = this.finishedAtMs ?? this.scheduler.now;
    const count = (a: ScalingEventAction) => this.events.filter((e) => e.action === a).length;
    const first = this.events.find((e) => e.action === 'scale-out');
    return {
      firstScaleOutS: first ? first.timeS : null,
      scaleOuts: count('scale-out'),
      scaleIns: count('scale-in'),
      instanceLaunches: count('instance-launch'),
      instanceTerminations: count('instance-terminate'),
      peakRunningTasks: this.state.peakRunningTasks(),
      peakInstances: this.state.peakInstances(),
      taskHours: this.state.taskHours(now),
      instanceHours: this.state.instanceHours(now),
      runHours: now / 3_600_000,
    };
  }

  private readonly sample = (): void => {
    if (this.stopped) return;
    this.take();
    this.scheduler.after(this.sampleMs, this.sample);
  };

  private take(): void {
    const c = this.state.counts();
    this.tasks.push({ timeS: this.scheduler.now / 1000, ...c, instances: this.state.instanceCount });
  }
}
