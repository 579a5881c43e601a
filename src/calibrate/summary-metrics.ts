/**
 * Reads the measured metrics out of a run summary: the seed stress tool's
 * JSON summary, or `capsim validate`'s summary.json (the seed's keys plus
 * capsim's own, among them `diagnostics`).
 *
 * Keys read (the seed tool's names):
 * - total_requests (required): operations, a whole number >= 1;
 * - error_rate (required unless failed_requests is given): failures /
 *   operations. Units: capsim writes a fraction. When failed_requests or
 *   successful_requests is present, the rate is computed from the counts
 *   and error_rate must agree with it either as a fraction or as a percent
 *   (a mismatch is an error). Without counts, a value above 1 is read as a
 *   percent and a value <= 1 as a fraction, unless the sidecar says
 *   "errorRateUnit": "fraction" | "percent";
 * - latency_p95 (required), latency_median, latency_p99: successful
 *   operations, milliseconds (capsim and the seed tool both write ms; a
 *   sidecar "latencyUnit": "s" converts seconds); null when no operation
 *   succeeded;
 * - duration_seconds and successful_requests (optional): throughput =
 *   successful operations / duration (capsim's `requests_per_second` counts
 *   failures too, so it is not used);
 * - operations.<name>.latency_mean (optional): per-operation mean of the
 *   successful operations, ms;
 * - diagnostics (validate only, optional): per collection and host,
 *   parsed.cpu (percent: busy = user + system; iowait) and
 *   parsed.memory.availableMb; the busiest host's highest figure and the
 *   lowest available memory become cpuUtilPeak, iowaitPeak and
 *   memAvailableMinMb.
 */
import { UserError } from '../errors.js';
import { type JsonObject, shown } from '../input/data-file.js';
import type { RunMetrics } from './metrics.js';

export interface SummaryUnits {
  errorRate?: 'fraction' | 'percent';
  latency?: 'ms' | 's';
}

export interface SummaryMetrics {
  metrics: RunMetrics;
  operations: number;
  /** How units were decided, for the record. */
  notes: string[];
}

/** Extracts the metrics of a summary object; `where` names the file in messages. */
export function summaryMetrics(root: JsonObject, where: string, units: SummaryUnits = {}): SummaryMetrics {
  const notes: string[] = [];
  const total = root.total_requests;
  if (total === undefined) throw new UserError(`${where}: lacks required field "total_requests" (operations in the run)`);
  if (typeof total !== 'number' || !Number.isInteger(total) || total < 1) {
    throw new UserError(`${where}: field "total_requests" must be a whole number >= 1 (got ${shown(total)})`);
  }
  const count = (key: string): number | undefined => {
    const value = root[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > total) {
      throw new UserError(`${where}: field "${key}" must be a whole number between 0 and total_requests ${total} (got ${shown(value)})`);
    }
    return value;
  };
  const failedField = count('failed_requests');
  const successfulField = count('successful_requests');
  const failed = failedField ?? (successfulField !== undefined ? total - successfulField : undefined);
  const successful = successfulField ?? (failed !== undefined ? total - failed : undefined);
  const errorRate = readErrorRate(root.error_rate, failed, total, where, units.errorRate, notes);

  const scale = units.latency === 's' ? 1000 : 1;
  if (units.latency === 's') notes.push('latencies converted from seconds (sidecar latencyUnit "s")');
  const latency = (key: string, required: boolean): number | null => {
    const value = root[key];
    if (value === undefined) {
      if (required) throw new UserError(`${where}: lacks required field "${key}" (ms, successful operations; null when none succeeded)`);
      return null;
    }
    if (value === null) return null;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new UserError(`${where}: field "${key}" must be a number of ms >= 0 or null (got ${shown(value)})`);
    return value * scale;
  };
  const p95 = latency('latency_p95', true);
  const metrics: RunMetrics = { errorRate, p50Ms: latency('latency_median', false), p95Ms: p95, p99Ms: latency('latency_p99', false) };
  if (p95 === null && successful !== 0) throw new UserError(`${where}: field "latency_p95" is null but the run has successful operations`);

  const duration = root.duration_seconds;
  if (duration !== undefined && duration !== null) {
    if (typeof duration !== 'number' || !(duration > 0) || !Number.isFinite(duration)) {
      throw new UserError(`${where}: field "duration_seconds" must be a number > 0 (got ${shown(duration)})`);
    }
    if (successful !== undefined) metrics.throughputOpsPerSecond = successful / duration;
  }

  const ops = root.operations;
  if (ops !== undefined && ops !== null) {
    if (typeof ops !== 'object' || Array.isArray(ops)) throw new UserError(`${where}: field "operations" must be an object of per-operation statistics (got ${shown(ops)})`);
    const means: Record<string, number> = {};
    for (const [name, stats] of Object.entries(ops as JsonObject)) {
      if (typeof stats !== 'object' || stats === null || Array.isArray(stats)) throw new UserError(`${where}: operations.${name} must be an object (got ${shown(stats)})`);
      const mean = (stats as JsonObject).latency_mean;
      if (mean === undefined || mean === null) continue;
      if (typeof mean !== 'number' || !Number.isFinite(mean) || mean < 0) throw new UserError(`${where}: operations.${name}.latency_mean must be a number of ms >= 0 (got ${shown(mean)})`);
      means[name] = mean * scale;
    }
    if (Object.keys(means).length > 0) metrics.perOperationMeanMs = means;
  }

  if (root.diagnostics !== undefined && root.diagnostics !== null) Object.assign(metrics, diagnosticsMetrics(root.diagnostics, where));
  return { metrics, operations: total, notes };
}

