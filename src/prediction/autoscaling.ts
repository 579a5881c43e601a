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

export function aggregateAutoscaling(runs: readonly AutoscalingRun[]): AutoscalingAggregate {
  // Times, counts and hours: none can be negative.
  const pick = (f: (r: AutoscalingRun) => number) => nonNegativeInterval(runs.map(f));
  const first = runs[0];
  const peak = (r: AutoscalingRun) => {
    let m = NaN;
    for (const d of r.metric) if (d.value !== null && !(d.value <= m)) m = d.value;
    return m;
  };
  return {
    metric: first.metric,
    events: first.events,
    tasks: first.tasks,
    alarms: first.alarms,
    summary: {
      firstScaleOutS: pick((r) => r.summary.firstScaleOutS ?? NaN),
      scaleOuts: pick((r) => r.summary.scaleOuts),
      scaleIns: pick((r) => r.summary.scaleIns),
      instanceLaunches: pick((r) => r.summary.instanceLaunches),
      instanceTerminations: pick((r) => r.summary.instanceTerminations),
      peakRunningTasks: pick((r) => r.summary.peakRunningTasks),
      peakInstances: pick((r) => r.summary.peakInstances),
      taskHours: pick((r) => r.summary.taskHours),
      instanceHours: pick((r) => r.summary.instanceHours),
      meanInstances: pick((r) => (r.summary.runHours > 0 ? r.summary.instanceHours / r.summary.runHours : NaN)),
      metricPeak: pick(peak),
    },
  };
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
