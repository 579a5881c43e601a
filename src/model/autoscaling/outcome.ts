import type { Autoscaler } from './autoscaler.js';
import type { AlarmState } from './metric-alarm.js';
import type { AutoscalingSummary, ScalingEvent, TaskSample } from './scaling-record.js';

/** What autoscaling did in one replication, in seconds from the start. */
export interface AutoscalingRun {
  /** The service metric's datapoints (value null: no task reported). */
  metric: Array<{ timeS: number; value: number | null }>;
  events: ScalingEvent[];
  tasks: TaskSample[];
  /** Every state change of every alarm, in time order (stamped with the datapoint that caused it). */
  alarms: Array<{ alarm: string; timeS: number; state: AlarmState }>;
  summary: AutoscalingSummary;
}

export function autoscalingRun<H>(a: Autoscaler<H>): AutoscalingRun {
  const alarms: AutoscalingRun['alarms'] = [];
  const policies = [a.servicePolicy, a.capacity.policy, ...(a.asgCpu ? [a.asgCpu.policy] : [])];
  for (const policy of policies) {
    for (const alarm of [policy.high, policy.low]) {
      for (const h of alarm.history) alarms.push({ alarm: alarm.name, timeS: h.timeMs / 1000, state: h.state });
    }
  }
  // Stable: alarms of the same instant keep the policy order above.
  alarms.sort((x, y) => x.timeS - y.timeS);
  return {
    metric: a.serviceMetric.datapoints.map((d) => ({ timeS: d.timeMs / 1000, value: d.value })),
    events: a.record.events.slice(),
    tasks: a.record.tasks.slice(),
    alarms,
    summary: a.record.summary(),
  };
}