function readErrorRate(
  value: unknown,
  failed: number | undefined,
  total: number,
  where: string,
  unit: 'fraction' | 'percent' | undefined,
  notes: string[],
): number {
  const fromCounts = failed !== undefined ? failed / total : undefined;
  if (value === undefined || value === null) {
    if (fromCounts === undefined) throw new UserError(`${where}: lacks required field "error_rate" (failures / operations; or give failed_requests)`);
    notes.push('error rate = failed_requests / total_requests');
    return fromCounts;
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 100) {
    throw new UserError(`${where}: field "error_rate" must be a fraction in [0, 1] or a percent in [0, 100] (got ${shown(value)})`);
  }
  if (unit !== undefined) {
    const rate = unit === 'percent' ? value / 100 : value;
    if (rate > 1) throw new UserError(`${where}: field "error_rate" ${value} is above 1 but the sidecar says it is a fraction`);
    notes.push(`error_rate read as a ${unit} (sidecar errorRateUnit)`);
    return rate;
  }
  if (fromCounts !== undefined) {
    const close = (a: number) => Math.abs(a - fromCounts) <= Math.max(0.0006, 0.02 * fromCounts);
    if (close(value)) {
      notes.push('error_rate read as a fraction (it matches failed / total)');
      return fromCounts;
    }
    if (close(value / 100)) {
      notes.push('error_rate read as a percent (value / 100 matches failed / total)');
      return fromCounts;
    }
    throw new UserError(
      `${where}: field "error_rate" ${value} matches neither failed / total = ${fromCounts.toFixed(6)} (as a fraction) nor ${(100 * fromCounts).toFixed(4)} (as a percent)`,
    );
  }
  if (value > 1) {
    notes.push('error_rate read as a percent (value above 1)');
    return value / 100;
  }
  notes.push('error_rate read as a fraction (value <= 1, no counts to check against)');
  return value;
}

/** CPU and memory figures of validate's diagnostics collections (absent when none parsed). */
function diagnosticsMetrics(raw: unknown, where: string): Pick<RunMetrics, 'cpuUtilPeak' | 'iowaitPeak' | 'memAvailableMinMb'> {
  if (!Array.isArray(raw)) throw new UserError(`${where}: field "diagnostics" must be an array of collections (got ${shown(raw)})`);
  let cpuPeak: number | undefined;
  let iowaitPeak: number | undefined;
  let memMin: number | undefined;
  const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  raw.forEach((collection, c) => {
    const hosts = (collection as { hosts?: unknown } | null)?.hosts;
    if (!Array.isArray(hosts)) throw new UserError(`${where}: diagnostics[${c}].hosts must be an array`);
    for (const host of hosts) {
      const parsed = (host as { parsed?: { cpu?: unknown; memory?: unknown } } | null)?.parsed;
      const cpu = parsed?.cpu as { user?: unknown; system?: unknown; iowait?: unknown } | null | undefined;
      if (cpu && num(cpu.user) && num(cpu.system)) cpuPeak = Math.max(cpuPeak ?? 0, (cpu.user + cpu.system) / 100);
      if (cpu && num(cpu.iowait)) iowaitPeak = Math.max(iowaitPeak ?? 0, cpu.iowait / 100);
      const memory = parsed?.memory as { availableMb?: unknown } | null | undefined;
      if (memory && num(memory.availableMb)) memMin = Math.min(memMin ?? Infinity, memory.availableMb);
    }
  });
  const out: Pick<RunMetrics, 'cpuUtilPeak' | 'iowaitPeak' | 'memAvailableMinMb'> = {};
  if (cpuPeak !== undefined) out.cpuUtilPeak = cpuPeak;
  if (iowaitPeak !== undefined) out.iowaitPeak = iowaitPeak;
  if (memMin !== undefined) out.memAvailableMinMb = memMin;
  return out;
}
