/**
 * Predicted vs measured: a `capsim predict --json` output next to a
 * `capsim validate` summary.json, metric by metric, with the relative error
 * (predicted - measured) / measured, and for the error rate also the
 * difference in percentage points (a relative error of a rate near zero says
 * little).
 *
 * Both sides measure the same way (the seed tool's rules): error rate =
 * failed operations / operations; P50/P95/P99 over successful operations;
 * throughput = successful operations per second of run time; per-operation
 * means. The model's per-operation mean is over all operations of that name
 * (failures at the time they failed), the summary's over successful ones:
 * they agree when errors are rare.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { expectObject, type JsonObject, readJsonFile, shown } from '../input/data-file.js';
import { matchPredictionToRun, type Mismatch } from './compare-match.js';
import { formatNumber, renderTable } from './table.js';

export interface ComparedMetric {
  metric: string;
  unit: string;
  predicted: number | null;
  measured: number | null;
  /** (predicted - measured) / measured; null when either is missing or measured is 0. */
  relativeError: number | null;
  /** predicted - measured, in the metric's unit (percentage points for rates). */
  difference: number | null;
}

export interface Comparison {
  prediction: { file: string; sizing: string; scenario: string; calibration: string; replications: number };
  run: { file: string; profile: string; sizing: unknown; interrupted: boolean };
  metrics: ComparedMetric[];
  /** Where the prediction's sizing, scenario or load differ from the run's (empty when they agree). */
  mismatches: Mismatch[];
  /** What the run does not state, so could not be checked. */
  unchecked: string[];
}

/** The figures the comparison reads, from a prediction (means over replications) or from a measured run. */
export interface ComparedFigures {
  errorRate: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  operations: number;
  throughput: number;
  perOperationMeanMs: Record<string, number>;
}

function num(obj: JsonObject, key: string, where: string, nullable = false): number | null {
  const value = obj[key];
  if (value === null && nullable) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new UserError(`${where}: field "${key}" must be a number (got ${shown(value)})`);
  return value;
}

function meanOf(obj: JsonObject, key: string, where: string): number | null {
  const interval = expectObject(obj[key], `${where}: field "${key}"`);
  const value = interval.mean;
  if (value === null) return null;
  if (typeof value !== 'number') throw new UserError(`${where}: field "${key}.mean" must be a number (got ${shown(value)})`);
  return Number.isFinite(value) ? value : null;
}

/** Reads the figures of a `capsim predict --json` output. */
export function predictedFigures(raw: unknown, where: string): ComparedFigures {
  const root = expectObject(raw, where);
  if (!('latencyMs' in root) || !('errorRate' in root) || !('config' in root)) {
    throw new UserError(`${where}: not a capsim predict --json output (no "config", "errorRate" and "latencyMs" fields)`);
  }
  const latency = expectObject(root.latencyMs, `${where}: field "latencyMs"`);
  const perOperation: Record<string, number> = {};
  const ops = root.perOperation === undefined ? {} : expectObject(root.perOperation, `${where}: field "perOperation"`);
  for (const [name, entry] of Object.entries(ops)) {
    const mean = meanOf(expectObject(entry, `${where}: perOperation.${name}`), 'meanMs', `${where}: perOperation.${name}`);
    if (mean !== null) perOperation[name] = mean;
  }
  return {
    errorRate: meanOf(root, 'errorRate', where) ?? 0,
    p50: meanOf(latency, 'p50', `${where}: latencyMs`),
    p95: meanOf(latency, 'p95', `${where}: latencyMs`),
    p99: meanOf(latency, 'p99', `${where}: latencyMs`),
    operations: meanOf(root, 'operations', where) ?? 0,
    throughput: meanOf(root, 'throughputOpsPerSecond', where) ?? 0,
    perOperationMeanMs: perOperation,
  };
}

/** Reads the figures of a `capsim validate` summary.json (or the seed tool's summary). */
export function measuredFigures(raw: unknown, where: string): ComparedFigures {
  const root = expectObject(raw, where);
  if (!('error_rate' in root) || !('total_requests' in root)) {
    throw new UserError(`${where}: not a run summary (no "error_rate" and "total_requests" fields; give validate's summary.json)`);
  }
  const operations = num(root, 'total_requests', where) as number;
  const successful = num(root, 'successful_requests', where) as number;
  const duration = num(root, 'duration_seconds', where) as number;
  const perOperation: Record<string, number> = {};
  const ops = root.operations === undefined ? {} : expectObject(root.operations, `${where}: field "operations"`);
  for (const [name, entry] of Object.entries(ops)) {
    const mean = num(expectObject(entry, `${where}: operations.${name}`), 'latency_mean', `${where}: operations.${name}`, true);
    if (mean !== null) perOperation[name] = mean;
  }
  return {
    errorRate: num(root, 'error_rate', where) as number,
    p50: num(root, 'latency_median', where, true),
    p95: num(root, 'latency_p95', where, true),
    p99: num(root, 'latency_p99', where, true),
    operations,
    throughput: duration > 0 ? successful / duration : 0,
    perOperationMeanMs: perOperation,
  };
}

