import type { AutoscalingPrediction } from '../prediction/autoscaling.js';
import type { Interval } from '../sim/stats/interval.js';
import { renderTable } from './table.js';

/** Seconds as m:ss, or h:mm:ss from an hour on. */
export function clock(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

const one = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(1));
/** A count (a mean over replications) with its noun, singular for exactly 1. */
const count = (x: number, noun: string, nouns = `${noun}s`) => `${one(x)} ${x === 1 ? noun : nouns}`;
const range = (i: Interval, f: (x: number) => string) => (i.ciLow === i.ciHigh ? f(i.mean) : `${f(i.mean)} (95 %: ${f(i.ciLow)} .. ${f(i.ciHigh)})`);
const value = (x: number, unit: string) => (unit.startsWith('%') ? `${x.toFixed(1)} %` : `${Math.round(x)} ${unit}`);

/** Rows of the task table at most; later changes are counted, not shown. */
export const MAX_TASK_ROWS = 24;

/**
 * One paragraph on whether and when scaling reacted (over all replications),
 * then the task count over time in the first replication: one row per change.
 */
export function renderAutoscaling(a: AutoscalingPrediction, replications: number): string {
  const p = a.policy;
  const s = a.summary;
  const unit = p.unit;
  const target = value(p.targetValue, unit);
  const lines: string[] = [];
  const asg = p.asgCpuPolicy ? "; the ASG's own CPU policy also acts on the group" : '';
  const policy =
    `Autoscaling: target tracking on ${p.cloudWatchMetric} at ${target} (${p.scaleOutDatapoints} datapoints of ${p.metricPeriodS} s above it to scale out, ` +
    `${p.scaleInDatapoints} below ${value(p.scaleInBelow, unit)} to scale in), ${p.minTasks}-${p.maxTasks} tasks on ${p.minInstances}-${p.maxInstances} instances, ` +
    `cooldowns ${p.scaleOutCooldownS} s out / ${p.scaleInCooldownS} s in${asg}.`;
  let reaction: string;
  const scaled = s.firstScaleOutS.n;
  if (scaled === 0) {
    reaction =
      `The service did not scale out in ${replications === 1 ? 'the replication' : `any of the ${replications} replications`}: ` +
      `its metric peaked at ${range(s.metricPeak, (x) => value(x, unit))} (target ${target}).`;
  } else {
    reaction =
      `The service scaled out in ${scaled} of ${replications} replication${replications === 1 ? '' : 's'}, first at ${range(s.firstScaleOutS, clock)}, ` +
      `its metric peaking at ${range(s.metricPeak, (x) => value(x, unit))}; running tasks peaked at ${range(s.peakRunningTasks, one)} on ` +
      `${range(s.peakInstances, one)} instance${s.peakInstances.mean === 1 ? '' : 's'}, with ${count(s.scaleOuts.mean, 'scale-out')}, ${count(s.scaleIns.mean, 'scale-in')}, ` +
      `${count(s.instanceLaunches.mean, 'instance launch', 'instance launches')} and ${count(s.instanceTerminations.mean, 'termination')} per run (means).`;
  }
  const hours =
    `Over the run: ${s.taskHours.mean.toFixed(2)} task-hours, ${s.instanceHours.mean.toFixed(2)} instance-hours ` +
    `(instances ${s.instanceCostUsd.mean.toFixed(2)} USD on demand), ${s.meanInstances.mean.toFixed(2)} instances on average: ` +
    `${s.costPerMonthUsd.toFixed(2)} USD per month if that held all month.`;
  lines.push(`${policy} ${reaction} ${hours}`);
  const changes = a.tasks.filter((t, i, all) => i === 0 || (['desired', 'running', 'pending', 'healthy', 'draining', 'instances'] as const).some((k) => t[k] !== all[i - 1][k]));
  const shown = changes.slice(0, MAX_TASK_ROWS);
  lines.push('');
  lines.push(`tasks over time (replication 1, sampled every ${p.metricPeriodS} s, rows where a count changed):`);
  lines.push(
    renderTable(
      ['time', 'desired', 'running', 'pending', 'healthy', 'draining', 'instances'],
      shown.map((t) => [clock(t.timeS), String(t.desired), String(t.running), String(t.pending), String(t.healthy), String(t.draining), String(t.instances)]),
      [true, true, true, true, true, true, true],
    ),
  );
  if (changes.length > shown.length) lines.push(`... ${changes.length - shown.length} more rows (--json: autoscaling.tasks)`);
  return lines.join('\n');
}
