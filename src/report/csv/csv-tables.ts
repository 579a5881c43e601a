/**
 * The CSV files each command writes with --csv DIR. Column names carry their
 * unit (_ms, _s, _usd_per_month; rates are fractions); headline.csv names the
 * unit of each row.
 *   predict:  headline.csv (metric, label, unit, mean, ci_low, ci_high), operations.csv, timeline.csv
 *   validate: headline.csv (metric, label, unit, value), operations.csv, timeline.csv
 *   compare:  headline.csv (metric, unit, predicted, measured, relative_error, difference, difference_unit),
 *             operations.csv, timeline.csv (when both sides have a timeline)
 *   plan:     candidates.csv
 */
import type { Comparison } from '../compare.js';
import { UNIT_LABEL } from '../figures.js';
import { predictionFigures, predictionTimeline, type PredictionData } from '../sources/prediction-view.js';
import type { PlanData } from '../sources/report-input.js';
import { runFigures, runTimeline, type RunData } from '../sources/run-view.js';
import { binTimeline, type LabelledTimeline } from '../timeline-bins.js';
import type { CsvTable } from './csv.js';

const finite = (x: number | undefined | null) => (x === undefined || x === null || !Number.isFinite(x) ? null : x);

/** Per-second rows of a timeline with the burst flag. */
function timelineRows(t: LabelledTimeline): Array<{ t: number; requests: number; responses: number; errors: number; burst: boolean }> {
  return binTimeline(t.points, t.bursts, 1);
}

export function predictionCsv(p: PredictionData): Record<string, CsvTable> {
  const tables: Record<string, CsvTable> = {
    headline: {
      header: ['metric', 'label', 'unit', 'mean', 'ci_low', 'ci_high'],
      rows: predictionFigures(p).map((f) => [f.metric, f.label, UNIT_LABEL[f.unit], f.value, f.ciLow, f.ciHigh]),
    },
    operations: {
      header: ['operation', 'operations', 'error_rate', 'mean_ms', 'mean_ok_ms', 'p95_ms', 'p95_ci_low_ms', 'p95_ci_high_ms'],
      rows: Object.entries(p.perOperation ?? {}).map(([name, o]) => [name, o.operations.mean, o.errorRate.mean, finite(o.meanMs.mean), finite(o.meanOkMs?.mean), finite(o.p95Ms.mean), finite(o.p95Ms.ciLow), finite(o.p95Ms.ciHigh)]),
    },
  };
  const timeline = predictionTimeline(p);
  tables.timeline = {
    header: ['t_s', 'requests', 'responses', 'errors', 'burst'],
    rows: timeline ? timelineRows(timeline).map((r) => [r.t, r.requests, r.responses, r.errors, r.burst]) : [],
  };
  return tables;
}

export function runCsv(s: RunData): Record<string, CsvTable> {
  const timeline = runTimeline(s);
  const bursts = timeline?.bursts ?? [];
  return {
    headline: { header: ['metric', 'label', 'unit', 'value'], rows: runFigures(s).map((f) => [f.metric, f.label, UNIT_LABEL[f.unit], f.value]) },
    operations: {
      header: ['operation', 'operations', 'successful', 'failed', 'error_rate', 'mean_ms', 'p50_ms', 'p95_ms', 'p99_ms', 'min_ms', 'max_ms'],
      rows: Object.entries(s.operations ?? {}).map(([name, o]) => [name, o.total_requests, o.successful_requests, o.failed_requests, o.error_rate, o.latency_mean, o.latency_median, o.latency_p95, o.latency_p99, o.latency_min, o.latency_max]),
    },
    timeline: {
      header: ['t_s', 'requests', 'responses', 'errors', 'operations', 'failures', 'status_5xx', 'timeouts', 'connection_errors', 'p95_ms', 'burst'],
      rows: (s.timeline ?? []).map((sec, i) => {
        const point = timeline?.points[i];
        return [sec.second, sec.requests_sent, point?.responses, point?.errors, sec.operations, sec.failures, sec.status_5xx, sec.timeouts, sec.connection_errors, sec.latency_p95, bursts.some((b) => b.startS < sec.second + 1 && b.endS > sec.second)];
      }),
    },
  };
}

export function compareCsv(c: Comparison, prediction: PredictionData, run: RunData): Record<string, CsvTable> {
  const operation = /^(.+) mean$/;
  const tables: Record<string, CsvTable> = {
    headline: {
      header: ['metric', 'unit', 'predicted', 'measured', 'relative_error', 'difference', 'difference_unit'],
      rows: c.metrics.filter((m) => !operation.test(m.metric)).map((m) => [m.metric, m.metric === 'error rate' ? 'fraction' : m.unit || 'count', m.predicted, m.measured, m.relativeError, m.difference, m.unit || 'count']),
    },
    operations: {
      header: ['operation', 'predicted_mean_ms', 'measured_mean_ms', 'relative_error', 'difference_ms'],
      rows: c.metrics.filter((m) => operation.test(m.metric)).map((m) => [operation.exec(m.metric)![1], m.predicted, m.measured, m.relativeError, m.difference]),
    },
  };
  const predicted = predictionTimeline(prediction);
  const measured = runTimeline(run);
  const p = predicted ? timelineRows(predicted) : [];
  const m = measured ? timelineRows(measured) : [];
  tables.timeline = {
    header: ['t_s', 'predicted_requests', 'predicted_responses', 'predicted_errors', 'measured_requests', 'measured_responses', 'measured_errors'],
    rows: predicted && measured ? Array.from({ length: Math.max(p.length, m.length) }, (_, i) => [i, p[i]?.requests, p[i]?.responses, p[i]?.errors, m[i]?.requests, m[i]?.responses, m[i]?.errors]) : [],
  };
  return tables;
}

export function planCsv(plan: PlanData): Record<string, CsvTable> {
  const pareto = new Set(plan.analysis.pareto.map((c) => c.id));
  const recommended = plan.analysis.recommendation?.id;
  return {
    candidates: {
      header: [
        'id', 'instance_type', 'instances', 'tasks', 'workers', 'worker_class', 'algorithm', 'container_memory_mb', 'container_cpu',
        'cost_usd_per_month', 'replications', 'error_rate', 'error_rate_ci_low', 'error_rate_ci_high', 'p95_ms', 'p95_ci_low_ms', 'p95_ci_high_ms',
        'p50_ms', 'http_5xx', 'cpu_peak', 'max_target_share', 'status', 'pareto', 'recommended', 'why',
      ],
      rows: plan.candidates.map((c) => [
        c.id, c.instanceType, c.instances, c.tasks, c.workers, c.workerClass, c.algorithm, c.containerMemoryMb, c.containerCpu,
        c.costPerMonthUsd, c.replications, c.errorRate.mean, finite(c.errorRate.ciLow), finite(c.errorRate.ciHigh), finite(c.p95Ms.mean), finite(c.p95Ms.ciLow), finite(c.p95Ms.ciHigh),
        finite(c.p50Ms.mean), c.http5xx, c.cpuPeak, c.maxTargetShare, c.status, pareto.has(c.id), c.id === recommended, c.why,
      ]),
    },
  };
}
