/**
 * The metrics a fit compares, measured (from a run file) or predicted (by the
 * model), in one shape. Definitions follow the seed tool's summary:
 * - errorRate: failed operations / operations, a fraction (0.193 = 19.3 %);
 * - p50Ms / p95Ms / p99Ms: percentiles of successful operations, ms
 *   (null when a run had no successful operation);
 * - throughputOpsPerSecond: successful operations per second of run time;
 * - perOperationMeanMs: mean latency per operation name, ms (the model's
 *   names, src/scenario/flows.ts: root, simple, download for the seed tool;
 *   root or simple, download for pip); names only one side has are skipped;
 * - cpuUtilPeak / iowaitPeak: busiest instance, fraction of all its vCPUs
 *   (observed: the highest diagnostics-window average taken during a
 *   burst; predicted: the highest 1-s value);
 * - memAvailableMinMb: the lowest "available" memory of any instance, MB.
 * Optional metrics are absent when the run did not measure them.
 */
export interface RunMetrics {
  errorRate: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  throughputOpsPerSecond?: number;
  perOperationMeanMs?: Record<string, number>;
  cpuUtilPeak?: number;
  iowaitPeak?: number;
  memAvailableMinMb?: number;
}

/** The scalar metrics, in report order (perOperationMeanMs is handled per operation). */
export const SCALAR_METRICS = ['errorRate', 'p50Ms', 'p95Ms', 'p99Ms', 'throughputOpsPerSecond', 'cpuUtilPeak', 'iowaitPeak', 'memAvailableMinMb'] as const;
export type ScalarMetric = (typeof SCALAR_METRICS)[number];

/** Metric names accepted by --weight: the scalar metrics and perOperationMeanMs. */
export const METRIC_NAMES = [...SCALAR_METRICS, 'perOperationMeanMs'] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

export function isMetricName(name: string): name is MetricName {
  return (METRIC_NAMES as readonly string[]).includes(name);
}

/** Metric values keyed like loss terms ("p95Ms", "perOperationMeanMs.root"), only those `observed` has. */
export function metricEntries(metrics: RunMetrics, observed: RunMetrics): Map<string, number | null> {
  const out = new Map<string, number | null>();
  for (const name of SCALAR_METRICS) {
    if (observed[name] === undefined || observed[name] === null) continue;
    const value = metrics[name];
    out.set(name, typeof value === 'number' && Number.isFinite(value) ? value : null);
  }
  for (const op of Object.keys(observed.perOperationMeanMs ?? {})) {
    const value = metrics.perOperationMeanMs?.[op];
    if (value !== undefined) out.set(`perOperationMeanMs.${op}`, Number.isFinite(value) ? value : null);
  }
  return out;
}

/** The metric name of a key ("perOperationMeanMs.root" -> "perOperationMeanMs"). */
export function metricOfKey(key: string): MetricName {
  return (key.startsWith('perOperationMeanMs.') ? 'perOperationMeanMs' : key) as MetricName;
}
