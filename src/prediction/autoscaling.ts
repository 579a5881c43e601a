import { type Interval, nonNegativeInterval } from '../sim/stats/interval.js';
import type { AutoscalingRun } from '../model/autoscaling/outcome.js';
import type { AutoscalingPolicy } from '../model/autoscaling/policy.js';

/**
 * What autoscaling did over replications: the first replication's series
 * (datapoints, events, task counts, alarm changes: one run to read, like the
 * timeline) and the summary as means with 95 % intervals. `firstScaleOutS`
 * averages the replications that scaled out (its `n` says how many did).
 */
export interface AutoscalingAggregate {
  metric: AutoscalingRun['metric'];
  events: AutoscalingRun['events'];
  tasks: AutoscalingRun['tasks'];
  alarms: AutoscalingRun['alarms'];
  summary: {
    firstScaleOutS: Interval;
    scaleOuts: Interval;
    scaleIns: Interval;
    instanceLaunches: Interval;
    instanceTerminations: Interval;
    peakRunningTasks: Interval;
    peakInstances: Interval;
    taskHours: Interval;
    instanceHours: Interval;
    /** Instance-hours / hours of the run: what the group averaged. */
    meanInstances: Interval;
    /** Highest datapoint of the service metric, per replication. */
    metricPeak: Interval;
  };
}

/** How the alarms judge the metric (model parameters), shown beside the policy. */
export interface AlarmRules {
  /** Seconds per datapoint (60, or 20 for the high-resolution variant). */
  metricPeriodS: number;
  scaleOutDatapoints: number;
  scaleInDatapoints: number;
  /** The scale-in alarm's threshold, in the metric's unit. */
  scaleInBelow: number;
}

/**
 * The `autoscaling` section of a prediction: the policy with its alarm rules,
 * the aggregate, what the run's instances cost (instance-hours x the
 * instance's on-demand price; tasks on EC2 cost nothing beyond their
 * instances), and the monthly cost of the stack if the scenario's instance
 * count, on average, held all month.
 */
export type AutoscalingPrediction = { policy: AutoscalingPolicy & AlarmRules } & Omit<AutoscalingAggregate, 'summary'> & {
  summary: AutoscalingAggregate['summary'] & { instanceCostUsd: Interval; costPerMonthUsd: number };
};

const SUMMARY_FIGURES = [
  'firstScaleOutS',
  'scaleOuts',
  'scaleIns',
  'instanceLaunches',
  'instanceTerminations',
  'peakRunningTasks',
  'peakInstances',
  'taskHours',
  'instanceHours',
  'meanInstances',
  'metricPeak',
] as const satisfies ReadonlyArray<keyof AutoscalingAggregate['summary']>;
type SummaryFigure = (typeof SUMMARY_FIGURES)[number];

/** The highest datapoint of a run's service metric (NaN when it has none). */
function metricPeak(r: AutoscalingRun): number {
  let m = NaN;
  for (const d of r.metric) if (d.value !== null && !(d.value <= m)) m = d.value;
  return m;
}

/** A replication's summary figures. */
function summaryFigures(r: AutoscalingRun): Record<SummaryFigure, number> {
  return {
    firstScaleOutS: r.summary.firstScaleOutS ?? NaN,
    scaleOuts: r.summary.scaleOuts,
    scaleIns: r.summary.scaleIns,
    instanceLaunches: r.summary.instanceLaunches,
    instanceTerminations: r.summary.instanceTerminations,
    peakRunningTasks: r.summary.peakRunningTasks,
    peakInstances: r.summary.peakInstances,
    taskHours: r.summary.taskHours,
    instanceHours: r.summary.instanceHours,
    meanInstances: r.summary.runHours > 0 ? r.summary.instanceHours / r.summary.runHours : NaN,
    metricPeak: metricPeak(r),
  };
}

/**
 * Fed one replication at a time (as ReplicationAggregator is): keeps the first run's series and a dozen
 * numbers per replication, so memory does not grow with the series of later replications.
 */
export class AutoscalingAggregator {
  private first: AutoscalingRun | null = null;
  private readonly values = Object.fromEntries(SUMMARY_FIGURES.map((k) => [k, [] as number[]])) as Record<SummaryFigure, number[]>;

  add(run: AutoscalingRun): void {
    this.first ??= run;
    const figures = summaryFigures(run);
    for (const key of SUMMARY_FIGURES) this.values[key].push(figures[key]);
  }

  result(): AutoscalingAggregate {
    const first = this.first;
    if (!first) throw new RangeError('no replication to aggregate');
    // Times, counts and hours: none can be negative.
    const summary = Object.fromEntries(SUMMARY_FIGURES.map((k) => [k, nonNegativeInterval(this.values[k])])) as Record<SummaryFigure, Interval>;
    return { metric: first.metric, events: first.events, tasks: first.tasks, alarms: first.alarms, summary };
  }
}

export function aggregateAutoscaling(runs: readonly AutoscalingRun[]): AutoscalingAggregate {
  const aggregator = new AutoscalingAggregator();
  for (const run of runs) aggregator.add(run);
  return aggregator.result();
}

export function autoscalingPrediction(
  policy: AutoscalingPolicy & AlarmRules,
  aggregate: AutoscalingAggregate,
  usdPerInstanceHour: number,
  monthlyCostAt: (meanInstances: number) => number,
): AutoscalingPrediction {
  const h = aggregate.summary.instanceHours;
  const instanceCostUsd: Interval = { mean: h.mean * usdPerInstanceHour, ciLow: h.ciLow * usdPerInstanceHour, ciHigh: h.ciHigh * usdPerInstanceHour, n: h.n };
  const costPerMonthUsd = monthlyCostAt(aggregate.summary.meanInstances.mean);
  return { policy, ...aggregate, summary: { ...aggregate.summary, instanceCostUsd, costPerMonthUsd } };
}
