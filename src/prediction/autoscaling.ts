import { confidenceInterval, type Interval } from '../sim/stats/interval.js';
import type { AutoscalingRun } from '../model/autoscaling/outcome.js';
import type { AutoscalingPolicy } from '../model/autoscaling/policy.js';

/**
 * The `autoscaling` section of a prediction: the policy, what it did in the
 * first replication (datapoints, events, task counts, alarm changes: one run
 * to read, like the timeline), and the summary over replications as means
 * with 95 % intervals. `firstScaleOutS` averages the replications that scaled
 * out (its `n` says how many did). Instance cost is instance-hours x the
 * instance's on-demand price: what the run's instances cost; tasks on EC2
 * cost nothing beyond their instances.
 */
/** How the alarms judge the metric (model parameters), shown beside the policy. */
export interface AlarmRules {
  /** Seconds per datapoint (60, or 20 for the high-resolution variant). */
  metricPeriodS: number;
  scaleOutDatapoints: number;
  scaleInDatapoints: number;
  /** The scale-in alarm's threshold, in the metric's unit. */
  scaleInBelow: number;
}

export interface AutoscalingPrediction {
  policy: AutoscalingPolicy & AlarmRules;
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
    instanceCostUsd: Interval;
    /** Highest datapoint of the service metric, per replication. */
    metricPeak: Interval;
  };
}

export function aggregateAutoscaling(policy: AutoscalingPolicy & AlarmRules, runs: readonly AutoscalingRun[], usdPerInstanceHour: number): AutoscalingPrediction {
  const pick = (f: (r: AutoscalingRun) => number) => confidenceInterval(runs.map(f), 0.95);
  const first = runs[0];
  const peak = (r: AutoscalingRun) => r.metric.reduce((m, d) => (d.value !== null && d.value > m ? d.value : m), -Infinity);
  return {
    policy,
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
      instanceCostUsd: pick((r) => r.summary.instanceHours * usdPerInstanceHour),
      metricPeak: pick((r) => (Number.isFinite(peak(r)) ? peak(r) : NaN)),
    },
  };
}
