/**
 * What a report reads from a prediction (`capsim predict --json`, or the
 * object in memory): headline figures, and the data of each chart when the
 * prediction holds it (the timeline and bursts when predicted with a
 * timeline, per-operation latency distributions, per-instance series,
 * burst shares per target and per instance, autoscaling's task counts).
 */
import type { Prediction } from '../../prediction/predict.js';
import type { TaskCountSample, ScalingEvent } from '../charts/autoscaling-chart.js';
import type { InstanceSample } from '../charts/instance-series-chart.js';
import type { LabelledDistributions } from '../charts/latency-cdf-chart.js';
import type { ShareBar } from '../charts/share-chart.js';
import { intervalFigure, type Figure } from '../figures.js';
import type { LabelledTimeline } from '../timeline-bins.js';
import { readShares } from './shares.js';

/**
 * A prediction as a file may hold it: the model's fields (a file written before burst shares existed may
 * lack them: read leniently), plus outputs that other parts of the model add and the report draws when
 * present (autoscaling's task counts and events).
 */
export type PredictionData = Omit<Prediction, 'targetShares' | 'instanceShares' | 'maxInstanceShare' | 'stickyReplacements'> & {
  targetShares?: unknown;
  instanceShares?: unknown;
  maxInstanceShare?: Prediction['maxTargetShare'];
  stickyReplacements?: Prediction['stickyReplacements'];
  autoscaling?: { tasks?: TaskCountSample[]; events?: ScalingEvent[] };
};

export function predictionFigures(p: PredictionData): Figure[] {
  const figures: Figure[] = [
    intervalFigure('error_rate', 'error rate', 'fraction', p.errorRate),
    intervalFigure('p50', 'P50 (successful operations)', 'ms', p.latencyMs.p50),
    intervalFigure('p95', 'P95 (successful operations)', 'ms', p.latencyMs.p95),
    intervalFigure('p99', 'P99 (successful operations)', 'ms', p.latencyMs.p99),
    intervalFigure('p95_all', 'P95 (all operations)', 'ms', p.latencyAllMs?.p95),
    intervalFigure('operations', 'operations', 'count', p.operations),
    intervalFigure('http_requests', 'HTTP requests', 'count', p.httpRequests),
    intervalFigure('http_5xx', '5xx responses', 'count', p.http5xx),
    intervalFigure('throughput', 'throughput (successful operations)', 'ops/s', p.throughputOpsPerSecond),
    intervalFigure('max_target_share', 'busiest target, share of each burst', 'fraction', p.maxTargetShare),
  ];
  if (p.maxInstanceShare) figures.push(intervalFigure('max_instance_share', 'busiest instance, share of each burst', 'fraction', p.maxInstanceShare));
  if (p.stickyReplacements) figures.push(intervalFigure('sticky_replacements', 'sticky clients re-placed', 'count', p.stickyReplacements));
  figures.push(intervalFigure('task_replacements', 'task replacements', 'count', p.taskReplacements));
  return figures;
}

export function predictionTimeline(p: PredictionData, label = 'predicted'): LabelledTimeline | null {
  if (!p.timeline || p.timeline.length === 0) return null;
  return { label, points: p.timeline.map((b) => ({ t: b.t, requests: b.requests, responses: b.responses, errors: b.errors })), bursts: p.bursts ?? [] };
}

export function predictionDistributions(p: PredictionData, label = 'predicted'): LabelledDistributions | null {
  if (!p.latencyDistribution) return null;
  const finite = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x : null);
  return {
    label,
    operations: Object.entries(p.latencyDistribution).map(([operation, d]) => ({ operation, ok: d.ok, failed: d.failed })),
    marks: { p50: finite(p.latencyMs.p50.mean), p95: finite(p.latencyMs.p95.mean), p99: finite(p.latencyMs.p99.mean) },
  };
}

export function predictionShares(p: PredictionData): { targets: ShareBar[]; instances: ShareBar[] } {
  return { targets: readShares(p.targetShares, 'target'), instances: readShares(p.instanceShares, 'instance') };
}

export function predictionInstanceSamples(p: PredictionData): InstanceSample[] {
  return (p.instanceSeries ?? []).flatMap((series) =>
    series.t.map((t, i) => ({ instance: series.name, t, cpu: series.cpu[i] ?? null, iowait: series.iowait[i] ?? null, memAvailableMb: series.memAvailableMb[i] ?? null })),
  );
}