function metric(name: string, unit: string, predicted: number | null, measured: number | null, scale = 1): ComparedMetric {
  const both = predicted !== null && measured !== null;
  return {
    metric: name,
    unit,
    predicted,
    measured,
    relativeError: both && measured !== 0 ? (predicted - measured) / measured : null,
    difference: both ? (predicted - measured) * scale : null,
  };
}

/** Compares the figures metric by metric. */
export function compareFigures(p: ComparedFigures, m: ComparedFigures): ComparedMetric[] {
  const rows = [
    metric('error rate', 'points', p.errorRate, m.errorRate, 100),
    metric('P50', 'ms', p.p50, m.p50),
    metric('P95', 'ms', p.p95, m.p95),
    metric('P99', 'ms', p.p99, m.p99),
    metric('operations', '', p.operations, m.operations),
    metric('throughput', 'ops/s', p.throughput, m.throughput),
  ];
  for (const name of Object.keys(p.perOperationMeanMs)) {
    if (name in m.perOperationMeanMs) rows.push(metric(`${name} mean`, 'ms', p.perOperationMeanMs[name], m.perOperationMeanMs[name]));
  }
  return rows;
}

function describeSizing(config: JsonObject): string {
  const c = config as Record<string, unknown>;
  return `${c.instances} x ${c.instanceType}, ${c.tasks} tasks x ${c.workers} ${c.workerClass} workers, ${c.algorithm}`;
}

/** A run given as its directory or as its summary.json: the summary file. */
export function runSummaryPath(run: string): string {
  return existsSync(run) && statSync(run).isDirectory() ? path.join(run, 'summary.json') : run;
}

/** Compares a prediction file with a run summary file (or a validate run directory). */
export function compareFiles(predictionPath: string, runPath: string): Comparison {
  const summaryPath = runSummaryPath(runPath);
  const predictionRaw = readJsonFile(predictionPath, 'prediction file');
  const summaryRaw = readJsonFile(summaryPath, 'run summary');
  return compareData(predictionRaw, predictionPath, summaryRaw, summaryPath);
}

/** Compares a parsed prediction with a parsed run summary. */
export function compareData(predictionRaw: unknown, predictionPath: string, summaryRaw: unknown, summaryPath: string): Comparison {
  const predicted = predictedFigures(predictionRaw, predictionPath);
  const measured = measuredFigures(summaryRaw, summaryPath);
  const p = predictionRaw as JsonObject;
  const s = summaryRaw as JsonObject;
  const scenario = typeof p.scenario === 'object' && p.scenario !== null ? String((p.scenario as JsonObject).name) : '?';
  const match = matchPredictionToRun(p, s, summaryPath);
  return {
    prediction: {
      file: predictionPath,
      sizing: describeSizing(expectObject(p.config, `${predictionPath}: field "config"`)),
      scenario,
      calibration: String(p.calibration ?? '?'),
      replications: typeof p.replications === 'number' ? p.replications : 0,
    },
    run: { file: summaryPath, profile: String(s.profile ?? '?'), sizing: s.sizing ?? null, interrupted: s.interrupted === true },
    metrics: compareFigures(predicted, measured),
    mismatches: match.mismatches,
    unchecked: match.unchecked,
  };
}

/** The unit a metric's predicted and measured values are shown in. */
function valueUnit(m: ComparedMetric): string {
  if (m.metric === 'error rate') return '%';
  if (m.metric === 'operations') return 'count';
  if (m.unit === 'ops/s') return 'operations/s';
  return m.unit;
}

function shownValue(m: ComparedMetric, value: number | null): string {
  if (value === null) return '-';
  if (m.metric === 'error rate') return (100 * value).toFixed(2);
  return formatNumber(value, 4);
}

/** The comparison as a table (text and HTML): metric, unit, predicted, measured, relative error, difference with its unit. */
export function comparisonRows(c: Comparison): { header: string[]; rows: string[][]; numeric: boolean[] } {
  return {
    header: ['metric', 'unit', 'predicted', 'measured', 'relative error (%)', 'difference'],
    rows: c.metrics.map((m) => [
      m.metric,
      valueUnit(m),
      shownValue(m, m.predicted),
      shownValue(m, m.measured),
      m.relativeError === null ? '-' : `${m.relativeError >= 0 ? '+' : ''}${(100 * m.relativeError).toFixed(1)}`,
      m.difference === null ? '-' : `${m.difference >= 0 ? '+' : ''}${formatNumber(m.difference, 3)} ${m.unit === 'points' ? 'points' : valueUnit(m)}`,
    ]),
    numeric: [false, false, true, true, true, true],
  };
}

/** Human table: metric, unit, predicted, measured, relative error, difference. */
export function renderComparison(c: Comparison): string {
  const table = comparisonRows(c);
  const head = [
    `prediction: ${c.prediction.sizing}; scenario ${c.prediction.scenario}; calibration ${c.prediction.calibration}; ${c.prediction.replications} replications`,
    `measured:   ${c.run.file}${c.run.interrupted ? ' (INTERRUPTED: a partial run)' : ''}`,
    '',
  ];
  return `${head.join('\n')}${renderTable(table.header, table.rows, table.numeric)}\n`;
}
