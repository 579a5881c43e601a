import type { Scheduler } from '../../sim/scheduler.js';

/**
 * A metric as CloudWatch publishes it to an alarm: one datapoint per period
 * (60 s, or 20 s for the high-resolution variant), each the ratio of two
 * cumulative counters over that period, reaching the alarms `latencyMs` after
 * the period has closed. The three metrics a target tracking policy on the ECS
 * service can use are all such ratios:
 *   ECSServiceAverageCPUUtilization    = 100 x CPU used by the service's running tasks / CPU they reserve
 *   ECSServiceAverageMemoryUtilization = 100 x memory they use / memory they reserve
 *   ALBRequestCountPerTarget           = requests in the period / healthy targets (mean over the period)
 * and so is the capacity provider's CapacityProviderReservation (100 x M / N).
 * A datapoint is stamped with the start of the period it aggregates, as
 * CloudWatch stamps it. A period whose denominator did not grow (no task
 * running) has no datapoint: its value is null.
 */

/** Cumulative counters a metric is the ratio of, read at the edges of every period. */
export interface RatioCounters {
  /** E.g. CPU core-ms used by the tasks since the start. */
  numerator: number;
  /** E.g. core-ms the running tasks reserved since the start. */
  denominator: number;
}

export interface MetricSource {
  /** The counters at `nowMs` (called at every period edge, times never decrease). */
  read(nowMs: number): RatioCounters;
}

export interface Datapoint {
  /** Start of the period the datapoint aggregates, ms. */
  timeMs: number;
  /** factor x (numerator change / denominator change) over the period; null = no data. */
  value: number | null;
}

export type DatapointListener = (datapoint: Datapoint) => void;

export interface PublishedMetricOptions {
  /** CloudWatch's name for it (shown in outputs). */
  name: string;
  periodMs: number;
  /** Time from the end of a period to its datapoint reaching the alarms, ms. */
  latencyMs: number;
  /** 100 for a utilization in percent; the period in ms for a count per period (denominator in unit-ms). */
  factor: number;
  source: MetricSource;
  /** First period starts here, ms (default 0). */
  startMs?: number;
}

export class PublishedMetric {
  readonly name: string;
  readonly periodMs: number;
  readonly latencyMs: number;
  /** Every datapoint computed so far, in time order (those still in transit included). */
  readonly datapoints: Datapoint[] = [];
  private readonly listeners: DatapointListener[] = [];
  private readonly factor: number;
  private readonly source: MetricSource;
  private last: RatioCounters;
  private periodStart: number;
  private stopped = false;
  private closeHandle: number;
  /** Delivery events of datapoints still in transit, by datapoint. */
  private readonly inTransit = new Map<Datapoint, number>();

  constructor(
    private readonly scheduler: Scheduler,
    options: PublishedMetricOptions,
  ) {
    if (!(options.periodMs > 0)) throw new RangeError(`metric period must be > 0 ms, got ${options.periodMs}`);
    if (!(options.latencyMs >= 0)) throw new RangeError(`metric latency must be >= 0 ms, got ${options.latencyMs}`);
    this.name = options.name;
    this.periodMs = options.periodMs;
    this.latencyMs = options.latencyMs;
    this.factor = options.factor;
    this.source = options.source;
    this.periodStart = options.startMs ?? 0;
    const first = this.source.read(this.periodStart);
    this.last = { numerator: first.numerator, denominator: first.denominator };
    this.closeHandle = scheduler.at(this.periodStart + this.periodMs, this.closePeriod);
  }

  /** `listener` receives every datapoint when it reaches the alarms. */
  subscribe(listener: DatapointListener): void {
    this.listeners.push(listener);
  }

  /** No more periods close and datapoints in transit are dropped (the run is over). */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.scheduler.cancel(this.closeHandle);
    for (const handle of this.inTransit.values()) this.scheduler.cancel(handle);
    this.inTransit.clear();
  }

  private readonly closePeriod = (): void => {
    const now = this.scheduler.now;
    const counters = this.source.read(now);
    const dNum = counters.numerator - this.last.numerator;
    const dDen = counters.denominator - this.last.denominator;
    const datapoint: Datapoint = { timeMs: this.periodStart, value: dDen > 0 ? (this.factor * dNum) / dDen : null };
    this.datapoints.push(datapoint);
    this.last = { numerator: counters.numerator, denominator: counters.denominator };
    this.periodStart = now;
    this.closeHandle = this.scheduler.after(this.periodMs, this.closePeriod);
    this.inTransit.set(datapoint, this.scheduler.after(this.latencyMs, this.deliver, datapoint));
  };

  private readonly deliver = (datapoint: Datapoint): void => {
    this.inTransit.delete(datapoint);
    for (const listener of this.listeners) listener(datapoint);
  };
}
