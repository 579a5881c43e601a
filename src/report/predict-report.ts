import { repositoryFiles } from '../scenario/repository.js';
import type { Prediction } from '../prediction/predict.js';
import type { Interval } from '../sim/stats/interval.js';
import { renderAutoscaling } from './autoscaling-report.js';
import type { PredictionData } from './sources/prediction-view.js';
import { readShares } from './sources/shares.js';
import { renderTable } from './table.js';

const pct = (x: number) => `${(x * 100).toFixed(x < 0.001 ? 3 : 2)} %`;
const ms = (x: number) => (Number.isFinite(x) ? `${Math.round(x).toLocaleString('en-US')} ms` : 'n/a');
const num = (x: number) => (Number.isFinite(x) ? (Math.abs(x) >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1)) : 'n/a');

/** A figure's row: its mean and 95 % interval (no interval from fewer than two replications). */
function row(label: string, i: Interval, f: (x: number) => string, withInterval: boolean): string[] {
  return withInterval ? [label, f(i.mean), `${f(i.ciLow)} .. ${f(i.ciHigh)}`] : [label, f(i.mean)];
}

const JARS = { shared: 'shared by the whole run', 'per-install': 'one per install', none: 'none' } as const;

/** Per-instance burst shares and peaks as a table (the text output and the HTML report show the same columns). */
export function instanceTable(p: PredictionData): { header: string[]; rows: string[][]; numeric: boolean[] } {
  const shares = readShares(p.instanceShares, 'instance');
  return {
    header: ['instance', 'tasks', 'share of all bursts', 'CPU peak', 'iowait peak', 'mem avail min', 'swap max', 'cache hit', 'NFS ops/req'],
    rows: p.instances.map((i, k) => [
      i.name,
      String(i.tasks),
      shares[k] ? pct(shares[k].share) : 'n/a',
      pct(i.cpuUtilPeak),
      pct(i.iowaitPeak),
      `${Math.round(i.memAvailableMinMb)} MB`,
      `${Math.round(i.swapUsedMaxMb)} MB`,
      pct(i.pageCacheHitRate),
      num(i.nfsOpsPerRequest),
    ]),
    numeric: [false, true, true, true, true, true, true, true, true],
  };
}

/** Where the bursts went: each target's share, busiest first (ranked per replication, then averaged). */
export function targetSharesLine(p: Prediction): string {
  const ranked = p.targetShares.filter((t) => t.share >= 0.005).map((t) => pct(t.share));
  return `burst requests per target, all bursts of the run together, busiest first (mean over replications): ${ranked.length > 0 ? ranked.join(', ') : 'none'}`;
}

/** Failed operations by cause, one line (means over replications). */
export function failuresLine(p: PredictionData): string {
  const f = p.failures;
  return (
    `failures: client timeout ${num(f.clientTimeout.mean)}, connection error ${num(f.connectionError.mean)}, ` +
    `502 ${num(f.http502.mean)}, 503 ${num(f.http503.mean)}, 504 ${num(f.http504.mean)}, other ${num(f.httpOther.mean)}`
  );
}

/** The monthly cost line. */
export function costLine(p: PredictionData): string {
  return p.cost ? `cost: ${p.cost.totalUsd.toFixed(2)} USD per month (${p.cost.region}, prices of ${p.cost.priceDate})` : 'cost: not priced (local stack)';
}

/** The two lines that say what was predicted: the sizing, and scenario / calibration / replications / seed. */
export function predictionHeader(p: PredictionData): string[] {
  const c = p.config;
  const alg = c.algorithm === 'least_outstanding_requests' ? `least outstanding requests (feedback ${c.lorFeedbackMs} ms)` : 'round robin';
  // A prediction file written before stickiness and cookie jars were modelled states neither.
  const sticky = c.stickiness === undefined ? '' : `, stickiness ${c.stickiness ? 'on' : 'off'}`;
  return [
    `${c.instances} x ${c.instanceType} (${c.vcpus} vCPU, ${c.memoryMiB} MiB), ${c.tasks} tasks [${c.tasksPerInstance.join('+')}], ` +
      `${c.workers} ${c.workerClass} workers per task, ${alg}${sticky}, ${c.containerMemoryMb} MiB containers`,
    `scenario ${p.scenario.name} (${flowsOf(p)}), calibration ${p.calibration}, ${p.replications} replications, seed ${p.seed}`,
  ];
}

/** The scenario's flow and cookie jar, or its flow mix with each kind's share and jar. */
function flowsOf(p: PredictionData): string {
  if (!p.scenario.flowMix) return `${p.scenario.flow}${jarOf(p.scenario.client)}`;
  return `flow mix: ${p.scenario.flowMix.map((m) => `${m.name}${m.name === m.flow ? '' : ` as ${m.flow}`} ${(m.share * 100).toFixed(1)} %${jarOf(m.client)}`).join(', ')}`;
}

/** ", cookie jar ..." when the scenario states it (a prediction file written before cookie jars were modelled does not). */
function jarOf(client: { cookies?: keyof typeof JARS; sharedJars?: number } | undefined): string {
  if (client?.cookies === undefined) return '';
  const jars = client.sharedJars ?? 1;
  return `, cookie jar ${client.cookies === 'shared' && jars > 1 ? `${jars} jars, installs in turn` : JARS[client.cookies]}`;
}

/** The human-readable prediction: headline numbers with intervals, failures, instances, cost. */
export function renderPrediction(p: Prediction): string {
  const repo = p.scenario.repository;
  const repository = `repository: ${repo.projects} projects, ${repositoryFiles(repo)} files, ${repo.versionsPerProject.toFixed(repo.versionsPerProject % 1 === 0 ? 0 : 2)} files per project page, mean ${Math.round(repo.wheelBytes)} bytes a file`;
  const lines: string[] = [...predictionHeader(p), repository, ''];
  // One replication gives a value, not an interval: say so rather than print a zero-width one.
  const intervals = p.replications >= 2;
  const r = (label: string, i: Interval, f: (x: number) => string) => row(label, i, f, intervals);
  lines.push(
    renderTable(
      intervals ? ['metric', 'mean', '95 % interval'] : ['metric', 'value'],
      [
        r('error rate', p.errorRate, pct),
        r('P50 (successful ops)', p.latencyMs.p50, ms),
        r('P95 (successful ops)', p.latencyMs.p95, ms),
        r('P99 (successful ops)', p.latencyMs.p99, ms),
        r('P95 (all ops)', p.latencyAllMs.p95, ms),
        r('operations', p.operations, num),
        r('5xx responses', p.http5xx, num),
        r('busiest target, share of each burst', p.maxTargetShare, pct),
        r('busiest instance, share of each burst', p.maxInstanceShare, pct),
        r('sticky clients re-placed', p.stickyReplacements, num),
        r('task replacements', p.taskReplacements, num),
      ],
      intervals ? [false, true, true] : [false, true],
    ),
  );
  if (!intervals) lines.push('1 replication: no interval (give --replications 2 or more for 95 % intervals)');
  lines.push('');
  lines.push(failuresLine(p));
  lines.push('');
  lines.push(targetSharesLine(p));
  lines.push('');
  const instances = instanceTable(p);
  lines.push(renderTable(instances.header, instances.rows, instances.numeric));
  lines.push('');
  lines.push(costLine(p));
  if (p.autoscaling) {
    lines.push('');
    lines.push(renderAutoscaling(p.autoscaling, p.replications));
  }
  return lines.join('\n');
}
